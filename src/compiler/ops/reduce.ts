// The Reduce family and ArgMax/ArgMin: I(S)->O(S). Axes come from an attribute, or (ReduceSum from
// opset 13, the rest from 18) from an optional input, which then must be a known constant.
import { attrInt, attrInts } from '../../onnx/graph.js';
import { knownDims, ranked, SHAPE_NAC, type ShapeState } from '../lattice.js';
import { dimAdd, dimConst, dimMax, dimMin, dimMul, type DimExpr } from '../symbolic-dim.js';
import type { OpDefinition } from './op-types.js';
import { dimsOf, indicesOf, normalizeAxis } from './shape-rules.js';
import { constNumbers, derivedValue, trackedElems } from './value-rules.js';

/** Reductions whose value shape arithmetic uses (e.g. ReduceProd of [h, w] = h*w), folded exactly. */
const VALUE_FOLDS: Record<string, (a: DimExpr, b: DimExpr) => DimExpr> = { ReduceSum: dimAdd, ReduceProd: dimMul, ReduceMin: dimMin, ReduceMax: dimMax };

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
    const fold = VALUE_FOLDS[node.opType];
    const value = derivedValue([x, axesIn], shape, fold && axes && (() => {
      const inDims = knownDims(x!.shape);
      if (!inDims) return undefined;
      const reduced = new Set(axes!.map((a) => normalizeAxis(a, inDims.length)));
      const src = trackedElems(x)!, groups = new Map<string, DimExpr[]>();
      let k = 0;
      for (const idx of indicesOf(inDims)) {
        const key = idx.filter((_, i) => !reduced.has(i)).join(',');
        groups.set(key, [...(groups.get(key) ?? []), src[k++]]);
      }
      return [...groups.values()].map((g) => g.reduce(fold));
    }));
    return { outputs: [{ dtype: isArg ? 'int64' : x!.dtype, shape, value }], nacReason };
  },
};
