// The reuse rule a layout with modes keeps, and the checks readers run on it.
import { describe, expect, it } from 'vitest';
import { isSegmentStart, reuseProblem, tupleMode, withMode } from './patch-mode.js';
import { validateLayout } from './patch-layout.js';

describe('reuseProblem', () => {
  const prev = [[0, 0, 8, 8, 0], [8, 0, 8, 8, 0]];
  it.each<{ name: string; prev: number[][] | null; cur: number[][]; want: RegExp | null }>([
    { name: 'no modes', prev: null, cur: prev, want: null },
    { name: 'SR and bicubic on a segment start', prev: null, cur: [[0, 0, 8, 8, 0, 2], [8, 0, 8, 8, 0]], want: null },
    { name: 'reuse on a segment start', prev: null, cur: [[0, 0, 8, 8, 0, 1], [8, 0, 8, 8, 0]], want: /segment's first frame/ },
    { name: 'reuse of the same rect', prev, cur: [[0, 0, 8, 8, 0, 1], [8, 0, 8, 8, 0, 1]], want: null },
    { name: 'reuse of a rect the previous frame split', prev, cur: [[0, 0, 8, 8, 0], [8, 0, 4, 4, 1, 1], [12, 0, 4, 4, 1], [8, 4, 4, 4, 1], [12, 4, 4, 4, 1]], want: /does not have/ },
  ])('$name', ({ prev: p, cur, want }) => {
    const got = reuseProblem(p, cur);
    if (want === null) expect(got).toBeNull(); else expect(got).toMatch(want);
  });
});

describe('modes in tuples', () => {
  it('leaves mode 0 out and reads it back', () => {
    expect(withMode([1, 2, 3, 4, 0], 0)).toEqual([1, 2, 3, 4, 0]);
    expect(withMode([1, 2, 3, 4, 0, 2], 1)).toEqual([1, 2, 3, 4, 0, 1]);
    expect(tupleMode([1, 2, 3, 4, 0])).toBe(0);
    expect(tupleMode([1, 2, 3, 4, 0, 2])).toBe(2);
  });
  it('validateLayout accepts modes 0..2 only', () => {
    expect(validateLayout([[0, 0, 2, 1, 0, 2]], 2, 1)).toBeNull();
    expect(validateLayout([[0, 0, 2, 1, 0, 3]], 2, 1)?.message).toMatch(/mode 3/);
  });
  it.each([[0, 10, true], [5, 10, false], [10, 10, true], [5, null, false], [0, null, true]] as const)('frame %d with segments of %s frames: start %s', (i, seg, want) => {
    expect(isSegmentStart(i, seg)).toBe(want);
  });
});
