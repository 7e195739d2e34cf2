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
});
