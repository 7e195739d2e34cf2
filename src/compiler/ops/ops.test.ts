// Table-driven tests of every operator's Update transfer function on known, symbolic and unknown inputs.
import { describe, expect, it } from 'vitest';
import type { Attribute, DataType, Graph, Node } from '../../onnx/graph.js';
import { attr, tensorF32, tensorI64 } from '../../onnx/graph-builder.js';
import { ranked, SHAPE_NAC, valueFromElems, VALUE_INFERRED, VALUE_NAC, type TensorState, type ValueState } from '../lattice.js';
import { dimOpaque, formatDim, parseDim } from '../symbolic-dim.js';
import type { BranchDecision, OpContext } from './op-types.js';
import { FUSED_DOMAIN } from './fused.js';
import { knownOpTypes, lookupOp } from './registry.js';

/** A tensor state from a short notation: shape "N,3,h,w" ('?' = nac dim, null = unknown rank), value elements or a kind. */
function T(shape: string | null, value: (number | string)[] | 'nac' | 'inferred' | 'const' = 'nac', dtype: DataType = 'float32'): TensorState {
  const s = shape === null ? SHAPE_NAC : ranked(shape === '' ? [] : shape.split(',').map((d) => (d === '?' ? null : parseDim(d))));
  const v: ValueState = value === 'nac' ? VALUE_NAC : value === 'inferred' ? VALUE_INFERRED : value === 'const' ? { kind: 'const', elems: null }
    : valueFromElems(value.map((e) => (String(e).startsWith('?') ? dimOpaque(String(e).slice(1)) : parseDim(String(e)))));
  return { dtype, shape: s, value: v };
}
const I = (shape: string | null, value: (number | string)[] | 'nac' | 'const' = 'nac'): TensorState => T(shape, value, 'int64');

function show(t: TensorState): { shape: string | null; value: string } {
  const shape = t.shape.kind === 'ranked' ? t.shape.dims.map((d) => (d ? formatDim(d) : '?')).join(',') : null;
  const v = t.value;
  const value = v.kind === 'symbolic' ? `[${v.elems.map(formatDim).join(',')}]` : v.kind === 'const' && v.elems ? `[${v.elems.join(',')}]` : v.kind;
  return { shape, value };
}

function node(opType: string, attributes: Record<string, Attribute> = {}, outputs = 1): Node {
  return { name: `${opType}_test`, opType, domain: '', inputs: [], outputs: Array.from({ length: outputs }, (_, i) => `out${i}`), attributes };
}

const branches: BranchDecision[] = [];
const ctx = (opset = 17, subgraph?: (g: Graph) => TensorState[]): OpContext => ({
  opset,
  analyzeSubgraph: (g) => { if (!subgraph) throw new Error('no subgraph expected'); return subgraph(g); },
  recordBranch: (d) => { branches.push(d); },
});

interface Case { op: string; attrs?: Record<string, Attribute>; inputs: (TensorState | undefined)[]; shape: string | null; value?: string; outputs?: number; opset?: number }

