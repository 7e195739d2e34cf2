// How one FusedConv layer is generated: an implicit-GEMM tiling (./conv-kernel.ts), a Winograd F(2x2,3x3)
// tiling (./winograd-conv-kernel.ts) or the direct conv (./direct-conv-kernel.ts, the `gemm` optimization off). All
// keep the same kernel contract, so a plan (or the tuner) picks per layer; only the weight layout differs
// (`weightLayout`), which the weight pack must match.
import { chooseConvTiling, convKernel, convTilingCandidates, tilingKey, type ConvKernelSpec, type ConvTiling, type GeneratedKernel } from './conv-kernel.js';
import { directConvKernel, type DirectConv } from './direct-conv-kernel.js';
import { winogradCandidates, winogradConvKernel, winogradKey, type WinogradTiling } from './winograd-conv-kernel.js';

export type ConvVariant = ConvTiling | WinogradTiling | DirectConv;

export const isWinograd = (v: ConvVariant): v is WinogradTiling => 'kind' in v && v.kind === 'winograd';
export const isDirect = (v: ConvVariant): v is DirectConv => 'kind' in v && v.kind === 'direct';

export const variantKey = (v: ConvVariant): string => (isWinograd(v) ? winogradKey(v) : isDirect(v) ? 'direct' : tilingKey(v));

/** Every variant a tuner may time for the layer: the GEMM tilings, then the Winograd ones where they apply. */
export function convVariantCandidates(spec: ConvKernelSpec): ConvVariant[] {
  return [...convTilingCandidates(spec.cout, spec.k), ...winogradCandidates(spec)];
}

/**
 * The default without tuning: the GEMM default everywhere. Winograd is a tuner candidate only: side by side on
 * SwiftShader here its block convs ran 2.3x slower than the GEMM default (docs/compiler-runtime.md, "Winograd"); real
 * GPUs may differ, and the per-adapter tuner times both.
 */
export function defaultConvVariant(spec: ConvKernelSpec): ConvVariant {
  return chooseConvTiling(spec.cout, spec.k);
}

export function convVariantKernel(spec: ConvKernelSpec, variant: ConvVariant = defaultConvVariant(spec)): GeneratedKernel {
  return isWinograd(variant) ? winogradConvKernel(spec, variant) : isDirect(variant) ? directConvKernel(spec) : convKernel(spec, variant);
}

/** The weight layout a variant reads: blocked OIHW, or blocked Winograd-transformed U (`winogradWeights`). */
export const weightLayout = (v: ConvVariant): 'direct' | 'winograd' => (isWinograd(v) ? 'winograd' : 'direct');
