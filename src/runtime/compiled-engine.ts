// The `compiled`, `compiled-f16` and `compiled-naive` engines (presets of one set of optimizations, each a switch:
// ./optimizations.ts): run the plans of the compiler driver (src/compiler/compile-shape-class.ts).
// prepare() plans every declared shape class, then compiles the distinct pipelines asynchronously through the
// per-device cache (./pipeline-cache.ts: one pipeline per distinct WGSL, reused by later engines on the same
// device, so an engine switch back does not recompile); never per frame. Bind groups are built
// once per class and rebuilt only when a buffer or frame texture they name changes. A frame writes patch
// origins and Params (uniforms), then encode() records every dispatch in one compute pass of the caller's
// encoder: conv kernels batched over all patches of a class, the first reading the LR texture, the fused tail
// writing the HR texture. One arena serves all classes (they run one after another) and only grows when a
// frame has more patches than any before (before anything is encoded).
import type { GeneratedKernel } from '../compiler/codegen/kernel-contract.js';
import type { ConvKernelSpec } from '../compiler/codegen/conv-kernel.js';
import type { ConvVariant } from '../compiler/codegen/conv-variant.js';
import { PARAMS_WORDS, paramsWords, type Precision } from '../compiler/codegen/wgsl-common.js';
import { readModel } from '../onnx/model-io.js';
import type { Model } from '../onnx/graph.js';
import { compileShapeClass, packWeights, type CompileOptions, shapeClassKey, winogradWeightNames, type ShapeClass, type ShapeClassPlan, type WeightPack } from '../compiler/compile-shape-class.js';
import { groupPatchesByShape } from '../format/patch.js';
import type { EncodedSR, EngineModel, FrameJob, FrameResult, PatchRect, SREngine } from './engine.js';
import { toHalfArray } from './half-float.js';
import type { KernelProgram } from './kernel-program.js';
import { adapterKey, gpuKernelTimer, tilingFor, tuneConvTilings, type TilingStore } from './conv-tuner.js';
import { cachedProgram, compilePrograms, defaultCompileConcurrency } from './pipeline-cache.js';
import { OPTIMIZATION_PRESETS, type CompiledEngineName, type OptimizationName, type OptimizationSet } from './optimizations.js';

export interface CompiledEngineOptions {
  /** the preset this engine reports as its name; default from the precision (compiled / compiled-f16) */
  name?: CompiledEngineName;
  /** the optimizations on (./optimizations.ts); default: the preset of `name` */
  optimizations?: OptimizationSet;
  /** storage precision (math is f32 in all); 'f16-auto': native f16 where the device has shader-f16, else packed; default: f16-auto with the `f16` optimization, else f32 */
  precision?: Precision | 'f16-auto';
  /** conv variant per layer (GEMM tiling or Winograd; tests, tuner); default: the codegen's choice */
  convTiling?: (spec: ConvKernelSpec) => ConvVariant | undefined;
  /** pipeline compiles in flight at once (default: ./pipeline-cache.ts defaultCompileConcurrency) */
  compileConcurrency?: number;
  /**
   * Per-adapter conv tiling tuner (./conv-tuner.ts): a store of remembered choices; the first prepare on an adapter
   * times each layer type's candidates (several more pipeline compiles), later ones read the store. Off by default.
   */
  tune?: TilingStore;
}

const UNIFORM_SLOT = 256;

type Program = KernelProgram;

interface ClassRuntime {
  plan: ShapeClassPlan;
  /** the generated kernels (the tail writing the HR texture); their workgroups() size the dispatches */
  kernels: GeneratedKernel[];
  /** one program per planned kernel, shared through the device's pipeline cache */
  programs: Program[];
  /** the tail writing an f32 buffer instead (tests, bench), compiled on first use */
  floatTail: { kernel: GeneratedKernel; program: Program } | null;
  /** bind groups per kernel and the resources they were built for */
  bound: { resources: unknown[]; groups: GPUBindGroup[] } | null;
  uniforms: GPUBuffer;
  origins: GPUBuffer;
  capacity: number;
  lastCount: number;
}

/** Patches grouped by shape class (src/format/patch.ts), in first-seen order, with their class. */
function groupByClass(patches: PatchRect[]): Map<string, { cls: ShapeClass; patches: PatchRect[] }> {
  return new Map([...groupPatchesByShape(patches)].map(([key, g]) => [key, { cls: { path: g[0].path, patchH: g[0].h, patchW: g[0].w }, patches: g }]));
}

