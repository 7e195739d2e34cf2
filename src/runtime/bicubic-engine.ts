// The `bicubic` engine: a WGSL bicubic upscale (a = -0.5) of the whole LR frame. Also the player's
// reference for compare and for psnrBicubic.
import shaderSource from '../../shaders/bicubic-upscale.wgsl?raw';
import { storageTexture, texture, uniform, type KernelSource } from '../compiler/codegen/kernel-contract.js';
import type { EncodedSR, EngineModel, FrameJob, FrameResult, SREngine } from './engine.js';
import { KernelProgram } from './kernel-program.js';

export const bicubicUpscaleKernel: KernelSource = {
  label: 'bicubic-upscale', code: shaderSource, bindings: [texture('lr', 0), storageTexture('hr', 1), uniform('params', 2, 'Params')],
};

/** One compute pass that writes bicubic(lr) into every pixel of hr (hr must be scale x lr). */
export class BicubicUpscaler {
  private readonly program: KernelProgram;
  private readonly params: GPUBuffer;

  constructor(device: GPUDevice, readonly scale: number) {
    this.program = KernelProgram.createSync(device, bicubicUpscaleKernel);
    this.params = device.createBuffer({ label: 'bicubic-params', size: 16, usage: GPUBufferUsage.UNIFORM | GPUBufferUsage.COPY_DST });
    device.queue.writeBuffer(this.params, 0, new Uint32Array([scale, 0, 0, 0]));
  }

  encode(encoder: GPUCommandEncoder, lr: GPUTexture, hr: GPUTexture): void {
    if (hr.width !== lr.width * this.scale || hr.height !== lr.height * this.scale) {
      throw new Error(`bicubic: HR texture is ${hr.width}x${hr.height}; expected ${lr.width * this.scale}x${lr.height * this.scale} (LR x ${this.scale})`);
    }
    this.program.encode(encoder, { lr, hr, params: this.params }, [Math.ceil(hr.width / 8), Math.ceil(hr.height / 8), 1]);
  }

  dispose(): void { this.params.destroy(); }
}

class BicubicEngine implements SREngine {
  readonly name = 'bicubic' as const;
  private upscaler: BicubicUpscaler | null = null;

  constructor(private readonly device: GPUDevice, private readonly scale: number) {}

  async prepare(onProgress?: (fraction: number, message: string) => void): Promise<void> {
    this.upscaler ??= new BicubicUpscaler(this.device, this.scale);
    onProgress?.(1, 'bicubic shader ready');
  }

  encode(encoder: GPUCommandEncoder, job: FrameJob): EncodedSR {
    if (!this.upscaler) throw new Error('bicubic engine: call prepare() before encode()');
    this.upscaler.encode(encoder, job.lr, job.hr);
    return { gpuMs: async () => null };
  }

  async run(job: FrameJob): Promise<FrameResult> {
    const start = performance.now();
    const encoder = this.device.createCommandEncoder({ label: 'bicubic-frame' });
    this.encode(encoder, job);
    this.device.queue.submit([encoder.finish()]);
    await this.device.queue.onSubmittedWorkDone();
    return { gpuMs: null, wallMs: performance.now() - start };
  }

  dispose(): void { this.upscaler?.dispose(); this.upscaler = null; }
}

export async function createBicubicEngine(device: GPUDevice, model: EngineModel): Promise<SREngine> {
  return new BicubicEngine(device, model.scale);
}
