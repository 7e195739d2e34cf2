// Correctness of the compiled, compiled-f16 (packed halves where the adapter lacks shader-f16, as SwiftShader
// does) and compiled-naive engines in headless Chromium (WebGPU on SwiftShader): float HR patches before 8-bit
// quantisation equal onnxruntime-node's output on the same patches (f16 within 2e-2), for paths with B=2,3,4
// blocks, several patch shapes (edge patches clamp the halo) and batch sizes.
import * as ort from 'onnxruntime-node';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { cropCentre, gatherPatchBatch } from '../src/format/patch.js';
import { maxAbsDiff, seededBytes, tiledPatches } from '../src/runtime/engine-check.js';
import { tinyEngineModel, tinySpec } from '../src/runtime/test-sr-model.js';
import type { PatchRect } from '../src/runtime/engine.js';
import { openHarness, toB64, type Harness } from './browser-harness.js';

let harness: Harness;
beforeAll(async () => { harness = await openHarness(); }, 180_000);
afterAll(async () => { await harness?.close(); });

async function reference(onnx: Uint8Array, rgba: Uint8Array, W: number, H: number, patches: PatchRect[], halo: number, s: number): Promise<Float32Array[]> {
  const session = await ort.InferenceSession.create(onnx);
  const out: Float32Array[] = [];
  for (const p of patches) {
    const input = gatherPatchBatch({ width: W, height: H, data: rgba, channels: 4 }, [p], halo);
    const res = (await session.run({ lr: new ort.Tensor('float32', input, [1, 3, p.h + 2 * halo, p.w + 2 * halo]) })).hr.data as Float32Array;
    out.push(cropCentre(res, 0, p.h, p.w, halo, s));
  }
  return out;
}

describe('engines vs onnxruntime-node (Chromium, WebGPU)', () => {
  it.each([
    // two paths B=2 (8x8) and B=4 (4x4); a frame mixing both, edge patches, N=1..6 per class
    { scale: 2 as const, paths: [[8, 8, 2], [4, 4, 4]] as [number, number, number][], halo: 1, W: 24, H: 12,
      patches: [...tiledPatches(0, 8, 8, 2, 1), ...tiledPatches(1, 4, 4, 2, 2, 16, 0), ...tiledPatches(1, 4, 4, 6, 1, 0, 8)] },
    // one path B=3 at x3, non-square patches wider than one workgroup tile, halo 2, N=2
    { scale: 3 as const, paths: [[6, 18, 3]] as [number, number, number][], halo: 2, W: 36, H: 6, patches: tiledPatches(0, 18, 6, 2, 1) },
    // x4 (48 outputs per LR pixel in the tail's registers), one path, N=2 with the frame edge on two sides
    { scale: 4 as const, paths: [[6, 6, 2]] as [number, number, number][], halo: 1, W: 12, H: 6, patches: tiledPatches(0, 6, 6, 2, 1) },
  ])('x$scale paths $paths halo $halo', async ({ scale, paths, halo, W, H, patches }) => {
    const spec = tinySpec(scale, paths);
    const model = tinyEngineModel(spec, halo, 11);
    const rgba = seededBytes(W * H * 4, 5);
    const want = await reference(model.onnx, rgba, W, H, patches, halo, scale);
    const got = await harness.check({ onnxB64: toB64(model.onnx), scale, halo, paths: model.paths }, { width: W, height: H, rgbaB64: toB64(rgba), patches },
      ['compiled-f32', 'compiled-naive', 'compiled-f16']);
    expect(got.map((r) => r.engine)).toEqual(['compiled-f32', 'compiled-naive', 'compiled-f16']);
    for (const r of got) {
      const tol = r.engine === 'compiled-f16' ? 2e-2 : 1e-4;
      const errs = r.outputs.map((o, i) => maxAbsDiff(Float32Array.from(o), want[i]));
      if (process.env.DEBUG_ENGINES) console.log(r.engine, errs);
      expect({ engine: r.engine, err: Math.max(...errs) < tol }).toEqual({ engine: r.engine, err: true });
    }
  }, 300_000);

  it('the HR texture holds the quantised float output (compiled, naive)', async () => {
    const spec = tinySpec(2, [[4, 4, 2]]);
    const halo = 1, W = 8, H = 8;
    const model = tinyEngineModel(spec, halo, 3);
    const rgba = seededBytes(W * H * 4, 8);
    const patches = tiledPatches(0, 4, 4, 2, 2);
    const want = await reference(model.onnx, rgba, W, H, patches, halo, 2);
    const got = await harness.check({ onnxB64: toB64(model.onnx), scale: 2, halo, paths: model.paths }, { width: W, height: H, rgbaB64: toB64(rgba), patches },
      ['compiled-f32', 'compiled-naive'], true);
    expect(got.map((r) => r.engine)).toEqual(['compiled-f32', 'compiled-naive']);
    for (const r of got) {
      let worst = 0;
      patches.forEach((p, i) => {
        for (let c = 0; c < 3; c++) for (let y = 0; y < 8; y++) for (let x = 0; x < 8; x++) {
          const v = Math.min(1, Math.max(0, want[i][(c * 8 + y) * 8 + x]));
          const px = r.hr![((2 * p.y + y) * 2 * W + 2 * p.x + x) * 4 + c] / 255;
          worst = Math.max(worst, Math.abs(px - v));
        }
      });
      expect(worst).toBeLessThanOrEqual(0.5 / 255 + 1e-4);
    }
  }, 300_000);
});