export class CompiledEngine implements SREngine {
  readonly name: CompiledEngineName;
  readonly precision: Precision;
  /** the optimizations on (f16 exactly when the storage precision is a half one) */
  readonly optimizations: OptimizationSet;
  /** GPU dispatches of the last frame encoded or run */
  private lastDispatches: number | null = null;
  private model: Model | null = null;
  private weights: WeightPack | null = null;
  private weightBuffer: GPUBuffer | null = null;
  private arena: GPUBuffer | null = null;
  private readonly classes = new Map<string, ClassRuntime>();
  private timer: { set: GPUQuerySet; resolve: GPUBuffer; read: GPUBuffer } | null = null;
  /** an encoded frame's timestamps not read yet (its gpuMs() not awaited) */
  private timerInFlight = false;

  constructor(private readonly device: GPUDevice, private readonly engineModel: EngineModel, private readonly opts: CompiledEngineOptions = {}) {
    const preset = opts.name ?? (opts.precision && opts.precision !== 'f32' ? 'compiled-f16' : 'compiled');
    const on = new Set<OptimizationName>(opts.optimizations ?? OPTIMIZATION_PRESETS[preset]);
    const want = opts.precision ?? (on.has('f16') ? 'f16-auto' : 'f32');
    this.precision = want === 'f16-auto' ? (device.features.has('shader-f16') ? 'f16' : 'f16-packed') : want;
    if (this.precision === 'f16' && !device.features.has('shader-f16')) throw new Error('compiled engine: native f16 requested but the device lacks shader-f16 (use f16-packed)');
    if (this.precision === 'f32') on.delete('f16'); else on.add('f16');
    this.optimizations = on;
    this.name = opts.name ?? (this.precision === 'f32' ? 'compiled' : 'compiled-f16');
  }

  /** GPU dispatches per SR frame (the last one encoded or run; null before the first). */
  get dispatches(): number | null { return this.lastDispatches; }

  /** What the compiler driver reads of the optimizations (and the tuner's or the caller's conv choice). */
  private compileOptions(): CompileOptions {
    const on = this.optimizations;
    return {
      convTiling: this.tuned ?? this.opts.convTiling, fusion: on.has('fusion'), schedule: on.has('static-plan'),
      memoryReuse: on.has('static-memory'), conv: on.has('gemm') ? 'gemm' : 'direct', winograd: on.has('winograd'),
    };
  }

  /** The plans per shape class (for reports: fused ops, arena vs naive bytes). */
  get plans(): ShapeClassPlan[] { return [...this.classes.values()].map((c) => c.plan); }

  async prepare(onProgress?: (fraction: number, message: string) => void): Promise<void> {
    this.model ??= readModel(this.engineModel.onnx);
    this.weights ??= packWeights(this.model.graph);
    if (this.device.features.has('timestamp-query') && !this.timer) {
      this.timer = {
        set: this.device.createQuerySet({ type: 'timestamp', count: 2 }),
        resolve: this.device.createBuffer({ size: 16, usage: GPUBufferUsage.QUERY_RESOLVE | GPUBufferUsage.COPY_SRC }),
        read: this.device.createBuffer({ size: 16, usage: GPUBufferUsage.COPY_DST | GPUBufferUsage.MAP_READ }),
      };
    }
    // plan every class first (CPU, milliseconds), then compile the distinct pipelines of all of them together
    const classes = this.engineModel.paths.map((p) => ({ path: p.id, patchH: p.patch[0], patchW: p.patch[1] }));
    let planned = classes.map((cls) => this.planClass(cls));
    if (this.opts.tune && !this.tuned) {
      onProgress?.(0, 'tuning conv tilings');
      const specs = planned.flatMap((p) => p.plan.kernels.flatMap((k) => (k.convSpec ? [k.convSpec] : [])));
      const tuned = await tuneConvTilings(specs, adapterKey(this.device), this.opts.tune, gpuKernelTimer(this.device));
      this.tuned = (spec) => tilingFor(tuned, spec);
      this.planned.clear();
      planned = classes.map((cls) => this.planClass(cls));
    }
    // Winograd layers read pre-transformed weights (U = G g G^T, on the CPU here, once): repack and replan when the
    // chosen variants need another layout than the pack has; every patch shape of a layer type gets the same variant
    const winograd = winogradWeightNames(planned.map((p) => p.plan));
    if ([...winograd].sort().join() !== [...this.weights.winograd].sort().join()) {
      this.weights = packWeights(this.model.graph, winograd);
      this.weightBuffer?.destroy();
      this.weightBuffer = null;
      this.planned.clear();
      planned = classes.map((cls) => this.planClass(cls));
    }
    if (!this.weightBuffer) {
      const data = this.precision === 'f32' ? this.weights.data : toHalfArray(this.weights.data);
      this.weightBuffer = this.device.createBuffer({ label: 'compiled-weights', size: data.byteLength, usage: GPUBufferUsage.STORAGE | GPUBufferUsage.COPY_DST });
      this.device.queue.writeBuffer(this.weightBuffer, 0, data as Float32Array<ArrayBuffer>);
    }
    await compilePrograms(this.device, planned.flatMap((p) => p.kernels), this.opts.compileConcurrency ?? defaultCompileConcurrency(),
      (done, total) => onProgress?.(total ? done / total : 1, `compiling pipelines: ${done} of ${total}`));
    await Promise.all(classes.map((cls) => this.classRuntime(cls)));
    onProgress?.(1, 'compiled engine ready');
  }

