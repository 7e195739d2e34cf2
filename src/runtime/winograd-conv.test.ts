// Every Winograd F(2x2,3x3) tiling a tuner may pick (codegen/winograd-conv-kernel.ts winogradCandidates), in f32 and
// in f16 packed in u32, against onnxruntime-node: random inputs, odd output sizes (edge tiles half outside), and the
// fused epilogues (ReLU + residual, and a plain conv), through the same kernel helper and arena layout as the engine.
import { afterAll, describe, expect, it } from 'vitest';
import { winogradCandidates, winogradConvKernel, winogradKey, winogradWeights, type WinogradTiling } from '../compiler/codegen/winograd-conv-kernel.js';
import { convLayerData, maxAbsDiff, ortConvLayer, runConvLayer, type ConvLayerCase } from './conv-layer-check.js';
import { closeNodeGpuDevice, nodeGpuDevice } from './gpu-test-device.js';

afterAll(closeNodeGpuDevice);

// 12 input channels: 3 blocks (not a power of two); 32 outputs: 8 blocks, so the 4-block tilings run 2 block groups
const fused: ConvLayerCase = { cin: 12, cout: 32, h: 11, w: 13, batch: 2, relu: true, residual: true, seed: 11 };
const plain: ConvLayerCase = { cin: 8, cout: 32, h: 9, w: 7, batch: 1, relu: false, residual: false, seed: 12 };
const spec = (c: ConvLayerCase, precision: 'f32' | 'f16-packed') => ({ cin: c.cin, cout: c.cout, k: 3, pad: 1, inH: c.h, inW: c.w, relu: c.relu, residual: c.residual, shift: null, input: { kind: 'arena' as const }, precision });
const candidates = winogradCandidates({ k: 3, cout: 32, input: { kind: 'arena' } });
const references = new Map<ConvLayerCase, Promise<Float32Array>>();

async function error(c: ConvLayerCase, t: WinogradTiling, precision: 'f32' | 'f16-packed'): Promise<number> {
  const data = convLayerData(c);
  if (!references.has(c)) references.set(c, ortConvLayer(c, data));
  const got = await runConvLayer(await nodeGpuDevice(), c, data, winogradConvKernel(spec(c, precision), t), winogradWeights([c.cout, c.cin, 3, 3], data.weights), precision);
  return maxAbsDiff(got, await references.get(c)!);
}

describe('Winograd F(2x2,3x3) conv vs onnxruntime-node', () => {
  it('has three candidates for 32 output channels, none for the LR-reading head', () => {
    expect(candidates.map(winogradKey)).toEqual(['wino4x2o8q2', 'wino4x4o4q4', 'wino4x2o4q4']);
    expect(winogradCandidates({ k: 3, cout: 32, input: { kind: 'lr', halo: 3 } })).toEqual([]);
  });
  it.each([
    ...candidates.map((t) => ({ t, c: fused, what: 'relu+residual 12->32 11x13 x2', precision: 'f32' as const, tol: 1e-4 })),
    ...candidates.map((t) => ({ t, c: fused, what: 'relu+residual 12->32 11x13 x2', precision: 'f16-packed' as const, tol: 2e-2 })),
    { t: candidates[0], c: plain, what: 'plain 8->32 9x7', precision: 'f32' as const, tol: 1e-4 },
  ])('$precision $t.tx x $t.ty tiles x $t.obw blocks ($what) within $tol', async ({ t, c, precision, tol }) => {
    const err = await error(c, t, precision);
    // f16 storage must differ from f32 (else halves were not what ran), yet stay within tolerance
    expect({ tiling: winogradKey(t), ok: err < tol && (precision === 'f32' || err > 1e-6) }).toEqual({ tiling: winogradKey(t), ok: true });
  });
});
