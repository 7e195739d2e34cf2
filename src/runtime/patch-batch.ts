// Moves same-shaped patches between frame textures and NCHW float32 batches (the ONNX model's layout):
// gather (LR texture -> batch, halo clamped at the frame edge) and scatter (batch centre crop -> HR texture).
import gatherSource from '../../shaders/patch-gather.wgsl?raw';
import scatterSource from '../../shaders/patch-scatter.wgsl?raw';
import { storage, storageTexture, texture, uniform, type KernelSource } from '../compiler/codegen/kernel-contract.js';
import { KernelProgram } from './kernel-program.js';

export const patchGatherKernel: KernelSource = {
  label: 'patch-gather', code: gatherSource,
  bindings: [texture('lr', 0), storage('origins', 1, 'array<u32>'), storage('batch', 2, 'array<f32>', 'read_write'), uniform('params', 3, 'Params')],
};
export const patchScatterKernel: KernelSource = {
  label: 'patch-scatter', code: scatterSource,
  bindings: [storage('batch', 0, 'array<f32>'), storage('origins', 1, 'array<vec2<u32>>'), storageTexture('hr', 2), uniform('params', 3, 'Params')],
};

/** Patches of one shape: their LR origins and the shared size. */
export interface PatchBatchShape { patchW: number; patchH: number; halo: number; scale: number }

export function batchInputDims(shape: PatchBatchShape, count: number): [number, number, number, number] {
  return [count, 3, shape.patchH + 2 * shape.halo, shape.patchW + 2 * shape.halo];
}
export function batchOutputDims(shape: PatchBatchShape, count: number): [number, number, number, number] {
  const [n, c, h, w] = batchInputDims(shape, count);
  return [n, c, h * shape.scale, w * shape.scale];
}

export class PatchBatchKernels {
  private readonly gather: KernelProgram;
  private readonly scatter: KernelProgram;

  constructor(private readonly device: GPUDevice) {
    this.gather = KernelProgram.createSync(device, patchGatherKernel);
    this.scatter = KernelProgram.createSync(device, patchScatterKernel);
  }

  /** Uploads patch origins (LR px) into a new storage buffer; the caller destroys it after the frame. */
  originsBuffer(origins: [number, number][]): GPUBuffer {
    const data = new Uint32Array(Math.max(2, origins.length * 2));
    origins.forEach(([x, y], i) => { data[2 * i] = x; data[2 * i + 1] = y; });
    const buffer = this.device.createBuffer({ label: 'patch-origins', size: data.byteLength, usage: GPUBufferUsage.STORAGE | GPUBufferUsage.COPY_DST });
    this.device.queue.writeBuffer(buffer, 0, data);
    return buffer;
  }

  private uniform(values: number[]): GPUBuffer {
    const data = new Uint32Array(values);
    const buffer = this.device.createBuffer({ label: 'patch-batch-params', size: data.byteLength, usage: GPUBufferUsage.UNIFORM | GPUBufferUsage.COPY_DST });
    this.device.queue.writeBuffer(buffer, 0, data);
    return buffer;
  }

  /** Encodes LR patches -> `batch` (NCHW f32, batchInputDims). Returns buffers to destroy once the work is done. */
  encodeGather(encoder: GPUCommandEncoder, lr: GPUTexture, origins: GPUBuffer, count: number, shape: PatchBatchShape, batch: GPUBuffer): GPUBuffer[] {
    const params = this.uniform([shape.patchW, shape.patchH, shape.halo, count]);
    const [, , inH, inW] = batchInputDims(shape, count);
    this.gather.encode(encoder, { lr, origins, batch, params }, [Math.ceil(inW / 8), Math.ceil(inH / 8), count]);
    return [params];
  }

  /** Encodes the centre crops of `batch` (NCHW f32, batchOutputDims) -> HR texture at scale * origin. */
  encodeScatter(encoder: GPUCommandEncoder, batch: GPUBuffer, origins: GPUBuffer, count: number, shape: PatchBatchShape, hr: GPUTexture): GPUBuffer[] {
    const params = this.uniform([shape.patchW, shape.patchH, shape.halo, count, shape.scale, 0, 0, 0]);
    this.scatter.encode(encoder, { batch, origins, hr, params }, [Math.ceil((shape.patchW * shape.scale) / 8), Math.ceil((shape.patchH * shape.scale) / 8), count]);
    return [params];
  }
}
