// PSNR of an HR frame against the HR reference on the GPU (shaders/psnr-reduce.wgsl), by the contract's
// definition: 8-bit RGB, the whole picture (never a padded pack's padding), 10*log10(1/MSE), capped like the packager
// (src/pack/psnr.ts).
import shaderSource from '../../shaders/psnr-reduce.wgsl?raw';
import { storage, texture, uniform, type KernelSource } from '../compiler/codegen/kernel-contract.js';
import { KernelProgram } from '../runtime/kernel-program.js';
import type { FrameSize } from '../format/manifest.js';
import { PSNR_CAP_DB } from '../format/psnr.js';

export function psnrFromSquaredError(sumSquared: number, pixels: number): number {
  if (sumSquared === 0) return PSNR_CAP_DB;
  const mse = sumSquared / (pixels * 3) / (255 * 255);
  return Math.min(PSNR_CAP_DB, 10 * Math.log10(1 / mse));
}

export const psnrReduceKernel: KernelSource = {
  label: 'psnr-reduce', code: shaderSource, bindings: [texture('a', 0), texture('b', 1), storage('partials', 2, 'array<u32>', 'read_write'), uniform('region', 3, 'Region')],
};

export class PsnrMeter {
  private readonly program: KernelProgram;

  constructor(private readonly device: GPUDevice) {
    this.program = KernelProgram.createSync(device, psnrReduceKernel);
  }

  /**
   * PSNR of each texture in `candidates` against `reference` (all the same size), in one submit, over `region`: the
   * picture at the textures' top-left (default the whole texture).
   */
  async measure(reference: GPUTexture, candidates: GPUTexture[], region?: FrameSize): Promise<number[]> {
    const encoder = this.device.createCommandEncoder({ label: 'psnr' });
    const read = this.encode(encoder, reference, candidates, region);
    this.device.queue.submit([encoder.finish()]);
    return read();
  }

  /** Records the measurement into `encoder`; the returned function reads the PSNRs once that encoder's submit ran. */
  encode(encoder: GPUCommandEncoder, reference: GPUTexture, candidates: GPUTexture[], region: FrameSize = reference): () => Promise<number[]> {
    const { width, height } = region;
    if (!(Number.isInteger(width) && Number.isInteger(height) && width >= 1 && height >= 1 && width <= reference.width && height <= reference.height)) {
      throw new Error(`PSNR: the picture ${width}x${height} must lie within the ${reference.width}x${reference.height} HR reference`);
    }
    const groupsX = Math.ceil(width / 16);
    const groupsY = Math.ceil(height / 16);
    const bytes = groupsX * groupsY * 4;
    for (const candidate of candidates) {
      if (candidate.width !== reference.width || candidate.height !== reference.height) {
        throw new Error(`PSNR: frame is ${candidate.width}x${candidate.height} but the HR reference is ${reference.width}x${reference.height}`);
      }
    }
    // a buffer per measurement, like the partials: two frames in one submit may measure different regions
    const regionBuffer = this.device.createBuffer({ label: 'psnr-region', size: 16, usage: GPUBufferUsage.UNIFORM | GPUBufferUsage.COPY_DST });
    this.device.queue.writeBuffer(regionBuffer, 0, new Uint32Array([width, height, 0, 0]));
    const partials = candidates.map(() => this.device.createBuffer({ label: 'psnr-partials', size: bytes, usage: GPUBufferUsage.STORAGE | GPUBufferUsage.COPY_SRC }));
    const readbacks = candidates.map(() => this.device.createBuffer({ label: 'psnr-readback', size: bytes, usage: GPUBufferUsage.COPY_DST | GPUBufferUsage.MAP_READ }));
    candidates.forEach((candidate, i) => {
      this.program.encode(encoder, { a: candidate, b: reference, partials: partials[i], region: regionBuffer }, [groupsX, groupsY, 1]);
      encoder.copyBufferToBuffer(partials[i], 0, readbacks[i], 0, bytes);
    });
    return async () => {
      try {
        return await Promise.all(readbacks.map(async (rb) => {
          await rb.mapAsync(GPUMapMode.READ);
          const sum = new Uint32Array(rb.getMappedRange()).reduce((s, v) => s + v, 0);
          rb.unmap();
          return psnrFromSquaredError(sum, width * height);
        }));
      } finally {
        for (const b of [...partials, ...readbacks, regionBuffer]) b.destroy();
      }
    };
  }
}
