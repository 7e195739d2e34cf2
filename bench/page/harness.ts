// In-page side of the engine check and benchmark: creates the WebGPU device (tracked by GpuMemoryTracker),
// runs engines on frames the driver sends, and returns float outputs, timings and peak GPU bytes.
import * as ortWeb from 'onnxruntime-web/wasm';
import ortWasmUrl from 'onnxruntime-web/ort-wasm-simd-threaded.wasm?url';
import { CompiledEngine } from '../../src/runtime/compiled-engine.js';
import { createEngine } from '../../src/runtime/create-engine.js';
import type { EngineModel, EngineName, FrameJob, PatchRect, SREngine } from '../../src/runtime/engine.js';
import { GpuMemoryTracker } from '../../src/runtime/gpu-memory.js';
import { parseOptimizations } from '../../src/runtime/optimizations.js';
import { readTextureRgba } from '../../src/runtime/texture-readback.js';
import { timeEnginesInterleaved, type EngineTimingResult } from '../engine-timing.js';
import { measureFmaPeak } from './fma-peak.js';

export interface HarnessModel { onnxB64: string; scale: number; halo: number; paths: EngineModel['paths'] }
export interface HarnessFrame { width: number; height: number; rgbaB64: string; patches: PatchRect[] }
/** `opt:<list>`: the compiled engine with those optimizations on (`all`, `none` or a comma list; the ablation) */
export type HarnessEngine = EngineName | 'ort-wasm' | 'compiled-f32' | `opt:${string}`;

const b64 = (s: string) => Uint8Array.from(atob(s), (c) => c.charCodeAt(0));
const log = (m: string) => { document.getElementById('log')!.textContent += `\n${m}`; };

let devicePromise: Promise<{ device: GPUDevice; tracker: GpuMemoryTracker; adapter: GPUAdapter }> | null = null;
function gpu() {
  devicePromise ??= (async () => {
    if (!navigator.gpu) throw new Error('no WebGPU in this browser (start Chromium with --enable-unsafe-webgpu)');
    const adapter = await navigator.gpu.requestAdapter();
    if (!adapter) throw new Error('no WebGPU adapter');
    const features = (['shader-f16', 'timestamp-query'] as GPUFeatureName[]).filter((f) => adapter.features.has(f));
    const device = await adapter.requestDevice({ requiredFeatures: features });
    const tracker = new GpuMemoryTracker();
    tracker.attach(device);
    return { device, tracker, adapter };
  })();
  return devicePromise;
}

function engineModel(m: HarnessModel): EngineModel { return { onnx: b64(m.onnxB64), scale: m.scale, halo: m.halo, paths: m.paths }; }

function frameTextures(device: GPUDevice, f: HarnessFrame, s: number): { lr: GPUTexture; hr: GPUTexture } {
  const lr = device.createTexture({ size: [f.width, f.height], format: 'rgba8unorm', usage: GPUTextureUsage.TEXTURE_BINDING | GPUTextureUsage.COPY_DST | GPUTextureUsage.COPY_SRC });
  device.queue.writeTexture({ texture: lr }, b64(f.rgbaB64), { bytesPerRow: f.width * 4 }, [f.width, f.height]);
  const hr = device.createTexture({ size: [f.width * s, f.height * s], format: 'rgba8unorm', usage: GPUTextureUsage.STORAGE_BINDING | GPUTextureUsage.TEXTURE_BINDING | GPUTextureUsage.COPY_SRC | GPUTextureUsage.COPY_DST });
  return { lr, hr };
}

const readTexture = readTextureRgba;

async function makeEngine(name: HarnessEngine, device: GPUDevice, model: EngineModel): Promise<SREngine> {
  if (name === 'compiled-f32') return new CompiledEngine(device, model, { precision: 'f32' });
  if (name.startsWith('opt:')) return new CompiledEngine(device, model, { optimizations: parseOptimizations(name.slice(4)) });
  if (name === 'ort-wasm') return new OrtWasmEngine(model);
  return createEngine(name as EngineName, device, model);
}

/**
 * onnxruntime-web's wasm EP on CPU-gathered patches: the CPU reference a user without a GPU would pick. Its
 * run() reads the CPU copy of the job's LR frame and uploads the quantised HR patches, as a player would.
 */
