// Every conv tiling a tuner may pick (codegen/conv-kernel.ts convTilingCandidates) in f32, and f16 packed in
// u32, against onnxruntime-node: one Conv -> Relu -> Add(residual) layer on random inputs, an output size
// that no tile divides, run through the same kernel helper and arena layout the compiled engine uses
// (./conv-layer-check.ts; the Winograd candidates: winograd-conv.test.ts).
import { afterAll, describe, expect, it } from 'vitest';
import { convKernel, convTilingCandidates, tilingKey, type ConvTiling } from '../compiler/codegen/conv-kernel.js';
import { blockedWeights } from '../compiler/codegen/weight-layout.js';
import { convLayerData, maxAbsDiff, ortConvLayer, runConvLayer, type ConvLayerCase } from './conv-layer-check.js';
import { closeNodeGpuDevice, nodeGpuDevice } from './gpu-test-device.js';

afterAll(closeNodeGpuDevice);

const layer: ConvLayerCase = { cin: 8, cout: 32, h: 11, w: 13, batch: 2, relu: true, residual: true, seed: 7 };
const data = convLayerData(layer);

async function runKernel(tiling: ConvTiling, precision: 'f32' | 'f16-packed'): Promise<Float32Array> {
  const kernel = convKernel({ cin: layer.cin, cout: layer.cout, k: 3, pad: 1, inH: layer.h, inW: layer.w, relu: true, residual: true, shift: null, input: { kind: 'arena' }, precision }, tiling);
  return runConvLayer(await nodeGpuDevice(), layer, data, kernel, blockedWeights([layer.cout, layer.cin, 3, 3], data.weights), precision);
}

const candidates = convTilingCandidates(layer.cout, 3);
let want: Promise<Float32Array> | null = null;

describe(`conv ${layer.cin}->${layer.cout} 3x3 + relu + residual on ${layer.h}x${layer.w} x${layer.batch}, every tiling vs onnxruntime-node`, () => {
  it('has the four candidate widths', () => {
    expect(candidates.map((t) => t.tc)).toEqual([1, 2, 4, 8]);
  });
  // packed f16 differs from f32 only in the load/store accessors, so it runs on the two extreme tilings
  // (4 blocks x 32x8 pixels, 1 block x 4x8 pixels per invocation group): each compile costs seconds here
  it.each([
    ...candidates.map((t) => ({ t, precision: 'f32' as const, tol: 1e-4 })),
    ...[candidates[0], candidates[candidates.length - 1]].map((t) => ({ t, precision: 'f16-packed' as const, tol: 2e-2 })),
  ])(
    '$precision tiling $t.tc x $t.g x ($t.tx x $t.ty) x $t.px within $tol', async ({ t, precision, tol }) => {
      want ??= ortConvLayer(layer, data);
      const err = maxAbsDiff(await runKernel(t, precision), await want);
      expect({ tiling: tilingKey(t), err: err < tol }).toEqual({ tiling: tilingKey(t), err: true });
    });
});
