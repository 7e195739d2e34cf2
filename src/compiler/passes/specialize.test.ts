import { describe, expect, it } from 'vitest';
import * as ort from 'onnxruntime-node';
import { exportDynamicSR, routePathId } from '../../model/export-onnx.js';
import { initWeights } from '../../model/init-weights.js';
import { defaultPathSpecs } from '../../model/wdsr-spec.js';
import type { Model } from '../../onnx/graph.js';
import { GraphBuilder, attr, tensorF32 } from '../../onnx/graph-builder.js';
import { readModel, writeModel } from '../../onnx/model-io.js';
import { randomF32 } from '../test-support/ort-check.js';
import { routedMarkerModel } from '../test-support/test-models.js';
import { removeDeadNodes, specializeForShape } from './specialize.js';

/** A 3-path exported model with random (not bilinear-initialised) weights, so every path gives a different output. */
function exportedModel(): { model: Model; spec: ReturnType<typeof defaultPathSpecs> } {
  const spec = defaultPathSpecs(2, [[40, 40], [20, 20], [10, 10]]);
  for (const p of spec.paths) { p.channels = 4; p.blocks = p.id + 1; }
  const weights = initWeights(spec, 3);
  let seed = 100;
  for (const w of weights.values()) w.data = randomF32(w.data.length, seed++).map((v) => v * 0.2);
  return { model: exportDynamicSR(spec, weights), spec };
}

/** Largest elementwise difference; onnxruntime fuses main-graph convs differently from subgraph ones, so outputs agree to float rounding. */
function maxAbsDiff(a: Float32Array, b: Float32Array): number {
  expect(a.length).toBe(b.length);
  let m = 0;
  for (let i = 0; i < a.length; i++) m = Math.max(m, Math.abs(a[i] - b[i]));
  return m;
}

async function run(model: Model, lr: ort.Tensor): Promise<Float32Array> {
  const session = await ort.InferenceSession.create(writeModel(model));
  const out = (await session.run({ lr })).hr.data as Float32Array;
  await session.release();
  return out;
}

