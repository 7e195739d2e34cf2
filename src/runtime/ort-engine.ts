// The `ort` engine: onnxruntime-web's WebGPU EP runs the pack's ONNX on the player's own GPUDevice.
// Per shape class: WGSL gather -> GPU tensor (no CPU copy) -> session.run -> GPU output -> WGSL scatter.
import * as ort from 'onnxruntime-web/webgpu';
import ortWasmUrl from 'onnxruntime-web/ort-wasm-simd-threaded.asyncify.wasm?url';
import type { EngineModel, FrameJob, FrameResult, PatchRect, SREngine } from './engine.js';
import { groupPatchesByShape } from '../format/patch.js';
import { PatchBatchKernels, batchInputDims, batchOutputDims, type PatchBatchShape } from './patch-batch.js';

// The bundled build inlines the wasm glue; only the .wasm is fetched, from where vite emitted it.
ort.env.wasm.wasmPaths = { wasm: ortWasmUrl };
// The GPU does the work; wasm threads would only add worker start-up time.
ort.env.wasm.numThreads = 1;
// onnxruntime's warnings (e.g. nodes it keeps on the CPU) are printed with console.error by its wasm; they are not
// the player's errors, so only onnxruntime's own errors reach the console (the session asks the same: logSeverityLevel).
ort.env.logLevel = 'error';

const dimsText = (dims: readonly (number | string)[]): string => `[${dims.join(', ')}]`;

/**
 * The model's output must be `scale` x its input (engine.ts): else the scatter reads outside the output and the
 * frame comes out mostly black, with no error. Null when `actual` fits.
 */
function outputShapeError(outputName: string, actual: readonly number[], input: readonly number[], scale: number, what: string): Error | null {
  const expected = [input[0], input[1], input[2] * scale, input[3] * scale];
  if (actual.length === 4 && actual.every((d, i) => d === expected[i])) return null;
  return new Error(`model.onnx output '${outputName}' ${what} has shape ${dimsText(actual)}; expected ${dimsText(expected)} ` +
    `(its input ${dimsText(input)} upscaled x${scale}, the manifest's scale). The model does not fit the pack: re-export it for x${scale} or fix the manifest's scale`);
}

interface ClassIO { capacity: number; input: GPUBuffer; output: GPUBuffer; origins: GPUBuffer; params: { gather: GPUBuffer; scatter: GPUBuffer } }

class OrtEngine implements SREngine {
  readonly name = 'ort' as const;
  private session: ort.InferenceSession | null = null;
  private kernels: PatchBatchKernels | null = null;
  /** per shape class (`HxW`): I/O buffers reused across frames */
  private readonly io = new Map<string, ClassIO>();
  private warnedCopy = false;

  constructor(private readonly device: GPUDevice, private readonly model: EngineModel) {}

  async prepare(onProgress?: (fraction: number, message: string) => void): Promise<void> {
    onProgress?.(0, 'onnxruntime-web: creating WebGPU session');
    this.kernels ??= new PatchBatchKernels(this.device);
    this.session ??= await ort.InferenceSession.create(this.model.onnx, {
      executionProviders: [{ name: 'webgpu', device: this.device } as ort.InferenceSession.ExecutionProviderConfig],
      preferredOutputLocation: 'gpu-buffer',
      graphOptimizationLevel: 'all',
      logSeverityLevel: 3, // errors only (0 verbose .. 4 fatal)
    });
    const outputName = this.session.outputNames[0];
    const declared = this.session.outputMetadata[0];
    // Symbolic dims are checked on the real outputs below; a wrong rank or channel count shows already here.
    if (declared?.isTensor && (declared.shape.length !== 4 || (typeof declared.shape[1] === 'number' && declared.shape[1] !== 3))) {
      throw new Error(`model.onnx output '${outputName}' is declared ${dimsText(declared.shape)}; expected [N, 3, H*${this.model.scale}, W*${this.model.scale}] ` +
        `(float32 RGB, the input upscaled x${this.model.scale}): re-export the model as docs/pack-format.md (model.onnx) says`);
    }
    // ORT compiles its kernels on first use of a shape: run every shape class once so playback does not stall.
    const paths = this.model.paths;
    for (let i = 0; i < paths.length; i++) {
      const [h, w] = paths[i].patch;
      onProgress?.((i + 0.5) / (paths.length + 1), `onnxruntime-web: warming up path ${paths[i].id} (${w}x${h})`);
      const dims = batchInputDims({ patchW: w, patchH: h, halo: this.model.halo, scale: this.model.scale }, 1);
      const input = new ort.Tensor('float32', new Float32Array(dims.reduce((a, b) => a * b, 1)).fill(0.5), dims);
      const out = await this.session.run({ [this.session.inputNames[0]]: input });
      const problem = outputShapeError(outputName, out[outputName].dims, dims, this.model.scale, `for path ${paths[i].id} (${w}x${h} patches, halo ${this.model.halo})`);
      for (const t of Object.values(out)) t.dispose();
      input.dispose();
      if (problem) throw problem;
    }
    onProgress?.(1, 'onnxruntime-web ready');
  }