  private readonly planned = new Map<string, { plan: ShapeClassPlan; kernels: GeneratedKernel[] }>();
  /** every program this engine's classes use, by WGSL (a plan made at run time finds its pipelines here) */
  private readonly programByCode = new Map<string, Program>();
  /** the tuner's tilings, once prepare() has tuned */
  private tuned: ((spec: ConvKernelSpec) => ConvVariant) | null = null;

  /** The class's plan and generated kernels (no GPU work). */
  private planClass(cls: ShapeClass): { plan: ShapeClassPlan; kernels: GeneratedKernel[] } {
    const key = shapeClassKey(cls);
    let p = this.planned.get(key);
    if (!p) {
      this.model ??= readModel(this.engineModel.onnx);
      this.weights ??= packWeights(this.model.graph);
      const plan = compileShapeClass(this.model, cls, this.engineModel.scale, this.engineModel.halo, this.weights, this.precision, this.compileOptions());
      p = { plan, kernels: plan.kernels.map((k) => k.generate('texture')) };
      this.planned.set(key, p);
    }
    return p;
  }

  private async classRuntime(cls: ShapeClass): Promise<ClassRuntime> {
    const key = shapeClassKey(cls);
    const have = this.classes.get(key);
    if (have) return have;
    const { plan, kernels } = this.planClass(cls);
    const programs = await Promise.all(kernels.map((k) => cachedProgram(this.device, k)));
    kernels.forEach((k, i) => this.programByCode.set(k.code, programs[i]));
    // another call may have set this class up while we waited for its pipelines
    const again = this.classes.get(key);
    if (again) return again;
    const rt: ClassRuntime = {
      plan, kernels, programs, floatTail: null, bound: null, capacity: 0, lastCount: -1,
      uniforms: this.device.createBuffer({ label: `params ${key}`, size: UNIFORM_SLOT * plan.kernels.length, usage: GPUBufferUsage.UNIFORM | GPUBufferUsage.COPY_DST }),
      origins: this.device.createBuffer({ label: `origins ${key}`, size: 8, usage: GPUBufferUsage.STORAGE | GPUBufferUsage.COPY_DST }),
    };
    this.classes.set(key, rt);
    return rt;
  }

  /**
   * Grows the shared arena and the classes' origins buffers for a pass that runs `uses` (class, patch count), before
   * anything of that pass is encoded: a buffer replaced mid-pass would be destroyed under the dispatches already
   * recorded against it (an all-black frame and "used in submit while destroyed").
   */
  private reserve(uses: { rt: ClassRuntime; count: number }[]): void {
    let need = 16;
    for (const { rt, count } of uses) {
      if (count > rt.capacity) {
        rt.capacity = 1 << Math.ceil(Math.log2(count));
        rt.origins.destroy();
        rt.origins = this.device.createBuffer({ label: `origins ${shapeClassKey(rt.plan.shapeClass)}`, size: 8 * rt.capacity, usage: GPUBufferUsage.STORAGE | GPUBufferUsage.COPY_DST });
      }
      need = Math.max(need, rt.plan.memory.arenaBytes * rt.capacity);
    }
    if (!this.arena || this.arena.size < need) {
      this.arena?.destroy();
      this.arena = this.device.createBuffer({ label: 'compiled-arena', size: need, usage: GPUBufferUsage.STORAGE });
    }
  }

