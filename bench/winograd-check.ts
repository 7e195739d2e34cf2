// `npx tsx bench/winograd-check.ts [--pack DIR] [--frames N] [--region R] [--timed N] [--kernel-rounds N] [--skip accuracy,frames,kernels]`
// Winograd F(2x2,3x3) against the implicit GEMM on a pack, in Node + Dawn (SwiftShader here), three parts:
//  accuracy: whole frames (all patches), the compiled engine's float HR output with GEMM block convs and with Winograd
//            ones (f32, and f16 packed in u32), each against onnxruntime-node, and Winograd against GEMM;
//  frames:   both f32 engines timed on the same frame, interleaved (order rotated per round), median and p90;
//  kernels:  each 3x3 block-conv layer type of the pack at its largest size, the GEMM default and every Winograd
//            tiling, interleaved rounds, median and p90 (what the per-adapter tuner decides between).
import { chooseConvTiling } from '../src/compiler/codegen/conv-kernel.js';
import { variantKey, type ConvVariant } from '../src/compiler/codegen/conv-variant.js';
import { winogradCandidates } from '../src/compiler/codegen/winograd-conv-kernel.js';
import type { ConvKernelSpec } from '../src/compiler/codegen/conv-kernel.js';
import { CompiledEngine } from '../src/runtime/compiled-engine.js';
import { scratchKernelRun } from '../src/runtime/conv-tuner.js';
import { closeNodeGpuDevice, nodeGpuDevice, uploadTexture } from '../src/runtime/gpu-test-device.js';
import { loadPack, macsPerFrame, parseRegion, referenceOutputs } from './bench-input.js';
import { quantile } from './engine-timing.js';

const arg = (name: string): string | undefined => { const i = process.argv.indexOf(`--${name}`); return i >= 0 ? process.argv[i + 1] : undefined; };
process.env.VK_ICD_FILENAMES ??= '/usr/lib/chromium/vk_swiftshader_icd.json';
const skip = new Set((arg('skip') ?? '').split(','));
const input = loadPack(arg('pack') ?? 'public/demo', Number(arg('frames') ?? 1), parseRegion(arg('region') ?? 'full'));
const timed = Number(arg('timed') ?? 11), rounds = Number(arg('kernel-rounds') ?? 21);
const model = { onnx: input.onnx, scale: input.scale, halo: input.halo, paths: input.paths };
const gemm = (s: ConvKernelSpec): ConvVariant => chooseConvTiling(s.cout, s.k);
const wino = (s: ConvKernelSpec): ConvVariant | undefined => winogradCandidates(s)[0];
const fmt = (v: number | null, d = 1) => (v == null ? 'n/a' : v.toFixed(d));
const maxDiff = (a: Float32Array[], b: Float32Array[]) => Math.max(...a.map((x, i) => x.reduce((m, v, j) => Math.max(m, Math.abs(v - b[i][j])), 0)));
const device = await nodeGpuDevice();
console.log(`${input.name}`);
try {
  const frame = input.frames[0];
  const engines = {
    gemm: new CompiledEngine(device, model, { precision: 'f32', convTiling: gemm }),
    winograd: new CompiledEngine(device, model, { precision: 'f32', convTiling: wino }),
  };
  for (const e of Object.values(engines)) await e.prepare();
  if (!skip.has('accuracy')) {
    const f16 = new CompiledEngine(device, model, { precision: 'f16-packed', convTiling: wino });
    await f16.prepare();
    console.log('\n| frame | patches | GEMM vs ORT | Winograd vs ORT | Winograd vs GEMM | Winograd f16-packed vs ORT |\n|---|---|---|---|---|---|');
    for (const [i, f] of input.frames.entries()) {
      const lr = uploadTexture(device, f.width, f.height, f.rgba);
      const want = await referenceOutputs(input, f);
      const [g, w, h] = [await engines.gemm.runFloat({ lr, patches: f.patches }), await engines.winograd.runFloat({ lr, patches: f.patches }), await f16.runFloat({ lr, patches: f.patches })];
      console.log(`| ${i} | ${f.patches.length} | ${maxDiff(g, want).toExponential(2)} | ${maxDiff(w, want).toExponential(2)} | ${maxDiff(w, g).toExponential(2)} | ${maxDiff(h, want).toExponential(2)} |`);
      lr.destroy();
    }
    f16.dispose();
  }
  if (!skip.has('frames')) {
    const lr = uploadTexture(device, frame.width, frame.height, frame.rgba);
    const hr = device.createTexture({ size: [frame.width * input.scale, frame.height * input.scale], format: 'rgba8unorm', usage: GPUTextureUsage.STORAGE_BINDING | GPUTextureUsage.TEXTURE_BINDING });
    const job = { lr, hr, patches: frame.patches };
    const ms: Record<string, number[]> = { gemm: [], winograd: [] };
    const names = Object.keys(engines) as (keyof typeof engines)[];
    for (const n of names) await engines[n].run(job);
    for (let r = 0; r < timed; r++) for (const n of r % 2 ? [...names].reverse() : names) ms[n].push((await engines[n].run(job)).wallMs);
    const gflop = (2 * macsPerFrame(input, frame)) / 1e9;
    console.log(`\nframe 0, ${frame.patches.length} patches (${gflop.toFixed(2)} model GFLOP), 1 warm-up + ${timed} timed runs each, interleaved\n| block convs | median ms | p90 ms |\n|---|---|---|`);
    for (const n of names) console.log(`| ${n} | ${fmt(quantile(ms[n], 0.5))} | ${fmt(quantile(ms[n], 0.9))} |`);
    lr.destroy(); hr.destroy();
  }
  if (!skip.has('kernels')) {
    // the block convs' layer types at their largest input (the biggest path's patch grown by the halo)
    const specs = new Map<string, ConvKernelSpec>();
    for (const p of engines.gemm.plans) for (const k of p.kernels) {
      const s = k.convSpec;
      if (!s || k.readsLR) continue;
      const key = `${s.cin}->${s.cout}${s.relu ? ' relu' : ''}${s.residual ? ' res' : ''}`;
      const have = specs.get(key);
      if (!have || s.inH * s.inW > have.inH * have.inW) specs.set(key, s);
    }
    console.log(`\n| layer | size | variant | median ms | p90 ms | model GFLOP/s |\n|---|---|---|---|---|---|`);
    for (const [key, spec] of specs) {
      const variants = [gemm(spec), ...winogradCandidates(spec)];
      const runs = await Promise.all(variants.map((v) => scratchKernelRun(device, spec, v)));
      const ms = variants.map(() => [] as number[]);
      for (const r of runs) await r.run();
      for (let r = 0; r < rounds; r++) for (let j = 0; j < runs.length; j++) { const at = (j + r) % runs.length; ms[at].push(await runs[at].run()); }
      const flop = 2 * spec.inH * spec.inW * spec.cin * spec.cout * 9;
      variants.forEach((v, j) => {
        const med = quantile(ms[j], 0.5)!;
        console.log(`| ${key} | ${spec.inW}x${spec.inH} | ${variantKey(v)} | ${fmt(med, 2)} | ${fmt(quantile(ms[j], 0.9), 2)} | ${(flop / med / 1e6).toFixed(2)} |`);
      });
      for (const r of runs) r.dispose();
    }
  }
  for (const e of Object.values(engines)) e.dispose();
} finally {
  await closeNodeGpuDevice();
}
