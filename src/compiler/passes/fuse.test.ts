// Fusion before/after: the op sequence of an exported path before and after fuseGraph, and the fused
// graph's numbers (a plain CPU interpreter of the fused ops) against onnxruntime-node on the original.
import * as ort from 'onnxruntime-node';
import { describe, expect, it } from 'vitest';
import { attrInt, attrInts, type Graph, type Tensor } from '../../onnx/graph.js';
import { writeModel } from '../../onnx/model-io.js';
import { tinyModel, tinySpec } from '../../runtime/test-sr-model.js';
import { dimConst, dimEvaluate, dimSym } from '../symbolic-dim.js';
import { FUSED_CONV, FUSED_TAIL, fuseGraph } from './fuse.js';
import { inferPathShapes, shapeOf, type ShapeMap } from './path-shapes.js';

const symbolicInput = (h: number, w: number) => ({ lr: [dimSym('N'), dimConst(3), dimConst(h), dimConst(w)] });

describe('fuseGraph', () => {
  it.each([1, 2, 3])('a path with B=%i blocks becomes head, B x (conv+relu, conv+add), one tail kernel', (blocks) => {
    const model = tinyModel(tinySpec(2, [[6, 5, blocks]]), 1);
    const before = model.graph.nodes.map((n) => n.opType);
    expect(before).toEqual(['Sub', 'Conv', ...Array(blocks).fill(['Conv', 'Relu', 'Conv', 'Add']).flat(), 'Conv', 'Conv', 'Add', 'DepthToSpace', 'Add']);
    const shapes = inferPathShapes(model.graph, symbolicInput(6, 5));
    const fused = fuseGraph(model.graph, shapes);
    const desc = fused.nodes.map((n) => `${n.opType}${attrInt(n, 'relu', 0) ? '+relu' : ''}${n.opType === 'FusedConv' && n.inputs[FUSED_CONV.residual] ? '+res' : ''}${n.opType === 'FusedConv' && n.inputs[FUSED_CONV.shift] ? '+shift' : ''}`);
    expect(desc).toEqual(['FusedConv+shift', ...Array(blocks).fill(['FusedConv+relu', 'FusedConv+res']).flat(), 'FusedSRTail']);
    const tail = fused.nodes.at(-1)!;
    expect(tail.inputs[FUSED_TAIL.xB]).toBe('lr');
    expect(tail.inputs[FUSED_TAIL.shiftB]).toBe('mean');
    expect(tail.inputs[FUSED_TAIL.outBias]).toBe('mean');
    expect(tail.outputs).toEqual(['hr']);
    // the residual of block i is the features entering it
    fused.nodes.filter((n) => n.inputs[FUSED_CONV.residual]).forEach((n, i) => {
      expect(n.inputs[FUSED_CONV.residual]).toBe(i === 0 ? 'p0/head' : `p0/b${i - 1}/add`);
    });
  });

  it('does not fuse a residual Add whose operands differ in shape (broadcast add)', () => {
    const model = tinyModel(tinySpec(2, [[6, 5, 1]]), 1);
    const g = model.graph;
    // make the block's Add broadcast a [1,C,1,1] constant instead of the features
    const C = g.initializers.get('p0.head.b')!.dims[0];
    g.initializers.set('k', { name: 'k', dtype: 'float32', dims: [1, C, 1, 1], data: new Float32Array(C).fill(0.25) });
    const add = g.nodes.find((n) => n.name === 'p0/b0/add')!;
    add.inputs = [add.inputs[1], 'k'];
    const fused = fuseGraph(g, inferPathShapes(g, symbolicInput(6, 5)));
    expect(fused.nodes.map((n) => n.opType)).toContain('Add');
  });

  it('leaves the mean Sub in place when something other than a conv reads it', () => {
    const model = tinyModel(tinySpec(2, [[6, 5, 1]]), 1);
    const g = model.graph;
    g.nodes.push({ name: 'extra', opType: 'Relu', domain: '', inputs: ['p0/x0'], outputs: ['extra'], attributes: {} });
    g.outputs.push({ name: 'extra', dtype: 'float32', shape: null });
    const fused = fuseGraph(g, inferPathShapes(g, symbolicInput(6, 5)));
    expect(fused.nodes[0].opType).toBe('Sub');
    expect(fused.nodes.some((n) => n.opType === 'FusedConv' && n.inputs[FUSED_CONV.shift])).toBe(false);
  });

  it.each([
    { scale: 2 as const, blocks: 2, h: 6, w: 5, n: 2 },
    { scale: 3 as const, blocks: 3, h: 4, w: 7, n: 1 },
    { scale: 4 as const, blocks: 4, h: 5, w: 5, n: 3 },
  ])('fused graph computes what onnxruntime computes (s=$scale B=$blocks $h x $w N=$n)', async ({ scale, blocks, h, w, n }) => {
    const model = tinyModel(tinySpec(scale, [[h, w, blocks]]), 7);
    const fused = fuseGraph(model.graph, inferPathShapes(model.graph, symbolicInput(h, w)));
    let s = 3;
    const lr = Float32Array.from({ length: n * 3 * h * w }, () => ((s = (s * 1103515245 + 12345) % 2147483648) / 2147483648));
    const session = await ort.InferenceSession.create(writeModel(model));
    const want = (await session.run({ lr: new ort.Tensor('float32', lr, [n, 3, h, w]) })).hr.data as Float32Array;
    const got = runFusedOnCpu(fused, lr, [n, 3, h, w]);
    expect(got.length).toBe(want.length);
    let err = 0;
    for (let i = 0; i < got.length; i++) err = Math.max(err, Math.abs(got[i] - want[i]));
    expect(err).toBeLessThan(1e-4);
  });
});

