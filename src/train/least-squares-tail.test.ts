import { beforeAll, describe, expect, it } from 'vitest';
import { fitTailLeastSquares } from './least-squares-tail.js';
import { forwardPath } from './forward.js';
import { initTfBackend } from './tf-backend.js';
import { initWeights } from '../model/init-weights.js';
import { SeededRandom } from '../model/seeded-random.js';
import type { DynamicSRSpec, Weights } from '../model/spec.js';
import type { PatchRect } from '../format/patch.js';

beforeAll(async () => { await initTfBackend(); });

/** max |a - b| relative to max |b| */
function relErr(a: Float32Array, b: Float32Array): number {
  let d = 0, m = 0;
  for (let i = 0; i < b.length; i++) { d = Math.max(d, Math.abs(a[i] - b[i])); m = Math.max(m, Math.abs(b[i])); }
  return d / m;
}

describe('fitTailLeastSquares', () => {
  it.each([
    { scale: 2 as const, blocks: 1 },
    { scale: 3 as const, blocks: 2 },
  ])('x$scale, $blocks blocks: recovers the tail, skip and bias that made the HR from the given body', async ({ scale: s, blocks }) => {
    const spec: DynamicSRSpec = { scale: s, paths: [{ id: 0, patch: [8, 8], blocks, channels: 4, expansion: 2 }] };
    const rng = new SeededRandom(9);
    // the "true" network: the start's random body, a random tail and skip, biases on both
    const start = initWeights(spec, 3);
    const truth: Weights = new Map(start);
    for (const k of ['p0.tail.w', 'p0.tail.b', 'p0.skip.w', 'p0.skip.b']) {
      const cur = start.get(k)!;
      truth.set(k, { dims: cur.dims, data: Float32Array.from(cur.data, (v) => v + rng.uniform(-0.05, 0.05)) });
    }
    const w = 64, h = 64;
    const lr = Uint8Array.from({ length: w * h * 3 }, () => 64 + rng.int(128));
    const nchw = new Float32Array(3 * h * w);
    for (let c = 0; c < 3; c++) for (let i = 0; i < h * w; i++) nchw[c * h * w + i] = lr[i * 3 + c] / 255;
    const out = forwardPath(spec, truth, 0, nchw, 1, h, w);
    const W = w * s, H = h * s, hr = new Uint8Array(W * H * 3);
    for (let c = 0; c < 3; c++) for (let i = 0; i < W * H; i++) hr[i * 3 + c] = Math.min(255, Math.max(0, Math.round(out[c * W * H + i] * 255)));
    // patches well inside the frame: every sampled pixel's context is real pixels, as in the whole-frame forward
    const patches: PatchRect[] = [];
    for (let y = 8; y < 56; y += 8) for (let x = 8; x < 56; x += 8) patches.push({ x, y, w: 8, h: 8, path: 0 });
    const set = { lrWidth: w, lrHeight: h, scale: s, frames: [{ lr, hr }], patches: [patches] };

    const fit = await fitTailLeastSquares(set, spec, start, { maxSamples: 12000, ridge: 1e-7, cropSize: 8, crops: 200 });
    expect(fit.samples.get(0)).toBeGreaterThan(10000);
    // 8-bit rounding of the HR is the only noise
    expect(relErr(fit.weights.get('p0.tail.w')!.data, truth.get('p0.tail.w')!.data)).toBeLessThan(0.02);
    expect(relErr(fit.weights.get('p0.skip.w')!.data, truth.get('p0.skip.w')!.data)).toBeLessThan(0.02);
    const bias = Float32Array.from(truth.get('p0.tail.b')!.data, (v, o) => v + truth.get('p0.skip.b')!.data[o]);
    const gotBias = Float32Array.from(fit.weights.get('p0.tail.b')!.data, (v, o) => v + fit.weights.get('p0.skip.b')!.data[o]);
    expect(relErr(gotBias, bias)).toBeLessThan(0.02);
    // the body is untouched
    for (const [k, v] of start) if (!k.includes('.tail.') && !k.includes('.skip.')) expect(fit.weights.get(k)!.data).toBe(v.data);
  });

  it('leaves a path without patches as it was, and a strong ridge keeps the tail at 0 and the skip at its start', async () => {
    const spec: DynamicSRSpec = { scale: 2, paths: [{ id: 0, patch: [8, 8], blocks: 1, channels: 4, expansion: 2 }, { id: 1, patch: [4, 4], blocks: 2, channels: 4, expansion: 2 }] };
    const rng = new SeededRandom(2);
    const lr = Uint8Array.from({ length: 16 * 16 * 3 }, () => rng.int(256));
    const hr = Uint8Array.from({ length: 32 * 32 * 3 }, () => rng.int(256));
    const set = { lrWidth: 16, lrHeight: 16, scale: 2 as const, frames: [{ lr, hr }], patches: [[{ x: 0, y: 0, w: 16, h: 16, path: 0 }]] };
    const start = initWeights(spec, 1);
    const fit = await fitTailLeastSquares(set, spec, start, { maxSamples: 500, ridge: 1e9 });
    expect(fit.samples.get(1)).toBe(0);
    for (const k of ['p1.tail.w', 'p1.skip.w']) expect(fit.weights.get(k)).toBe(start.get(k));
    expect(Math.max(...fit.weights.get('p0.tail.w')!.data.map(Math.abs))).toBeLessThan(1e-6);
    expect(relErr(fit.weights.get('p0.skip.w')!.data, start.get('p0.skip.w')!.data)).toBeLessThan(1e-6);
  });

  it('with the inference halo (smaller than the reach): recovers a network whose HR was made patch by patch, zero padding at each patch border included', async () => {
    const s = 2, halo = 1, P = 8;
    const spec: DynamicSRSpec = { scale: s, paths: [{ id: 0, patch: [P, P], blocks: 1, channels: 4, expansion: 2 }] };
    const rng = new SeededRandom(4);
    const start = initWeights(spec, 5);
    const truth: Weights = new Map(start);
    for (const k of ['p0.tail.w', 'p0.tail.b', 'p0.skip.w']) {
      const cur = start.get(k)!;
      truth.set(k, { dims: cur.dims, data: Float32Array.from(cur.data, (v) => v + rng.uniform(-0.05, 0.05)) });
    }
    const w = 48, h = 48, W = w * s;
    const frames = [0, 1].map(() => {
      const lr = Uint8Array.from({ length: w * h * 3 }, () => 64 + rng.int(128));
      const hr = new Uint8Array(W * h * s * 3);
      // inference: each patch grown by the halo (edge-clamped), run alone, its centre kept
      const iw = P + 2 * halo, input = new Float32Array(3 * iw * iw);
      for (let py = 0; py < h; py += P) for (let px = 0; px < w; px += P) {
        for (let c = 0; c < 3; c++) for (let y = 0; y < iw; y++) for (let x = 0; x < iw; x++) {
          const sy = Math.min(h - 1, Math.max(0, py - halo + y)), sx = Math.min(w - 1, Math.max(0, px - halo + x));
          input[(c * iw + y) * iw + x] = lr[(sy * w + sx) * 3 + c] / 255;
        }
        const out = forwardPath(spec, truth, 0, input, 1, iw, iw), ow = iw * s;
        for (let c = 0; c < 3; c++) for (let y = 0; y < P * s; y++) for (let x = 0; x < P * s; x++) {
          const v = out[(c * ow + y + halo * s) * ow + x + halo * s];
          hr[((py * s + y) * W + px * s + x) * 3 + c] = Math.min(255, Math.max(0, Math.round(v * 255)));
        }
      }
      return { lr, hr };
    });
    const patches: PatchRect[] = [];
    for (let y = 0; y < h; y += P) for (let x = 0; x < w; x += P) patches.push({ x, y, w: P, h: P, path: 0 });
    const set = { lrWidth: w, lrHeight: h, scale: 2 as const, frames, patches: [patches, patches] };
    const fit = await fitTailLeastSquares(set, spec, start, { maxSamples: 12000, ridge: 1e-7, halo, crops: 200 });
    expect(relErr(fit.weights.get('p0.tail.w')!.data, truth.get('p0.tail.w')!.data)).toBeLessThan(0.02);
    expect(relErr(fit.weights.get('p0.skip.w')!.data, truth.get('p0.skip.w')!.data)).toBeLessThan(0.02);
  });
});
