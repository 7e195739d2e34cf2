// The WGSL bicubic engine against the packager's CPU bicubic (src/pack/bicubic.ts, MATLAB imresize convention).
import { afterAll, describe, expect, it } from 'vitest';
import { upscaleBicubic } from '../pack/bicubic.js';
import { createBicubicEngine } from './bicubic-engine.js';
import { closeNodeGpuDevice, nodeGpuDevice, randomBytes, readTexture, uploadTexture } from './gpu-test-device.js';

afterAll(closeNodeGpuDevice);

function rgbaToRgb(rgba: Uint8Array): Uint8Array {
  return Uint8Array.from({ length: (rgba.length / 4) * 3 }, (_, i) => rgba[Math.floor(i / 3) * 4 + (i % 3)]);
}

describe('bicubic engine (WGSL, Dawn)', () => {
  it.each([
    { w: 7, h: 5, scale: 2 },
    { w: 6, h: 4, scale: 3 },
    { w: 5, h: 5, scale: 4 },
  ])('matches src/pack upscaleBicubic within 1/255 for $w x $h x$scale', async ({ w, h, scale }) => {
    const device = await nodeGpuDevice();
    const rgba = randomBytes(w * h * 4, w * 31 + scale);
    const lr = uploadTexture(device, w, h, rgba);
    const hr = device.createTexture({ size: [w * scale, h * scale], format: 'rgba8unorm', usage: GPUTextureUsage.STORAGE_BINDING | GPUTextureUsage.TEXTURE_BINDING | GPUTextureUsage.COPY_SRC });
    const engine = await createBicubicEngine(device, { onnx: new Uint8Array(), scale, halo: 0, paths: [] });
    await engine.prepare();
    await engine.run({ lr, hr, patches: [{ x: 0, y: 0, w, h, path: 0 }] });
    const got = rgbaToRgb(await readTexture(device, hr));
    const want = upscaleBicubic({ width: w, height: h, data: rgbaToRgb(rgba) }, scale).data;
    let maxDiff = 0;
    for (let i = 0; i < got.length; i++) maxDiff = Math.max(maxDiff, Math.abs(got[i] - want[i]));
    expect(maxDiff).toBeLessThanOrEqual(1);
    engine.dispose(); lr.destroy(); hr.destroy();
  });
});