class OrtWasmEngine implements SREngine {
  readonly name = 'ort' as const;
  private session: ortWeb.InferenceSession | null = null;
  constructor(private readonly model: EngineModel, private readonly cpuFrames = new Map<GPUTexture, HarnessFrame>()) {}
  async prepare(): Promise<void> {
    ortWeb.env.wasm.wasmPaths = { wasm: ortWasmUrl };
    ortWeb.env.wasm.numThreads = self.crossOriginIsolated ? Math.min(4, navigator.hardwareConcurrency) : 1;
    this.session = await ortWeb.InferenceSession.create(this.model.onnx, { executionProviders: ['wasm'] });
  }
  /** Runs every shape group; returns the float outputs (centre crops) in patch order. */
  async runPatches(f: HarnessFrame, rgba: Uint8Array): Promise<Float32Array[]> {
    const { halo, scale: s } = this.model;
    const groups = new Map<string, PatchRect[]>();
    for (const p of f.patches) { const k = `${p.path}:${p.w}x${p.h}`; groups.set(k, [...(groups.get(k) ?? []), p]); }
    const out = new Map<PatchRect, Float32Array>();
    for (const g of groups.values()) {
      const { w, h } = g[0];
      const H = h + 2 * halo, W = w + 2 * halo;
      const input = new Float32Array(g.length * 3 * H * W);
      g.forEach((p, n) => {
        for (let y = 0; y < H; y++) for (let x = 0; x < W; x++) {
          const fx = Math.min(f.width - 1, Math.max(0, p.x + x - halo)), fy = Math.min(f.height - 1, Math.max(0, p.y + y - halo));
          for (let c = 0; c < 3; c++) input[((n * 3 + c) * H + y) * W + x] = rgba[(fy * f.width + fx) * 4 + c] / 255;
        }
      });
      const res = await this.session!.run({ [this.session!.inputNames[0]]: new ortWeb.Tensor('float32', input, [g.length, 3, H, W]) });
      const data = res[this.session!.outputNames[0]].data as Float32Array;
      const per = 3 * s * H * s * W;
      g.forEach((p, n) => {
        const crop = new Float32Array(3 * s * h * s * w);
        for (let c = 0; c < 3; c++) for (let y = 0; y < s * h; y++) for (let x = 0; x < s * w; x++) {
          crop[(c * s * h + y) * s * w + x] = data[n * per + (c * s * H + y + s * halo) * s * W + x + s * halo];
        }
        out.set(p, crop);
      });
    }
    return f.patches.map((p) => out.get(p)!);
  }
  async run(job: FrameJob): Promise<{ gpuMs: null; wallMs: number }> {
    const frame = this.cpuFrames.get(job.lr);
    if (!frame) throw new Error('ort-wasm: no CPU copy of this LR frame');
    const start = performance.now();
    const outs = await this.runPatches(frame, b64(frame.rgbaB64));
    const s = this.model.scale;
    const device = (await gpu()).device;
    job.patches.forEach((p, i) => {
      const w = s * p.w, h = s * p.h, plane = w * h, px = new Uint8Array(plane * 4);
      for (let k = 0; k < plane; k++) {
        for (let c = 0; c < 3; c++) px[k * 4 + c] = Math.round(255 * Math.min(1, Math.max(0, outs[i][c * plane + k])));
        px[k * 4 + 3] = 255;
      }
      device.queue.writeTexture({ texture: job.hr, origin: [s * p.x, s * p.y] }, px, { bytesPerRow: w * 4 }, [w, h]);
    });
    await device.queue.onSubmittedWorkDone();
    return { gpuMs: null, wallMs: performance.now() - start };
  }
  dispose(): void { void this.session?.release(); }
}

export interface EngineCheck { engine: HarnessEngine; outputs: number[][]; hr: number[] | null }

/** Float outputs per patch (and the quantised HR frame) of each engine on one frame. */
async function check(m: HarnessModel, f: HarnessFrame, engines: HarnessEngine[], withHr = false): Promise<EngineCheck[]> {
  const { device } = await gpu();
  const model = engineModel(m);
  const results: EngineCheck[] = [];
  for (const name of engines) {
    log(`check ${name}`);
    const { lr, hr } = frameTextures(device, f, m.scale);
    const engine = await makeEngine(name, device, model);
    await engine.prepare();
    let outputs: Float32Array[] = [];
    if (engine instanceof CompiledEngine) outputs = await engine.runFloat({ lr, patches: f.patches });
    else if (engine instanceof OrtWasmEngine) outputs = await engine.runPatches(f, b64(f.rgbaB64));
    let hrBytes: number[] | null = null;
    if (withHr && name !== 'ort-wasm') {
      await engine.run({ lr, hr, patches: f.patches });
      hrBytes = Array.from(await readTexture(device, hr));
    }
    engine.dispose();
    lr.destroy(); hr.destroy();
    results.push({ engine: name, outputs: outputs.map((o) => Array.from(o)), hr: hrBytes });
  }
  return results;
}

export interface EngineTiming extends EngineTimingResult { fusedOps?: string[]; arenaBytes?: number; naiveBytes?: number; dispatches?: number | null }
export interface BenchOptions { timed: number; warmup: number; referenceB64: string[] | null }

const f32FromB64 = (s: string) => { const b = b64(s); return new Float32Array(b.buffer, b.byteOffset, b.byteLength / 4); };

/**
 * The fair bench (../engine-timing.ts): engines prepared one after another, then `timed` frames interleaved
 * round-robin after `warmup` frames each; accuracy of the timed pipeline (the HR texture) against the reference.
 */
