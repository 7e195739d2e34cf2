// The conv tiling tuner: picks the fastest candidate per layer type, remembers it per adapter, falls back to the
// safe default when timing fails; and its GPU timer runs a real candidate (Node + Dawn).
import { afterAll, describe, expect, it } from 'vitest';
import { convTilingCandidates, type ConvKernelSpec } from '../compiler/codegen/conv-kernel.js';
import { convVariantCandidates, defaultConvVariant, variantKey } from '../compiler/codegen/conv-variant.js';
import { winogradCandidates } from '../compiler/codegen/winograd-conv-kernel.js';
import { gpuKernelTimer, memoryTilingStore, tilingFor, tuneConvTilings, type KernelTimer } from './conv-tuner.js';
import { closeNodeGpuDevice, nodeGpuDevice } from './gpu-test-device.js';

afterAll(closeNodeGpuDevice);

const layer = (cin: number, cout: number, inH: number, inW = inH): ConvKernelSpec => ({
  cin, cout, k: 3, pad: 1, inH, inW, relu: true, residual: false, shift: null, input: { kind: 'arena' }, precision: 'f32',
});

describe('tuneConvTilings', () => {
  it('times each layer type once, at its largest size, picks the fastest and stores it per adapter', async () => {
    const store = memoryTilingStore();
    const timed: string[] = [];
    // a fake clock: the 2-wide GEMM tiling is fastest for 32->64, the second Winograd tiling for 64->32
    const wino = winogradCandidates({ k: 3, cout: 32, input: { kind: 'arena' } })[1];
    const time: KernelTimer = async (spec, t) => {
      timed.push(`${spec.cin}->${spec.cout}@${spec.inH} ${variantKey(t)}`);
      if (spec.cout === 64) return 'tc' in t ? Math.abs(t.tc - 2) + 1 : 10;
      return variantKey(t) === variantKey(wino) ? 0.5 : 10;
    };
    const layers = [layer(32, 64, 22), layer(32, 64, 70), layer(64, 32, 38), layer(32, 64, 38)];
    const tuned = await tuneConvTilings(layers, 'gpu-A', store, time);
    expect(timed.length).toBe(convVariantCandidates(layer(32, 64, 70)).length + convVariantCandidates(layer(64, 32, 38)).length);
    expect(timed.length).toBeGreaterThan(convTilingCandidates(64, 3).length + convTilingCandidates(32, 3).length);
    expect(timed.every((t) => t.includes('32->64@70') || t.includes('64->32@38'))).toBe(true);
    expect(tilingFor(tuned, layer(32, 64, 22))).toMatchObject({ tc: 2 });
    expect(tilingFor(tuned, layer(64, 32, 22))).toEqual(wino);
    // a second engine on the same adapter reads the store; another adapter tunes again
    timed.length = 0;
    const again = await tuneConvTilings(layers, 'gpu-A', store, time);
    expect(timed).toEqual([]);
    expect(tilingFor(again, layer(32, 64, 38))).toEqual(tilingFor(tuned, layer(32, 64, 38)));
    await tuneConvTilings(layers, 'gpu-B', store, time);
    expect(timed.length).toBeGreaterThan(0);
  });

  it('falls back to the default variant (and stores nothing) when timing fails', async () => {
    const sets: string[] = [];
    const store = { get: async () => undefined, set: async (k: string) => { sets.push(k); } };
    const tuned = await tuneConvTilings([layer(32, 64, 20)], 'gpu', store, async () => { throw new Error('no timer'); });
    expect(tilingFor(tuned, layer(32, 64, 20))).toEqual(defaultConvVariant(layer(32, 64, 20)));
    expect(sets).toEqual([]);
  });
});

describe('gpuKernelTimer (Dawn)', () => {
  it.each(['gemm', 'winograd'])('times a generated %s candidate on scratch data', async (kind) => {
    const device = await nodeGpuDevice();
    const spec = layer(8, 16, 10);
    const ms = await gpuKernelTimer(device)(spec, kind === 'gemm' ? convTilingCandidates(16, 3)[0] : winogradCandidates(spec)[1]);
    expect(Number.isFinite(ms) && ms > 0).toBe(true);
  });
});
