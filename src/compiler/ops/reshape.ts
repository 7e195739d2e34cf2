// Reshape (I(S,V)->O(S): the target shape is a value; 0 copies a dim, -1 is inferred from the
// element count, exactly when it divides symbolically) and Flatten (I(S)->O(S)).
import { attrInt } from '../../onnx/graph.js';
import { knownDims, ranked, SHAPE_NAC, type Dim, type ShapeState } from '../lattice.js';
import { dimConst, dimExactDiv, dimFloorDiv, dimMul, dimValue } from '../symbolic-dim.js';
import type { OpDefinition } from './op-types.js';
import { dimsOf, normalizeAxis } from './shape-rules.js';
import { derivedValue, trackedElems } from './value-rules.js';

const product = (dims: Dim[]): Dim => dims.reduce<Dim>((a, d) => (a && d ? dimMul(a, d) : null), dimConst(1));

export const reshapeOp: OpDefinition = {
  opTypes: ['Reshape'],
  opClass: 'I(S,V)->O(S)',
  update(node, [x, shapeIn]) {
    const xd = dimsOf(x);
    const target = trackedElems(shapeIn);
    const allowZero = attrInt(node, 'allowzero', 0) === 1;
    let shape: ShapeState = SHAPE_NAC;
    let nacReason: string | undefined;
    if (target) {
      const dims: Dim[] = target.map((t, i) => (dimValue(t) === 0 && !allowZero ? (xd?.[i] ?? null) : dimValue(t) === -1 ? null : t));
      const inferAt = target.findIndex((t) => dimValue(t) === -1);
      if (inferAt >= 0 && xd) {
        const total = product(xd), rest = product(dims.filter((_, i) => i !== inferAt));
        dims[inferAt] = total && rest ? (dimExactDiv(total, rest) ?? (dimValue(rest) ? dimFloorDiv(total, rest) ?? null : null)) : null;
      }
      shape = ranked(dims);
    } else {
      const len = knownDims(shapeIn!.shape)?.[0];
      if (len !== undefined) shape = ranked(new Array<null>(len).fill(null));
      nacReason = 'target shape value unknown';
    }
    return { outputs: [{ dtype: x!.dtype, shape, value: derivedValue([x, shapeIn], shape, () => trackedElems(x)) }], nacReason };
  },
};

export const flattenOp: OpDefinition = {
  opTypes: ['Flatten'],
  opClass: 'I(S)->O(S)',
  update(node, [x]) {
    const xd = dimsOf(x);
    let shape: ShapeState = SHAPE_NAC;
    if (xd) {
      const axis = xd.length === 0 ? 0 : attrInt(node, 'axis', 1) === xd.length ? xd.length : normalizeAxis(attrInt(node, 'axis', 1), xd.length);
      shape = ranked([product(xd.slice(0, axis)), product(xd.slice(axis))]);
    }
    return { outputs: [{ dtype: x!.dtype, shape, value: derivedValue([x], shape, () => trackedElems(x)) }] };
  },
};
