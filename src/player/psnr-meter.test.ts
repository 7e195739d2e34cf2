// The WGSL PSNR reduction against the packager's CPU PSNR (src/pack/psnr.ts) on random frames.
import { afterAll, describe, expect, it } from 'vitest';
import { psnrRgb8, PSNR_CAP_DB } from '../format/psnr.js';
import { closeNodeGpuDevice, nodeGpuDevice, randomBytes, uploadTexture } from '../runtime/gpu-test-device.js';

afterAll(closeNodeGpuDevice);
import { PsnrMeter } from './psnr-meter.js';

function rgb(rgba: Uint8Array): Uint8Array {
  return Uint8Array.from({ length: (rgba.length / 4) * 3 }, (_, i) => rgba[Math.floor(i / 3) * 4 + (i % 3)]);
}

/** `base` with every byte nudged by up to +-`amplitude` (so PSNR is finite and size-dependent). */
function noisy(base: Uint8Array, amplitude: number, seed: number): Uint8Array {
  const noise = randomBytes(base.length, seed);
  return base.map((v, i) => Math.max(0, Math.min(255, v + (noise[i] % (2 * amplitude + 1)) - amplitude)));
}

describe('PsnrMeter (WGSL reduction, Dawn)', () => {
  it.each([
    { w: 17, h: 9, amplitude: 3 },
    { w: 40, h: 33, amplitude: 40 },
    { w: 16, h: 16, amplitude: 0 },
  ])('equals psnrRgb8 for $w x $h, noise +-$amplitude', async ({ w, h, amplitude }) => {
    const device = await nodeGpuDevice();
    const ref = randomBytes(w * h * 4, w + h);
    const a = noisy(ref, amplitude, 7);
    const b = noisy(ref, amplitude * 2, 9);
    const [ta, tb, tr] = [a, b, ref].map((d) => uploadTexture(device, w, h, d));
    const meter = new PsnrMeter(device);
    const [pa, pb] = await meter.measure(tr, [ta, tb]);
    expect(pa).toBeCloseTo(psnrRgb8(rgb(a), rgb(ref)), 4);
    expect(pb).toBeCloseTo(psnrRgb8(rgb(b), rgb(ref)), 4);
    if (amplitude === 0) expect(pa).toBe(PSNR_CAP_DB);
    for (const t of [ta, tb, tr]) t.destroy();
  });

  // a padded pack's frames: the picture at the top-left, padding right and bottom that PSNR never counts
  it.each([
    { w: 40, h: 33, picture: { width: 37, height: 17 } },
    { w: 32, h: 32, picture: { width: 16, height: 31 } },
  ])('over the picture only: $w x $h frames, picture $picture.width x $picture.height', async ({ w, h, picture }) => {
    const device = await nodeGpuDevice();
    const ref = randomBytes(w * h * 4, w * h);
    // error everywhere, far larger in the padding: counting any of it would move the PSNR by several dB
    const a = noisy(ref, 3, 11).map((v, i) => {
      const x = (i >> 2) % w, y = Math.floor((i >> 2) / w);
      return x < picture.width && y < picture.height ? v : 255 - ref[i];
    });
    const crop = (rgba: Uint8Array) => rgb(Uint8Array.from({ length: picture.width * picture.height * 4 }, (_, i) => {
      const p = i >> 2;
      return rgba[((Math.floor(p / picture.width)) * w + (p % picture.width)) * 4 + (i % 4)];
    }));
    const [ta, tr] = [a, ref].map((d) => uploadTexture(device, w, h, d));
    const meter = new PsnrMeter(device);
    const [pa] = await meter.measure(tr, [ta], picture);
    expect(pa).toBeCloseTo(psnrRgb8(crop(a), crop(ref)), 4);
    expect(pa - psnrRgb8(rgb(a), rgb(ref))).toBeGreaterThan(3);
    expect(() => meter.encode(device.createCommandEncoder(), tr, [ta], { width: w + 1, height: h })).toThrow(/must lie within the \d+x\d+ HR reference/);
    for (const t of [ta, tr]) t.destroy();
  });
});
