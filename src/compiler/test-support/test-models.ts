// Test support: small ONNX models built in code for the analysis and pass tests (a shape-routed If
// model with a per-path marker, a shape-arithmetic graph, a NonZero graph, a Loop graph).
import type { Attribute, Model } from '../../onnx/graph.js';
import { GraphBuilder, attr, tensorF32, tensorI64 } from '../../onnx/graph-builder.js';
import { randomF32 } from './ort-check.js';

/**
 * The exported model's routing structure (Shape -> Gather -> Less -> If, nested) over small conv
 * paths. Path k adds 100*k to its output, so the output's mean tells which path onnxruntime ran.
 * `heights` are the paths' patch heights, largest first (path 0 = largest).
 */
export function routedMarkerModel(heights: number[], scale = 2): Model {
  const b = new GraphBuilder('routed_marker');
  b.input('lr', 'float32', ['N', 3, 'h', 'w']);
  heights.forEach((_, k) => {
    b.initializer(`p${k}.w`, tensorF32([3 * scale * scale, 3, 3, 3], randomF32(27 * 3 * scale * scale, 10 + k).map((v) => v * 0.1)));
    b.initializer(`p${k}.marker`, tensorF32([], [100 * k]));
  });
  const [shape] = b.node('Shape', ['lr'], {}, { name: 'route/shape', outputs: ['route/shape'] });
  const [idx] = b.node('Constant', [], { value: attr.tensor(tensorI64([], [2])) }, { name: 'route/h_index', outputs: ['route/h_index'] });
  const [hgt] = b.node('Gather', [shape, idx], { axis: attr.int(0) }, { name: 'route/height', outputs: ['route/height'] });
  const thresholds = heights.slice(1).map((h, k) => Math.ceil((heights[k] + h) / 2));
  const emitPath = (g: GraphBuilder, k: number, out: string): void => {
    const [c] = g.node('Conv', ['lr', `p${k}.w`], { pads: attr.ints([1, 1, 1, 1]) }, { name: `p${k}/conv`, outputs: [`p${k}/conv`] });
    const [z] = g.node('DepthToSpace', [c], { blocksize: attr.int(scale), mode: attr.string('CRD') }, { name: `p${k}/shuffle`, outputs: [`p${k}/shuffle`] });
    g.node('Add', [z, `p${k}.marker`], {}, { name: `p${k}/out`, outputs: [out] });
  };
  const emitRouting = (g: GraphBuilder, k: number, out: string): void => {
    const [t] = g.node('Constant', [], { value: attr.tensor(tensorI64([], [thresholds[k]])) }, { name: `route/t${k}`, outputs: [`route/t${k}`] });
    const [cond] = g.node('Less', [hgt, t], {}, { name: `route/less${k}`, outputs: [`route/less${k}`] });
    const elseB = new GraphBuilder(`route/if${k}/else`);
    emitPath(elseB, k, `route/if${k}/else_out`);
    elseB.output(`route/if${k}/else_out`, 'float32', null);
    const thenB = new GraphBuilder(`route/if${k}/then`);
    if (k + 2 < heights.length) emitRouting(thenB, k + 1, `route/if${k}/then_out`);
    else emitPath(thenB, k + 1, `route/if${k}/then_out`);
    thenB.output(`route/if${k}/then_out`, 'float32', null);
    g.node('If', [cond], { then_branch: attr.graph(thenB.buildGraph()), else_branch: attr.graph(elseB.buildGraph()) }, { name: `route/if${k}`, outputs: [out] });
  };
  emitRouting(b, 0, 'hr');
  b.output('hr', 'float32', ['N', 3, null, null]);
  return b.build(17);
}

