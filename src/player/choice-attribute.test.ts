import { describe, expect, it } from 'vitest';
import { parseChoice } from './choice-attribute.js';

describe('parseChoice', () => {
  it.each([['auto', 'auto'], ['', 'auto'], [null, 'auto'], [' 1 ', 1], ['0', 0]] as const)('%j -> %j', (v, out) => {
    expect(parseChoice('tier', v, 2, 'the pack\'s tiers')).toBe(out);
  });
  it.each(['2', '-1', '1.5', 'best', 'NaN'])('%j is refused with the range', (v) => {
    expect(() => parseChoice('tier', v, 2, 'the pack\'s tiers')).toThrow(`tier="${v}": use "auto" or an index 0..1 (the pack's tiers)`);
  });
});
