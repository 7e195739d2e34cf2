// Draws the HR frame onto the canvas (shaders/present.wgsl): SR, or the bicubic | SR split view, with the
// optional patch overlay. The canvas is the picture; a padded pack's HR textures are larger and are read at canvas
// pixel coordinates, so the padding (right and bottom) is cropped. Normally through a WebGPU canvas context; in
// `readback` mode (browsers where a WebGPU canvas breaks mapAsync, see canvas-readback-probe.ts) it renders to a
// texture of the canvas size and copies it to a 2D canvas.
import shaderSource from '../../shaders/present.wgsl?raw';
import { storage, texture, uniform, type KernelSource } from '../compiler/codegen/kernel-contract.js';
import { bindGroupFor, bindGroupLayoutFor } from '../runtime/kernel-program.js';
import { encodeTextureReadback, readPackedRgba } from '../runtime/texture-readback.js';

export const presentKernel: KernelSource = {
  label: 'present', code: shaderSource,
  bindings: [texture('sr', 0), texture('bicubic', 1), storage('patches', 2, 'array<u32>'), uniform('view', 3, 'View')],
};
import type { PatchRect } from '../format/patch.js';

/** The zoom lens: magnify the region around (x, y) (HR px) `zoom` times into a panel of two size x size squares. */
export interface LensView { x: number; y: number; size: number; zoom: number }

export interface PresentOptions { splitX: number | null; showPatches: boolean; patches: PatchRect[]; scale: number; lens: LensView | null }

export type PresentMode = 'webgpu-canvas' | 'readback';

export class FramePresenter {
  private readonly context: GPUCanvasContext | null = null;
  private readonly context2d: CanvasRenderingContext2D | null = null;
  private target: GPUTexture | null = null;
  private readonly pipeline: GPURenderPipeline;
  private readonly layout: GPUBindGroupLayout;
  private readonly view: GPUBuffer;
  private patchBuffer: GPUBuffer | null = null;

  constructor(private readonly device: GPUDevice, private readonly canvas: HTMLCanvasElement, readonly mode: PresentMode) {
    const format: GPUTextureFormat = mode === 'readback' ? 'rgba8unorm' : navigator.gpu.getPreferredCanvasFormat();
    if (mode === 'readback') {
      this.context2d = canvas.getContext('2d');
      if (!this.context2d) throw new Error('the canvas has no 2D context');
    } else {
      this.context = canvas.getContext('webgpu');
      if (!this.context) throw new Error('the canvas has no WebGPU context');
      this.context.configure({ device, format, alphaMode: 'opaque' });
    }
    const module = device.createShaderModule({ label: 'present', code: shaderSource });
    this.layout = bindGroupLayoutFor(device, presentKernel, GPUShaderStage.VERTEX | GPUShaderStage.FRAGMENT);
    this.pipeline = device.createRenderPipeline({
      label: 'present', layout: device.createPipelineLayout({ label: 'present', bindGroupLayouts: [this.layout] }),
      vertex: { module, entryPoint: 'vs' },
      fragment: { module, entryPoint: 'fs', targets: [{ format }] },
      primitive: { topology: 'triangle-list' },
    });
    this.view = device.createBuffer({ label: 'present-view', size: 48, usage: GPUBufferUsage.UNIFORM | GPUBufferUsage.COPY_DST });
  }

  /**
   * `sr` is what the frame shows (SR, or bicubic for a frame SR was late for); `bicubic` the left of the split and lens.
   * Records drawing the frame into `encoder` (the frame's one submit); the returned function completes it after that
   * submit (readback mode copies the pixels to the 2D canvas). Submit in the same task: the canvas texture is the
   * current one only until the task ends.
   */
  encode(encoder: GPUCommandEncoder, sr: GPUTexture, bicubic: GPUTexture, opts: PresentOptions): () => Promise<void> {
    const patches = opts.showPatches ? opts.patches : [];
    const flat = new Uint32Array(Math.max(5, patches.length * 5));
    patches.forEach((p, i) => flat.set([p.x, p.y, p.w, p.h, p.path], i * 5));
    if (!this.patchBuffer || this.patchBuffer.size < flat.byteLength) {
      this.patchBuffer?.destroy();
      this.patchBuffer = this.device.createBuffer({ label: 'present-patches', size: flat.byteLength, usage: GPUBufferUsage.STORAGE | GPUBufferUsage.COPY_DST });
    }
    this.device.queue.writeBuffer(this.patchBuffer, 0, flat);
    this.device.queue.writeBuffer(this.view, 0, new Int32Array([
      opts.splitX ?? -1, opts.showPatches ? 1 : 0, patches.length, opts.scale,
      Math.round(opts.lens?.x ?? 0), Math.round(opts.lens?.y ?? 0), Math.round(opts.lens?.size ?? 0), Math.round(opts.lens?.zoom ?? 1),
      this.canvas.width, this.canvas.height, 0, 0]));
    const bindGroup = bindGroupFor(this.device, this.layout, presentKernel, { sr, bicubic, patches: this.patchBuffer, view: this.view });
    let view: GPUTextureView;
    if (this.context) {
      view = this.context.getCurrentTexture().createView();
    } else {
      if (!this.target || this.target.width !== this.canvas.width || this.target.height !== this.canvas.height) {
        this.target?.destroy();
        this.target = this.device.createTexture({ label: 'present-target', size: [this.canvas.width, this.canvas.height], format: 'rgba8unorm', usage: GPUTextureUsage.RENDER_ATTACHMENT | GPUTextureUsage.COPY_SRC });
      }
      view = this.target.createView();
    }
    const pass = encoder.beginRenderPass({
      colorAttachments: [{ view, loadOp: 'clear', storeOp: 'store', clearValue: { r: 0, g: 0, b: 0, a: 1 } }],
    });
    pass.setPipeline(this.pipeline);
    pass.setBindGroup(0, bindGroup);
    pass.draw(3);
    pass.end();
    const context2d = this.context2d;
    if (!context2d || !this.target) return async () => undefined;
    const { width, height } = this.target;
    const readback = encodeTextureReadback(this.device, encoder, this.target);
    return async () => {
      const image = new ImageData(width, height);
      await readPackedRgba(readback, width, height, image.data);
      context2d.putImageData(image, 0, 0);
    };
  }

  dispose(): void {
    this.view.destroy();
    this.patchBuffer?.destroy();
    this.target?.destroy();
    this.context?.unconfigure();
  }
}
