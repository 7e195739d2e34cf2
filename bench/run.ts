// `npm run bench -- [--json out.json] [--frames N] [--repeats N] [--engines a,b] [--pack dir] [--region WxH|full] [--size WxH] [--profile]`
// Runs the engines side by side in one headless Chromium (WebGPU), on the same frames of a pack
// (public/demo by default; a generated model and frames when there is none), and reports median/p90 ms per
// frame, peak GPU bytes, max abs error against onnxruntime-node, and conv GFLOP/s vs the adapter's FMA peak.
import { execFileSync } from 'node:child_process';
import { existsSync, readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import * as ort from 'onnxruntime-node';
import { assertRoutableWithHalo, exportDynamicSR } from '../src/model/export-onnx.js';
import { defaultPathSpecs } from '../src/model/wdsr-spec.js';
import { writeModel } from '../src/onnx/model-io.js';
import { cropCentre, gatherPatchBatch, groupPatchesByShape } from '../src/format/patch.js';
import { maxAbsDiff, seededBytes } from '../src/runtime/engine-check.js';
import type { PatchRect } from '../src/runtime/engine.js';
import { randomWeights } from '../src/runtime/test-sr-model.js';
import { openHarness, toB64 } from './browser-harness.js';
import type { EngineTiming, HarnessEngine, HarnessFrame, HarnessModel } from './page/harness.js';

interface BenchInput { name: string; model: HarnessModel; onnx: Uint8Array; frames: { width: number; height: number; rgba: Uint8Array; patches: PatchRect[] }[] }

function arg(name: string): string | undefined {
  const i = process.argv.indexOf(`--${name}`);
  return i >= 0 ? process.argv[i + 1] : undefined;
}

/** The first `count` frames of a pack: LR frames decoded by ffmpeg, patches from patches.json. */
/** Only the pack's patches inside the top-left `region` (SwiftShader is too slow for whole frames of every engine). */
function loadPack(dir: string, count: number, region: [number, number] | null): BenchInput {
  const m = JSON.parse(readFileSync(join(dir, 'manifest.json'), 'utf8'));
  const onnx = new Uint8Array(readFileSync(join(dir, m.model.file ?? m.model.files?.[0])));
  const { width, height } = m.lr;
  const raw = execFileSync('ffmpeg', ['-v', 'error', '-i', join(dir, m.lr.file), '-frames:v', String(count), '-f', 'rawvideo', '-pix_fmt', 'rgba', '-'], { maxBuffer: 1 << 30 });
  const patches = JSON.parse(readFileSync(join(dir, m.patches.file), 'utf8')).frames as number[][][];
  const frames = Array.from({ length: Math.min(count, raw.length / (width * height * 4)) }, (_, i) => ({
    width, height, rgba: new Uint8Array(raw.subarray(i * width * height * 4, (i + 1) * width * height * 4)),
    patches: patches[i].map(([x, y, w, h, path]) => ({ x, y, w, h, path })).filter((p) => !region || (p.x + p.w <= region[0] && p.y + p.h <= region[1])),
  }));
  return { name: `${dir} (${m.model.file}, ${width}x${height} LR${region ? `, patches inside the top-left ${region[0]}x${region[1]}` : ''})`, onnx, frames, model: { onnxB64: toB64(onnx), scale: m.scale, halo: m.halo, paths: m.model.paths.map((p: { id: number; patch: [number, number] }) => ({ id: p.id, patch: p.patch })) } };
}

/** No pack: the default two-path x2 network (C=32, B=2 and 4) with random weights on synthetic frames. */
function generatedInput(count: number, width: number, height: number): BenchInput {
  const spec = defaultPathSpecs(2, [[32, 32], [16, 16]]);
  const halo = 2;
  assertRoutableWithHalo(spec, halo);
  const onnx = writeModel(exportDynamicSR(spec, randomWeights(spec, 1)));
  const frames = Array.from({ length: count }, (_, f) => {
    // 32x32 tiles; every other tile split into four 16x16 (the finer path), as the content-aware splitter would
    const patches: PatchRect[] = [];
    for (let y = 0; y < height; y += 32) for (let x = 0; x < width; x += 32) {
      if (((x + y) / 32 + f) % 2 === 0) patches.push({ x, y, w: 32, h: 32, path: 0 });
      else for (const [dx, dy] of [[0, 0], [16, 0], [0, 16], [16, 16]]) patches.push({ x: x + dx, y: y + dy, w: 16, h: 16, path: 1 });
    }
    return { width, height, rgba: seededBytes(width * height * 4, 100 + f), patches };
  });
  return { name: `generated: x2, paths 32x32 (B=2) + 16x16 (B=4), C=32, ${width}x${height} LR`, onnx, frames, model: { onnxB64: toB64(onnx), scale: 2, halo, paths: spec.paths.map((p) => ({ id: p.id, patch: p.patch })) } };
}

async function referenceOutputs(input: BenchInput): Promise<Float32Array[]> {
  const { rgba, width, height, patches } = input.frames[0];
  const { halo, scale } = input.model;
  const session = await ort.InferenceSession.create(input.onnx);
  const out = new Map<PatchRect, Float32Array>();
  for (const g of groupPatchesByShape(patches).values()) {
    const { w, h } = g[0];
    const data = gatherPatchBatch({ width, height, data: rgba, channels: 4 }, g, halo);
    const res = (await session.run({ lr: new ort.Tensor('float32', data, [g.length, 3, h + 2 * halo, w + 2 * halo]) })).hr.data as Float32Array;
    const per = 3 * scale * scale * (h + 2 * halo) * (w + 2 * halo);
    g.forEach((p, i) => out.set(p, cropCentre(res, i * per, h, w, halo, scale)));
  }
  return patches.map((p) => out.get(p)!);
}

const quantile = (xs: number[], q: number) => { const s = [...xs].sort((a, b) => a - b); return s[Math.min(s.length - 1, Math.floor(q * (s.length - 1) + 0.5))]; };

async function main(): Promise<void> {
  const frames = Number(arg('frames') ?? 1);
  const repeats = Number(arg('repeats') ?? 2);
  const [gw, gh] = (arg('size') ?? '64x64').split('x').map(Number);
  const engines = (arg('engines') ?? 'compiled,compiled-naive,ort,ort-wasm').split(',') as HarnessEngine[];
  const packDir = arg('pack') ?? 'public/demo';
  const regionArg = arg('region') ?? '128x64';
  const region = regionArg === 'full' ? null : (regionArg.split('x').map(Number) as [number, number]);
  const input = existsSync(join(packDir, 'manifest.json')) ? loadPack(packDir, frames, region) : generatedInput(frames, gw, gh);
  console.error(`bench: ${input.name}; ${input.frames.length} frames x ${repeats} repeats; engines ${engines.join(', ')}`);
  const want = await referenceOutputs(input);
  const harness = await openHarness();
  try {
    const adapter = await harness.adapterInfo();
    const peak = await harness.fmaPeak();
    const hf: HarnessFrame[] = input.frames.map((f) => ({ width: f.width, height: f.height, rgbaB64: toB64(f.rgba), patches: f.patches }));
    if (process.argv.includes('--profile')) {
      for (const k of await harness.profile(input.model, hf[0])) console.log(`${k.kernel}: ${k.ms.toFixed(1)} ms, ${((2 * k.macs) / (k.ms * 1e6)).toFixed(2)} GFLOP/s`);
    }
    const timings = await harness.bench(input.model, hf, engines, repeats);
    // accuracy on frame 0: float outputs where the engine has them, else its HR texture (adds <= 0.5/255 quantisation)
    const errors = new Map<string, number>();
    for (const e of engines) {
      const [r] = await harness.check(input.model, hf[0], [e], e === 'ort');
      if (r.outputs.length) errors.set(e, Math.max(...r.outputs.map((o, i) => maxAbsDiff(Float32Array.from(o), want[i]))));
      else if (r.hr) {
        const s = input.model.scale, W = hf[0].width * s;
        let worst = 0;
        hf[0].patches.forEach((p, i) => {
          for (let c = 0; c < 3; c++) for (let y = 0; y < s * p.h; y++) for (let x = 0; x < s * p.w; x++) {
            const v = Math.min(1, Math.max(0, want[i][(c * s * p.h + y) * s * p.w + x]));
            worst = Math.max(worst, Math.abs(r.hr![((s * p.y + y) * W + s * p.x + x) * 4 + c] / 255 - v));
          }
        });
        errors.set(e, worst);
      }
    }
    const results = timings.map((t: EngineTiming) => ({
      engine: t.engine, medianMs: t.frameMs.length ? quantile(t.frameMs, 0.5) : null, p90Ms: t.frameMs.length ? quantile(t.frameMs, 0.9) : null,
      peakGpuBytes: t.peakGpuBytes, maxAbsErr: errors.get(t.engine) ?? null, prepareMs: t.prepareMs,
      ...(t.gpuMs.some((g) => g !== null) ? { medianGpuMs: quantile(t.gpuMs.filter((g): g is number => g !== null), 0.5) } : {}),
      ...(t.error ? { error: t.error } : {}),
    }));
    const compiled = timings.find((t) => t.engine === 'compiled') as (EngineTiming & { macsPerFrame?: number[] }) | undefined;
    let convGflops: number | null = null;
    if (compiled?.macsPerFrame && compiled.frameMs.length) {
      const gpu = compiled.gpuMs.filter((g): g is number => g !== null);
      const ms = gpu.length ? quantile(gpu, 0.5) : quantile(compiled.frameMs, 0.5);
      convGflops = (2 * compiled.macsPerFrame.reduce((a, b) => a + b, 0) / compiled.macsPerFrame.length) / (ms * 1e6);
    }
    const report = {
      adapter, model: input.name,
      input: { frames: input.frames.length, patches: input.frames.reduce((s, f) => s + f.patches.length, 0), repeats },
      results,
      fmaPeakGflops: peak.gflops, compiledConvGflops: convGflops,
      compiledPlan: compiled ? { fusedOps: compiled.fusedOps, arenaBytesPerPatch: compiled.arenaBytes, naiveBytesPerPatch: compiled.naiveBytes } : null,
    };
    const json = arg('json');
    if (json) writeFileSync(json, JSON.stringify(report, null, 2));
    const fmt = (v: number | null | undefined, d = 1) => (v == null ? 'n/a' : v.toFixed(d));
    console.log(`adapter: ${JSON.stringify({ vendor: adapter.vendor, architecture: adapter.architecture, description: adapter.description })}`);
    console.log(`model: ${input.name}; frames ${report.input.frames}, patches ${report.input.patches}, repeats ${repeats}`);
    console.log('| engine | median ms/frame | p90 ms/frame | peak GPU MiB | max abs err |\n|---|---|---|---|---|');
    for (const r of results) console.log(`| ${r.engine} | ${fmt(r.medianMs)} | ${fmt(r.p90Ms)} | ${fmt(r.peakGpuBytes / 2 ** 20, 2)} | ${r.maxAbsErr == null ? 'n/a' : r.maxAbsErr.toExponential(2)} |${r.error ? ` error: ${r.error.split('\n')[0]}` : ''}`);
    console.log(`FMA peak ${fmt(peak.gflops)} GFLOP/s; compiled conv ${fmt(convGflops)} GFLOP/s`);
    if (compiled) console.log(`compiled plan: arena ${compiled.arenaBytes} B/patch vs ${compiled.naiveBytes} B/patch unplanned\n  ${compiled.fusedOps?.join('\n  ')}`);
  } finally {
    await harness.close();
  }
}

await main();