const cases: [string, Case][] = [
  // I(S)->O(S,V)
  ['Shape known', { op: 'Shape', inputs: [T('1,3,8,8')], shape: '4', value: '[1,3,8,8]' }],
  ['Shape symbolic', { op: 'Shape', inputs: [T('N,3,h,w')], shape: '4', value: '[N,3,h,w]' }],
  ['Shape start/end', { op: 'Shape', attrs: { start: attr.int(-2) }, inputs: [T('N,3,h,w')], shape: '2', value: '[h,w]' }],
  ['Shape nac dim (kept as an opaque element)', { op: 'Shape', inputs: [T('N,?,h')], shape: '3', value: '[N,?Shape_test[1],h]' }],
  ['Gather the known element of a partly known shape', { op: 'Gather', inputs: [I('3', ['N', '?x[1]', 'h']), I('', [2])], shape: '', value: '[h]' }],
  ['Reshape to a partly known shape', { op: 'Reshape', inputs: [T('N,C'), I('2', ['N', '?x[1]'])], shape: 'N,?', value: 'nac' }],
  ['Shape unknown rank', { op: 'Shape', inputs: [T(null)], shape: '?', value: 'nac' }],
  ['Size symbolic', { op: 'Size', inputs: [T('N,3,h')], shape: '', value: '[3*N*h]' }],
  ['ConstantOfShape known', { op: 'ConstantOfShape', attrs: { value: attr.tensor(tensorI64([1], [7])) }, inputs: [I('2', [2, 3])], shape: '2,3', value: '[7,7,7,7,7,7]' }],
  ['ConstantOfShape symbolic', { op: 'ConstantOfShape', inputs: [I('2', ['N', 4])], shape: 'N,4', value: 'inferred' }],
  ['ConstantOfShape unknown', { op: 'ConstantOfShape', inputs: [I('3')], shape: '?,?,?', value: 'nac' }],
  ['EyeLike known', { op: 'EyeLike', inputs: [T('2,2')], shape: '2,2', value: '[1,0,0,1]' }],
  ['EyeLike symbolic', { op: 'EyeLike', inputs: [T('h,h')], shape: 'h,h', value: 'nac' }],
  ['Constant', { op: 'Constant', attrs: { value: attr.tensor(tensorI64([2], [4, 5])) }, inputs: [], shape: '2', value: '[4,5]' }],
  ['Constant value_ints', { op: 'Constant', attrs: { value_ints: attr.ints([1, 2, 3]) }, inputs: [], shape: '3', value: '[1,2,3]' }],
  // I(S)->O(S): elementwise
  ['Relu symbolic', { op: 'Relu', inputs: [T('N,3,h,w')], shape: 'N,3,h,w', value: 'nac' }],
  ['Sigmoid unknown', { op: 'Sigmoid', inputs: [T(null)], shape: null, value: 'nac' }],
  ['Round on constants', { op: 'Round', inputs: [T('3', [0.5, 1.5, 2.4])], shape: '3', value: '[0,2,2]' }],
  ['Neg symbolic value', { op: 'Neg', inputs: [I('1', ['h'])], shape: '1', value: '[-h]' }],
  ['Not', { op: 'Not', inputs: [T('2', [0, 1], 'bool')], shape: '2', value: '[1,0]' }],
  ['Identity', { op: 'Identity', inputs: [I('2', ['h', 'w'])], shape: '2', value: '[h,w]' }],
  ['Cast to float keeps symbols', { op: 'Cast', attrs: { to: attr.int(1) }, inputs: [I('1', ['h'])], shape: '1', value: '[h]' }],
  ['Cast to bool', { op: 'Cast', attrs: { to: attr.int(9) }, inputs: [I('2', [0, 5])], shape: '2', value: '[0,1]' }],
  ['Clip constants', { op: 'Clip', inputs: [T('3', [-2, 0.5, 9]), T('', [0]), T('', [1])], shape: '3', value: '[0,0.5,1]' }],
  ['Clip symbolic shape', { op: 'Clip', inputs: [T('N,h'), undefined, T('', [6])], shape: 'N,h', value: 'nac' }],
  ['Softmax', { op: 'Softmax', inputs: [T('N,10')], shape: 'N,10', value: 'nac' }],
  // binary with broadcast
  ['Add broadcast known', { op: 'Add', inputs: [T('1,3,4,4'), T('1,3,1,1', 'const')], shape: '1,3,4,4', value: 'nac' }],
  ['Add broadcast symbolic', { op: 'Add', inputs: [T('N,3,h,w'), T('1,3,1,1', 'const')], shape: 'N,3,h,w', value: 'nac' }],
  ['Mul different symbols', { op: 'Mul', inputs: [T('h'), T('w')], shape: '?', value: 'nac' }],
  ['Mul symbol with known', { op: 'Mul', inputs: [T('h,1'), T('1,5')], shape: 'h,5', value: 'nac' }],
  ['Sub unknown rank', { op: 'Sub', inputs: [T(null), T('3')], shape: null, value: 'nac' }],
  ['Add shape values', { op: 'Add', inputs: [I('2', ['h', 'w']), I('', [4])], shape: '2', value: '[h+4,w+4]' }],
  ['Mul shape values', { op: 'Mul', inputs: [I('2', ['h', 'w']), I('2', [2, 'h'])], shape: '2', value: '[2*h,h*w]' }],
  ['Div int floors non-negative', { op: 'Div', inputs: [I('', ['h+1']), I('', [2])], shape: '', value: '[floor((h+1)/2)]' }],
  ['Div int of possibly negative (truncation differs from floor)', { op: 'Div', inputs: [I('', ['h-1']), I('', [2])], shape: '', value: 'nac' }],
  ['Div int truncates constants', { op: 'Div', inputs: [I('', [-7]), I('', [2])], shape: '', value: '[-3]' }],
  ['Div float', { op: 'Div', inputs: [T('', [3]), T('', [2])], shape: '', value: '[1.5]' }],
  ['Mod', { op: 'Mod', inputs: [I('', ['2*h+1']), I('', [2])], shape: '', value: '[1]' }],
  ['Max variadic', { op: 'Max', inputs: [I('', ['h']), I('', ['h+2']), I('', [0])], shape: '', value: '[h+2]' }],
  ['Less known', { op: 'Less', inputs: [I('', [20]), I('', [30])], shape: '', value: '[1]' }],
  ['Less symbolic undecided', { op: 'Less', inputs: [I('', ['h']), I('', [30])], shape: '', value: 'nac' }],
  ['Less symbolic decided', { op: 'Less', inputs: [I('', ['h+30']), I('', [30])], shape: '', value: '[0]' }],
  ['Greater', { op: 'Greater', inputs: [I('2', [5, 'h']), I('', ['h'])], shape: '2', value: 'nac' }],
  ['Equal symbolic', { op: 'Equal', inputs: [I('', ['2*h']), I('', ['h+h'])], shape: '', value: '[1]' }],
  ['And', { op: 'And', inputs: [T('2', [1, 1], 'bool'), T('2', [0, 1], 'bool')], shape: '2', value: '[0,1]' }],
  ['Where', { op: 'Where', inputs: [T('2', [1, 0], 'bool'), I('2', ['h', 'w']), I('', [0])], shape: '2', value: '[h,0]' }],
  ['Where shape only', { op: 'Where', inputs: [T('N,1', 'nac', 'bool'), T('1,h'), T('')], shape: 'N,h', value: 'nac' }],
  // Conv / pools / reduce / matmul
  ['Conv pad 1', { op: 'Conv', attrs: { pads: attr.ints([1, 1, 1, 1]) }, inputs: [T('N,3,h,w'), T('8,3,3,3', 'const'), T('8', 'const')], shape: 'N,8,h,w', value: 'nac' }],
  ['Conv stride 2', { op: 'Conv', attrs: { strides: attr.ints([2, 2]), pads: attr.ints([1, 1, 1, 1]) }, inputs: [T('N,3,h,9'), T('8,3,3,3', 'const')], shape: 'N,8,floor((h+1)/2),5', value: 'nac' }],
  ['Conv SAME_UPPER', { op: 'Conv', attrs: { auto_pad: attr.string('SAME_UPPER'), strides: attr.ints([2, 2]) }, inputs: [T('1,3,7,8'), T('4,3,3,3', 'const')], shape: '1,4,4,4', value: 'nac' }],
  ['Conv on constants is inferred', { op: 'Conv', inputs: [T('1,1,3,3', 'const'), T('1,1,3,3', 'const')], shape: '1,1,1,1', value: 'inferred' }],
  ['Conv unknown input rank', { op: 'Conv', inputs: [T(null), T('4,3,3,3', 'const')], shape: null, value: 'nac' }],
  ['ConvTranspose', { op: 'ConvTranspose', attrs: { strides: attr.ints([2, 2]), pads: attr.ints([1, 1, 1, 1]), output_padding: attr.ints([1, 1]) }, inputs: [T('N,4,h,w'), T('4,2,3,3', 'const')], shape: 'N,2,2*h,2*w', value: 'nac' }],
  ['MaxPool', { op: 'MaxPool', attrs: { kernel_shape: attr.ints([2, 2]), strides: attr.ints([2, 2]) }, inputs: [T('N,C,h,8')], shape: 'N,C,floor((h)/2),4', value: 'nac' }],
  ['AveragePool ceil', { op: 'AveragePool', attrs: { kernel_shape: attr.ints([3, 3]), strides: attr.ints([2, 2]), ceil_mode: attr.int(1) }, inputs: [T('1,1,8,8')], shape: '1,1,4,4', value: 'nac' }],
  ['GlobalAveragePool', { op: 'GlobalAveragePool', inputs: [T('N,C,h,w')], shape: 'N,C,1,1', value: 'nac' }],
  ['ReduceMean attr axes', { op: 'ReduceMean', attrs: { axes: attr.ints([2, 3]), keepdims: attr.int(0) }, inputs: [T('N,C,h,w')], shape: 'N,C', value: 'nac' }],
  ['ReduceSum input axes', { op: 'ReduceSum', inputs: [T('N,C,h,w'), I('1', [1])], shape: 'N,1,h,w', value: 'nac' }],
  ['ReduceSum unknown axes', { op: 'ReduceSum', inputs: [T('N,C,h,w'), I('1')], shape: '?,?,?,?', value: 'nac' }],
  ['ReduceProd of shape values', { op: 'ReduceProd', attrs: { keepdims: attr.int(0) }, inputs: [I('2', ['h', 'w'])], shape: '', value: '[h*w]', opset: 17 }],
  ['ArgMax', { op: 'ArgMax', attrs: { axis: attr.int(1), keepdims: attr.int(0) }, inputs: [T('N,10')], shape: 'N', value: 'nac' }],
  ['MatMul batch', { op: 'MatMul', inputs: [T('N,h,k'), T('k,5')], shape: 'N,h,5', value: 'nac' }],
  ['MatMul vector', { op: 'MatMul', inputs: [T('k'), T('k,5')], shape: '5', value: 'nac' }],
  ['Gemm transB', { op: 'Gemm', attrs: { transB: attr.int(1) }, inputs: [T('N,16'), T('10,16', 'const'), T('10', 'const')], shape: 'N,10', value: 'nac' }],
  // data movement
  ['Gather scalar index', { op: 'Gather', attrs: { axis: attr.int(0) }, inputs: [I('4', ['N', 3, 'h', 'w']), I('', [2])], shape: '', value: '[h]' }],
  ['Gather negative indices', { op: 'Gather', inputs: [I('4', ['N', 3, 'h', 'w']), I('2', [-1, 0])], shape: '2', value: '[w,N]' }],
  ['Gather feature map', { op: 'Gather', attrs: { axis: attr.int(1) }, inputs: [T('N,C,h'), I('2,3', 'const')], shape: 'N,2,3,h', value: 'nac' }],
  ['Gather unknown', { op: 'Gather', inputs: [T(null), I('')], shape: null, value: 'nac' }],
  ['GatherElements', { op: 'GatherElements', inputs: [T('N,5'), I('N,2')], shape: 'N,2', value: 'nac' }],
  ['Concat symbolic', { op: 'Concat', attrs: { axis: attr.int(1) }, inputs: [T('N,3,h'), T('N,C,h')], shape: 'N,C+3,h', value: 'nac' }],
  ['Concat values', { op: 'Concat', attrs: { axis: attr.int(0) }, inputs: [I('1', ['N']), I('2', [-1, 'h*w'])], shape: '3', value: '[N,-1,h*w]' }],
  ['Concat unknown', { op: 'Concat', attrs: { axis: attr.int(0) }, inputs: [T(null), T('3')], shape: null, value: 'nac' }],
  ['Transpose', { op: 'Transpose', attrs: { perm: attr.ints([0, 2, 3, 1]) }, inputs: [T('N,C,h,w')], shape: 'N,h,w,C', value: 'nac' }],
  ['Transpose default perm values', { op: 'Transpose', inputs: [I('2,2', [1, 2, 3, 4])], shape: '2,2', value: '[1,3,2,4]' }],
  ['Unsqueeze input axes', { op: 'Unsqueeze', inputs: [I('', ['h']), I('1', [0])], shape: '1', value: '[h]' }],
  ['Unsqueeze opset 11 attr', { op: 'Unsqueeze', attrs: { axes: attr.ints([0, 3]) }, inputs: [T('C,h')], shape: '1,C,h,1', value: 'nac', opset: 11 }],
  ['Unsqueeze unknown axes', { op: 'Unsqueeze', inputs: [T('C,h'), I('1')], shape: null, value: 'nac' }],
  ['Squeeze axes', { op: 'Squeeze', inputs: [T('N,1,h'), I('1', [1])], shape: 'N,h', value: 'nac' }],
  ['Squeeze all-known without axes', { op: 'Squeeze', inputs: [T('1,3,1')], shape: '3', value: 'nac' }],
  ['Squeeze symbolic without axes', { op: 'Squeeze', inputs: [T('N,3')], shape: null, value: 'nac' }],
  ['DepthToSpace', { op: 'DepthToSpace', attrs: { blocksize: attr.int(2) }, inputs: [T('N,12,h,w')], shape: 'N,3,2*h,2*w', value: 'nac' }],
  ['DepthToSpace symbolic channels', { op: 'DepthToSpace', attrs: { blocksize: attr.int(2) }, inputs: [T('N,4*C,h,w')], shape: 'N,C,2*h,2*w', value: 'nac' }],
  ['SpaceToDepth', { op: 'SpaceToDepth', attrs: { blocksize: attr.int(2) }, inputs: [T('N,3,2*h,8')], shape: 'N,12,h,4', value: 'nac' }],
  ['Pad input pads', { op: 'Pad', inputs: [T('N,C,h,w'), I('8', [0, 0, 1, 2, 0, 0, 1, 2])], shape: 'N,C,h+2,w+4', value: 'nac' }],
  ['Pad opset 2 attr', { op: 'Pad', attrs: { pads: attr.ints([1, 1, 1, 1]) }, inputs: [T('h,w')], shape: 'h+2,w+2', value: 'nac', opset: 2 }],
  ['Pad unknown pads', { op: 'Pad', inputs: [T('N,C,h,w'), I('8')], shape: '?,?,?,?', value: 'nac' }],
  ['BatchNormalization', { op: 'BatchNormalization', inputs: [T('N,C,h,w'), T('C'), T('C'), T('C'), T('C')], shape: 'N,C,h,w', value: 'nac' }],
  // I(S,V)->O(S)
  ['GroupNormalization', { op: 'GroupNormalization', attrs: { num_groups: attr.int(2) }, inputs: [T('N,4,h,w'), T('4', 'const'), T('4', 'const')], shape: 'N,4,h,w', value: 'nac' }],
  ['Expand symbolic target', { op: 'Expand', inputs: [T('1,3,1,1', 'const'), I('4', ['N', 3, 'h', 'w'])], shape: 'N,3,h,w', value: 'nac' }],
  ['Expand values', { op: 'Expand', inputs: [I('1', ['h']), I('1', [3])], shape: '3', value: '[h,h,h]' }],
  ['Expand unknown target', { op: 'Expand', inputs: [T('1,3'), I('2')], shape: '?,?', value: 'nac' }],
  ['Tile', { op: 'Tile', inputs: [T('N,C'), I('2', [1, 3])], shape: 'N,3*C', value: 'nac' }],
  ['MaxUnpool', { op: 'MaxUnpool', attrs: { kernel_shape: attr.ints([2, 2]), strides: attr.ints([2, 2]) }, inputs: [T('N,C,h,w'), I('N,C,h,w')], shape: 'N,C,2*h,2*w', value: 'nac' }],
  ['MaxUnpool output_shape', { op: 'MaxUnpool', attrs: { kernel_shape: attr.ints([2, 2]) }, inputs: [T('1,1,2,2'), I('1,1,2,2'), I('4', [1, 1, 5, 5])], shape: '1,1,5,5', value: 'nac' }],
  ['OneHot', { op: 'OneHot', inputs: [I('N'), I('', [10]), T('2', 'const')], shape: 'N,10', value: 'nac' }],
  ['OneHot unknown depth', { op: 'OneHot', inputs: [I('N'), I(''), T('2', 'const')], shape: 'N,?', value: 'nac' }],
  ['Range known', { op: 'Range', inputs: [I('', [0]), I('', [5]), I('', [2])], shape: '3', value: '[0,2,4]' }],
  ['Range symbolic', { op: 'Range', inputs: [I('', [0]), I('', ['h']), I('', [1])], shape: 'h', value: 'nac' }],
  ['Range unknown', { op: 'Range', inputs: [I('', [0]), I(''), I('', [1])], shape: '?', value: 'nac' }],
  ['Reshape -1 symbolic', { op: 'Reshape', inputs: [T('N,C,h,w'), I('3', [0, 0, -1])], shape: 'N,C,h*w', value: 'nac' }],
  ['Reshape known', { op: 'Reshape', inputs: [T('2,3,4'), I('2', [-1, 6])], shape: '4,6', value: 'nac' }],
  ['Reshape values', { op: 'Reshape', inputs: [I('4', ['N', 3, 'h', 'w']), I('2', [2, 2])], shape: '2,2', value: '[N,3,h,w]' }],
  ['Reshape unknown target', { op: 'Reshape', inputs: [T('N,C'), I('3')], shape: '?,?,?', value: 'nac' }],
  ['Flatten', { op: 'Flatten', attrs: { axis: attr.int(1) }, inputs: [T('N,C,h,w')], shape: 'N,C*h*w', value: 'nac' }],
  ['Resize scales', { op: 'Resize', inputs: [T('N,C,h,w'), undefined, T('4', [1, 1, 2, 2])], shape: 'N,C,2*h,2*w', value: 'nac' }],
  ['Resize fractional scale on known', { op: 'Resize', inputs: [T('1,1,5,5'), undefined, T('4', [1, 1, 1.5, 1.5])], shape: '1,1,7,7', value: 'nac' }],
  ['Resize sizes', { op: 'Resize', inputs: [T('N,C,h,w'), undefined, undefined, I('4', ['N', 'C', 32, 32])], shape: 'N,C,32,32', value: 'nac' }],
  ['Resize unknown', { op: 'Resize', inputs: [T('N,C,h,w'), undefined, undefined, I('4')], shape: '?,?,?,?', value: 'nac' }],
  ['Upsample', { op: 'Upsample', inputs: [T('N,C,h,w'), T('4', [1, 1, 3, 3])], shape: 'N,C,3*h,3*w', value: 'nac', opset: 9 }],
  ['Slice known', { op: 'Slice', inputs: [T('10,6'), I('1', [2]), I('1', [-2]), I('1', [0])], shape: '6,6', value: 'nac' }],
  ['Slice to end of symbolic', { op: 'Slice', inputs: [T('N,h'), I('1', [0]), I('1', [2 ** 31 - 1]), I('1', [1])], shape: 'N,h', value: 'nac' }],
  ['Slice values', { op: 'Slice', inputs: [I('4', ['N', 3, 'h', 'w']), I('1', [2]), I('1', [4])], shape: '2', value: '[h,w]' }],
  ['Slice negative step', { op: 'Slice', inputs: [I('4', [1, 2, 3, 4]), I('1', [-1]), I('1', [-5]), I('1', [0]), I('1', [-1])], shape: '4', value: '[4,3,2,1]' }],
  ['Slice unknown starts', { op: 'Slice', inputs: [T('N,h'), I('1'), I('1', [3])], shape: '?,?', value: 'nac' }],
  ['Split known', { op: 'Split', attrs: { axis: attr.int(1) }, inputs: [T('N,6'), I('2', [2, 4])], shape: 'N,2', value: 'nac', outputs: 2 }],
  ['Split equal symbolic', { op: 'Split', attrs: { axis: attr.int(1) }, inputs: [T('N,2*C')], shape: 'N,C', value: 'nac', outputs: 2 }],
  ['TopK', { op: 'TopK', inputs: [T('N,100'), I('1', [5])], shape: 'N,5', value: 'nac', outputs: 2 }],
  ['TopK unknown K', { op: 'TopK', inputs: [T('N,100'), I('1')], shape: 'N,?', value: 'nac', outputs: 2 }],
  // Exec->O(S,V)
  ['NonZero', { op: 'NonZero', inputs: [T('N,h')], shape: '2,?', value: 'nac' }],
  ['NonZero unknown rank', { op: 'NonZero', inputs: [T(null)], shape: '?,?', value: 'nac' }],
  ['NonMaxSuppression', { op: 'NonMaxSuppression', inputs: [T('1,N,4'), T('1,1,N')], shape: '?,3', value: 'nac' }],
];

