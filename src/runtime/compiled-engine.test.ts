// The compiled engines in Node (Dawn on SwiftShader) against onnxruntime-node on random frames: `compiled` (f32,
// 1e-4) and `compiled-f16` (halves packed in u32 on an adapter without shader-f16, as here; 2e-2), float HR patches
// before 8-bit quantisation (the HR texture path: bench/engines.test.ts); and the per-device pipeline cache (an
// engine switch back compiles nothing).
import * as ort from 'onnxruntime-node';
import { afterAll, describe, expect, it } from 'vitest';
import { isWinograd } from '../compiler/codegen/conv-variant.js';
import { winogradCandidates } from '../compiler/codegen/winograd-conv-kernel.js';
import { cropCentre, gatherPatchBatch } from '../format/patch.js';
import { CompiledEngine } from './compiled-engine.js';
import { createEngine } from './create-engine.js';
import { maxAbsDiff, seededBytes, tiledPatches } from './engine-check.js';
import type { EngineModel, PatchRect } from './engine.js';
import { closeNodeGpuDevice, nodeGpuDevice, uploadTexture } from './gpu-test-device.js';
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

// two paths (B=2 on 8x8, B=3 on 4x4), 4 features widening to 8 (1 and 2 channel blocks: small kernels compile fastest), x2, halo 1; a frame
// mixing both classes with edge patches (halo clamped) and N = 2 and 6 per class
const W = 24, H = 12;
const model = tinyEngineModel(tinySpec(2, [[8, 8, 2], [4, 4, 3]], 4, 2), 1, 21);
const patches = [...tiledPatches(0, 8, 8, 2, 1), ...tiledPatches(1, 4, 4, 2, 2, 16, 0), ...tiledPatches(1, 4, 4, 6, 1, 0, 8)];
const rgba = seededBytes(W * H * 4, 17);

describe('compiled engines vs onnxruntime-node (Node, Dawn)', () => {
  it.each([
    { engine: 'compiled' as const, precision: 'f32', tol: 1e-4 },
    // the compiled-f16 engine: halves packed in u32 on an adapter without shader-f16 (as here), native f16 elsewhere
    { engine: 'compiled-f16' as const, precision: 'f16-packed', tol: 2e-2 },
  ])('$engine ($precision here) float HR patches within $tol', async ({ engine: name, precision, tol }) => {
    const device = await nodeGpuDevice();
    const want = await reference(model, rgba, W, H, patches);
    const lr = uploadTexture(device, W, H, rgba);
    const engine = (await createEngine(name, device, model)) as CompiledEngine;
    expect(engine.name).toBe(name);
    expect(engine.precision).toBe(precision === 'f16-packed' && device.features.has('shader-f16') ? 'f16' : precision);
    await engine.prepare();
    const got = await engine.runFloat({ lr, patches });
    const err = Math.max(...got.map((g, i) => maxAbsDiff(g, want[i])));
    expect(err).toBeLessThan(tol);
    // not trivially equal: the f16 path does round (a packing bug that stored f32 bits would also show here)
    if (precision !== 'f32') expect(err).toBeGreaterThan(1e-6);
    engine.dispose(); lr.destroy();
  });

  // 16 features widening to 32: the block convs run Winograd (the first candidate each: 8 and 4 output blocks, two
  // tilings), weights pre-transformed at prepare; 5x6 patches + halo 1 = 7x8 convs (an odd width: edge tiles)
  it('compiled (f32) with Winograd block convs within 1e-4', async () => {
    const device = await nodeGpuDevice();
    const wModel = tinyEngineModel(tinySpec(2, [[6, 5, 2]], 16, 2), 1, 23);
    const wPatches = tiledPatches(0, 5, 6, 4, 2);
    const want = await reference(wModel, rgba, W, H, wPatches);
    const lr = uploadTexture(device, W, H, rgba);
    const engine = new CompiledEngine(device, wModel, { precision: 'f32', convTiling: (spec) => winogradCandidates(spec)[0] });
    await engine.prepare();
    const variants = engine.plans[0].kernels.flatMap((k) => (k.convVariant ? [k.convVariant] : []));
    expect(variants.map((v) => isWinograd(v))).toEqual([false, true, true, true, true]);
    const got = await engine.runFloat({ lr, patches: wPatches });
    expect(Math.max(...got.map((g, i) => maxAbsDiff(g, want[i])))).toBeLessThan(1e-4);
    engine.dispose(); lr.destroy();
  }, 300_000); // 4 pipelines of 16-32 channels: about 100 s of SwiftShader compiles on this shared machine

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
