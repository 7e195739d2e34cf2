// The reuse decision: margins, the allowance, the order of savings, and the replay of a frame with modes.
import { describe, expect, it } from 'vitest';
import { chooseModes, composePlayed, lrChange, patchSquaredError, type PatchChoices } from './reuse-decision.js';

const p = (sr: number, bicubic: number, reuse: number | null, gflop = 1): PatchChoices => ({ sr, bicubic, reuse, gflop });

describe('chooseModes', () => {
  it.each<{ name: string; patches: PatchChoices[]; margin: number; want: number[] }>([
    { name: 'margin 0 turns the map off', patches: [p(10, 10, 0), p(10, 5, null)], margin: 0, want: [0, 0] },
    { name: 'reuse as good as SR is taken', patches: [p(100, 200, 100)], margin: 0.1, want: [1] },
    { name: 'bicubic better than SR is taken', patches: [p(100, 90, null)], margin: 0.1, want: [2] },
    { name: 'reuse wins a tie with bicubic', patches: [p(100, 50, 50)], margin: 0.1, want: [1] },
    // 0.1 dB allows 2.33% more error: 2.33 over a total of 100
    { name: 'within the allowance', patches: [p(50, 52, null), p(50, 1000, null)], margin: 0.1, want: [2, 0] },
    { name: 'beyond the allowance', patches: [p(50, 53, null), p(50, 1000, null)], margin: 0.1, want: [0, 0] },
    { name: 'a patch better with bicubic widens the allowance for another', patches: [p(50, 40, null), p(50, 60, null)], margin: 0.1, want: [2, 2] },
    { name: 'the allowance goes to the most GFLOP saved per error', patches: [p(50, 52, null, 1), p(50, 52, null, 4)], margin: 0.1, want: [0, 2] },
    { name: 'no reuse where not allowed (segment start)', patches: [p(100, 1000, null)], margin: 1, want: [0] },
    { name: 'a perfect SR patch keeps SR unless another is as perfect', patches: [p(0, 1, 0), p(0, 1, null)], margin: 0.5, want: [1, 0] },
  ])('$name', ({ patches, margin, want }) => {
    expect(chooseModes(patches, margin)).toEqual(want);
  });

  it('keeps the frame PSNR within the margin of full SR', () => {
    let seed = 7;
    const rnd = () => { seed = (seed * 1103515245 + 12345) % 2 ** 31; return seed / 2 ** 31; };
    for (let t = 0; t < 50; t++) {
      const ps = Array.from({ length: 20 }, () => p(1 + 100 * rnd(), 1 + 150 * rnd(), rnd() < 0.5 ? 1 + 150 * rnd() : null, 0.1 + rnd()));
      const margin = 0.05 + rnd() * 0.5;
      const modes = chooseModes(ps, margin);
      const full = ps.reduce((n, q) => n + q.sr, 0);
      const played = ps.reduce((n, q, k) => n + [q.sr, q.reuse!, q.bicubic][modes[k]], 0);
      expect(10 * Math.log10(played / full)).toBeLessThanOrEqual(margin + 1e-9);
    }
  });
});

describe('patchSquaredError and lrChange', () => {
  // HR 4x2 RGB, x2 of an LR 2x1 frame; the picture is 3x2 (one padded column)
  const a = new Uint8Array(4 * 2 * 3), b = new Uint8Array(4 * 2 * 3).fill(2);
  const g = { width: 4, picture: { width: 3, height: 2 }, scale: 2 };
  it('sums over the rect clipped to the picture', () => {
    expect(patchSquaredError(a, b, { x: 0, y: 0, w: 1, h: 1 }, g)).toBe(2 * 2 * 3 * 4);
    expect(patchSquaredError(a, b, { x: 1, y: 0, w: 1, h: 1 }, g)).toBe(1 * 2 * 3 * 4);
  });
  it('lrChange looks at the halo too', () => {
    const l1 = new Uint8Array([0, 0, 0, 0, 0, 0, 0, 0, 0]), l2 = new Uint8Array([0, 0, 0, 0, 0, 0, 9, 0, 0]);
    expect(lrChange(l1, l2, 3, 1, { x: 0, y: 0, w: 1, h: 1 }, 0)).toBe(0);
    expect(lrChange(l1, l2, 3, 1, { x: 0, y: 0, w: 1, h: 1 }, 2)).toBe(9);
  });
});

describe('composePlayed', () => {
  it('takes each rect from SR, the previous played frame or bicubic', () => {
    // LR 2x1 at x1: two one-pixel patches
    const prev = new Uint8Array([1, 1, 1, 2, 2, 2]), sr = new Uint8Array([3, 3, 3, 4, 4, 4]), up = new Uint8Array([5, 5, 5, 6, 6, 6]);
    const rect = (x: number, mode: 0 | 1 | 2) => ({ x, y: 0, w: 1, h: 1, path: 0, mode });
    expect([...composePlayed(prev, sr, up, [rect(0, 1), rect(1, 2)], 2, 1)]).toEqual([1, 1, 1, 6, 6, 6]);
    expect([...composePlayed(null, sr, up, [rect(0, 0), rect(1, 2)], 2, 1)]).toEqual([3, 3, 3, 6, 6, 6]);
    expect(() => composePlayed(null, sr, up, [rect(0, 1), rect(1, 0)], 2, 1)).toThrow(/segment's first frame/);
  });
});
