import { describe, expect, it } from 'vitest';
import { CropSampler, errorSamplingWeights } from './crop-sampler.js';
import { SeededRandom } from '../model/seeded-random.js';
import type { PatchRect } from '../format/patch.js';
import type { TrainingFrame, TrainingSet } from './training-set.js';

/** A 2-frame set whose HR is the nearest-neighbour upscale of random LR, tiled by 3 patch classes. */
function nearestSet(s: 2 | 3, lrW: number, lrH: number): TrainingSet {
  const r = new SeededRandom(5);
  const frames = [0, 1].map(() => {
    const lr = Uint8Array.from({ length: lrW * lrH * 3 }, () => r.int(256));
    const hr = new Uint8Array(lr.length * s * s);
    for (let y = 0; y < lrH * s; y++) for (let x = 0; x < lrW * s; x++) for (let c = 0; c < 3; c++) {
      hr[(y * lrW * s + x) * 3 + c] = lr[(Math.floor(y / s) * lrW + Math.floor(x / s)) * 3 + c];
    }
    return { lr, hr };
  });
  // left half: one 16x8 patch (path 0); right half: 8x8 (path 1) above, 4x4 quads (path 2) below
  const rects: PatchRect[] = [{ x: 0, y: 0, w: 8, h: 16, path: 0 }, { x: 8, y: 0, w: 8, h: 8, path: 1 }];
  for (let y = 8; y < 16; y += 4) for (let x = 8; x < 16; x += 4) rects.push({ x, y, w: 4, h: 4, path: 2 });
  return { lrWidth: lrW, lrHeight: lrH, scale: s, frames, patches: [rects, rects] };
}

describe('CropSampler', () => {
  it('draws paths in proportion to the patches they serve', () => {
    const sampler = new CropSampler(nearestSet(2, 16, 16), [0, 1, 2]);
    expect([...sampler.patchCounts()]).toEqual([[0, 2], [1, 2], [2, 8]]);
    const rng = new SeededRandom(1);
    const hits = [0, 0, 0];
    for (let i = 0; i < 6000; i++) hits[sampler.drawPath(rng)]++;
    expect(hits[0] / 6000).toBeCloseTo(2 / 12, 1);
    expect(hits[2] / 6000).toBeCloseTo(8 / 12, 1);
  });

  it.each([
    { scale: 2 as const, path: 0, halo: 0, augment: false },
    { scale: 2 as const, path: 2, halo: 2, augment: true },
    { scale: 3 as const, path: 1, halo: 1, augment: true },
    { scale: 3 as const, path: 0, halo: 3, augment: true },
  ])('crops stay inside patches of the path and targets align with inputs (x$scale, path $path, halo $halo, augment $augment)', ({ scale: s, path, halo, augment }) => {
    const set = nearestSet(s, 16, 16);
    const sampler = new CropSampler(set, [0, 1, 2]);
    const b = sampler.sample(path, 6, 6, halo, new SeededRandom(3), augment);
    const [ch, cw] = sampler.cropShape(path, 6);
    expect([b.cropH, b.cropW]).toEqual([ch, cw]);
    const ih = ch + 2 * halo;
    const iw = cw + 2 * halo;
    expect(b.input.length).toBe(6 * ih * iw * 3);
    for (let n = 0; n < 6; n++) {
      for (let y = 0; y < ch * s; y++) for (let x = 0; x < cw * s; x++) for (let c = 0; c < 3; c++) {
        const t = b.target[((n * ch * s + y) * cw * s + x) * 3 + c];
        const i = b.input[((n * ih + halo + Math.floor(y / s)) * iw + halo + Math.floor(x / s)) * 3 + c];
        expect(t).toBe(i);
      }
    }
    // every centre pixel value of path 0 crops (x < 8) comes from the left half of some frame
    if (path === 0 && !augment) {
      const leftHalf = new Set<number>();
      for (const f of set.frames as TrainingFrame[]) for (let y = 0; y < 16; y++) for (let x = 0; x < 8; x++) leftHalf.add(Math.fround(f.lr[(y * 16 + x) * 3] / 255));
      for (let n = 0; n < 6; n++) for (let y = 0; y < ch; y++) for (let x = 0; x < cw; x++) expect(leftHalf.has(b.input[((n * ih + y) * iw + x) * 3])).toBe(true);
    }
  });

  it('clamps halo context at the frame edge (pixels outside repeat the edge pixel)', () => {
    const set = nearestSet(2, 16, 16);
    set.patches = [[{ x: 0, y: 0, w: 4, h: 4, path: 0 }], [{ x: 0, y: 0, w: 4, h: 4, path: 0 }]];
    const b = new CropSampler(set, [0]).sample(0, 1, 4, 2, new SeededRandom(1), false);
    const iw = 8;
    const px = (y: number, x: number): number => b.input[(y * iw + x) * 3];
    // rows/cols 0..2 of the padded crop all equal frame pixel (0,0)
    for (let y = 0; y <= 2; y++) for (let x = 0; x <= 2; x++) expect(px(y, x)).toBe(px(2, 2));
  });

  it('with patch weights draws paths by their total weight and patches by weight; a zero weight is never drawn', () => {
    const set = nearestSet(2, 16, 16);
    // per frame: path 0 weight 0.5, path 1 weight 0 (never drawn), path 2's four quads 0.2, 0.1, 0.1, 0.1
    const w = [0.5, 0, 0.2, 0.1, 0.1, 0.1];
    const sampler = new CropSampler(set, [0, 1, 2], [w, w]);
    const rng = new SeededRandom(2);
    const hits = [0, 0, 0];
    for (let i = 0; i < 6000; i++) hits[sampler.drawPath(rng)]++;
    expect(hits[1]).toBe(0);
    expect(hits[0] / 6000).toBeCloseTo(0.5, 1);
    // path 2, 1x1 crops without augmentation: each quad's LR is filled with its own value, so a crop tells its quad
    const quadRects = set.patches[0].filter((r) => r.path === 2);
    for (const f of set.frames as TrainingFrame[]) quadRects.forEach((q, k) => {
      for (let y = q.y; y < q.y + q.h; y++) for (let x = q.x; x < q.x + q.w; x++) f.lr.fill(10 * (k + 1), (y * 16 + x) * 3, (y * 16 + x) * 3 + 3);
    });
    const b = sampler.sample(2, 4000, 1, 0, new SeededRandom(4), false);
    const quads = new Map<string, number>();
    for (let n = 0; n < b.count; n++) {
      const q = quadRects[Math.round(b.input[n * 3] * 255 / 10) - 1];
      quads.set(`${q.x},${q.y}`, (quads.get(`${q.x},${q.y}`) ?? 0) + 1);
    }
    expect((quads.get('8,8') ?? 0) / b.count).toBeCloseTo(0.4, 1);
    expect((quads.get('12,12') ?? 0) / b.count).toBeCloseTo(0.2, 1);
  });

  it('refuses patch weights that do not match the patches, or are negative', () => {
    const set = nearestSet(2, 16, 16);
    expect(() => new CropSampler(set, [0, 1, 2], [[1, 1]])).toThrow(/one weight per patch/);
    expect(() => new CropSampler(set, [0, 1, 2], [[1, 1, 1, 1, 1, -1], [1, 1, 1, 1, 1, 1]])).toThrow(/finite and >= 0/);
  });
});