  /** Writes a class's patch origins and (when the count changed) its Params; reserve() must have sized the buffers first. */
  private writeClassInputs(rt: ClassRuntime, patches: PatchRect[]): void {
    const n = patches.length;
    if (n > rt.capacity || !this.arena || this.arena.size < rt.plan.memory.arenaBytes * n) {
      throw new Error(`compiled engine: ${n} patches of ${shapeClassKey(rt.plan.shapeClass)} encoded without reserve() (internal error)`);
    }
    this.device.queue.writeBuffer(rt.origins, 0, Uint32Array.from(patches.flatMap((p) => [p.x, p.y])));
    if (rt.lastCount !== n) {
      const words = new Uint32Array((UNIFORM_SLOT / 4) * rt.plan.kernels.length);
      rt.plan.kernels.forEach((k, i) => words.set(paramsWords(k.params(n)), (UNIFORM_SLOT / 4) * i));
      this.device.queue.writeBuffer(rt.uniforms, 0, words);
      rt.lastCount = n;
    }
  }

  /** The class's bind groups for this output, built once and rebuilt only when a resource they name changed. */
  private bindGroups(rt: ClassRuntime, lr: GPUTexture, out: GPUTexture | GPUBuffer): GPUBindGroup[] {
    const resources = [this.arena, this.weightBuffer, rt.origins, lr, out];
    if (rt.bound && rt.bound.resources.every((r, i) => r === resources[i])) return rt.bound.groups;
    const groups = rt.plan.kernels.map((k, i) => {
      const program = k.kind === 'tail' && out instanceof GPUBuffer ? rt.floatTail!.program : rt.programs[i];
      return program.bindGroup({
        arena: this.arena!, weights: this.weightBuffer!, params: { buffer: rt.uniforms, offset: UNIFORM_SLOT * i, size: PARAMS_WORDS * 4 },
        ...(k.readsLR ? { lr, origins: rt.origins } : {}),
        ...(k.kind === 'tail' ? (out instanceof GPUBuffer ? { debugOut: out } : { hr: out }) : {}),
      });
    });
    rt.bound = { resources, groups };
    return groups;
  }

  /** Records one class's dispatches into `pass`, or, when `pass` is a function, each through it (a pass and submit of its own); inputs written, buffers reserved; returns how many. */
  private encodeClass(pass: GPUComputePassEncoder | ((dispatch: (p: GPUComputePassEncoder) => void) => void), rt: ClassRuntime, count: number, lr: GPUTexture, out: GPUTexture | GPUBuffer): number {
    const groups = this.bindGroups(rt, lr, out);
    rt.plan.kernels.forEach((k, i) => {
      const [program, kernel] = k.kind === 'tail' && out instanceof GPUBuffer ? [rt.floatTail!.program, rt.floatTail!.kernel] : [rt.programs[i], rt.kernels[i]];
      const dispatch = (p: GPUComputePassEncoder) => program.dispatch(p, groups[i], kernel.workgroups(count));
      if (typeof pass === 'function') pass(dispatch); else dispatch(pass);
    });
    return rt.plan.kernels.length;
  }

  /**
   * Without the static plan (the `static-plan` optimization off), a class's plan is worked out again for the frame
   * at run time (specialise, shapes, order, memory, kernels, Params, bind groups), its pipelines found by WGSL.
   */
  private replan(rt: ClassRuntime): void {
    const plan = compileShapeClass(this.model!, rt.plan.shapeClass, this.engineModel.scale, this.engineModel.halo, this.weights!, this.precision, this.compileOptions());
    const kernels = plan.kernels.map((k) => k.generate('texture'));
    const programs = kernels.map((k) => {
      const program = this.programByCode.get(k.code);
      if (!program) throw new Error(`compiled engine: a plan made at run time needs the pipeline '${k.label}', not compiled (internal error)`);
      return program;
    });
    Object.assign(rt, { plan, kernels, programs, bound: null, lastCount: -1 });
  }

