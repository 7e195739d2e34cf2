// Slice: I(S,V)->O(S). starts/ends/axes/steps are values (attributes before opset 10). Dims follow
// ONNX's clamping rules with min/max on symbolic dims; tracked values are sliced element by element.
import { attrInts, type Node } from '../../onnx/graph.js';
import { knownDims, ranked, SHAPE_NAC, type Dim, type ShapeState, type TensorState } from '../lattice.js';
import { dimAdd, dimCeilDiv, dimConst, dimMax, dimMin, dimSub, dimValue, type DimExpr } from '../symbolic-dim.js';
import type { OpContext, OpDefinition } from './op-types.js';
import { dimsOf, indicesOf, normalizeAxis, stridesOf } from './shape-rules.js';
import { constNumbers, derivedValue, trackedElems } from './value-rules.js';

interface SliceParams { starts: number[]; ends: number[]; axes: number[]; steps: number[] }

function params(node: Node, inputs: (TensorState | undefined)[], rank: number, ctx: OpContext): SliceParams | undefined {
  const read = (i: number, attr: string): number[] | undefined => (ctx.opset < 10 ? attrInts(node, attr) : inputs[i] && constNumbers(inputs[i]));
  const starts = read(1, 'starts'), ends = read(2, 'ends');
  if (!starts || !ends) return undefined;
  const axes = (ctx.opset < 10 || inputs[3]) ? read(3, 'axes') : starts.map((_, i) => i);
  const steps = ctx.opset >= 10 && inputs[4] ? constNumbers(inputs[4]) : starts.map(() => 1);
  if (!axes || !steps) return undefined;
  return { starts, ends, axes: axes.map((a) => normalizeAxis(a, rank)), steps };
}

/** ONNX's clamp of a start/end index on a dim of (possibly symbolic) size d. */
function clampIndex(i: number, d: DimExpr, step: number, isEnd: boolean): DimExpr {
  const dv = dimValue(d);
  if (step > 0) {
    if (i < 0) return dimMax(dimConst(0), dimAdd(d, dimConst(i)));
    return dv === undefined && i >= 2 ** 31 - 1 ? d : dimMin(dimConst(i), d);
  }
  // negative steps: clamp to [0, d-1] for starts and [-1, d-1] for ends (known dims only)
  const v = i < 0 ? i + dv! : i;
  return dimConst(Math.min(Math.max(v, isEnd ? -1 : 0), dv! - 1));
}

function slicedDim(d: Dim, start: number, end: number, step: number): Dim {
  if (d === null || step === 0) return null;
  if (step < 0 && dimValue(d) === undefined) return null;
  const s = clampIndex(start, d, step, false), e = clampIndex(end, d, step, true);
  const len = dimCeilDiv(dimSub(e, s), dimConst(step));
  return len ? dimMax(dimConst(0), len) : null;
}

export const sliceOp: OpDefinition = {
  opTypes: ['Slice'],
  opClass: 'I(S,V)->O(S)',
  update(node, inputs, ctx) {
    const x = inputs[0]!;
    const xd = dimsOf(x);
    const p = xd && params(node, inputs, xd.length, ctx);
    let shape: ShapeState = SHAPE_NAC;
    let nacReason: string | undefined;
    if (xd && p) {
      const dims = [...xd];
      p.axes.forEach((a, k) => { dims[a] = slicedDim(xd[a], p.starts[k], p.ends[k], p.steps[k]); });
      shape = ranked(dims);
    } else if (xd) {
      shape = ranked(new Array<null>(xd.length).fill(null));
      nacReason = 'starts, ends, axes or steps unknown';
    }
    const value = derivedValue(inputs, shape, () => {
      const inDims = knownDims(x.shape), outDims = knownDims(shape);
      if (!inDims || !outDims || !p) return undefined;
      const first = inDims.map(() => 0), step = inDims.map(() => 1);
      p.axes.forEach((a, k) => { first[a] = dimValue(clampIndex(p.starts[k], dimConst(inDims[a]), p.steps[k], false))!; step[a] = p.steps[k]; });
      const strides = stridesOf(inDims), src = trackedElems(x)!;
      return [...indicesOf(outDims)].map((o) => src[o.reduce((off, v, k) => off + (first[k] + v * step[k]) * strides[k], 0)]);
    });
    return { outputs: [{ dtype: x.dtype, shape, value }], nacReason };
  },
};