describe('operator transfer functions (Update)', () => {
  it.each(cases)('%s', (_, c) => {
    const def = lookupOp(c.op);
    expect(def, `${c.op} is registered`).toBeDefined();
    const r = def!.update(node(c.op, c.attrs, c.outputs), c.inputs, ctx(c.opset ?? 17));
    expect(show(r.outputs[0])).toEqual({ shape: c.shape, value: c.value ?? 'nac' });
    if (c.outputs) expect(r.outputs).toHaveLength(c.outputs);
  });

  it('every operator of Table 1 and of our model is registered with its paper class', () => {
    const table1: Record<string, string[]> = {
      'I(S)->O(S,V)': ['Shape', 'ConstantOfShape', 'EyeLike'],
      'I(S)->O(S)': ['Add', 'AveragePool', 'Cast', 'Concat', 'Conv', 'Gather', 'MatMul', 'MaxPool', 'ReduceSum', 'ReduceMean', 'Relu', 'Round', 'Sigmoid', 'Softmax', 'Mul', 'Sub', 'Div'],
      'I(S,V)->O(S)': ['Expand', 'GroupNormalization', 'MaxUnpool', 'OneHot', 'Range', 'Reshape', 'Resize', 'Slice', 'TopK', 'Upsample'],
      'Exec->O(S,V)': ['If', 'Loop', 'NonMaxSuppression', 'NonZero'],
    };
    for (const [cls, ops] of Object.entries(table1)) for (const op of ops) expect(lookupOp(op)?.opClass, op).toBe(cls);
    for (const op of ['DepthToSpace', 'Less', 'Greater', 'Equal', 'Not', 'Where', 'Unsqueeze', 'Squeeze', 'Constant', 'Identity', 'Clip', 'Transpose', 'Pad']) {
      expect(knownOpTypes()).toContain(op);
    }
    expect(lookupOp('Relu', 'com.microsoft')).toBeUndefined();
    expect(lookupOp('NoSuchOp')).toBeUndefined();
  });
});

