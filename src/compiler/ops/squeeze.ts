// Squeeze and Unsqueeze: I(S)->O(S). Axes are an attribute before opset 13 and an input after;
// values pass through unchanged (same elements, new shape).
import { attrInts, type Node } from '../../onnx/graph.js';
import { ranked, SHAPE_NAC, type Dim, type ShapeState, type TensorState } from '../lattice.js';
import { dimConst, dimValue } from '../symbolic-dim.js';
import type { OpContext, OpDefinition } from './op-types.js';
import { dimsOf, normalizeAxis } from './shape-rules.js';
import { constNumbers, derivedValue, trackedElems } from './value-rules.js';

function axesOf(node: Node, axesIn: TensorState | undefined, ctx: OpContext): number[] | undefined {
  if (ctx.opset < 13) return attrInts(node, 'axes');
  return axesIn ? constNumbers(axesIn) : undefined;
}

export const squeezeOps: OpDefinition = {
  opTypes: ['Squeeze', 'Unsqueeze'],
  opClass: 'I(S)->O(S)',
  update(node, [x, axesIn], ctx) {
    const xd = dimsOf(x);
    const axes = axesOf(node, axesIn, ctx);
    let shape: ShapeState = SHAPE_NAC;
    let nacReason: string | undefined;
    if (xd && node.opType === 'Unsqueeze' && axes) {
      const rank = xd.length + axes.length;
      const inserted = new Set(axes.map((a) => normalizeAxis(a, rank)));
      const rest = [...xd];
      shape = ranked(Array.from({ length: rank }, (_, i): Dim => (inserted.has(i) ? dimConst(1) : rest.shift() ?? null)));
    } else if (xd && node.opType === 'Squeeze') {
      // without axes every dim of 1 goes, which needs every dim known
      const removed = axes ? new Set(axes.map((a) => normalizeAxis(a, xd.length)))
        : xd.every((d) => d && dimValue(d) !== undefined) ? new Set(xd.flatMap((d, i) => (dimValue(d!) === 1 ? [i] : []))) : undefined;
      if (removed) shape = ranked(xd.filter((_, i) => !removed.has(i)));
      else nacReason = 'Squeeze without axes on a shape with unknown dims';
    } else if (xd) {
      nacReason = 'axes unknown';
    }
    const value = derivedValue([x, axesIn], shape, () => trackedElems(x));
    return { outputs: [{ dtype: x!.dtype, shape, value }], nacReason };
  },
};
