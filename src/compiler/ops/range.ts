// Range: I(S,V)->O(S). Length max(ceil((limit-start)/delta), 0), symbolic when limit is (e.g. Range(0, h, 1) has h elements).
import { knownElementCount, ranked, type ShapeState } from '../lattice.js';
import { dimAdd, dimCeilDiv, dimConst, dimMax, dimMul, dimSub, dimValue, type DimExpr } from '../symbolic-dim.js';
import type { OpDefinition } from './op-types.js';
import { derivedValue, trackedElems } from './value-rules.js';

export const rangeOp: OpDefinition = {
  opTypes: ['Range'],
  opClass: 'I(S,V)->O(S)',
  update(_node, [start, limit, delta]) {
    const [s, l, d] = [start, limit, delta].map((t) => trackedElems(t)?.[0]);
    let shape: ShapeState = ranked([null]);
    let nacReason: string | undefined;
    const dv = d && dimValue(d);
    if (s && l && dv !== undefined && dv !== 0) {
      const len = dimCeilDiv(dimSub(l, s), dimConst(dv));
      shape = len ? ranked([dimMax(dimConst(0), len)]) : ranked([null]);
    } else {
      nacReason = 'start, limit or delta unknown';
    }
    const value = derivedValue([start, limit, delta], shape, () => {
      const n = knownElementCount(shape);
      if (n === undefined || !s || !d) return undefined;
      return Array.from({ length: n }, (_, i): DimExpr => dimAdd(s, dimMul(dimConst(i), d)));
    });
    return { outputs: [{ dtype: start!.dtype, shape, value }], nacReason };
  },
};
