import { beforeAll, describe, expect, it } from 'vitest';
import * as ort from 'onnxruntime-node';
import * as ortWeb from 'onnxruntime-web';
import { assertRoutableWithHalo, exportDynamicSR, routePathId, routingThresholds } from './export-onnx.js';
import { defaultPathSpecs } from './wdsr-spec.js';
import { initWeights } from './init-weights.js';
import { SeededRandom } from './seeded-random.js';
import { writeModel, readModel } from '../onnx/model-io.js';
import type { Graph } from '../onnx/graph.js';
import type { DynamicSRSpec, Weights } from './spec.js';
import { forwardPath } from '../train/forward.js';
import { initTfBackend } from '../train/tf-backend.js';

/** Initial weights perturbed everywhere, so every parameter (tail, skip, biases) affects the output. */
function randomWeights(spec: DynamicSRSpec, seed: number): Weights {
  const w = initWeights(spec, seed);
  const r = new SeededRandom(seed + 99);
  for (const [name, t] of w) {
    const amp = name.endsWith('.b') ? 0.05 : name.includes('.skip') || name.includes('.tail') ? 0.05 : 0;
    for (let i = 0; i < t.data.length; i++) t.data[i] += r.uniform(-amp, amp);
  }
  return w;
}

function randomInput(n: number, seed: number): Float32Array {
  const r = new SeededRandom(seed);
  return Float32Array.from({ length: n }, () => r.next());
}

function maxAbsDiff(a: Float32Array, b: Float32Array): number {
  expect(a.length).toBe(b.length);
  let m = 0;
  for (let i = 0; i < a.length; i++) m = Math.max(m, Math.abs(a[i] - b[i]));
  return m;
}

function allNodeNames(g: Graph, out: string[] = []): string[] {
  for (const n of g.nodes) {
    out.push(n.name);
    for (const a of Object.values(n.attributes)) if (a.type === 'graph') allNodeNames(a.value, out);
  }
  return out;
}

beforeAll(async () => { await initTfBackend(); });