describe('specializeForShape', () => {
  const { model, spec } = exportedModel();
  const halo = 2;
  // each path's patch height, and the same plus the halo, as the runtime feeds it
  const cases = spec.paths.flatMap((p) => [p.patch[0], p.patch[0] + 2 * halo].map((h) => ({ h, w: p.patch[1], path: p.id })));

  it.each(cases)('height $h: the straight-line graph for path $path gives onnxruntime the same output as the routed model', async ({ h, w, path }) => {
    expect(routePathId(spec, h)).toBe(path);
    const { graph } = specializeForShape(model, { lr: ['N', 3, h, w] });
    const ops = new Set(graph.nodes.map((n) => n.opType));
    expect(ops.has('If') || ops.has('Shape') || ops.has('Gather') || ops.has('Less')).toBe(false);
    expect([...ops].sort()).toEqual(['Add', 'Conv', 'DepthToSpace', 'Relu', 'Sub']);
    // only this path's nodes and weights remain
    expect(graph.nodes.every((n) => n.name.startsWith(`p${path}/`))).toBe(true);
    expect([...graph.initializers.keys()].every((k) => k === 'mean' || k.startsWith(`p${path}.`))).toBe(true);
    // every shape is known up to the batch symbol N
    for (const v of [...graph.valueInfo, ...graph.outputs]) expect(v.shape!.every((d) => typeof d === 'number' || d === 'N'), v.name).toBe(true);
    expect(graph.outputs[0]).toEqual({ name: 'hr', dtype: 'float32', shape: ['N', 3, 2 * h, 2 * w] });

    const specialised: Model = { ...model, graph };
    const bytes = writeModel(specialised);
    expect(readModel(bytes).graph.nodes).toHaveLength(graph.nodes.length);
    const lr = new ort.Tensor('float32', randomF32(2 * 3 * h * w, h), [2, 3, h, w]);
    const [a, b] = [await run(model, lr), await run(specialised, lr)];
    expect(maxAbsDiff(a, b)).toBeLessThan(1e-5);
  });

  it('the test can fail: another path specialised at this height gives a different output', async () => {
    const h = 20, w = 20;
    const own = specializeForShape(model, { lr: ['N', 3, h, w] }).graph;
    const other = specializeForShape(model, { lr: ['N', 3, 40, 40] }).graph;
    // feed the 40-path's straight-line graph a 20-high input: it runs, but its weights differ
    const otherAt20: Model = { ...model, graph: { ...other, inputs: model.graph.inputs, outputs: model.graph.outputs, valueInfo: [] } };
    const lr = new ort.Tensor('float32', randomF32(3 * h * w, 9), [1, 3, h, w]);
    const [a, b] = [await run({ ...model, graph: own }, lr), await run(otherAt20, lr)];
    expect(maxAbsDiff(a, b)).toBeGreaterThan(1e-2);
  });

  it('works on nested Ifs with 2 and 3 paths of the marker model', async () => {
    for (const heights of [[40, 20], [40, 24, 12]]) {
      const m = routedMarkerModel(heights);
      for (const [k, h] of heights.entries()) {
        const { graph } = specializeForShape(m, { lr: ['N', 3, h, 6] });
        expect(graph.nodes.map((n) => n.name)).toEqual([`p${k}/conv`, `p${k}/shuffle`, `p${k}/out`]);
        expect(graph.nodes[2].outputs).toEqual(['hr']);
        const lr = new ort.Tensor('float32', randomF32(3 * h * 6, k), [1, 3, h, 6]);
        expect(maxAbsDiff(await run({ ...m, graph }, lr), await run(m, lr))).toBeLessThan(1e-5);
      }
    }
  });

  it('throws a clear error when an If does not resolve', () => {
    expect(() => specializeForShape(model, { lr: ['N', 3, 'h', 'w'] })).toThrow(/If node 'route\/if0' does not resolve .*not a constant/);
  });

  // onnxruntime refuses such a branch, so this one is checked structurally only
  it('binds the If output with an Identity when a branch returns an outer tensor directly', () => {
    const b = new GraphBuilder('passthrough');
    b.input('lr', 'float32', ['N', 3, 'h', 'w']);
    const [shape] = b.node('Shape', ['lr'], {}, { name: 'shape', outputs: ['shape'] });
    const [rank] = b.node('Size', [shape], {}, { name: 'rank', outputs: ['rank'] });
    const four = b.initializer('four', { dtype: 'int64', dims: [], data: BigInt64Array.from([4n]) });
    const [cond] = b.node('Equal', [rank, four], {}, { name: 'is4d', outputs: ['is4d'] });
    const thenB = new GraphBuilder('then');
    thenB.output('lr', 'float32', null);
    const elseB = new GraphBuilder('else');
    elseB.node('Relu', ['lr'], {}, { name: 'else/relu', outputs: ['else/out'] });
    elseB.output('else/out', 'float32', null);
    b.node('If', [cond], { then_branch: attr.graph(thenB.buildGraph()), else_branch: attr.graph(elseB.buildGraph()) }, { name: 'choose', outputs: ['y'] });
    b.initializer('two', tensorF32([], [2]));
    b.node('Mul', ['y', 'two'], {}, { name: 'double', outputs: ['hr'] });
    b.output('hr', 'float32', null);
    const m = b.build();
    const { graph, analysis } = specializeForShape(m, { lr: ['N', 3, 'h', 'w'] });
    expect(analysis.branches.get('choose')).toBe('then');
    expect(graph.nodes.map((n) => `${n.opType}:${n.inputs.join(',')}->${n.outputs.join(',')}`)).toEqual(['Identity:lr->y', 'Mul:y,two->hr']);
    expect(graph.nodes[0].name).toBe('choose/then_identity0');
  });
});

describe('removeDeadNodes', () => {
  it('drops nodes and initializers that no output needs, keeps order', () => {
    const b = new GraphBuilder('dead');
    b.input('x', 'float32', [2]);
    b.initializer('unused_w', tensorF32([1], [1]));
    b.initializer('k', tensorF32([1], [3]));
    b.node('Relu', ['x'], {}, { name: 'dead1', outputs: ['d1'] });
    b.node('Neg', ['d1'], {}, { name: 'dead2', outputs: ['d2'] });
    b.node('Mul', ['x', 'k'], {}, { name: 'live1', outputs: ['l1'] });
    b.node('Add', ['l1', 'unused_w'], {}, { name: 'dead3', outputs: ['d3'] });
    b.node('Abs', ['l1'], {}, { name: 'live2', outputs: ['y'] });
    b.output('y', 'float32', [2]);
    const g = removeDeadNodes(b.buildGraph());
    expect(g.nodes.map((n) => n.name)).toEqual(['live1', 'live2']);
    expect([...g.initializers.keys()]).toEqual(['k']);
  });
});
