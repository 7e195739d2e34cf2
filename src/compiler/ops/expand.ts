// Expand and Tile: I(S,V)->O(S); the output shape is read from a value (target shape, repeats).
import { knownDims, ranked, SHAPE_NAC, type ShapeState } from '../lattice.js';
import { dimMul } from '../symbolic-dim.js';
import type { OpDefinition } from './op-types.js';
import { broadcastShapes, dimsOf, indicesOf, stridesOf } from './shape-rules.js';
import { derivedValue, trackedElems } from './value-rules.js';

export const expandOp: OpDefinition = {
  opTypes: ['Expand'],
  opClass: 'I(S,V)->O(S)',
  update(_node, [x, shapeIn]) {
    const target = trackedElems(shapeIn);
    const len = knownDims(shapeIn!.shape)?.[0];
    const xd = dimsOf(x);
    let shape: ShapeState = SHAPE_NAC;
    let nacReason: string | undefined;
    if (target) shape = broadcastShapes([x!.shape, ranked(target)]);
    else if (xd && len !== undefined) { shape = ranked(new Array<null>(Math.max(len, xd.length)).fill(null)); nacReason = 'target shape value unknown'; }
    const value = derivedValue([x, shapeIn], shape, () => {
      const outDims = knownDims(shape), inDims = knownDims(x!.shape);
      if (!outDims || !inDims) return undefined;
      const src = trackedElems(x)!, strides = stridesOf(inDims), pad = outDims.length - inDims.length;
      return [...indicesOf(outDims)].map((o) => src[inDims.reduce((off, d, k) => off + (d === 1 ? 0 : o[k + pad]) * strides[k], 0)]);
    });
    return { outputs: [{ dtype: x!.dtype, shape, value }], nacReason };
  },
};

export const tileOp: OpDefinition = {
  opTypes: ['Tile'],
  opClass: 'I(S,V)->O(S)',
  update(_node, [x, repeatsIn]) {
    const xd = dimsOf(x), reps = trackedElems(repeatsIn);
    const shape: ShapeState = xd && reps ? ranked(xd.map((d, i) => d && dimMul(d, reps[i])))
      : xd ? ranked(new Array<null>(xd.length).fill(null)) : SHAPE_NAC;
    return { outputs: [{ dtype: x!.dtype, shape, value: derivedValue([x, repeatsIn], shape) }], nacReason: reps ? undefined : 'repeats unknown' };
  },
};