describe('exportDynamicSR', () => {
  it.each([
    { scale: 2 as const, patches: [[12, 16], [24, 24], [6, 8]] as [number, number][], halo: 1 },
    { scale: 3 as const, patches: [[16, 16], [8, 8]] as [number, number][], halo: 1 },
    { scale: 4 as const, patches: [[10, 10]] as [number, number][], halo: 2 },
    { scale: 2 as const, patches: [[32, 32], [20, 20], [12, 12], [6, 6]] as [number, number][], halo: 1 },
  ])('onnxruntime on the exported file equals tfjs on the same weights, routed by height (x$scale, $patches.length paths, halo $halo)', async ({ scale, patches, halo }) => {
    const spec = defaultPathSpecs(scale, patches);
    const weights = randomWeights(spec, 7);
    const bytes = writeModel(exportDynamicSR(spec, weights));
    const session = await ort.InferenceSession.create(bytes);
    for (const p of spec.paths) {
      for (const [h, w] of [[p.patch[0], p.patch[1]], [p.patch[0] + 2 * halo, p.patch[1] + 2 * halo]]) {
        expect(routePathId(spec, h)).toBe(p.id);
        const n = 2;
        const lr = randomInput(n * 3 * h * w, h * 31 + w);
        const got = (await session.run({ lr: new ort.Tensor('float32', lr, [n, 3, h, w]) })).hr;
        expect(got.dims).toEqual([n, 3, h * scale, w * scale]);
        const onnxOut = got.data as Float32Array;
        expect(maxAbsDiff(onnxOut, forwardPath(spec, weights, p.id, lr, n, h, w))).toBeLessThan(1e-4);
        // routing really chose this path: every other path gives a different answer
        for (const q of spec.paths) if (q.id !== p.id) expect(maxAbsDiff(onnxOut, forwardPath(spec, weights, q.id, lr, n, h, w))).toBeGreaterThan(1e-3);
      }
    }
  });

  it('runs unchanged in onnxruntime-web (wasm EP) with the same outputs as onnxruntime-node on every path', async () => {
    ortWeb.env.wasm.numThreads = 1;
    const spec = defaultPathSpecs(2, [[24, 24], [12, 12], [6, 6]]);
    const bytes = writeModel(exportDynamicSR(spec, randomWeights(spec, 11)));
    const node = await ort.InferenceSession.create(bytes);
    const web = await ortWeb.InferenceSession.create(bytes, { executionProviders: ['wasm'] });
    for (const p of spec.paths) {
      const [h, w] = p.patch;
      const lr = randomInput(3 * h * w, h);
      const a = (await node.run({ lr: new ort.Tensor('float32', lr, [1, 3, h, w]) })).hr.data as Float32Array;
      const b = (await web.run({ lr: new ortWeb.Tensor('float32', lr, [1, 3, h, w]) })).hr.data as Float32Array;
      expect(maxAbsDiff(a, b)).toBeLessThan(1e-4);
    }
    await web.release();
  });

  it('has the agreed structure: lr/hr, one mean, all weights in the main graph, unique node names, nested If', () => {
    const spec = defaultPathSpecs(2, [[24, 24], [12, 12], [6, 6]]);
    const model = readModel(writeModel(exportDynamicSR(spec, initWeights(spec, 1))));
    const g = model.graph;
    expect(model.opsetImports).toEqual([{ domain: '', version: 17 }]);
    expect(model.irVersion).toBe(8);
    expect(g.inputs).toEqual([{ name: 'lr', dtype: 'float32', shape: ['N', 3, 'h', 'w'] }]);
    expect(g.outputs.map((o) => o.name)).toEqual(['hr']);
    expect(g.nodes.map((n) => n.opType)).toEqual(['Shape', 'Constant', 'Gather', 'Constant', 'Less', 'If']);
    expect([...g.initializers.get('mean')!.data as Float32Array]).toEqual([0.5, 0.5, 0.5]);
    // 3 paths: 2+3+4 blocks -> (2 + 2B + 2) convs each, w and b
    expect(g.initializers.size).toBe(1 + 2 * [2, 3, 4].reduce((a, b) => a + 2 * b + 3, 0));
    const names = allNodeNames(g);
    expect(new Set(names).size).toBe(names.length);
    expect(names).toContain('p1/head');
    expect(names).toContain('route/if1');
    expect(routingThresholds(spec)).toEqual([18, 9]);
    const ifNode = g.nodes[5];
    const elseB = ifNode.attributes.else_branch;
    expect(elseB.type === 'graph' && elseB.value.inputs.length === 0 && elseB.value.nodes.some((n) => n.name === 'p0/head')).toBe(true);
  });

  it('folds the residual scale 1/sqrt(B) into c2 only', () => {
    const spec = defaultPathSpecs(2, [[16, 16], [8, 8]]);
    const w = initWeights(spec, 3);
    const g = exportDynamicSR(spec, w).graph;
    const ratio = (name: string): number => (g.initializers.get(name)!.data as Float32Array)[5] / w.get(name)!.data[5];
    expect(ratio('p1.b0.c2.w')).toBeCloseTo(1 / Math.sqrt(4), 6);
    expect(ratio('p0.b1.c2.w')).toBeCloseTo(1 / Math.sqrt(2), 6);
    expect(ratio('p1.b0.c1.w')).toBe(1);
  });

  it('assertRoutableWithHalo rejects a halo that pushes an input over its threshold', () => {
    const spec = defaultPathSpecs(2, [[24, 24], [12, 12], [6, 6]]);
    expect(() => assertRoutableWithHalo(spec, 1)).not.toThrow();
    // path 2: 6 + 2*2 = 10 >= threshold 9 -> would run path 1
    expect(() => assertRoutableWithHalo(spec, 2)).toThrow(/height 10 .* routes to path 1/);
  });

  it('rejects weights that do not match the spec', () => {
    const spec = defaultPathSpecs(2, [[16, 16]]);
    const other = initWeights(defaultPathSpecs(3, [[16, 16]]), 1);
    expect(() => exportDynamicSR(spec, other)).toThrow(/p0.tail.w.*expected/);
  });
});