  /** A class's I/O buffers for `count` patches: kept across frames, grown to the next power of two when too small. */
  private classIO(shape: PatchBatchShape, count: number): ClassIO {
    const key = `${shape.patchH}x${shape.patchW}`;
    const io = this.io.get(key);
    if (io && io.capacity >= count) return io;
    if (io) for (const b of [io.input, io.output, io.origins]) b.destroy();
    const capacity = 1 << Math.ceil(Math.log2(count));
    const bytes = (dims: number[]) => dims.reduce((a, b) => a * b, 1) * 4;
    const usage = GPUBufferUsage.STORAGE | GPUBufferUsage.COPY_SRC | GPUBufferUsage.COPY_DST;
    const fresh: ClassIO = {
      capacity,
      input: this.device.createBuffer({ label: `ort-input ${key}`, size: bytes(batchInputDims(shape, capacity)), usage }),
      output: this.device.createBuffer({ label: `ort-output ${key}`, size: bytes(batchOutputDims(shape, capacity)), usage }),
      origins: this.device.createBuffer({ label: `ort-origins ${key}`, size: 8 * capacity, usage: GPUBufferUsage.STORAGE | GPUBufferUsage.COPY_DST }),
      params: io?.params ?? this.kernels!.paramsBuffers(),
    };
    this.io.set(key, fresh);
    return fresh;
  }

  /**
   * onnxruntime-web at its best settings for this model: input and output GPU buffers preallocated per shape class
   * and reused (the output bound as a pre-allocated fetch), every class's gather in one submit before the sessions
   * run and every scatter in one submit after, one CPU wait per frame. Graph capture does not apply: the routing
   * (Shape, Gather, If) runs on ORT's CPU side, and capture needs every node on the WebGPU EP with static shapes.
   */
  async run(job: FrameJob): Promise<FrameResult> {
    const session = this.session;
    const kernels = this.kernels;
    if (!session || !kernels) throw new Error('ort engine: call prepare() before run()');
    const start = performance.now();
    const classes = [...groupPatchesByShape<PatchRect>(job.patches).values()].map((group) => {
      const shape: PatchBatchShape = { patchW: group[0].w, patchH: group[0].h, halo: this.model.halo, scale: this.model.scale };
      const io = this.classIO(shape, group.length);
      kernels.writeOrigins(io.origins, group.map((p) => [p.x, p.y]));
      return { group, shape, io };
    });
    const gather = this.device.createCommandEncoder({ label: 'ort-gather' });
    for (const { group, shape, io } of classes) kernels.encodeGather(gather, job.lr, io.origins, group.length, shape, io.input, io.params.gather);
    this.device.queue.submit([gather.finish()]);
    // what each class's scatter reads: the pre-allocated output, or where ORT put it when it did not honour that
    const outputs: GPUBuffer[] = [];
    const unhonoured: ort.Tensor[] = [];
    for (const { group, shape, io } of classes) {
      const inDims = batchInputDims(shape, group.length);
      const outDims = batchOutputDims(shape, group.length);
      const feed = ort.Tensor.fromGpuBuffer(io.input, { dataType: 'float32', dims: inDims });
      const fetch = ort.Tensor.fromGpuBuffer(io.output, { dataType: 'float32', dims: outDims });
      try {
        const out = await session.run({ [session.inputNames[0]]: feed }, { [session.outputNames[0]]: fetch });
        const result = out[session.outputNames[0]];
        const problem = outputShapeError(session.outputNames[0], result.dims, inDims, this.model.scale, `for ${group.length} ${shape.patchW}x${shape.patchH} patches`);
        if (result.gpuBuffer !== io.output) {
          unhonoured.push(result);
          if (!this.warnedCopy) console.info('ort engine: onnxruntime-web wrote its own output buffer, not the pre-allocated one (one more buffer per class)');
          this.warnedCopy = true;
        }
        if (problem) throw problem;
        outputs.push(result.gpuBuffer as GPUBuffer);
      } catch (e) {
        for (const t of unhonoured) t.dispose();
        throw e;
      } finally { feed.dispose(); fetch.dispose(); }
    }
    const scatter = this.device.createCommandEncoder({ label: 'ort-scatter' });
    classes.forEach(({ group, shape, io }, i) => kernels.encodeScatter(scatter, outputs[i], io.origins, group.length, shape, job.hr, io.params.scatter));
    this.device.queue.submit([scatter.finish()]);
    await this.device.queue.onSubmittedWorkDone();
    for (const t of unhonoured) t.dispose();
    return { gpuMs: null, wallMs: performance.now() - start };
  }

  dispose(): void {
    // On a lost device the release rejects (AbortError): nothing is left to free then, and it must not go unhandled.
    this.session?.release().catch((e: unknown) => console.warn(`ort engine: session release failed (${e instanceof Error ? e.message : String(e)})`));
    this.session = null;
    this.kernels = null;
    for (const io of this.io.values()) for (const b of [io.input, io.output, io.origins, io.params.gather, io.params.scatter]) b.destroy();
    this.io.clear();
  }
}

export async function createOrtEngine(device: GPUDevice, model: EngineModel): Promise<SREngine> {
  return new OrtEngine(device, model);
}