describe("dydca's fused operators (domain ai.dydca)", () => {
  const fused = (opType: string, attributes: Record<string, Attribute>): Node => ({ ...node(opType, attributes), domain: FUSED_DOMAIN });
  it.each([
    ['FusedConv keeps the conv shape (relu, residual, shift do not change it)', fused('FusedConv', { pads: attr.ints([1, 1, 1, 1]), relu: attr.int(1) }),
      [T('N,3,h,w'), T('8,3,3,3', 'const'), T('8', 'const'), undefined, T('3', 'const')], 'N,8,h,w'],
    ['FusedConv unpadded 5x5', fused('FusedConv', {}), [T('N,4,12,10'), T('6,4,5,5', 'const'), T('6', 'const'), T('N,6,8,6'), undefined], 'N,6,8,6'],
    ['FusedSRTail x2: conv A then depth-to-space', fused('FusedSRTail', { pads_a: attr.ints([1, 1, 1, 1]), pads_b: attr.ints([2, 2, 2, 2]), blocksize: attr.int(2) }),
      [T('N,32,h,w'), T('12,32,3,3', 'const'), T('12', 'const'), undefined, T('N,3,h,w'), T('12,3,5,5', 'const'), T('12', 'const'), undefined, T('3', 'const')], 'N,3,2*h,2*w'],
    ['FusedSRTail x3 on a known patch', fused('FusedSRTail', { pads_a: attr.ints([1, 1, 1, 1]), pads_b: attr.ints([2, 2, 2, 2]), blocksize: attr.int(3) }),
      [T('N,8,10,6'), T('27,8,3,3', 'const'), T('27', 'const'), undefined, T('N,3,10,6'), T('27,3,5,5', 'const'), T('27', 'const'), undefined, T('3', 'const')], 'N,3,30,18'],
  ] as [string, Node, (TensorState | undefined)[], string][])('%s', (_, n, inputs, shape) => {
    const def = lookupOp(n.opType, FUSED_DOMAIN);
    expect(def?.opClass).toBe('I(S)->O(S)');
    expect(show(def!.update(n, inputs, ctx()).outputs[0]).shape).toBe(shape);
    expect(lookupOp(n.opType)).toBeUndefined(); // not in the default domain
  });
});

