import { describe, expect, it } from 'vitest';
import {
  dimAdd, dimCeilDiv, dimExactDiv, dimConst, dimEqual, dimEvaluate, dimFloorDiv, dimMax, dimMin, dimMod, dimMul, dimSub, dimSubstitute,
  dimSym, dimValue, formatDim, parseDim, type DimExpr,
} from './symbolic-dim.js';

const h = dimSym('h'), w = dimSym('w'), N = dimSym('N');
const c = dimConst;

describe('symbolic dims: canonical form and printing', () => {
  const cases: [string, DimExpr, string][] = [
    ['constant', c(7), '7'],
    ['symbol', h, 'h'],
    ['h+h', dimAdd(h, h), '2*h'],
    ['h+4', dimAdd(h, c(4)), 'h+4'],
    ['4+h (order-free)', dimAdd(c(4), h), 'h+4'],
    ['(h+2)-(h-2)', dimSub(dimAdd(h, c(2)), dimSub(h, c(2))), '4'],
    ['N*h*w commutes', dimMul(dimMul(w, N), h), 'N*h*w'],
    ['(h+1)*(h-1)', dimMul(dimAdd(h, c(1)), dimSub(h, c(1))), 'h*h-1'],
    ['(2*h)/2 exact', dimFloorDiv(dimMul(c(2), h), c(2))!, 'h'],
    ['(2*h+3)/2', dimFloorDiv(dimAdd(dimMul(c(2), h), c(3)), c(2))!, 'h+1'],
    ['conv stride 2: floor((h-1)/2)+1', dimAdd(dimFloorDiv(dimSub(h, c(1)), c(2))!, c(1)), 'floor((h+1)/2)'],
    ['(2h+2)/4 reduces by gcd', dimFloorDiv(dimAdd(dimMul(c(2), h), c(2)), c(4))!, 'floor((h+1)/2)'],
    ['nested floor', dimFloorDiv(dimFloorDiv(h, c(2))!, c(3))!, 'floor((h)/6)'],
    ['ceil(h/2)', dimCeilDiv(h, c(2))!, 'h-floor((h)/2)'],
    ['h mod 2', dimMod(h, c(2))!, 'h-2*floor((h)/2)'],
    ['(2*h) mod 2', dimMod(dimMul(c(2), h), c(2))!, '0'],
    ['min(h, h+1)', dimMin(h, dimAdd(h, c(1))), 'h'],
    ['max(h, h+1)', dimMax(h, dimAdd(h, c(1))), 'h+1'],
    ['min(w, h) commutes', dimMin(w, h), 'min(h,w)'],
    ['max(0, h-1) stays (h may be 0)', dimMax(c(0), dimSub(h, c(1))), 'max(0,h-1)'],
    ['max(0, 2*h) (dims are never negative)', dimMax(c(0), dimMul(c(2), h)), '2*h'],
    ['N*3*h*w / (3*N)', dimExactDiv(dimMul(dimMul(N, c(3)), dimMul(h, w)), dimMul(c(3), N))!, 'h*w'],
    ['constant floor div of negatives', dimFloorDiv(c(-7), c(2))!, '-4'],
    ['float constants stay exact', dimMul(c(0.5), c(3)), '1.5'],
  ];
  it.each(cases)('%s', (_, e, printed) => { expect(formatDim(e)).toBe(printed); });

  it('recognises equal expressions built differently', () => {
    const a = dimAdd(dimMul(c(2), h), c(4));
    const b = dimMul(dimAdd(h, c(2)), c(2));
    expect(dimEqual(a, b)).toBe(true);
    expect(dimEqual(a, dimAdd(h, c(4)))).toBe(false);
  });

  it('refuses symbolic division it cannot express, and division by zero', () => {
    expect(dimFloorDiv(h, w)).toBeUndefined();
    expect(dimFloorDiv(h, h)).toEqual(c(1));
    expect(dimFloorDiv(c(3), c(0))).toBeUndefined();
    expect(dimMod(h, c(0))).toBeUndefined();
    expect(dimExactDiv(dimAdd(h, c(1)), h)).toBeUndefined();
  });
});

describe('symbolic dims: substitution and evaluation agree with integer arithmetic', () => {
  const exprs = ['2*h+4', 'floor((h-1)/2)+1', 'N*h*w', 'floor((floor((h+3)/2))/3)', 'min(h,w)+max(h,2*w)', 'h-2*floor(h/2)'];
  const envs = [{ N: 1, h: 1, w: 1 }, { N: 2, h: 7, w: 3 }, { N: 3, h: 40, w: 41 }, { N: 1, h: 0, w: 5 }];
  const reference = (text: string, env: Record<string, number>): number => {
    const js = text.replace(/floor/g, 'Math.floor').replace(/min/g, 'Math.min').replace(/max/g, 'Math.max').replace(/\b([Nhw])\b/g, (m) => `(${env[m]})`);
    return Function(`return ${js}`)() as number;
  };
  for (const text of exprs) for (const env of envs) {
    it(`${text} at ${JSON.stringify(env)}`, () => {
      const e = parseDim(text);
      expect(dimEvaluate(e, env)).toBe(reference(text, env));
      // partial substitution then full evaluation gives the same number
      expect(dimEvaluate(dimSubstitute(e, { h: env.h }), env)).toBe(reference(text, env));
      // printing and re-parsing is the identity on the canonical form
      expect(formatDim(parseDim(formatDim(e)))).toBe(formatDim(e));
    });
  }

  it('substitutes expressions for symbols', () => {
    expect(formatDim(dimSubstitute(parseDim('2*h+1'), { h: parseDim('w+1') }))).toBe('2*w+3');
    expect(dimValue(dimSubstitute(parseDim('floor((h+1)/2)'), { h: 9 }))).toBe(5);
  });

  it('names unbound symbols when evaluation is impossible', () => {
    expect(() => dimEvaluate(parseDim('h+w'), { h: 1 })).toThrow(/unbound symbol\(s\) w/);
    expect(() => parseDim('h+')).toThrow(/cannot parse/);
  });
});