/** Shape arithmetic: Shape/Gather/Slice/Concat/Reshape/Range/Expand/Div/ConstantOfShape and friends on x [N,C,h,w]. */
export function shapeArithmeticModel(): Model {
  const b = new GraphBuilder('shape_arith');
  b.input('x', 'float32', ['N', 'C', 'h', 'w']);
  const i64 = (name: string, vals: number[], dims = [vals.length]): string => b.initializer(name, tensorI64(dims, vals));
  const n = (op: string, name: string, inputs: string[], attrs: Record<string, Attribute> = {}, outs = 1): string[] =>
    b.node(op, inputs, attrs, { name, outputs: outs === 1 ? [name] : Array.from({ length: outs }, (_, i) => `${name}:${i}`) });
  i64('zero', [0], []); i64('one', [1], []); i64('two', [2], []); i64('ax0', [0]); i64('s2', [2]); i64('e4', [4]); i64('minus1', [-1]);
  i64('s1', [1]); i64('eneg1', [-1]); i64('ax2', [2]); i64('big', [2 ** 31 - 1]); i64('pads', [0, 0, 1, 2, 0, 0, 3, 0]);
  b.initializer('scales', tensorF32([4], [1, 1, 2, 2]));
  const [shape] = n('Shape', 'shape', ['x']);
  const [hw] = n('Slice', 'hw', [shape, 's2', 'e4', 'ax0']);
  const [nDim] = n('Gather', 'n', [shape, 'zero']);
  const [cDim] = n('Gather', 'c', [shape, 'one']);
  const [hDim] = n('Gather', 'h', [shape, 'two']);
  const [area] = n('ReduceProd', 'area', [hw], { keepdims: attr.int(1) });
  const [nc] = n('Mul', 'nc', [nDim, cDim]);
  const [ncU] = n('Unsqueeze', 'nc_u', [nc, 'ax0']);
  const [target] = n('Concat', 'target', [ncU, 'minus1'], { axis: attr.int(0) });
  const [flat] = n('Reshape', 'flat', ['x', target]);
  const [target2] = n('Concat', 'target2', [ncU, area], { axis: attr.int(0) });
  n('Reshape', 'flat2', ['x', target2]);
  const [halfH] = n('Div', 'half_h', [hDim, 'two']);
  const [rng] = n('Range', 'range', ['zero', hDim, 'one']);
  const [rng2] = n('Range', 'range2', ['one', halfH, 'one']);
  n('Cast', 'range_f', [rng], { to: attr.int(1) });
  n('Cast', 'range2_f', [rng2], { to: attr.int(1) });
  n('Slice', 'crop', ['x', 's1', 'eneg1', 'ax2']);
  n('Slice', 'tail', ['x', 's1', 'big', 'ax2']);
  const [padded] = n('Pad', 'padded', ['x', 'pads']);
  const [gray] = n('ReduceMean', 'gray', [padded], { axes: attr.ints([1]), keepdims: attr.int(1) });
  n('Conv', 'strided', [gray, b.initializer('cw', tensorF32([2, 1, 3, 3], randomF32(18, 5)))], { strides: attr.ints([2, 2]) });
  n('Resize', 'up', ['x', '', 'scales'], { mode: attr.string('nearest') });
  const [fill] = n('ConstantOfShape', 'fill', [shape], { value: attr.tensor(tensorF32([1], [1])) });
  n('Add', 'fill_plus_x', [fill, 'x']);
  n('Transpose', 'transposed', [flat], { perm: attr.ints([1, 0]) });
  n('Flatten', 'flattened', ['x'], { axis: attr.int(2) });
  n('Expand', 'expanded', [b.initializer('row', tensorF32([1, 1, 1, 1], [3])), shape]);
  i64('three', [3], []);
  const [hGreater] = n('Greater', 'h_gt_w', [hDim, n('Gather', 'w', [shape, 'three'])[0]]);
  n('Where', 'bigger', [hGreater, hDim, halfH]);
  n('ReduceMean', 'pooled', ['x'], { axes: attr.ints([2, 3]), keepdims: attr.int(0) });
  n('MaxPool', 'maxpool', ['x'], { kernel_shape: attr.ints([2, 2]), strides: attr.ints([2, 2]) });
  n('Squeeze', 'squeezed', [n('Unsqueeze', 'unsq', ['x', 'ax0'])[0], 'ax0']);
  n('Split', 'split', [hw, b.initializer('split_sizes', tensorI64([2], [1, 1]))], { axis: attr.int(0) }, 2);
  n('Tile', 'tiled', ['x', b.initializer('reps', tensorI64([4], [1, 2, 1, 1]))]);
  b.output('flat', 'float32', null);
  return b.build(17);
}

/** NonZero: the count of non-zero elements is known only after execution. */
export function nonZeroModel(): Model {
  const b = new GraphBuilder('nonzero');
  b.input('x', 'float32', ['N', 'h']);
  const zero = b.initializer('zero', tensorF32([], [0]));
  const n = (op: string, name: string, inputs: string[], attrs = {}): string => b.node(op, inputs, attrs, { name, outputs: [name] })[0];
  const pos = n('Greater', 'pos', ['x', zero]);
  const nz = n('NonZero', 'nz', [pos]);
  const t = n('Transpose', 'nz_t', [nz], { perm: attr.ints([1, 0]) });
  const sh = n('Shape', 'nz_shape', [t]);
  n('Gather', 'nz_rank', [sh, b.initializer('one', tensorI64([], [1]))]);
  n('Relu', 'relu', ['x']);
  b.output('nz', 'int64', null);
  return b.build(17);
}

/** A Loop doubling a carried shape-derived tensor; its body's carried state changes each iteration. */
export function loopModel(): Model {
  const b = new GraphBuilder('looped');
  b.input('x', 'float32', ['N', 4]);
  b.initializer('trip', tensorI64([], [3]));
  b.initializer('cond', { dtype: 'bool', dims: [], data: Uint8Array.from([1]) });
  const body = new GraphBuilder('loop_body');
  body.input('iter', 'int64', []);
  body.input('cond_in', 'bool', []);
  body.input('acc_in', 'float32', ['N', 4]);
  body.node('Identity', ['cond_in'], {}, { name: 'body/cond', outputs: ['cond_out'] });
  body.node('Add', ['acc_in', 'x'], {}, { name: 'body/add', outputs: ['acc_out'] });
  body.node('Relu', ['acc_in'], {}, { name: 'body/scan', outputs: ['scan_out'] });
  body.output('cond_out', 'bool', []);
  body.output('acc_out', 'float32', null);
  body.output('scan_out', 'float32', null);
  b.node('Loop', ['trip', 'cond', 'x'], { body: attr.graph(body.buildGraph()) }, { name: 'loop', outputs: ['acc', 'scans'] });
  b.output('acc', 'float32', null);
  return b.build(17);
}
