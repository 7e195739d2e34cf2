import { describe, expect, it } from 'vitest';
import { chooseRendition, srShare, type AbrInput, type AbrRung } from './abr-rule.js';

// Two rungs of a 25 fps video: x4 at 1 Mbit/s (cheap SR) and x2 at 3 Mbit/s (SR 4x as costly), 2 s segments.
const x4: AbrRung = { bitrate: 1e6, segmentBytes: [250_000], psnrSR: [33], psnrBicubic: [30], gflopsPerFrame: 10 };
const x2: AbrRung = { bitrate: 3e6, segmentBytes: [750_000], psnrSR: [36], psnrBicubic: [32], gflopsPerFrame: 40 };
const base: AbrInput = { rungs: [x4, x2], segment: 0, segmentSeconds: 2, bandwidth: 10e6, bufferedSeconds: 10, srGflopsPerSecond: null, fps: 25, current: 1, policy: 'sr-aware' };

describe('chooseRendition', () => {
  it.each<[string, Partial<AbrInput>, number]>([
    ['plenty of bandwidth, SR keeps up everywhere: the richest rung', {}, 1],
    ['no throughput measured yet: the lowest rung (fast start)', { bandwidth: null, current: null }, 0],
    ['bandwidth between the bitrates: down', { bandwidth: 2e6 }, 0],
    ['bandwidth below every rung: the lowest', { bandwidth: 0.5e6 }, 0],
    ['enough to stay on x2 (0.8 of 3.6 Mbit/s)', { bandwidth: 3.8e6 }, 1],
    ['the same bandwidth is not enough to climb to x2 (0.65) with 10 s buffered', { bandwidth: 3.8e6, current: 0 }, 0],
    ['with a healthy buffer (12 s) a climb asks only 0.8', { bandwidth: 3.8e6, current: 0, bufferedSeconds: 12 }, 1],
    ['a clear rise climbs', { bandwidth: 5e6, current: 0 }, 1],
    // SR-aware: x2 needs 40 x 25 x 1.25 = 1250 GFLOP/s; at 1000 it runs 80% of frames: 0.8 x 36 + 0.2 x 32 = 35.2 > 33
    ['SR half-speed on x2 still beats x4 SR', { srGflopsPerSecond: 1000 }, 1],
    // at 400 GFLOP/s: x2 expected 0.32 x 36 + 0.68 x 32 = 33.28; x4 (needs 312.5) runs SR on every frame: 33, kept x2 (within 0.1 dB? no, 0.28 better)
    ['SR too slow for x2 but x2 still slightly better: x2', { srGflopsPerSecond: 400 }, 1],
    // with x2's SR unusable and x4 SR much better than x2 bicubic: x4 although x2 fits
    ['no SR for x2 here, x4 SR beats x2 bicubic: x4 (the NAS case)', { srGflopsPerSecond: 320, rungs: [x4, { ...x2, psnrBicubic: [31.5] }], current: null }, 0],
    ['the same device and network with the throughput rule: x2', { srGflopsPerSecond: 320, rungs: [x4, { ...x2, psnrBicubic: [31.5] }], current: null, policy: 'throughput' }, 1],
    // buffer-aware: 750 kB at 4 Mbit/s take 1.5 s; with 2 s buffered it would arrive with 0.5 s left: the lower one
    ['a segment that would arrive with under 1 s buffered: the lower rung', { bandwidth: 4e6, bufferedSeconds: 2 }, 0],
    ['the same with 3 s buffered: x2', { bandwidth: 4e6, bufferedSeconds: 3 }, 1],
    ['at the start (nothing buffered) only the bitrate counts', { bandwidth: 4e6, bufferedSeconds: 0, current: null }, 1],
    ['x4 kept where x2 is expected at most 0.5 dB better', { current: 0, bandwidth: 10e6, rungs: [{ ...x4, psnrSR: [35.55] }, x2] }, 0],
    ['x4 left where x2 is expected more than 0.5 dB better', { current: 0, bandwidth: 10e6, rungs: [{ ...x4, psnrSR: [35.45] }, x2] }, 1],
    // a healthy buffer rides out a dip: 750 kB at 2 Mbit/s take 3 s; with 16 s buffered 13 s are left (>= 12)
    ['a dip on x2 with 16 s buffered: x2 stays, on the buffer', { bandwidth: 2e6, bufferedSeconds: 16 }, 1],
    ['the same dip with 14 s buffered: down to x4', { bandwidth: 2e6, bufferedSeconds: 14 }, 0],
    ['the buffer never climbs: on x4 with 16 s buffered, 2 Mbit/s stays x4', { bandwidth: 2e6, bufferedSeconds: 16, current: 0 }, 0],
    // climbing asks 0.65 only above what the bandwidth carried last time: 3.8 Mbit/s carried x2 (0.8), so x2 at once
    ['back up after a PSNR-led step down: the 0.8 margin, x2 carried last time', { bandwidth: 3.8e6, current: 0, ceiling: 1 }, 1],
  ])('%s', (_name, over, rung) => {
    expect(chooseRendition({ ...base, ...over }).rung).toBe(rung);
  });

  it('uses the segment\'s own numbers (the last where a list is shorter)', () => {
    const r4 = { ...x4, psnrSR: [33, 37], psnrBicubic: [30, 31] };
    expect(chooseRendition({ ...base, rungs: [r4, x2], segment: 0 }).rung).toBe(1);
    expect(chooseRendition({ ...base, rungs: [r4, x2], segment: 1 }).rung).toBe(0);
    expect(chooseRendition({ ...base, rungs: [r4, x2], segment: 7 }).rung).toBe(0);
  });

  it('a single rung is always rung 0', () => {
    expect(chooseRendition({ ...base, rungs: [x2], bandwidth: 1 }).rung).toBe(0);
  });
});

describe('srShare', () => {
  it.each([[null, 1], [0, 0], [625, 0.5], [1250, 1], [5000, 1]])('at %s GFLOP/s x2 gets SR on a share %f of frames', (g, share) => {
    expect(srShare(x2, 25, g)).toBeCloseTo(share, 6);
  });
});
