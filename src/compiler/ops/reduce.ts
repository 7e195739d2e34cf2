// The Reduce family and ArgMax/ArgMin: I(S)->O(S). Axes come from an attribute, or (ReduceSum from
// opset 13, the rest from 18) from an optional input, which then must be a known constant.
import { attrInt, attrInts } from '../../onnx/graph.js';
import { ranked, SHAPE_NAC, type ShapeState } from '../lattice.js';
import { dimConst } from '../symbolic-dim.js';
import type { OpDefinition } from './op-types.js';
import { dimsOf, normalizeAxis } from './shape-rules.js';
import { constNumbers, derivedValue } from './value-rules.js';

const REDUCE = ['ReduceSum', 'ReduceMean', 'ReduceMax', 'ReduceMin', 'ReduceProd', 'ReduceL1', 'ReduceL2', 'ReduceLogSum', 'ReduceLogSumExp', 'ReduceSumSquare'];

export const reduceOps: OpDefinition = {
  opTypes: [...REDUCE, 'ArgMax', 'ArgMin'],
  opClass: 'I(S)->O(S)',
  update(node, [x, axesIn], ctx) {
    const xd = dimsOf(x);
    const keep = attrInt(node, 'keepdims', 1) === 1;
    const isArg = node.opType.startsWith('Arg');
    const axesFromInput = !isArg && (node.opType === 'ReduceSum' ? ctx.opset >= 13 : ctx.opset >= 18);
    let axes: number[] | undefined = isArg ? [attrInt(node, 'axis', 0)] : axesFromInput ? (axesIn ? constNumbers(axesIn) : []) : attrInts(node, 'axes') ?? [];
    let shape: ShapeState = SHAPE_NAC;
    let nacReason: string | undefined;
    if (xd && axes) {
      if (axes.length === 0) axes = attrInt(node, 'noop_with_empty_axes', 0) === 1 ? [] : xd.map((_, i) => i);
      const reduced = new Set(axes.map((a) => normalizeAxis(a, xd.length)));
      shape = ranked(xd.flatMap((d, i) => (!reduced.has(i) ? [d] : keep ? [dimConst(1)] : [])));
    } else if (xd && keep) {
      shape = ranked(new Array<null>(xd.length).fill(null));
      nacReason = 'reduction axes unknown';
    }
    return { outputs: [{ dtype: isArg ? 'int64' : x!.dtype, shape, value: derivedValue([x, axesIn], shape) }], nacReason };
  },
};
