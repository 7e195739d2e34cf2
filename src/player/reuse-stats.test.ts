// Stats of the frame on screen with a reuse map.
import { describe, expect, it } from 'vitest';
import { reuseStats } from './reuse-stats.js';

const model = { paths: [{ id: 0, patch: [8, 8] as [number, number], blocks: 1, channels: 8 }], scale: 2, halo: 1 };
const p = { x: 0, y: 0, w: 8, h: 8, path: 0 };

describe('reuseStats', () => {
  it.each([
    { name: 'SR frame', shown: { index: 3, kind: 'sr' as const }, work: { index: 3, sr: [p], reused: 2, bicubic: 1 }, want: { srPatches: 1, reusedPatches: 2, bicubicPatches: 1 } },
    { name: 'bicubic frame', shown: { index: 3, kind: 'bicubic' as const }, work: { index: 2, sr: [p], reused: 2, bicubic: 1 }, want: { srPatches: 0, reusedPatches: 0, bicubicPatches: 4, executedGflops: 0 } },
    { name: 'SR of another frame', shown: { index: 3, kind: 'sr' as const }, work: { index: 2, sr: [p], reused: 2, bicubic: 1 }, want: { srPatches: 0, reusedPatches: 0, bicubicPatches: 0, executedGflops: 0 } },
  ])('$name', ({ shown, work, want }) => {
    expect(reuseStats(shown, work, [p, p, p, p], model)).toMatchObject(want);
  });
  it('counts the GFLOP of the patches SR ran', () => {
    const one = reuseStats({ index: 1, kind: 'sr' }, { index: 1, sr: [p], reused: 0, bicubic: 0 }, null, model).executedGflops;
    expect(one).toBeGreaterThan(0);
    expect(reuseStats({ index: 1, kind: 'sr' }, { index: 1, sr: [p, p], reused: 0, bicubic: 0 }, null, model).executedGflops).toBeCloseTo(2 * one, 3);
  });
});
