// `npm run bench -- [options]`: the engines side by side in one headless Chromium (WebGPU), on the same frames
// and patches, timed fairly (bench/engine-timing.ts: prepared one after another, then timed frames interleaved
// round-robin after warm-up). Prints and writes (--json) median/p90 wall and GPU ms, samples, model GFLOP/s and
// its share of the adapter's measured FMA peak (best of repeats), prepare time, peak GPU bytes, and the max abs
// error of the timed pipeline's HR texture against onnxruntime-node. With --ablation, the compiled engine with each
// optimization off alone and on alone (and all on, all off) in a second interleaved run: the paper's Table 3.
import { existsSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { generatedInput, loadPack, macsPerFrame, parseRegion, referenceOutputs, type BenchInput } from './bench-input.js';
import { openHarness, toB64 } from './browser-harness.js';
import { quantile, type EngineTimingResult } from './engine-timing.js';
import { ablationConfigurations, formatOptimizations, optimizationList, parseOptimizations } from '../src/runtime/optimizations.js';
import type { HarnessEngine, HarnessFrame, HarnessModel } from './page/harness.js';

const HELP = `npm run bench -- [options]
  --engines a,b,..   engines to time (default compiled,compiled-f16,compiled-naive,ort,ort-wasm)
  --timed N          timed frames per engine after warm-up, interleaved across engines (default 20)
  --warmup N         warm-up frames per engine (default 1)
  --frames N         distinct LR frames to cycle through (default 1)
  --pack DIR         pack folder (default public/demo; without one, a generated model and frames)
  --region R         auto (default: the 32x32 (else 64x64) window of frame 0 with the most shape classes, cheapest),
                     full, or WxH[@X,Y] in LR pixels: only patches wholly inside are run
  --size WxH         frame size of the generated input (default 64x64)
  --fma-repeats N    FMA-peak measurements, the best is kept (default 5)
  --json FILE        write the report as JSON
  --profile          per-kernel ms and GFLOP/s of the compiled engine on frame 0
  --ablation         also time the compiled engine with all optimizations on, all off, each off alone and each on
                     alone (interleaved among themselves, after the engines; --timed frames each): "ablation" in the JSON
  --help             this text`;

function arg(name: string): string | undefined {
  const i = process.argv.indexOf(`--${name}`);
  return i >= 0 ? process.argv[i + 1] : undefined;
}

function harnessModel(input: BenchInput): HarnessModel {
  return { onnxB64: toB64(input.onnx), scale: input.scale, halo: input.halo, paths: input.paths };
}

async function main(): Promise<void> {
  if (process.argv.includes('--help')) { console.log(HELP); return; }
  const timed = Number(arg('timed') ?? 20);
  const warmup = Number(arg('warmup') ?? 1);
  const frameCount = Number(arg('frames') ?? 1);
  const fmaRepeats = Number(arg('fma-repeats') ?? 5);
  const [gw, gh] = (arg('size') ?? '64x64').split('x').map(Number);
  const engines = (arg('engines') ?? 'compiled,compiled-f16,compiled-naive,ort,ort-wasm').split(',') as HarnessEngine[];
  const packDir = arg('pack') ?? 'public/demo';
  const input = existsSync(join(packDir, 'manifest.json')) ? loadPack(packDir, frameCount, parseRegion(arg('region') ?? 'auto')) : generatedInput(frameCount, gw, gh);
  const patches = input.frames[0].patches.length;
  console.error(`bench: ${input.name}; ${input.frames.length} frame(s), ${patches} patches in frame 0; ${warmup} warm-up + ${timed} timed frames per engine, interleaved; engines ${engines.join(', ')}`);
  const want = await referenceOutputs(input, input.frames[0]);
  // every frame cycles through the timed rounds; GFLOP/s uses the mean over the frames that were timed
  const macs = input.frames.map((f) => macsPerFrame(input, f));
  const timedMacs = Array.from({ length: timed }, (_, r) => macs[r % macs.length]);
  const meanMacs = timedMacs.reduce((a, b) => a + b, 0) / Math.max(1, timedMacs.length);
  const harness = await openHarness();
  try {
    const adapter = await harness.adapterInfo();
    const model = harnessModel(input);
    const hf: HarnessFrame[] = input.frames.map((f) => ({ width: f.width, height: f.height, rgbaB64: toB64(f.rgba), patches: f.patches }));
    const peakBefore = await harness.fmaPeak(fmaRepeats);
    const timings = await harness.bench(model, hf, engines, { timed, warmup, referenceB64: want.map((w) => toB64(new Uint8Array(w.buffer, w.byteOffset, w.byteLength))) });
    const peakAfter = await harness.fmaPeak(fmaRepeats);
    // after the timed run: the profile's engine fills the device's pipeline cache, which would make prepareMs warm
    if (process.argv.includes('--profile')) {
      for (const k of await harness.profile(model, hf[0])) console.log(`${k.kernel}: ${k.ms.toFixed(1)} ms, ${((2 * k.macs) / (k.ms * 1e6)).toFixed(2)} GFLOP/s`);
    }
    const ablation = process.argv.includes('--ablation') ? ablationResults(await harness.bench(model, hf,
      ablationConfigurations().map((c) => `opt:${formatOptimizations(new Set(c))}` as const),
      { timed, warmup, referenceB64: want.map((w) => toB64(new Uint8Array(w.buffer, w.byteOffset, w.byteLength))) })) : null;
    const fmaPeakGflops = Math.max(peakBefore.gflops, peakAfter.gflops);
    const results = timings.map((t) => {
      const median = quantile(t.frameMs, 0.5);
      const gpu = t.gpuMs.filter((g): g is number => g !== null);
      return {
        engine: t.engine, medianMs: median, p90Ms: quantile(t.frameMs, 0.9), samples: t.frameMs.length,
        ...(gpu.length ? { medianGpuMs: quantile(gpu, 0.5), p90GpuMs: quantile(gpu, 0.9) } : {}),
        gflops: median ? (2 * meanMacs) / (median * 1e6) : null,
        prepareMs: t.prepareMs, peakGpuBytes: t.peakGpuBytes, maxAbsErr: t.maxAbsErr,
        ...(t.error ? { error: t.error } : {}),
      };
    });
    const compiled = timings.find((t) => t.engine === 'compiled');
    const report = {
      adapter, model: input.name,
      input: { frames: input.frames.length, patches, warmup, timed, gflopPerFrame: (2 * meanMacs) / 1e9 },
      results,
      fmaPeakGflops, fmaPeakSamples: [...peakBefore.samples, ...peakAfter.samples],
      compiledPlan: compiled?.fusedOps ? { fusedOps: compiled.fusedOps, arenaBytesPerPatch: compiled.arenaBytes, naiveBytesPerPatch: compiled.naiveBytes } : null,
      ...(ablation ? { ablation } : {}),
    };
    const json = arg('json');
    if (json) writeFileSync(json, JSON.stringify(report, null, 2));
    const fmt = (v: number | null | undefined, d = 1) => (v == null ? 'n/a' : v.toFixed(d));
    console.log(`adapter: ${JSON.stringify({ vendor: adapter.vendor, architecture: adapter.architecture, description: adapter.description })}`);
    console.log(`model: ${input.name}; ${patches} patches, ${report.input.gflopPerFrame.toFixed(3)} GFLOP per frame; ${warmup} warm-up + ${timed} timed frames per engine, interleaved`);
    console.log('| engine | median ms | p90 ms | samples | GFLOP/s | % FMA peak | prepare ms | peak GPU MiB | max abs err (HR texture) |\n|---|---|---|---|---|---|---|---|---|');
    for (const r of results) {
      console.log(`| ${r.engine} | ${fmt(r.medianMs)} | ${fmt(r.p90Ms)} | ${r.samples} | ${fmt(r.gflops, 2)} | ${r.gflops ? fmt((100 * r.gflops) / fmaPeakGflops) : 'n/a'} | ${fmt(r.prepareMs, 0)} | ${fmt(r.peakGpuBytes / 2 ** 20, 2)} | ${r.maxAbsErr == null ? 'n/a' : r.maxAbsErr.toExponential(2)} |${r.error ? ` error: ${r.error.split('\n')[0]}` : ''}`);
    }
    console.log(`FMA peak ${fmt(fmaPeakGflops)} GFLOP/s (best of ${report.fmaPeakSamples.length}: ${report.fmaPeakSamples.map((g) => g.toFixed(1)).join(', ')})`);
    const by = (e: string) => results.find((r) => r.engine === e && r.medianMs);
    const c = by('compiled');
    for (const other of ['ort', 'compiled-naive', 'ort-wasm']) {
      const o = by(other);
      if (c && o) console.log(`compiled vs ${other}: ${(o.medianMs! / c.medianMs!).toFixed(2)}x faster, ${o.peakGpuBytes && c.peakGpuBytes ? `${(o.peakGpuBytes / c.peakGpuBytes).toFixed(2)}x less peak GPU memory` : 'no GPU memory to compare'}`);
    }
    if (ablation) {
      const mb = (b: number) => (b / 1e6).toFixed(2);
      console.log('\nablation (compiled engine; the paper\'s Table 3: min/max over the timed frames)\n| optimizations on | min ms | max ms | median ms | p90 ms | samples | peak GPU MB | dispatches | max abs err |\n|---|---|---|---|---|---|---|---|---|');
      for (const a of ablation) {
        console.log(`| ${formatOptimizations(new Set(a.optimizations))} | ${fmt(a.minMs)} | ${fmt(a.maxMs)} | ${fmt(a.medianMs)} | ${fmt(a.p90Ms)} | ${a.samples} | ${mb(a.peakGpuBytes)} | ${a.dispatches ?? 'n/a'} | ${a.maxAbsErr == null ? 'n/a' : a.maxAbsErr.toExponential(2)} |${a.error ? ` error: ${a.error.split('\n')[0]}` : ''}`);
      }
      const ort = results.find((r) => r.engine === 'ort');
      if (ort) console.log(`| ort (onnxruntime-web, WebGPU EP; first run) | ${fmt(quantile(timings.find((t) => t.engine === 'ort')!.frameMs, 0))} | ${fmt(quantile(timings.find((t) => t.engine === 'ort')!.frameMs, 1))} | ${fmt(ort.medianMs)} | ${fmt(ort.p90Ms)} | ${ort.samples} | ${mb(ort.peakGpuBytes)} | n/a | ${ort.maxAbsErr == null ? 'n/a' : ort.maxAbsErr.toExponential(2)} |`);
    }
    if (compiled?.fusedOps) console.log(`compiled plan: arena ${compiled.arenaBytes} B/patch vs ${compiled.naiveBytes} B/patch unplanned\n  ${compiled.fusedOps.join('\n  ')}`);
  } finally {
    await harness.close();
  }
}

/** One ablation row per configuration (the harness names them `opt:<list>`). */
function ablationResults(timings: (EngineTimingResult & { dispatches?: number | null })[]) {
  return timings.map((t) => ({
    optimizations: optimizationList(parseOptimizations(t.engine.slice('opt:'.length))),
    medianMs: quantile(t.frameMs, 0.5), p90Ms: quantile(t.frameMs, 0.9), minMs: quantile(t.frameMs, 0), maxMs: quantile(t.frameMs, 1),
    peakGpuBytes: t.peakGpuBytes, maxAbsErr: t.maxAbsErr, dispatches: t.dispatches ?? null, samples: t.frameMs.length, prepareMs: t.prepareMs,
    ...(t.error ? { error: t.error } : {}),
  }));
}

await main();