describe('errorSamplingWeights', () => {
  const rects = [{ x: 0, y: 0, w: 8, h: 8, path: 0 }, { x: 8, y: 0, w: 4, h: 4, path: 1 }, { x: 12, y: 0, w: 4, h: 4, path: 1 }];
  it.each([
    // squared error = area x 10^(-PSNR/10): 64e-4, 16e-3, 16e-2 (total 0.1824)
    { name: 'mix 1: share of the frame\'s squared error', psnr: [40, 30, 20], mix: 1, want: [0.0064 / 0.1824, 0.016 / 0.1824, 0.16 / 0.1824] },
    { name: 'mix 0: uniform over patches', psnr: [40, 30, 20], mix: 0, want: [1 / 3, 1 / 3, 1 / 3] },
    { name: 'mix 0.5: half each', psnr: [40, 30, 20], mix: 0.5, want: [1 / 6 + 0.0032 / 0.1824, 1 / 6 + 0.008 / 0.1824, 1 / 6 + 0.08 / 0.1824] },
    { name: 'equal PSNR: by area', psnr: [30, 30, 30], mix: 1, want: [64 / 96, 16 / 96, 16 / 96] },
    { name: 'all capped at 100 dB (identical): still sums to 1', psnr: [100, 100, 100], mix: 1, want: [64 / 96, 16 / 96, 16 / 96] },
  ])('$name', ({ psnr, mix, want }) => {
    const got = errorSamplingWeights(rects, psnr, mix);
    got.forEach((g, i) => expect(g).toBeCloseTo(want[i], 9));
    expect(got.reduce((a, b) => a + b, 0)).toBeCloseTo(1, 12);
  });
  it('refuses a score count that does not match, or a mix outside [0, 1]', () => {
    expect(() => errorSamplingWeights(rects, [30, 30], 1)).toThrow(/3 patches but 2 scores/);
    expect(() => errorSamplingWeights(rects, [30, 30, 30], 1.5)).toThrow(/\[0, 1\]/);
  });
});