describe('control flow transfer functions', () => {
  const thenG: Graph = { name: 'then', nodes: [], inputs: [], outputs: [], initializers: new Map(), valueInfo: [] };
  const elseG: Graph = { ...thenG, name: 'else' };
  const ifNode = node('If', { then_branch: attr.graph(thenG), else_branch: attr.graph(elseG) });
  const branchOut = (g: Graph): TensorState[] => [g.name === 'then' ? T('N,3,h,w') : T('N,3,h,5')];

  it.each([
    ['known true', T('', [1], 'bool'), 'then', 'N,3,h,w'],
    ['known false', T('', [0], 'bool'), 'else', 'N,3,h,5'],
    ['unknown: both branches Merged', T('', 'nac', 'bool'), 'both', 'N,3,h,?'],
  ] as const)('If with %s condition', (_, cond, decision, shape) => {
    branches.length = 0;
    const r = lookupOp('If')!.update(ifNode, [cond], ctx(17, branchOut));
    expect(branches).toEqual([decision]);
    expect(show(r.outputs[0]).shape).toBe(shape);
  });

  it('Loop Merges carried states until they settle and sizes scan outputs by the trip count', () => {
    const body: Graph = { ...thenG, name: 'body' };
    const loop = node('Loop', { body: attr.graph(body) }, 2);
    let calls = 0;
    // the carried tensor grows by one column per iteration: its dim cannot stay known
    const bodyOut = (): TensorState[] => { calls++; return [T('', [1], 'bool'), T(`N,${3 + calls}`), T('N')]; };
    const r = lookupOp('Loop')!.update(loop, [I('', [4]), undefined, T('N,3')], ctx(17, bodyOut));
    expect(show(r.outputs[0]).shape).toBe('N,?');
    expect(show(r.outputs[1]).shape).toBe('4,N');
    expect(calls).toBeLessThan(5);
  });
});

describe('constant tensors', () => {
  it('Constant of a float tensor keeps small elements', () => {
    const r = lookupOp('Constant')!.update(node('Constant', { value: attr.tensor(tensorF32([2], [0.5, 2])) }), [], ctx());
    expect(show(r.outputs[0])).toEqual({ shape: '2', value: '[0.5,2]' });
  });
});
