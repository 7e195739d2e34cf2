// Every ablation configuration of the compiled engine (all on, all off, each optimization off alone, each on alone:
// ./optimizations.ts) against onnxruntime-node on a random frame (Node, Dawn on SwiftShader): the float HR patches
// within 1e-4 (2e-2 with f16 storage, packed halves here) and the HR texture the frame's run() writes (a submit per
// dispatch, plans made at run time, where those are off) within the 8-bit quantisation of the same.
import * as ort from 'onnxruntime-node';
import { afterAll, describe, expect, it } from 'vitest';
import { cropCentre, gatherPatchBatch } from '../format/patch.js';
import { CompiledEngine } from './compiled-engine.js';
import { maxAbsDiff, seededBytes, tiledPatches } from './engine-check.js';
import type { EngineModel, PatchRect } from './engine.js';
import { closeNodeGpuDevice, nodeGpuDevice, readTexture, uploadTexture } from './gpu-test-device.js';
import { ablationConfigurations, formatOptimizations } from './optimizations.js';
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

// two paths (B=2 on 8x8, B=3 on 4x4), 8 features widening to 16 (4 output blocks: the Winograd tilings of 4 blocks
// fit the widening convs), x2, halo 1; both classes in one frame, edge patches (halo clamped), N = 2 and 6
const W = 24, H = 12, S = 2;
const model = tinyEngineModel(tinySpec(S, [[8, 8, 2], [4, 4, 3]], 8, 2), 1, 31);
const patches = [...tiledPatches(0, 8, 8, 2, 1), ...tiledPatches(1, 4, 4, 2, 2, 16, 0), ...tiledPatches(1, 4, 4, 6, 1, 0, 8)];
const rgba = seededBytes(W * H * 4, 19);
let want: Float32Array[] | null = null;

describe('compiled engine, every ablation configuration vs onnxruntime-node (Node, Dawn)', () => {
  it.each(ablationConfigurations().map((c) => ({ opts: formatOptimizations(new Set(c)), on: c })))('optimizations $opts', async ({ on }) => {
    const device = await nodeGpuDevice();
    want ??= await reference(model, rgba, W, H, patches);
    const lr = uploadTexture(device, W, H, rgba);
    const hr = device.createTexture({ size: [W * S, H * S], format: 'rgba8unorm', usage: GPUTextureUsage.STORAGE_BINDING | GPUTextureUsage.TEXTURE_BINDING | GPUTextureUsage.COPY_SRC });
    const engine = new CompiledEngine(device, model, { optimizations: new Set(on) });
    const f16 = on.includes('f16');
    expect(engine.precision).toBe(f16 ? (device.features.has('shader-f16') ? 'f16' : 'f16-packed') : 'f32');
    await engine.prepare();
    const got = await engine.runFloat({ lr, patches });
    const err = Math.max(...got.map((g, i) => maxAbsDiff(g, want![i])));
    expect(err).toBeLessThan(f16 ? 2e-2 : 1e-4);
    if (f16) expect(err).toBeGreaterThan(1e-6);

    // the frame as the player runs it: run() into the HR texture (twice: a steady-state frame after the first)
    await engine.run({ lr, hr, patches });
    await engine.run({ lr, hr, patches });
    const bytes = await readTexture(device, hr);
    let texErr = 0;
    patches.forEach((p, i) => {
      const w = S * p.w, h = S * p.h;
      for (let c = 0; c < 3; c++) for (let y = 0; y < h; y++) for (let x = 0; x < w; x++) {
        const v = Math.min(1, Math.max(0, want![i][(c * h + y) * w + x]));
        texErr = Math.max(texErr, Math.abs(bytes[((S * p.y + y) * W * S + S * p.x + x) * 4 + c] / 255 - v));
      }
    });
    expect(texErr).toBeLessThan(0.5 / 255 + (f16 ? 2e-2 : 1e-4));
    // per class of B blocks: fused 1 + 2B + 1 kernels; unfused 3 + 4B + 6 (gather, Sub, head, B x [conv, Relu, conv,
    // Add], tail, skip, Add, DepthToSpace, Add, store)
    const blocks = engine.plans.map((p) => p.fusedOps.filter((op) => op === 'Relu' || op === 'FusedConv(relu)').length);
    expect(blocks.every((b) => b >= 2)).toBe(true);
    expect(engine.dispatches).toBe(blocks.reduce((sum, b) => sum + (on.includes('fusion') ? 2 + 2 * b : 9 + 4 * b), 0));
    expect(engine.encode === undefined).toBe(!on.includes('one-submit'));
    engine.dispose(); lr.destroy(); hr.destroy();
  }, 600_000);
});
