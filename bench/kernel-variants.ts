// Dev tool: times variants of one generated conv layer in Chromium (tile shapes), to pick codegen defaults.
import { chooseConvTiling, convKernel, convOutputSize, type ConvKernelSpec, type ConvTiling } from '../src/compiler/codegen/conv-kernel.js';
import { openHarness } from './browser-harness.js';

const spec: ConvKernelSpec = { cin: 32, cout: 64, k: 3, pad: 1, inH: 36, inW: 36, relu: true, residual: false, shift: null, input: { kind: 'arena' }, precision: 'f32' };
const [oh, ow] = convOutputSize(spec);
const h = await openHarness();
try {
  const variants: (ConvTiling | undefined)[] = [undefined, { wgX: 8, wgY: 8, px: 2, groups: 4 }, { wgX: 8, wgY: 8, px: 1, groups: 1 }, { wgX: 8, wgY: 8, px: 4, groups: 2 }, { wgX: 4, wgY: 8, px: 4, groups: 4 }, { wgX: 8, wgY: 4, px: 2, groups: 2 }];
  console.log('auto tiling', chooseConvTiling(oh, ow, spec.cout));
  for (const v of variants) {
    const k = convKernel(spec, v);
    const ms = await h.timeKernel(k.code, 4 * 1024 * 1024, 32 * 64 * 9 * 4, k.workgroups(1));
    const macs = oh * ow * 64 * 32 * 9;
    console.log(JSON.stringify(v ?? 'auto'), ms.toFixed(1), 'ms', ((2 * macs) / (ms * 1e6)).toFixed(2), 'GFLOP/s');
  }
} finally { await h.close(); }
