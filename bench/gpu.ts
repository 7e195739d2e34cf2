// `npm run bench:gpu -- [options]`: the engine bench on a Linux machine with a real GPU and no display: Node +
// Dawn (the `webgpu` package) on the system's Vulkan driver, full frames, fps per engine. Default input: the demo
// pack's model on a 960x544 LR frame (1920x1088 HR: 1080p plus 8 rows) laid out with the demo's own patch mix
// (its first frame's layout tiled 2x2, a bottom row of 32x32 patches). Same fair timing as `npm run bench`
// (bench/engine-timing.ts); onnxruntime-web needs a browser, so `ort` is timed by `npm run bench -- --region full`
// where Chromium is present.
import { existsSync } from 'node:fs';
import { join } from 'node:path';
import { create, globals } from 'webgpu';
import { loadPack, macsPerFrame, parseRegion, referenceOutputs, type BenchInput } from './bench-input.js';
import { quantile, timeEnginesInterleaved } from './engine-timing.js';
import { createEngine } from '../src/runtime/create-engine.js';
import { isEngineName } from '../src/runtime/engine.js';
import { GpuMemoryTracker } from '../src/runtime/gpu-memory.js';
import { fileTilingStore } from '../src/runtime/tiling-file-store.js';

const HELP = `npm run bench:gpu -- [options]   (Linux + a GPU with a Vulkan driver; no display needed)
  --engines a,b     compiled, compiled-f16, compiled-naive (default compiled,compiled-f16)
  --pack DIR        the model (and, with --use-pack-frames, the frames) of a pack (default public/demo)
  --use-pack-frames time the pack's own full frames instead of the 960x544 frame
  --region R        with --use-pack-frames: full (default), auto, or WxH[@X,Y]
  --timed N         timed frames per engine, interleaved (default 30)
  --warmup N        warm-up frames per engine (default 3)
  --tune FILE       tune the conv tilings on this adapter first (remembered in FILE; prepare ms then includes tuning)
  --no-check        skip the accuracy check against onnxruntime-node (a full frame takes seconds on the CPU)
  --help            this text
Dawn takes the first adapter; VK_ICD_FILENAMES selects a Vulkan driver (SwiftShader for a dry run on a CPU).`;

const arg = (name: string): string | undefined => { const i = process.argv.indexOf(`--${name}`); return i >= 0 ? process.argv[i + 1] : undefined; };

/** The demo's model on a 960x544 LR frame: its first frame's pixels and patch layout tiled 2x2, then a row of 32x32 patches. */
function fullHdInput(packDir: string): BenchInput {
  const pack = loadPack(packDir, 1, 'full');
  const src = pack.frames[0];
  const width = 960, height = 544;
  if (src.width * 2 > width || src.height * 2 > height) throw new Error(`${packDir}: LR ${src.width}x${src.height} is larger than half of ${width}x${height}; use --use-pack-frames`);
  const rgba = new Uint8Array(width * height * 4);
  for (let y = 0; y < height; y++) for (let x = 0; x < width; x++) {
    const sy = y % src.height, sx = x % src.width;
    rgba.set(src.rgba.subarray((sy * src.width + sx) * 4, (sy * src.width + sx) * 4 + 4), (y * width + x) * 4);
  }
  const patches = [];
  for (const [ox, oy] of [[0, 0], [src.width, 0], [0, src.height], [src.width, src.height]]) for (const p of src.patches) patches.push({ ...p, x: p.x + ox, y: p.y + oy });
  const p32 = pack.paths.find((p) => p.patch[0] === 32 && p.patch[1] === 32);
  const fill = p32 ?? pack.paths[pack.paths.length - 1];
  const [fh, fw] = fill.patch;
  for (let y = 2 * src.height; y + fh <= height; y += fh) for (let x = 0; x + fw <= width; x += fw) patches.push({ x, y, w: fw, h: fh, path: fill.id });
  return { ...pack, name: `${packDir} model on a ${width}x${height} LR frame (its frame 0 tiled 2x2 + ${fw}x${fh} patches) -> ${width * pack.scale}x${height * pack.scale}`, frames: [{ width, height, rgba, patches }] };
}