/** A direct interpreter of FusedConv / FusedSRTail (no sharing with codegen), to check the fused semantics. */
function runFusedOnCpu(graph: Graph, lr: Float32Array, dims: number[]): Float32Array {
  const env = { N: dims[0] };
  const shapes: ShapeMap = inferPathShapes(graph, { lr: dims.map(dimConst) });
  const values = new Map<string, Float32Array>([['lr', lr]]);
  for (const [k, t] of graph.initializers) values.set(k, t.data as Float32Array);
  const dimsOf = (name: string) => shapeOf(shapes, name).map((d) => dimEvaluate(d, env));
  const conv = (x: string, w: string, b: string, shift: string, pads: number[]) => {
    const [N, C, H, W] = dimsOf(x);
    const wd = graph.initializers.get(w) as Tensor;
    const [O, , KH, KW] = wd.dims;
    const OH = H + pads[0] + pads[2] - KH + 1, OW = W + pads[1] + pads[3] - KW + 1;
    const xv = values.get(x)!, wv = values.get(w)!, bv = values.get(b)!, sv = shift ? values.get(shift)! : undefined;
    const out = new Float32Array(N * O * OH * OW);
    for (let n = 0; n < N; n++) for (let o = 0; o < O; o++) for (let y = 0; y < OH; y++) for (let xx = 0; xx < OW; xx++) {
      let acc = bv[o];
      for (let c = 0; c < C; c++) for (let ky = 0; ky < KH; ky++) for (let kx = 0; kx < KW; kx++) {
        const iy = y + ky - pads[0], ix = xx + kx - pads[1];
        if (iy < 0 || iy >= H || ix < 0 || ix >= W) continue;
        acc += (xv[((n * C + c) * H + iy) * W + ix] - (sv ? sv[c] : 0)) * wv[((o * C + c) * KH + ky) * KW + kx];
      }
      out[((n * O + o) * OH + y) * OW + xx] = acc;
    }
    return { out, dims: [N, O, OH, OW] };
  };
  for (const node of graph.nodes) {
    if (node.opType === 'FusedConv') {
      const [x, w, b, res, shift] = node.inputs;
      const { out } = conv(x, w, b, shift, attrInts(node, 'pads')!);
      const r = res ? values.get(res)! : undefined;
      for (let i = 0; i < out.length; i++) out[i] = (attrInt(node, 'relu', 0) ? Math.max(0, out[i]) : out[i]) + (r ? r[i] : 0);
      values.set(node.outputs[0], out);
    } else if (node.opType === 'FusedSRTail') {
      const i = node.inputs;
      const a = conv(i[0], i[1], i[2], i[3], attrInts(node, 'pads_a')!);
      const b = conv(i[4], i[5], i[6], i[7], attrInts(node, 'pads_b')!);
      const s = attrInt(node, 'blocksize', 1);
      const [N, CC, H, W] = a.dims;
      const C = CC / (s * s), bias = values.get(i[8])!;
      const out = new Float32Array(N * C * H * s * W * s);
      for (let n = 0; n < N; n++) for (let c = 0; c < C; c++) for (let y = 0; y < H * s; y++) for (let x = 0; x < W * s; x++) {
        const k = ((n * CC + c * s * s + (y % s) * s + (x % s)) * H + Math.floor(y / s)) * W + Math.floor(x / s);
        out[((n * C + c) * H * s + y) * W * s + x] = a.out[k] + b.out[k] + bias[c];
      }
      values.set(node.outputs[0], out);
    } else {
      throw new Error(`unexpected op ${node.opType} after fusion`);
    }
  }
  return values.get(graph.outputs[0].name)!;
}
