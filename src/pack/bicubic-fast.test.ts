// The chunk stage's fast kernels against the plain implementations they replaced (kept below as the reference):
// bicubic resize byte for byte, and the bicubic scorer's split and scores, on random frames of odd sizes.
import { describe, expect, it } from 'vitest';
import { resampleTaps, resizeBicubic, type RgbImage } from './bicubic.js';
import { regionPsnr } from './region-psnr.js';
import { bicubicScorer } from './stages/chunk-stage.js';
import { splitFrame, type PatchScorer } from './splitter.js';

/** The resize as it was (one Float32 frame for the vertical pass, then all taps per output pixel). */
function referenceResize(src: RgbImage, outWidth: number, outHeight: number): RgbImage {
  const { width: w, height: h, data } = src;
  const vt = resampleTaps(h, outHeight);
  const mid = new Float32Array(outHeight * w * 3);
  for (let y = 0; y < outHeight; y++) {
    for (let t = 0; t < vt.taps; t++) {
      const wt = vt.weights[y * vt.taps + t];
      if (wt === 0) continue;
      const srcRow = vt.indices[y * vt.taps + t] * w * 3;
      const dstRow = y * w * 3;
      for (let k = 0; k < w * 3; k++) mid[dstRow + k] += wt * data[srcRow + k];
    }
  }
  const ht = resampleTaps(w, outWidth);
  const out = new Uint8Array(outHeight * outWidth * 3);
  const clampByte = (v: number): number => (v <= 0 ? 0 : v >= 255 ? 255 : Math.round(v));
  for (let y = 0; y < outHeight; y++) {
    const midRow = y * w * 3;
    for (let x = 0; x < outWidth; x++) {
      let r = 0, g = 0, b = 0;
      for (let t = 0; t < ht.taps; t++) {
        const wt = ht.weights[x * ht.taps + t];
        const p = midRow + ht.indices[x * ht.taps + t] * 3;
        r += wt * mid[p]; g += wt * mid[p + 1]; b += wt * mid[p + 2];
      }
      const o = (y * outWidth + x) * 3;
      out[o] = clampByte(r); out[o + 1] = clampByte(g); out[o + 2] = clampByte(b);
    }
  }
  return { width: outWidth, height: outHeight, data: out };
}

/** The scorer as it was: the whole upscale, then each rect's squared errors summed afresh. */
function referenceScorer(lr: RgbImage[], hr: RgbImage[], scale: number): PatchScorer {
  return (frame, rects) => {
    const up = referenceResize(lr[frame], lr[frame].width * scale, lr[frame].height * scale).data;
    return rects.map((r) => regionPsnr(up, hr[frame].data, hr[frame].width, r.x * scale, r.y * scale, r.w * scale, r.h * scale));
  };
}

/** Smooth content plus noise, so bicubic scores spread across the thresholds (never all zeros or all noise). */
function randomImage(w: number, h: number, seed: number, noise: number): RgbImage {
  let s = seed >>> 0;
  const data = new Uint8Array(w * h * 3);
  for (let y = 0; y < h; y++) for (let x = 0; x < w; x++) for (let c = 0; c < 3; c++) {
    s = (Math.imul(s, 1664525) + 1013904223) >>> 0;
    const n = ((s >>> 24) - 128) * noise * (x > w / 2 ? 1 : 0.05);
    data[(y * w + x) * 3 + c] = Math.max(0, Math.min(255, Math.round(128 + 90 * Math.sin(x / (7 + c) + y / 11) + n)));
  }
  return { width: w, height: h, data };
}

describe('resizeBicubic = the plain reference, byte for byte', () => {
  it.each([
    { w: 37, h: 23, ow: 19, oh: 12 }, // odd, down by about 2
    { w: 41, h: 29, ow: 82, oh: 58 }, // x2
    { w: 17, h: 13, ow: 68, oh: 52 }, // x4
    { w: 33, h: 21, ow: 11, oh: 7 }, // x1/3
    { w: 75, h: 43, ow: 25, oh: 11 }, // unequal scales
    { w: 3, h: 1, ow: 7, oh: 5 }, // smaller than the kernel
  ])('$w x $h -> $ow x $oh', ({ w, h, ow, oh }) => {
    const src = randomImage(w, h, w * 7 + oh, 1);
    const want = referenceResize(src, ow, oh).data;
    expect(Buffer.from(resizeBicubic(src, ow, oh).data).equals(Buffer.from(want))).toBe(true);
    const into = new Uint8Array(ow * oh * 3).fill(9);
    expect(Buffer.from(resizeBicubic(src, ow, oh, into).data).equals(Buffer.from(want))).toBe(true);
  });
});

describe('bicubicScorer = the plain reference', () => {
  it.each([
    { lw: 72, lh: 40, scale: 2, base: 16 }, // not a multiple of the base patch
    { lw: 56, lh: 24, scale: 4, base: 8 },
    { lw: 45, lh: 27, scale: 3, base: 12 },
  ])('$lw x $lh LR at x$scale: same split, same scores', ({ lw, lh, scale, base }) => {
    const hr = [0, 1].map((f) => randomImage(lw * scale, lh * scale, 11 + f, 0.3 + f));
    const lr = hr.map((f) => referenceResize(randomImage(f.width, f.height, 5, 0.6), lw, lh));
    const opts = { basePatch: base, levels: 3, thresholds: [34, 30] };
    const fast = bicubicScorer(lr, hr, scale), ref = referenceScorer(lr, hr, scale);
    for (const f of [0, 1, 0]) {
      const got = splitFrame(f, lw, lh, opts, fast), want = splitFrame(f, lw, lh, opts, ref);
      expect(got).toEqual(want);
      expect(new Set(got.map((p) => p.path)).size).toBeGreaterThan(1); // the thresholds were tested both ways
      expect(fast(f, got)).toEqual(ref(f, got));
      // rects off the finest grid (the STDO baseline's scorer asks for others) score the same too
      const odd = [{ x: 1, y: 2, w: 5, h: 3 }, { x: 0, y: 0, w: lw, h: lh }, { x: lw - 1, y: lh - 1, w: 1, h: 1 }];
      expect(fast(f, odd)).toEqual(ref(f, odd));
    }
  });
});
