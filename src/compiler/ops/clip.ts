// Clip: I(S)->O(S). Bounds come from attributes before opset 11 and from optional inputs after.
import { attrFloat } from '../../onnx/graph.js';
import { dimConst, dimValue, type DimExpr } from '../symbolic-dim.js';
import type { OpDefinition } from './op-types.js';
import { constScalar, derivedValue, trackedElems } from './value-rules.js';

export const clipOp: OpDefinition = {
  opTypes: ['Clip'],
  opClass: 'I(S)->O(S)',
  update(node, [x, minIn, maxIn], ctx) {
    const lo = ctx.opset < 11 ? attrFloat(node, 'min', -Infinity) : minIn ? constScalar(minIn) : -Infinity;
    const hi = ctx.opset < 11 ? attrFloat(node, 'max', Infinity) : maxIn ? constScalar(maxIn) : Infinity;
    const value = derivedValue([x, minIn, maxIn], x!.shape, lo !== undefined && hi !== undefined ? () => {
      const out = trackedElems(x)!.map((e) => { const v = dimValue(e); return v === undefined ? undefined : dimConst(Math.min(Math.max(v, lo), hi)); });
      return out.every((e): e is DimExpr => e !== undefined) ? out : undefined;
    } : undefined);
    return { outputs: [{ dtype: x!.dtype, shape: x!.shape, value }] };
  },
};