async function main(): Promise<void> {
  if (process.argv.includes('--help')) { console.log(HELP); return; }
  const packDir = arg('pack') ?? 'public/demo';
  if (!existsSync(join(packDir, 'manifest.json'))) throw new Error(`no pack at ${packDir} (manifest.json missing); pass --pack DIR`);
  const engines = (arg('engines') ?? 'compiled,compiled-f16').split(',');
  // ort needs a browser (onnxruntime-web); bicubic's shader is bundled by Vite: both are timed by `npm run bench`
  for (const e of engines) if (!isEngineName(e) || e === 'ort' || e === 'bicubic') throw new Error(`--engines: '${e}' is not an engine bench:gpu runs (compiled, compiled-f16, compiled-naive; ort and bicubic: npm run bench)`);
  const timed = Number(arg('timed') ?? 30), warmup = Number(arg('warmup') ?? 3);
  const input = process.argv.includes('--use-pack-frames') ? loadPack(packDir, 1, parseRegion(arg('region') ?? 'full')) : fullHdInput(packDir);
  const frame = input.frames[0];
  const tune = arg('tune');
  Object.assign(globalThis, globals);
  const gpu = create([]);
  const adapter = await gpu.requestAdapter({ powerPreference: 'high-performance' });
  if (!adapter) throw new Error('no WebGPU adapter (Dawn found no Vulkan device: is a GPU driver installed? VK_ICD_FILENAMES may point at one)');
  const features = (['shader-f16', 'timestamp-query'] as GPUFeatureName[]).filter((f) => adapter.features.has(f));
  const device = await adapter.requestDevice({ requiredFeatures: features });
  const tracker = new GpuMemoryTracker();
  tracker.attach(device);
  try {
    console.log(`adapter: ${JSON.stringify({ vendor: adapter.info.vendor, architecture: adapter.info.architecture, device: adapter.info.device, description: adapter.info.description, features })}`);
    console.log(`input: ${input.name}; ${frame.patches.length} patches`);
    const reference = process.argv.includes('--no-check') ? null : await referenceOutputs(input, frame);
    const lr = device.createTexture({ size: [frame.width, frame.height], format: 'rgba8unorm', usage: GPUTextureUsage.TEXTURE_BINDING | GPUTextureUsage.COPY_DST | GPUTextureUsage.COPY_SRC });
    device.queue.writeTexture({ texture: lr }, frame.rgba as Uint8Array<ArrayBuffer>, { bytesPerRow: frame.width * 4 }, [frame.width, frame.height]);
    const hr = device.createTexture({ size: [frame.width * input.scale, frame.height * input.scale], format: 'rgba8unorm', usage: GPUTextureUsage.STORAGE_BINDING | GPUTextureUsage.TEXTURE_BINDING | GPUTextureUsage.COPY_SRC });
    const model = { onnx: input.onnx, scale: input.scale, halo: input.halo, paths: input.paths };
    const results = await timeEnginesInterleaved(device, engines.map((name) => ({ name, make: () => createEngine(name as never, device, model, tune ? { tune: fileTilingStore(tune) } : {}) })), [{ lr, hr, patches: frame.patches }], {
      timed, warmup, scale: input.scale, tracker, reference, log: (m) => process.stderr.write(`${m}\n`),
    });
    const gflop = (2 * macsPerFrame(input, frame)) / 1e9;
    console.log(`${gflop.toFixed(1)} GFLOP per frame (model, halo included); ${warmup} warm-up + ${timed} timed frames per engine, interleaved`);
    console.log('| engine | fps (wall) | median ms | p90 ms | median GPU ms | GFLOP/s | prepare ms | peak GPU MiB | max abs err (HR) |\n|---|---|---|---|---|---|---|---|---|');
    const fmt = (v: number | null | undefined, d = 1) => (v == null ? 'n/a' : v.toFixed(d));
    for (const r of results) {
      const med = quantile(r.frameMs, 0.5);
      const gpuMed = quantile(r.gpuMs.filter((g): g is number => g !== null), 0.5);
      console.log(`| ${r.engine} | ${med ? fmt(1000 / med) : 'n/a'} | ${fmt(med)} | ${fmt(quantile(r.frameMs, 0.9))} | ${fmt(gpuMed)} | ${med ? fmt(gflop / (med / 1000)) : 'n/a'} | ${fmt(r.prepareMs, 0)} | ${fmt(r.peakGpuBytes / 2 ** 20, 1)} | ${r.maxAbsErr == null ? 'n/a' : r.maxAbsErr.toExponential(2)} |${r.error ? ` error: ${r.error.split('\n')[0]}` : ''}`);
    }
    lr.destroy(); hr.destroy();
  } finally {
    await device.queue.onSubmittedWorkDone();
    device.destroy();
  }
  // keep the Dawn instance alive until the device is gone (see src/runtime/gpu-test-device.ts)
  void gpu;
}

await main();
