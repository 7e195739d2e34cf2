// Resize and Upsample: I(S,V)->O(S). The output shape comes from `sizes`, or from `scales` times
// the input dims (exact for integer scales even on symbolic dims, floor(d*scale) on known ones).
import { attrFloat, attrInts } from '../../onnx/graph.js';
import { ranked, SHAPE_NAC, type Dim, type ShapeState, type TensorState } from '../lattice.js';
import { dimConst, dimMul, dimValue } from '../symbolic-dim.js';
import type { OpDefinition } from './op-types.js';
import { dimsOf, normalizeAxis } from './shape-rules.js';
import { constNumbers, derivedValue, trackedElems } from './value-rules.js';

function scaled(d: Dim, scale: number): Dim {
  if (d === null) return null;
  if (Number.isInteger(scale)) return dimMul(d, dimConst(scale));
  const v = dimValue(d);
  return v === undefined ? null : dimConst(Math.floor(v * scale));
}

export const resizeOps: OpDefinition = {
  opTypes: ['Resize', 'Upsample'],
  opClass: 'I(S,V)->O(S)',
  update(node, inputs, ctx) {
    const x = inputs[0]!;
    const xd = dimsOf(x);
    let scalesIn: TensorState | undefined, sizesIn: TensorState | undefined, scales: number[] | undefined;
    if (node.opType === 'Upsample') {
      if (ctx.opset < 9) scales = attrInts(node, 'scales') ?? undefined; else scalesIn = inputs[1];
    } else if (ctx.opset < 11) scalesIn = inputs[1];
    else { scalesIn = inputs[2]; sizesIn = inputs[3]; }
    const sizes = sizesIn && trackedElems(sizesIn);
    scales ??= scalesIn && constNumbers(scalesIn)?.length ? constNumbers(scalesIn) : undefined;
    if (node.opType === 'Upsample' && ctx.opset < 9 && !scales) scales = [attrFloat(node, 'height_scale', 1)];
    const axes = attrInts(node, 'axes');
    let shape: ShapeState = SHAPE_NAC;
    let nacReason: string | undefined;
    if (xd && (sizes || scales)) {
      const dims = [...xd];
      const at = axes?.map((a) => normalizeAxis(a, xd.length)) ?? xd.map((_, i) => i);
      at.forEach((a, k) => { dims[a] = sizes ? sizes[k] : scaled(xd[a], scales![k]); });
      shape = ranked(dims);
    } else if (xd) {
      shape = ranked(new Array<null>(xd.length).fill(null));
      nacReason = 'scales and sizes unknown';
    }
    return { outputs: [{ dtype: x.dtype, shape, value: derivedValue(inputs, shape) }], nacReason };
  },
};
