// Dev tool: where a Winograd conv's time goes on this adapter, by deleting one part of the generated WGSL at a time
// (the results are then wrong: timing only) next to the GEMM default with and without its barriers. Chromium
// (bench/browser-harness.ts), min of 3 runs per kernel. A part whose results nothing reads would be removed by the
// shader compiler as a whole, so only parts whose outputs are still consumed are deleted.
// `npx tsx bench/winograd-probe.ts [--cin 32] [--cout 64] [--size 70]`
import { convOutputSize, type ConvKernelSpec } from '../src/compiler/codegen/conv-kernel.js';
import { convVariantKernel, defaultConvVariant, isWinograd, variantKey, type ConvVariant } from '../src/compiler/codegen/conv-variant.js';
import { winogradCandidates } from '../src/compiler/codegen/winograd-conv-kernel.js';
import { openHarness } from './browser-harness.js';

const arg = (name: string, d: number) => { const i = process.argv.indexOf(`--${name}`); return i >= 0 ? Number(process.argv[i + 1]) : d; };
const size = arg('size', 70);
const spec: ConvKernelSpec = { cin: arg('cin', 32), cout: arg('cout', 64), k: 3, pad: 1, inH: size, inW: size, relu: true, residual: false, shift: null, input: { kind: 'arena' }, precision: 'f32' };
const [oh, ow] = convOutputSize(spec);
const cut = (code: string, re: RegExp) => {
  const out = code.replace(re, '');
  if (out === code) throw new Error(`probe: ${re} matched nothing in the generated WGSL (the codegen changed)`);
  return out;
};
const probes = (v: ConvVariant, code: string): [string, string][] => [
  ['full', code],
  ['no barriers', cut(code, /workgroupBarrier\(\);/g)],
  ...(isWinograd(v) ? [
    ['no U staging', cut(code, /    for \(var i = li; i < \d+u; i = i \+ 64u\) \{\n      let o = [\s\S]*?\n    \}\n/)],
    ['no input transform', cut(code, /    for \(var it = li;[\s\S]*?\n    \}\n/)],
  ] as [string, string][] : []),
  ['full again', code],
];
const h = await openHarness();
try {
  for (const v of [defaultConvVariant(spec), winogradCandidates(spec)[0]]) {
    const k = convVariantKernel(spec, v);
    for (const [what, code] of probes(v, k.code)) {
      const ms = await h.timeKernel(code, 16 * 1024 * 1024, spec.cout * spec.cin * (isWinograd(v) ? 16 : 9) * 4, k.workgroups(1), [0, 0, 0, 0, 0, 0, 0, 1, size, size, oh, ow]);
      console.log(`${variantKey(v)} ${what}: ${ms.toFixed(1)} ms`);
    }
  }
} finally { await h.close(); }
