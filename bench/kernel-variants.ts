// Dev tool: times every conv variant of one generated layer in Chromium (the implicit-GEMM tilings and, for a 3x3
// conv, the Winograd F(2x2,3x3) ones), to pick codegen defaults. Node + Dawn, interleaved: bench/winograd-check.ts.
// `npx tsx bench/kernel-variants.ts [--cin 32] [--cout 64] [--size 70]`
import { convOutputSize, type ConvKernelSpec } from '../src/compiler/codegen/conv-kernel.js';
import { convVariantCandidates, convVariantKernel, defaultConvVariant, isWinograd, variantKey } from '../src/compiler/codegen/conv-variant.js';
import { openHarness } from './browser-harness.js';

const arg = (name: string, d: number) => { const i = process.argv.indexOf(`--${name}`); return i >= 0 ? Number(process.argv[i + 1]) : d; };
const size = arg('size', 70);
const spec: ConvKernelSpec = { cin: arg('cin', 32), cout: arg('cout', 64), k: 3, pad: 1, inH: size, inW: size, relu: true, residual: false, shift: null, input: { kind: 'arena' }, precision: 'f32' };
const [oh, ow] = convOutputSize(spec);
const h = await openHarness();
try {
  console.log('default variant', variantKey(defaultConvVariant(spec)));
  for (const t of convVariantCandidates(spec)) {
    const k = convVariantKernel(spec, t);
    // Winograd weights are 4x4 per channel pair
    const taps = isWinograd(t) ? 16 : 9;
    const ms = await h.timeKernel(k.code, 16 * 1024 * 1024, spec.cout * spec.cin * taps * 4, k.workgroups(1), [0, 0, 0, 0, 0, 0, 0, 1, size, size, oh, ow]);
    const macs = oh * ow * spec.cout * spec.cin * 9;
    console.log(variantKey(t), ms.toFixed(1), 'ms', ((2 * macs) / (ms * 1e6)).toFixed(2), 'model GFLOP/s');
  }
} finally { await h.close(); }
