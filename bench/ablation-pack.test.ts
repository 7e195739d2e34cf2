// Every ablation configuration of the compiled engine (all on, all off, each optimization off alone, each on alone) on
// the e2e test pack (the real packer's model: 2 paths, 32 features, x2, halo 3) and its decoded LR frame 0 (all 8
// patches), in Node + Dawn on SwiftShader: float HR patches vs onnxruntime-node within 1e-4 (f16 storage within 2e-2),
// and the HR texture of a run() frame within the 8-bit quantisation of the same. The random-weight configurations with
// edge cases (several classes, N = 2 and 6): src/runtime/compiled-optimizations.test.ts.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { ensureTestPack } from '../e2e/test-pack.js';
import { CompiledEngine } from '../src/runtime/compiled-engine.js';
import { maxAbsDiff } from '../src/runtime/engine-check.js';
import { closeNodeGpuDevice, nodeGpuDevice, readTexture, uploadTexture } from '../src/runtime/gpu-test-device.js';
import { ablationConfigurations, formatOptimizations } from '../src/runtime/optimizations.js';
import { hrTextureError } from './engine-timing.js';
import { loadPack, referenceOutputs, type BenchInput } from './bench-input.js';

let input: BenchInput;
let want: Float32Array[];
beforeAll(async () => {
  input = loadPack(ensureTestPack(), 1, 'full');
  want = await referenceOutputs(input, input.frames[0]);
}, 600_000);
afterAll(closeNodeGpuDevice);

describe('compiled engine, every ablation configuration on the e2e test pack vs onnxruntime-node (Node, Dawn)', () => {
  it.each(ablationConfigurations().map((c) => ({ opts: formatOptimizations(new Set(c)), on: c })))('optimizations $opts', async ({ on }) => {
    const device = await nodeGpuDevice();
    const f = input.frames[0], s = input.scale, f16 = on.includes('f16');
    const lr = uploadTexture(device, f.width, f.height, f.rgba);
    const hr = device.createTexture({ size: [f.width * s, f.height * s], format: 'rgba8unorm', usage: GPUTextureUsage.STORAGE_BINDING | GPUTextureUsage.TEXTURE_BINDING | GPUTextureUsage.COPY_SRC });
    const engine = new CompiledEngine(device, input, { optimizations: new Set(on) });
    try {
      await engine.prepare();
      const got = await engine.runFloat({ lr, patches: f.patches });
      const err = Math.max(...got.map((g, i) => maxAbsDiff(g, want[i])));
      expect(err).toBeLessThan(f16 ? 2e-2 : 1e-4);
      if (f16) expect(err).toBeGreaterThan(1e-6);
      await engine.run({ lr, hr, patches: f.patches });
      expect(hrTextureError(await readTexture(device, hr), hr.width, f.patches, want, s)).toBeLessThan(0.5 / 255 + (f16 ? 2e-2 : 1e-4));
    } finally {
      engine.dispose(); lr.destroy(); hr.destroy();
    }
  }, 900_000);
});
