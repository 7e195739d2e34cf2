// The `ort` engine: onnxruntime-web's WebGPU EP runs the pack's ONNX on the player's own GPUDevice.
// Per shape class: WGSL gather -> GPU tensor (no CPU copy) -> session.run -> GPU output -> WGSL scatter.
import * as ort from 'onnxruntime-web/webgpu';
import ortWasmUrl from 'onnxruntime-web/ort-wasm-simd-threaded.asyncify.wasm?url';
import type { EngineModel, FrameJob, FrameResult, PatchRect, SREngine } from './engine.js';
import { groupPatchesByShape } from '../format/patch.js';
import { PatchBatchKernels, batchInputDims, type PatchBatchShape } from './patch-batch.js';

// The bundled build inlines the wasm glue; only the .wasm is fetched, from where vite emitted it.
ort.env.wasm.wasmPaths = { wasm: ortWasmUrl };
// The GPU does the work; wasm threads would only add worker start-up time.
ort.env.wasm.numThreads = 1;

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

class OrtEngine implements SREngine {
  readonly name = 'ort' as const;
  private session: ort.InferenceSession | null = null;
  private kernels: PatchBatchKernels | null = null;

  constructor(private readonly device: GPUDevice, private readonly model: EngineModel) {}

  async prepare(onProgress?: (fraction: number, message: string) => void): Promise<void> {
    onProgress?.(0, 'onnxruntime-web: creating WebGPU session');
    this.kernels ??= new PatchBatchKernels(this.device);
    this.session ??= await ort.InferenceSession.create(this.model.onnx, {
      executionProviders: [{ name: 'webgpu', device: this.device } as ort.InferenceSession.ExecutionProviderConfig],
      preferredOutputLocation: 'gpu-buffer',
      graphOptimizationLevel: 'all',
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

  async run(job: FrameJob): Promise<FrameResult> {
    const session = this.session;
    const kernels = this.kernels;
    if (!session || !kernels) throw new Error('ort engine: call prepare() before run()');
    const start = performance.now();
    for (const group of groupPatchesByShape<PatchRect>(job.patches).values()) {
      const shape: PatchBatchShape = { patchW: group[0].w, patchH: group[0].h, halo: this.model.halo, scale: this.model.scale };
      const dims = batchInputDims(shape, group.length);
      const origins = kernels.originsBuffer(group.map((p) => [p.x, p.y]));
      const input = this.device.createBuffer({
        label: 'ort-input-batch', size: dims.reduce((a, b) => a * b, 1) * 4,
        usage: GPUBufferUsage.STORAGE | GPUBufferUsage.COPY_SRC | GPUBufferUsage.COPY_DST,
      });
      const gatherEncoder = this.device.createCommandEncoder({ label: 'ort-gather' });
      const temps = kernels.encodeGather(gatherEncoder, job.lr, origins, group.length, shape, input);
      this.device.queue.submit([gatherEncoder.finish()]);
      const feed = ort.Tensor.fromGpuBuffer(input, { dataType: 'float32', dims });
      const out = await session.run({ [session.inputNames[0]]: feed });
      const result = out[session.outputNames[0]];
      const problem = outputShapeError(session.outputNames[0], result.dims, dims, this.model.scale, `for ${group.length} ${shape.patchW}x${shape.patchH} patches`);
      if (problem) {
        for (const t of Object.values(out)) t.dispose();
        feed.dispose();
        for (const b of [origins, input, ...temps]) b.destroy();
        throw problem;
      }
      const scatterEncoder = this.device.createCommandEncoder({ label: 'ort-scatter' });
      temps.push(...kernels.encodeScatter(scatterEncoder, result.gpuBuffer as GPUBuffer, origins, group.length, shape, job.hr));
      this.device.queue.submit([scatterEncoder.finish()]);
      await this.device.queue.onSubmittedWorkDone();
      for (const t of Object.values(out)) t.dispose();
      feed.dispose();
      for (const b of [origins, input, ...temps]) b.destroy();
    }
    return { gpuMs: null, wallMs: performance.now() - start };
  }

  dispose(): void {
    // On a lost device the release rejects (AbortError): nothing is left to free then, and it must not go unhandled.
    this.session?.release().catch((e: unknown) => console.warn(`ort engine: session release failed (${e instanceof Error ? e.message : String(e)})`));
    this.session = null;
    this.kernels = null;
  }
}

export async function createOrtEngine(device: GPUDevice, model: EngineModel): Promise<SREngine> {
  return new OrtEngine(device, model);
}
