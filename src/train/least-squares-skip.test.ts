import { describe, expect, it } from 'vitest';
import { fitSkipLeastSquares, solveSpd } from './least-squares-skip.js';
import { bicubicSkip } from '../pack/bicubic-skip.js';
import { SeededRandom } from '../model/seeded-random.js';
import type { TrainingSet } from './training-set.js';

/** HR made from LR by a known skip filter (OIHW, CRD order, clamped borders, centred values), rounded to 8 bits. */
function synthesize(lr: Uint8Array, w: number, h: number, s: number, filt: Float32Array, bias: Float32Array): Uint8Array {
  const W = w * s, hr = new Uint8Array(W * h * s * 3), nIn = 75;
  for (let y = 0; y < h; y++) for (let x = 0; x < w; x++) for (let o = 0; o < 3 * s * s; o++) {
    let acc = bias[o];
    for (let c = 0; c < 3; c++) for (let dy = -2; dy <= 2; dy++) for (let dx = -2; dx <= 2; dx++) {
      const yy = Math.min(h - 1, Math.max(0, y + dy)), xx = Math.min(w - 1, Math.max(0, x + dx));
      acc += filt[o * nIn + c * 25 + (dy + 2) * 5 + dx + 2] * (lr[(yy * w + xx) * 3 + c] / 255 - 0.5);
    }
    const c = Math.floor(o / (s * s)), i = Math.floor((o % (s * s)) / s), j = o % s;
    hr[((y * s + i) * W + x * s + j) * 3 + c] = Math.min(255, Math.max(0, Math.round((acc + 0.5) * 255)));
  }
  return hr;
}

describe('solveSpd', () => {
  it('solves a small SPD system', () => {
    const A = Float64Array.from([4, 1, 0, 1, 3, 1, 0, 1, 2]);
    const X = solveSpd(A, Float64Array.from([1, 2, 3]), 3, 1);
    const back = [0, 1, 2].map((i) => A[i * 3] * X[0] + A[i * 3 + 1] * X[1] + A[i * 3 + 2] * X[2]);
    back.forEach((v, i) => expect(v).toBeCloseTo(i + 1, 10));
  });
  it('rejects a matrix that is not positive definite', () => {
    expect(() => solveSpd(Float64Array.from([1, 2, 2, 1]), Float64Array.from([1, 1]), 2, 1)).toThrow(/positive definite/);
  });
});

describe('fitSkipLeastSquares', () => {
  const w = 40, h = 32;
  const rng = new SeededRandom(7);
  const lr = Uint8Array.from({ length: w * h * 3 }, () => rng.int(256));

  it.each([2, 3] as const)('x%i: recovers the filter that made the HR, per path, and leaves an empty path at the prior', (s) => {
    // a sharpened bicubic with a colour bias: not the prior, so the fit must move
    const prior = bicubicSkip(s);
    const target = prior.map((v, i) => v * 1.1 - (i % 25 === 12 ? 0.1 * (prior[i] > 0 ? 1 : 0) : 0));
    const bias = Float32Array.from({ length: 3 * s * s }, (_, o) => 0.01 * (o % 3));
    const hr = synthesize(lr, w, h, s, target, bias);
    const set: TrainingSet = { lrWidth: w, lrHeight: h, scale: s, frames: [{ lr, hr }], patches: [[{ x: 0, y: 0, w: 20, h: 32, path: 0 }, { x: 20, y: 0, w: 20, h: 32, path: 1 }]] };
    const fits = fitSkipLeastSquares(set, [0, 1, 2], prior, { ridge: 1e-6 });
    for (const id of [0, 1]) {
      const f = fits.get(id)!;
      expect(f.samples).toBe(20 * 32);
      let maxErr = 0;
      for (let i = 0; i < target.length; i++) maxErr = Math.max(maxErr, Math.abs(f.w[i] - target[i]));
      expect(maxErr).toBeLessThan(0.01); // 8-bit rounding of the targets is the only noise
      for (let o = 0; o < bias.length; o++) expect(f.b[o]).toBeCloseTo(bias[o], 2);
    }
    const empty = fits.get(2)!;
    expect(empty.samples).toBe(0);
    expect([...empty.w]).toEqual([...prior]);
  });

  it('a strong ridge keeps the prior', () => {
    const s = 2, prior = bicubicSkip(s);
    const hr = synthesize(lr, w, h, s, prior.map((v) => v * 0.5), new Float32Array(12));
    const set: TrainingSet = { lrWidth: w, lrHeight: h, scale: s, frames: [{ lr, hr }], patches: [[{ x: 0, y: 0, w, h, path: 0 }]] };
    const f = fitSkipLeastSquares(set, [0], prior, { ridge: 1e6 }).get(0)!;
    let maxErr = 0;
    for (let i = 0; i < prior.length; i++) maxErr = Math.max(maxErr, Math.abs(f.w[i] - prior[i]));
    expect(maxErr).toBeLessThan(1e-3);
  });
});