  /** The frame's classes, planned (again, without a static plan), buffers reserved and inputs written: ready to record. */
  private frameClasses(job: FrameJob): { rt: ClassRuntime; patches: PatchRect[] }[] {
    const frame = [...groupByClass(job.patches).values()].map((g) => {
      const rt = this.classes.get(shapeClassKey(g.cls));
      if (!rt) throw new Error(`compiled engine: shape class ${shapeClassKey(g.cls)} is not compiled; call prepare() (or readyFor()) first`);
      if (!this.optimizations.has('static-plan')) this.replan(rt);
      return { rt, patches: g.patches };
    });
    this.reserve(frame.map((c) => ({ rt: c.rt, count: c.patches.length })));
    for (const c of frame) this.writeClassInputs(c.rt, c.patches);
    return frame;
  }

  /** Compiles the shape classes `patches` need beyond the pack's paths (prepare() compiled those), so encode() can record them. */
  async readyFor(patches: PatchRect[]): Promise<void> {
    await Promise.all([...groupByClass(patches).values()].map((g) => this.classRuntime(g.cls)));
  }

  /**
   * Records the frame's SR into the caller's encoder (one compute pass; the caller submits): with the `one-submit`
   * optimization only; without it the engine submits each dispatch itself in run(). Every shape class of `job`
   * must be compiled: prepare() compiles the pack's paths, readyFor() any other.
   */
  get encode(): ((encoder: GPUCommandEncoder, job: FrameJob) => EncodedSR) | undefined {
    return this.optimizations.has('one-submit') ? (encoder, job) => this.encodeFrame(encoder, job) : undefined;
  }

  private encodeFrame(encoder: GPUCommandEncoder, job: FrameJob): EncodedSR {
    const frame = this.frameClasses(job);
    // timestamps only when the read buffer is free: a frame still being read back is not overwritten
    const timer = this.timer && this.timer.read.mapState === 'unmapped' && !this.timerInFlight ? this.timer : null;
    const pass = encoder.beginComputePass({
      label: 'compiled-frame',
      ...(timer ? { timestampWrites: { querySet: timer.set, beginningOfPassWriteIndex: 0, endOfPassWriteIndex: 1 } } : {}),
    });
    this.lastDispatches = frame.reduce((sum, c) => sum + this.encodeClass(pass, c.rt, c.patches.length, job.lr, job.hr), 0);
    pass.end();
    if (!timer) return { gpuMs: async () => null };
    encoder.resolveQuerySet(timer.set, 0, 2, timer.resolve, 0);
    encoder.copyBufferToBuffer(timer.resolve, 0, timer.read, 0, 16);
    this.timerInFlight = true;
    const read = async (): Promise<number> => {
      try {
        await timer.read.mapAsync(GPUMapMode.READ);
        const [t0, t1] = new BigUint64Array(timer.read.getMappedRange().slice(0));
        timer.read.unmap();
        return Number(t1 - t0) / 1e6;
      } finally { this.timerInFlight = false; }
    };
    // read once however often asked: a caller may settle it on an error path as well as on the normal one
    let ms: Promise<number> | null = null;
    return { gpuMs: () => (ms ??= read()) };
  }

  async run(job: FrameJob): Promise<FrameResult> {
    const start = performance.now();
    await this.readyFor(job.patches);
    // A validation error would otherwise only reach the console while the frame silently stays black.
    this.device.pushErrorScope('validation');
    let encoded: EncodedSR;
    try {
      if (this.optimizations.has('one-submit')) {
        const encoder = this.device.createCommandEncoder({ label: 'compiled-frame' });
        encoded = this.encodeFrame(encoder, job);
        this.device.queue.submit([encoder.finish()]);
      } else {
        // a submit per dispatch (no GPU timestamps: one pass would not span the frame)
        const submitOne = (dispatch: (p: GPUComputePassEncoder) => void) => {
          const encoder = this.device.createCommandEncoder({ label: 'compiled-dispatch' });
          const pass = encoder.beginComputePass();
          dispatch(pass);
          pass.end();
          this.device.queue.submit([encoder.finish()]);
        };
        this.lastDispatches = this.frameClasses(job).reduce((sum, c) => sum + this.encodeClass(submitOne, c.rt, c.patches.length, job.lr, job.hr), 0);
        encoded = { gpuMs: async () => null };
      }
    } catch (e) {
      void this.device.popErrorScope().catch(() => undefined);
      throw e;
    }
    const invalid = await this.device.popErrorScope();
    if (invalid) throw new Error(`compiled engine: the GPU rejected the frame's work (${invalid.message})`);
    await this.device.queue.onSubmittedWorkDone();
    const wallMs = performance.now() - start;
    return { gpuMs: await encoded.gpuMs(), wallMs };
  }

