import { describe, expect, it } from 'vitest';
import { SSIM_K1, SSIM_K2, SsimReference, lumaBt601, ssimGaussian, ssimPlane, ssimRgb8 } from './ssim.js';

const W = 24, H = 20;
/** A deterministic textured plane and two variants, written the same way in the Python reference below. */
const base = (x: number, y: number): number => (x * 37 + y * 91 + ((x * y) % 17) * 5) % 256;
const plane = (f: (x: number, y: number) => number): Float64Array => {
  const p = new Float64Array(W * H);
  for (let y = 0; y < H; y++) for (let x = 0; x < W; x++) p[y * W + x] = f(x, y);
  return p;
};
const gray = (p: Float64Array): Uint8Array => Uint8Array.from({ length: p.length * 3 }, (_, i) => p[Math.floor(i / 3)]);
const a = plane(base);
const noisy = plane((x, y) => Math.min(255, Math.max(0, base(x, y) + ((x * 13 + y * 7) % 11) - 5)));
const inverted = plane((x, y) => 255 - base(x, y));

/** Per window, straight from the definition (no separable filtering): the independent reference. */
function ssimByWindows(p: Float64Array, q: Float64Array, w: number, h: number): number {
  const g = ssimGaussian();
  const c1 = (SSIM_K1 * 255) ** 2, c2 = (SSIM_K2 * 255) ** 2;
  let sum = 0, n = 0;
  for (let y0 = 0; y0 + 11 <= h; y0++) {
    for (let x0 = 0; x0 + 11 <= w; x0++) {
      let mp = 0, mq = 0;
      for (let j = 0; j < 11; j++) for (let i = 0; i < 11; i++) { const k = (y0 + j) * w + x0 + i; mp += g[i] * g[j] * p[k]; mq += g[i] * g[j] * q[k]; }
      let vp = 0, vq = 0, cov = 0;
      for (let j = 0; j < 11; j++) {
        for (let i = 0; i < 11; i++) {
          const k = (y0 + j) * w + x0 + i;
          vp += g[i] * g[j] * (p[k] - mp) ** 2; vq += g[i] * g[j] * (q[k] - mq) ** 2; cov += g[i] * g[j] * (p[k] - mp) * (q[k] - mq);
        }
      }
      sum += ((2 * mp * mq + c1) * (2 * cov + c2)) / ((mp * mp + mq * mq + c1) * (vp + vq + c2));
      n++;
    }
  }
  return sum / n;
}

describe('SSIM (Wang et al., Gaussian 11x11 sigma 1.5, K1 0.01, K2 0.03, on BT.601 luma)', () => {
  it('is 1 for identical frames', () => {
    expect(ssimRgb8(gray(a), gray(a), W, H)).toBeCloseTo(1, 12);
  });

  it('hand-computed: flat 100 vs flat 110 in one window = (2*100*110 + C1) / (100^2 + 110^2 + C1)', () => {
    // no variance, so the structure term is C2/C2 = 1; C1 = (0.01*255)^2 = 6.5025
    expect(ssimPlane(new Float64Array(121).fill(100), new Float64Array(121).fill(110), 11, 11)).toBeCloseTo(22006.5025 / 22106.5025, 12);
  });

  it.each([
    // values from NumPy/SciPy (scipy.signal.correlate2d 'valid' with the outer-product Gaussian), same planes
    { name: 'noise +-5', q: noisy, want: 0.9990858603989369 },
    { name: 'inverted', q: inverted, want: -0.9780487364567788 },
  ])('matches an independent SciPy computation and a per-window reference ($name)', ({ q, want }) => {
    const got = ssimRgb8(gray(a), gray(q), W, H);
    expect(got).toBeCloseTo(want, 10);
    expect(got).toBeCloseTo(ssimByWindows(a, q, W, H), 10);
  });

  it('one SsimReference serves several frames with the per-window reference values (SR and bicubic against one HR)', () => {
    const ref = SsimReference.ofRgb8(gray(a), W, H);
    for (const q of [noisy, inverted, a]) expect(ref.ssimRgb8(gray(q))).toBeCloseTo(ssimByWindows(q, a, W, H), 10);
  });

  it('weights R, G, B by 0.299, 0.587, 0.114', () => {
    expect([...lumaBt601(Uint8Array.of(255, 0, 0, 0, 255, 0, 0, 0, 255, 10, 20, 30), 4, 1)].map((v) => +v.toFixed(9)))
      .toEqual([76.245, 149.685, 29.07, 0.299 * 10 + 0.587 * 20 + 0.114 * 30].map((v) => +v.toFixed(9)));
  });

  it('refuses frames smaller than the window or of mismatched size', () => {
    expect(() => ssimPlane(new Float64Array(100), new Float64Array(100), 10, 10)).toThrow(/at least 11x11/);
    expect(() => ssimRgb8(new Uint8Array(363), new Uint8Array(360), 11, 11)).toThrow(/needs 363 RGB bytes; got 360/);
  });
});
