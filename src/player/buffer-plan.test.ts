import { describe, expect, it } from 'vitest';
import { bufferPlan, bufferPlanForLanes, type BufferGoals } from './buffer-plan.js';

const even = (n: number, frames = 50, bytes = 100_000) => Array.from({ length: n }, () => ({ frames, bytes }));
const goals: BufferGoals = { aheadSeconds: 10, aheadBytes: 1 << 30, behindSegments: 1 };

describe('bufferPlan', () => {
  it.each([
    // 2 s segments at 25 fps: 10 s ahead = 5 segments after the playhead's
    { name: 'start', first: 0, last: 0, keep: [0, 1, 2, 3, 4, 5], fetch: [0, 1, 2, 3, 4, 5] },
    { name: 'middle keeps one behind', first: 10, last: 10, keep: [9, 10, 11, 12, 13, 14, 15], fetch: [10, 11, 12, 13, 14, 15] },
    { name: 'two lanes apart', first: 10, last: 12, keep: [9, 10, 11, 12, 13, 14, 15, 16, 17], fetch: [10, 11, 12, 13, 14, 15, 16, 17] },
    { name: 'near the end', first: 98, last: 99, keep: [97, 98, 99], fetch: [98, 99] },
  ])('$name', ({ first, last, keep, fetch }) => {
    const plan = bufferPlan(even(100), 25, first, last, goals);
    expect([...plan.keep].sort((a, b) => a - b)).toEqual(keep);
    expect(plan.fetch).toEqual(fetch);
  });

  it('a byte goal holds fewer seconds of a heavy stream, but always the next segment', () => {
    const plan = bufferPlan(even(100, 50, 10 << 20), 25, 0, 0, { ...goals, aheadBytes: 25 << 20 });
    expect(plan.fetch).toEqual([0, 1, 2]);
    const tiny = bufferPlan(even(100, 50, 10 << 20), 25, 0, 0, { ...goals, aheadBytes: 1 });
    expect(tiny.fetch).toEqual([0, 1]);
  });

  it('a short last segment counts its own length', () => {
    const segments = [...even(3), { frames: 10, bytes: 1 }];
    expect(bufferPlan(segments, 25, 0, 0, { ...goals, aheadSeconds: 4.4 }).fetch).toEqual([0, 1, 2, 3]);
    expect(bufferPlan(segments, 25, 0, 0, { ...goals, aheadSeconds: 4.3 }).fetch).toEqual([0, 1, 2]);
  });
});

describe('bufferPlanForLanes', () => {
  it('gives lanes far apart their own windows, the asking lane first', () => {
    const plan = bufferPlanForLanes(even(100), 25, [90, 3], { ...goals, aheadSeconds: 4 });
    expect(plan.fetch).toEqual([90, 3, 91, 92, 4, 5]);
    expect([...plan.keep].sort((a, b) => a - b)).toEqual([2, 3, 4, 5, 89, 90, 91, 92]);
  });
  it('lanes in one window are one plan', () => {
    expect(bufferPlanForLanes(even(100), 25, [10, 10], goals).fetch).toEqual(bufferPlan(even(100), 25, 10, 10, goals).fetch);
  });
});
