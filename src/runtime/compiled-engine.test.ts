// The compiled engines in Node (Dawn on SwiftShader) against onnxruntime-node on random frames: f32 (1e-4) and
// f16 halves packed in u32 (2e-2; the compiled-f16 engine on an adapter without shader-f16, as here), float HR
// patches before 8-bit quantisation; and the per-device pipeline cache (an engine switch back compiles nothing).
import * as ort from 'onnxruntime-node';
import { afterAll, describe, expect, it } from 'vitest';
import { cropCentre, gatherPatchBatch } from '../format/patch.js';
import { CompiledEngine } from './compiled-engine.js';
import { createEngine } from './create-engine.js';
import { maxAbsDiff, seededBytes, tiledPatches } from './engine-check.js';
import type { EngineModel, PatchRect } from './engine.js';
import { closeNodeGpuDevice, nodeGpuDevice, readTexture, uploadTexture } from './gpu-test-device.js';
import { hasCachedProgram } from './pipeline-cache.js';
import { tinyEngineModel, tinySpec } from './test-sr-model.js';

afterAll(closeNodeGpuDevice);

async function reference(model: EngineModel, rgba: Uint8Array, W: number, H: number, patches: PatchRect[]): Promise<Float32Array[]> {
  const session = await ort.InferenceSession.create(model.onnx);
  const out: Float32Array[] = [];
  for (const p of patches) {
    const input = gatherPatchBatch({ width: W, height: H, data: rgba, channels: 4 }, [p], model.halo);
    const res = (await session.run({ lr: new ort.Tensor('float32', input, [1, 3, p.h + 2 * model.halo, p.w + 2 * model.halo]) })).hr.data as Float32Array;
    out.push(cropCentre(res, 0, p.h, p.w, model.halo, model.scale));
  }
  await session.release();
  return out;
}

// two paths (B=2 on 8x8, B=3 on 4x4), 8 features widening to 16 (2 and 4 channel blocks), x2, halo 1; a frame
// mixing both classes with edge patches (halo clamped) and N = 2 and 6 per class
const W = 24, H = 12;
const model = tinyEngineModel(tinySpec(2, [[8, 8, 2], [4, 4, 3]], 8, 2), 1, 21);
const patches = [...tiledPatches(0, 8, 8, 2, 1), ...tiledPatches(1, 4, 4, 2, 2, 16, 0), ...tiledPatches(1, 4, 4, 6, 1, 0, 8)];
const rgba = seededBytes(W * H * 4, 17);

describe('compiled engines vs onnxruntime-node (Node, Dawn)', () => {
  it.each([
    { precision: 'f32' as const, tol: 1e-4 },
    { precision: 'f16-packed' as const, tol: 2e-2 },
  ])('$precision float HR patches within $tol', async ({ precision, tol }) => {
    const device = await nodeGpuDevice();
    const want = await reference(model, rgba, W, H, patches);
    const lr = uploadTexture(device, W, H, rgba);
    const engine = new CompiledEngine(device, model, { precision });
    await engine.prepare();
    const got = await engine.runFloat({ lr, patches });
    const err = Math.max(...got.map((g, i) => maxAbsDiff(g, want[i])));
    expect(err).toBeLessThan(tol);
    // not trivially equal: the f16 path does round (a packing bug that stored f32 bits would also show here)
    if (precision === 'f16-packed') expect(err).toBeGreaterThan(0);
    engine.dispose(); lr.destroy();
  });

  it('compiled-f16 picks packed halves without shader-f16, and its HR texture holds the quantised output', async () => {
    const device = await nodeGpuDevice();
    const engine = await createEngine('compiled-f16', device, model);
    expect(engine.name).toBe('compiled-f16');
    expect((engine as CompiledEngine).precision).toBe(device.features.has('shader-f16') ? 'f16' : 'f16-packed');
    const want = await reference(model, rgba, W, H, patches);
    const lr = uploadTexture(device, W, H, rgba);
    const hr = device.createTexture({ size: [2 * W, 2 * H], format: 'rgba8unorm', usage: GPUTextureUsage.STORAGE_BINDING | GPUTextureUsage.TEXTURE_BINDING | GPUTextureUsage.COPY_SRC });
    await engine.prepare();
    await engine.run({ lr, hr, patches });
    const px = await readTexture(device, hr);
    let worst = 0;
    patches.forEach((p, i) => {
      const w = 2 * p.w, h = 2 * p.h;
      for (let c = 0; c < 3; c++) for (let y = 0; y < h; y++) for (let x = 0; x < w; x++) {
        const v = Math.min(1, Math.max(0, want[i][(c * h + y) * w + x]));
        worst = Math.max(worst, Math.abs(px[((2 * p.y + y) * 2 * W + 2 * p.x + x) * 4 + c] / 255 - v));
      }
    });
    expect(worst).toBeLessThanOrEqual(2e-2 + 0.5 / 255);
    engine.dispose(); lr.destroy(); hr.destroy();
  });

  it('an engine switch back finds every pipeline in the device cache', async () => {
    const device = await nodeGpuDevice();
    const first = new CompiledEngine(device, model, { precision: 'f32' });
    const steps: string[] = [];
    await first.prepare((_f, m) => steps.push(m));
    // distinct WGSL only: the 2 paths share head, block and tail kernels (sizes are uniforms)
    expect(steps).toContain('compiling pipelines: 4 of 4');
    const kernels = first.plans.flatMap((p) => p.kernels.map((k) => k.generate('texture')));
    expect(kernels.length).toBeGreaterThan(8);
    expect(kernels.every((k) => hasCachedProgram(device, k))).toBe(true);
    first.dispose();
    const again = new CompiledEngine(device, model, { precision: 'f32' });
    const progress: number[] = [];
    await again.prepare((f) => progress.push(f));
    // every report is already complete: nothing was compiled
    expect(progress.every((f) => f === 1)).toBe(true);
    again.dispose();
  });
});
