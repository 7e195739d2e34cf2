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

  /** Writes patch origins (LR px) into `buffer` (8 bytes per patch). */
  writeOrigins(buffer: GPUBuffer, origins: [number, number][]): void {
    const data = new Uint32Array(origins.length * 2);
    origins.forEach(([x, y], i) => { data[2 * i] = x; data[2 * i + 1] = y; });
    this.device.queue.writeBuffer(buffer, 0, data);
  }

  /** The uniforms of one gather and one scatter, written at each encode (kept by the caller across frames). */
  paramsBuffers(): { gather: GPUBuffer; scatter: GPUBuffer } {
    const make = (label: string, bytes: number) => this.device.createBuffer({ label, size: bytes, usage: GPUBufferUsage.UNIFORM | GPUBufferUsage.COPY_DST });
    return { gather: make('patch-gather-params', 16), scatter: make('patch-scatter-params', 32) };
  }

  /** Encodes LR patches -> `batch` (NCHW f32, batchInputDims). */
  encodeGather(encoder: GPUCommandEncoder, lr: GPUTexture, origins: GPUBuffer, count: number, shape: PatchBatchShape, batch: GPUBuffer, params: GPUBuffer): void {
    this.device.queue.writeBuffer(params, 0, new Uint32Array([shape.patchW, shape.patchH, shape.halo, count]));
    const [, , inH, inW] = batchInputDims(shape, count);
    this.gather.encode(encoder, { lr, origins, batch, params }, [Math.ceil(inW / 8), Math.ceil(inH / 8), count]);
  }

  /** Encodes the centre crops of `batch` (NCHW f32, batchOutputDims) -> HR texture at scale * origin. */
  encodeScatter(encoder: GPUCommandEncoder, batch: GPUBuffer, origins: GPUBuffer, count: number, shape: PatchBatchShape, hr: GPUTexture, params: GPUBuffer): void {
    this.device.queue.writeBuffer(params, 0, new Uint32Array([shape.patchW, shape.patchH, shape.halo, count, shape.scale, 0, 0, 0]));
    this.scatter.encode(encoder, { batch, origins, hr, params }, [Math.ceil((shape.patchW * shape.scale) / 8), Math.ceil((shape.patchH * shape.scale) / 8), count]);
  }
}