async function bench(m: HarnessModel, frames: HarnessFrame[], engines: HarnessEngine[], o: BenchOptions): Promise<EngineTiming[]> {
  const { device, tracker } = await gpu();
  const model = engineModel(m);
  const jobs = frames.map((f) => ({ ...frameTextures(device, f, m.scale), patches: f.patches }));
  const cpuFrames = new Map(jobs.map((j, i) => [j.lr, frames[i]]));
  const plans = new Map<string, Partial<EngineTiming>>();
  try {
    const results = await timeEnginesInterleaved(device, engines.map((name) => ({
      name,
      make: async () => (name === 'ort-wasm' ? new OrtWasmEngine(model, cpuFrames) : makeEngine(name, device, model)),
    })), jobs, {
      timed: o.timed, warmup: o.warmup, scale: m.scale, tracker, log,
      reference: o.referenceB64 ? o.referenceB64.map(f32FromB64) : null,
      inspect: (name, engine) => {
        if (!(engine instanceof CompiledEngine)) return;
        plans.set(name, {
          dispatches: engine.dispatches,
          fusedOps: engine.plans.map((p) => `${p.shapeClass.path}:${p.shapeClass.patchW}x${p.shapeClass.patchH}: ${p.fusedOps.join(' -> ')}`),
          arenaBytes: Math.max(...engine.plans.map((p) => p.memory.arenaBytes)),
          naiveBytes: Math.max(...engine.plans.map((p) => p.memory.naiveBytes)),
        });
      },
    });
    return results.map((r) => ({ ...r, ...plans.get(r.engine) }));
  } finally {
    for (const j of jobs) { j.lr.destroy(); j.hr.destroy(); }
  }
}

async function adapterInfo(): Promise<Record<string, unknown>> {
  const { adapter, device } = await gpu();
  const info = adapter.info;
  return { vendor: info.vendor, architecture: info.architecture, device: info.device, description: info.description, features: [...device.features], crossOriginIsolated: self.crossOriginIsolated };
}

/** The adapter's FMA peak: the best of `repeats` measurements (one alone moved 3.5-8.9 GFLOP/s between runs here). */
async function fmaPeak(repeats = 1): Promise<{ gflops: number; ms: number; samples: number[] }> {
  const { device } = await gpu();
  const runs = [];
  for (let i = 0; i < repeats; i++) runs.push(await measureFmaPeak(device));
  const best = runs.reduce((a, b) => (b.gflops > a.gflops ? b : a));
  return { ...best, samples: runs.map((r) => r.gflops) };
}

/** Per-kernel wall times of the compiled engine on one frame. */
async function profile(m: HarnessModel, f: HarnessFrame): Promise<{ kernel: string; ms: number; macs: number }[]> {
  const { device } = await gpu();
  const { lr, hr } = frameTextures(device, f, m.scale);
  const engine = new CompiledEngine(device, engineModel(m));
  await engine.prepare();
  const out = await engine.profileKernels({ lr, hr, patches: f.patches });
  engine.dispose(); lr.destroy(); hr.destroy();
  return out;
}

/** Times one WGSL kernel with bindings 0 (storage rw, `arenaBytes`), 1 (storage read, `weightBytes`), 2 (uniform Params `params`, zeros by default): min ms of 3 runs. */
async function timeKernel(code: string, arenaBytes: number, weightBytes: number, dispatch: [number, number, number], params_: number[] = []): Promise<number> {
  const { device } = await gpu();
  device.pushErrorScope('validation');
  const module = device.createShaderModule({ code });
  const pipeline = await device.createComputePipelineAsync({ layout: 'auto', compute: { module, entryPoint: 'main' } });
  const arena = device.createBuffer({ size: arenaBytes, usage: GPUBufferUsage.STORAGE });
  const weights = device.createBuffer({ size: weightBytes, usage: GPUBufferUsage.STORAGE });
  const params = device.createBuffer({ size: 64, usage: GPUBufferUsage.UNIFORM | GPUBufferUsage.COPY_DST });
  device.queue.writeBuffer(params, 0, Uint32Array.from({ length: 16 }, (_, i) => params_[i] ?? 0));
  const bind = device.createBindGroup({ layout: pipeline.getBindGroupLayout(0), entries: [{ binding: 0, resource: { buffer: arena } }, { binding: 1, resource: { buffer: weights } }, { binding: 2, resource: { buffer: params } }] });
  const err = await device.popErrorScope();
  if (err) throw new Error(err.message);
  let best = Infinity;
  for (let r = 0; r < 3; r++) {
    const enc = device.createCommandEncoder();
    const pass = enc.beginComputePass();
    pass.setPipeline(pipeline); pass.setBindGroup(0, bind); pass.dispatchWorkgroups(...dispatch); pass.end();
    const t = performance.now();
    device.queue.submit([enc.finish()]);
    await device.queue.onSubmittedWorkDone();
    best = Math.min(best, performance.now() - t);
  }
  arena.destroy(); weights.destroy(); params.destroy();
  return best;
}

const harness = { check, bench, adapterInfo, fmaPeak, profile, timeKernel };
(window as unknown as { dydcaHarness: typeof harness }).dydcaHarness = harness;
log('ready');
