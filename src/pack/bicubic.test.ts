// Bicubic resampling: hand-computed values for tiny inputs and a slow, differently written
// per-pixel reference (2-D sums over mirrored source pixels) on random images.
import { describe, expect, it } from 'vitest';
import { cubicKernel, resizeBicubic, symmetricIndex, type RgbImage } from './bicubic.js';

/** A grey 1-row image from values (R=G=B). */
function row(values: number[]): RgbImage {
  const data = new Uint8Array(values.length * 3);
  values.forEach((v, i) => data.fill(v, i * 3, i * 3 + 3));
  return { width: values.length, height: 1, data };
}
const reds = (img: RgbImage): number[] => Array.from({ length: img.width * img.height }, (_, i) => img.data[i * 3]);

/** Reference: output pixel centre (0-based) maps to (o + 0.5) / scale - 0.5; mirror by reflecting until in range. */
function referenceResize(src: RgbImage, ow: number, oh: number): RgbImage {
  const out = new Uint8Array(ow * oh * 3);
  const mirror = (j: number, n: number): number => {
    let k = j;
    while (k < 0 || k >= n) k = k < 0 ? -k - 1 : 2 * n - 1 - k;
    return k;
  };
  const kernel = (d: number, scale: number): number => {
    const s = Math.min(scale, 1); // widening only when shrinking
    const x = Math.abs(d * s);
    const c = x < 1 ? (1.5 * x - 2.5) * x * x + 1 : x < 2 ? ((-0.5 * x + 2.5) * x - 4) * x + 2 : 0;
    return s * c;
  };
  const sy = oh / src.height, sx = ow / src.width;
  for (let oy = 0; oy < oh; oy++) {
    for (let ox = 0; ox < ow; ox++) {
      const cy = (oy + 0.5) / sy - 0.5, cx = (ox + 0.5) / sx - 0.5;
      const acc = [0, 0, 0];
      let wsumY = 0, wsumX = 0;
      const ys: [number, number][] = [], xs: [number, number][] = [];
      for (let j = Math.floor(cy) - 20; j <= Math.ceil(cy) + 20; j++) {
        const w = kernel(cy - j, sy); if (w !== 0) { ys.push([mirror(j, src.height), w]); wsumY += w; }
      }
      for (let j = Math.floor(cx) - 20; j <= Math.ceil(cx) + 20; j++) {
        const w = kernel(cx - j, sx); if (w !== 0) { xs.push([mirror(j, src.width), w]); wsumX += w; }
      }
      for (const [yy, wy] of ys) for (const [xx, wx] of xs) {
        for (let c = 0; c < 3; c++) acc[c] += (wy / wsumY) * (wx / wsumX) * src.data[(yy * src.width + xx) * 3 + c];
      }
      for (let c = 0; c < 3; c++) out[(oy * ow + ox) * 3 + c] = Math.min(255, Math.max(0, Math.round(acc[c])));
    }
  }
  return { width: ow, height: oh, data: out };
}

function randomImage(w: number, h: number, seed: number): RgbImage {
  let s = seed >>> 0;
  const data = new Uint8Array(w * h * 3);
  for (let i = 0; i < data.length; i++) { s = (Math.imul(s, 1664525) + 1013904223) >>> 0; data[i] = s >>> 24; }
  return { width: w, height: h, data };
}

describe('cubicKernel', () => {
  it.each([[0, 1], [0.5, 0.5625], [1, 0], [1.5, -0.0625], [2, 0], [2.5, 0], [-0.25, 0.8671875]])('k(%f) = %f', (x, k) => {
    expect(cubicKernel(x)).toBeCloseTo(k, 12);
  });
});

describe('symmetricIndex', () => {
  it.each([[-1, 4, 0], [-2, 4, 1], [4, 4, 3], [5, 4, 2], [0, 1, 0], [-3, 2, 1]])('index %i of %i -> %i', (j, n, want) => {
    expect(symmetricIndex(j, n)).toBe(want);
  });
});

describe('resizeBicubic, hand-computed', () => {
  it.each([
    // x2 up of [100,200]: weights (1.09375,-0.09375), (0.796875,0.203125) and mirrored
    { src: [100, 200], w: 4, want: [91, 120, 180, 209] },
    // x1/2 down of a ramp: first output = 0.546875*v0 + 0.3984375*v1 + 0.1015625*v2 - 0.046875*v3
    { src: [10, 50, 90, 130], w: 2, want: [28, 112] },
    // constants stay constant at any scale
    { src: [77, 77, 77], w: 9, want: Array(9).fill(77) },
    { src: Array(8).fill(200), w: 2, want: [200, 200] },
  ])('$src -> width $w', ({ src, w, want }) => {
    expect(reds(resizeBicubic(row(src), w, 1))).toEqual(want);
  });
});

describe('resizeBicubic vs a per-pixel reference', () => {
  it.each([
    { w: 12, h: 8, ow: 6, oh: 4 }, // x1/2
    { w: 12, h: 12, ow: 3, oh: 3 }, // x1/4
    { w: 9, h: 6, ow: 3, oh: 2 }, // x1/3
    { w: 5, h: 4, ow: 10, oh: 8 }, // x2
    { w: 4, h: 3, ow: 16, oh: 12 }, // x4
    { w: 3, h: 5, ow: 9, oh: 15 }, // x3
  ])('$w x $h -> $ow x $oh', ({ w, h, ow, oh }) => {
    const src = randomImage(w, h, w * 31 + ow);
    const got = resizeBicubic(src, ow, oh).data;
    const want = referenceResize(src, ow, oh).data;
    let maxDiff = 0;
    for (let i = 0; i < got.length; i++) maxDiff = Math.max(maxDiff, Math.abs(got[i] - want[i]));
    expect(maxDiff).toBeLessThanOrEqual(1); // only float rounding at .5 boundaries may differ
  });
});
