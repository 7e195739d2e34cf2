// Dev tool: times every conv tiling candidate of one generated layer in Chromium, to pick codegen defaults.
// `npx tsx bench/kernel-variants.ts [--cin 32] [--cout 64] [--size 70]`
import { chooseConvTiling, convKernel, convOutputSize, convTilingCandidates, tilingKey, type ConvKernelSpec } from '../src/compiler/codegen/conv-kernel.js';
import { openHarness } from './browser-harness.js';

const arg = (name: string, d: number) => { const i = process.argv.indexOf(`--${name}`); return i >= 0 ? Number(process.argv[i + 1]) : d; };
const size = arg('size', 70);
const spec: ConvKernelSpec = { cin: arg('cin', 32), cout: arg('cout', 64), k: 3, pad: 1, inH: size, inW: size, relu: true, residual: false, shift: null, input: { kind: 'arena' }, precision: 'f32' };
const [oh, ow] = convOutputSize(spec);
const h = await openHarness();
try {
  console.log('default tiling', tilingKey(chooseConvTiling(spec.cout, spec.k)));
  for (const t of convTilingCandidates(spec.cout, spec.k)) {
    const k = convKernel(spec, t);
    const ms = await h.timeKernel(k.code, 16 * 1024 * 1024, spec.cout * spec.cin * 9 * 4, k.workgroups(1), [0, 0, 0, 0, 0, 0, 0, 1, size, size, oh, ow]);
    const macs = oh * ow * spec.cout * spec.cin * 9;
    console.log(tilingKey(t), ms.toFixed(1), 'ms', ((2 * macs) / (ms * 1e6)).toFixed(2), 'GFLOP/s');
  }
} finally { await h.close(); }
