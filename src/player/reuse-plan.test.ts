// The player's work per frame with a reuse map: nothing to catch up when the SR texture holds the frame before,
// the trace back to the computing frame after a seek or a skipped frame, stopping at the frame held.
import { describe, expect, it } from 'vitest';
import { framesNeeded, planFrameWork } from './reuse-plan.js';
import type { PatchRect } from '../format/patch.js';

const r = (x: number, mode: 0 | 1 | 2 = 0): PatchRect => ({ x, y: 0, w: 8, h: 8, path: 0, ...(mode ? { mode } : {}) });
// a segment from frame 10: patch A (x 0) computed at 10, reused after; patch B (x 8) bicubic at 12, reused after
const layouts: Record<number, PatchRect[]> = {
  10: [r(0), r(8)], 11: [r(0, 1), r(8)], 12: [r(0, 1), r(8, 2)], 13: [r(0, 1), r(8, 1)], 14: [r(0, 1), r(8, 1)],
};
const layoutOf = (f: number) => layouts[f];
const summary = (w: ReturnType<typeof planFrameWork>) => ({
  catchUp: w.catchUp.map((s) => `${s.frame}: sr ${s.sr.map((p) => p.x).join(',')} bic ${s.bicubic.map((p) => p.x).join(',')}`),
  sr: w.own.sr.map((p) => p.x), bicubic: w.own.bicubic.map((p) => p.x), reused: w.reused,
});

describe('planFrameWork', () => {
  it.each([
    { name: 'the frame before is held: nothing to catch up', index: 14, held: 13, want: { catchUp: [], sr: [], bicubic: [], reused: 2 } },
    { name: 'after a seek: each reused patch computed where it was', index: 14, held: -1, want: { catchUp: ['10: sr 0 bic ', '12: sr  bic 8'], sr: [], bicubic: [], reused: 2 } },
    { name: 'a seek from a later frame', index: 13, held: 30, want: { catchUp: ['10: sr 0 bic ', '12: sr  bic 8'], sr: [], bicubic: [], reused: 2 } },
    { name: 'a skipped frame: what the held frame has is kept', index: 14, held: 12, want: { catchUp: [], sr: [], bicubic: [], reused: 2 } },
    { name: 'a skipped frame before the bicubic patch was made', index: 14, held: 11, want: { catchUp: ['12: sr  bic 8'], sr: [], bicubic: [], reused: 2 } },
    { name: 'own modes', index: 12, held: 11, want: { catchUp: [], sr: [], bicubic: [8], reused: 1 } },
  ])('$name', ({ index, held, want }) => {
    expect(summary(planFrameWork(index, layouts[index], held, layoutOf))).toEqual(want);
  });

  it('names a layout that breaks the reuse rule', () => {
    expect(() => planFrameWork(11, [r(0, 1), r(16, 1)], -1, layoutOf)).toThrow(/has no such patch/);
  });
});

describe('framesNeeded', () => {
  it.each([
    { index: 14, held: 13, want: [] },
    { index: 14, held: -1, want: [10, 11, 12, 13] },
    { index: 14, held: 12, want: [13] },
    { index: 12, held: 30, want: [10, 11] },
  ])('frame $index holding $held', ({ index, held, want }) => {
    expect(framesNeeded(index, layouts[index], held, 10)).toEqual(want);
  });
  it('no reused patch: none', () => expect(framesNeeded(10, layouts[10], -1, 10)).toEqual([]));
});