  /**
   * Test and bench hook: the float HR patches (before 8-bit quantisation), in `patches` order, each
   * [3, s*h, s*w]: the same kernels, with the fused tail writing an f32 buffer instead of the HR texture.
   */
  async runFloat(job: Omit<FrameJob, 'hr'>): Promise<Float32Array[]> {
    const s = this.engineModel.scale;
    const groups = [...groupByClass(job.patches).values()];
    const out = new Map<PatchRect, Float32Array>();
    for (const g of groups) {
      const rt = await this.classRuntime(g.cls);
      if (!rt.floatTail) {
        const kernel = rt.plan.kernels.find((k) => k.kind === 'tail')!.generate('float');
        rt.floatTail = { kernel, program: await cachedProgram(this.device, kernel) };
      }
      const per = 3 * s * g.cls.patchH * s * g.cls.patchW;
      const bytes = 4 * per * g.patches.length;
      const floatOut = this.device.createBuffer({ label: 'float-hr', size: bytes, usage: GPUBufferUsage.STORAGE | GPUBufferUsage.COPY_SRC });
      const read = this.device.createBuffer({ label: 'float-hr-read', size: bytes, usage: GPUBufferUsage.COPY_DST | GPUBufferUsage.MAP_READ });
      this.reserve([{ rt, count: g.patches.length }]);
      this.writeClassInputs(rt, g.patches);
      this.device.pushErrorScope('validation');
      const encoder = this.device.createCommandEncoder();
      const pass = encoder.beginComputePass();
      this.encodeClass(pass, rt, g.patches.length, job.lr, floatOut);
      pass.end();
      encoder.copyBufferToBuffer(floatOut, 0, read, 0, bytes);
      this.device.queue.submit([encoder.finish()]);
      const error = await this.device.popErrorScope();
      if (error) throw new Error(`compiled engine: ${error.message}`);
      await read.mapAsync(GPUMapMode.READ);
      const all = new Float32Array(read.getMappedRange().slice(0));
      read.unmap();
      read.destroy();
      floatOut.destroy();
      g.patches.forEach((p, i) => out.set(p, all.slice(i * per, (i + 1) * per)));
    }
    return job.patches.map((p) => out.get(p)!);
  }

  /** Bench hook: wall ms of each kernel of each class run alone (one submit each), after one warm-up frame. */
  async profileKernels(job: FrameJob): Promise<{ kernel: string; ms: number; macs: number }[]> {
    await this.run(job);
    const out: { kernel: string; ms: number; macs: number }[] = [];
    for (const g of groupByClass(job.patches).values()) {
      const rt = await this.classRuntime(g.cls);
      this.reserve([{ rt, count: g.patches.length }]);
      this.writeClassInputs(rt, g.patches);
      const groups = this.bindGroups(rt, job.lr, job.hr);
      for (let i = 0; i < rt.plan.kernels.length; i++) {
        const encoder = this.device.createCommandEncoder();
        const pass = encoder.beginComputePass();
        const k = rt.plan.kernels[i];
        rt.programs[i].dispatch(pass, groups[i], rt.kernels[i].workgroups(g.patches.length));
        pass.end();
        const t = performance.now();
        this.device.queue.submit([encoder.finish()]);
        await this.device.queue.onSubmittedWorkDone();
        out.push({ kernel: `${shapeClassKey(g.cls)} ${rt.kernels[i].label} x${g.patches.length}`, ms: performance.now() - t, macs: k.macsPerPatch * g.patches.length });
      }
    }
    return out;
  }

  dispose(): void {
    for (const rt of this.classes.values()) { rt.uniforms.destroy(); rt.origins.destroy(); }
    this.classes.clear();
    this.planned.clear();
    this.arena?.destroy();
    this.weightBuffer?.destroy();
    this.timer?.set.destroy(); this.timer?.resolve.destroy(); this.timer?.read.destroy();
    this.arena = this.weightBuffer = null;
    this.timer = null;
    this.weights = null;
  }
}
