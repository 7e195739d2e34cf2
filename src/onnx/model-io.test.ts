import { describe, expect, it } from 'vitest';
import * as ort from 'onnxruntime-node';
import { readModel, writeModel } from './model-io.js';
import { GraphBuilder, attr, tensorF32, tensorI64 } from './graph-builder.js';

function randomF32(n: number, seed = 1): Float32Array {
  let s = seed >>> 0;
  return Float32Array.from({ length: n }, () => { s = (s * 1664525 + 1013904223) >>> 0; return s / 2 ** 32 - 0.5; });
}

/** A conv + shape-routed If model: the kind of graph dydca exports. */
function routedModel() {
  const b = new GraphBuilder('routed');
  b.input('x', 'float32', ['N', 3, 'H', 'W']);
  const w = b.initializer('w', tensorF32([4, 3, 3, 3], randomF32(108)));
  const [y] = b.node('Conv', ['x', w], { pads: attr.ints([1, 1, 1, 1]) }, { name: 'conv' });
  const [shape] = b.node('Shape', ['x']);
  const idx = b.constant(tensorI64([], [2]));
  const [h] = b.node('Gather', [shape, idx], { axis: attr.int(0) });
  const thr = b.constant(tensorI64([], [16]));
  const [cond] = b.node('Less', [h, thr]);
  const thenB = b.subgraph('then');
  thenB.node('Relu', [y], {}, { outputs: ['then_out'] });
  thenB.output('then_out', 'float32', null);
  const elseB = b.subgraph('else');
  elseB.node('Sigmoid', [y], {}, { outputs: ['else_out'] });
  elseB.output('else_out', 'float32', null);
  b.node('If', [cond], { then_branch: attr.graph(thenB.buildGraph()), else_branch: attr.graph(elseB.buildGraph()) }, { outputs: ['out'], name: 'route' });
  b.output('out', 'float32', ['N', 4, 'H', 'W']);
  return b.build();
}

describe('ONNX model IO', () => {
  it('round-trips a routed model: read(write(m)) equals m, and writing again gives identical bytes', () => {
    const m = routedModel();
    const bytes = writeModel(m);
    const back = readModel(bytes);
    expect(back.graph.nodes.map((n) => n.opType)).toEqual(m.graph.nodes.map((n) => n.opType));
    expect(back.graph.inputs).toEqual(m.graph.inputs);
    expect(back.graph.outputs).toEqual(m.graph.outputs);
    expect([...back.graph.initializers.get('w')!.data as Float32Array]).toEqual([...m.graph.initializers.get('w')!.data as Float32Array]);
    const ifNode = back.graph.nodes.find((n) => n.opType === 'If')!;
    expect(ifNode.attributes.then_branch.type).toBe('graph');
    const idxConst = back.graph.nodes.find((n) => n.opType === 'Constant')!.attributes.value;
    expect(idxConst.type === 'tensor' && idxConst.value.data).toEqual(new BigInt64Array([2n]));
    expect(writeModel(back)).toEqual(bytes);
  });

  it('onnxruntime-node runs the written file, and the re-written file gives identical outputs on both branches', async () => {
    const bytes = writeModel(routedModel());
    const again = writeModel(readModel(bytes));
    const s1 = await ort.InferenceSession.create(bytes);
    const s2 = await ort.InferenceSession.create(again);
    for (const hw of [8, 24]) {
      const x = new ort.Tensor('float32', randomF32(2 * 3 * hw * hw, hw), [2, 3, hw, hw]);
      const a = (await s1.run({ x })).out.data as Float32Array;
      const b = (await s2.run({ x })).out.data as Float32Array;
      expect(a.length).toBe(2 * 4 * hw * hw);
      expect(b).toEqual(a);
      // small inputs take the Relu branch (>= 0), large ones Sigmoid (in (0,1))
      if (hw === 8) expect(Math.min(...a)).toBe(0); else expect(Math.min(...a)).toBeGreaterThan(0);
    }
  });

  it('rejects bytes that are not ONNX with a clear error', () => {
    expect(() => readModel(new TextEncoder().encode('this is not a model at all, no sir'))).toThrow(/not an ONNX model/);
  });
});
