import { describe, expect, it } from 'vitest';
import { psnrReadout, routeShares } from './view-labels.js';

describe('routeShares: each path\'s patches and share of the frame', () => {
  it('a 64x32 frame of one 32x32 patch on path 0 and eight 16x8... patches on path 1', () => {
    const patches = [{ x: 0, y: 0, w: 32, h: 32, path: 0 }, ...[0, 1, 2, 3].flatMap((i) => [{ x: 32 + (i % 2) * 16, y: Math.floor(i / 2) * 16, w: 16, h: 16, path: 1 }])];
    expect(routeShares(patches, [{ id: 0, patch: [32, 32] }, { id: 1, patch: [16, 16] }], 64, 32)).toEqual([
      { path: 0, patch: [32, 32], patches: 1, share: 0.5 },
      { path: 1, patch: [16, 16], patches: 4, share: 0.5 },
    ]);
  });
  it('a path with no patches in this frame has share 0', () => {
    expect(routeShares([{ x: 0, y: 0, w: 8, h: 8, path: 1 }], [{ id: 0, patch: [16, 16] }, { id: 1, patch: [8, 8] }], 8, 8).map((r) => r.share)).toEqual([0, 1]);
  });
});

describe('psnrReadout', () => {
  it.each<[number | null, number | null, string]>([
    [29.254, 26.81, 'SR 29.25 dB · bicubic 26.81 dB · +2.44 dB'],
    [26, 27.5, 'SR 26.00 dB · bicubic 27.50 dB · −1.50 dB'],
    [null, 26.81, 'bicubic 26.81 dB (no SR on this frame)'],
    [null, null, 'PSNR: waiting for the HR reference'],
  ])('SR %s, bicubic %s', (sr, bic, text) => expect(psnrReadout(sr, bic)).toBe(text));
});
