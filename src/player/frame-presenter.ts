// Draws the HR frame onto the canvas (shaders/present.wgsl): SR, or the bicubic | SR split view, with the
// optional patch overlay. Normally through a WebGPU canvas context; in `readback` mode (browsers where a WebGPU
// canvas breaks mapAsync, see canvas-readback-probe.ts) it renders to a texture and copies it to a 2D canvas.
import shaderSource from '../../shaders/present.wgsl?raw';
import type { PatchRect } from '../runtime/engine.js';

export interface PresentOptions { splitX: number | null; showPatches: boolean; patches: PatchRect[]; scale: number }

export type PresentMode = 'webgpu-canvas' | 'readback';

export class FramePresenter {
  private readonly context: GPUCanvasContext | null = null;
  private readonly context2d: CanvasRenderingContext2D | null = null;
  private target: GPUTexture | null = null;
  private readonly pipeline: GPURenderPipeline;
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
    this.pipeline = device.createRenderPipeline({
      label: 'present', layout: 'auto',
      vertex: { module, entryPoint: 'vs' },
      fragment: { module, entryPoint: 'fs', targets: [{ format }] },
      primitive: { topology: 'triangle-list' },
    });
    this.view = device.createBuffer({ label: 'present-view', size: 16, usage: GPUBufferUsage.UNIFORM | GPUBufferUsage.COPY_DST });
  }

  async present(sr: GPUTexture, bicubic: GPUTexture, opts: PresentOptions): Promise<void> {
    const patches = opts.showPatches ? opts.patches : [];
    const flat = new Uint32Array(Math.max(5, patches.length * 5));
    patches.forEach((p, i) => flat.set([p.x, p.y, p.w, p.h, p.path], i * 5));
    if (!this.patchBuffer || this.patchBuffer.size < flat.byteLength) {
      this.patchBuffer?.destroy();
      this.patchBuffer = this.device.createBuffer({ label: 'present-patches', size: flat.byteLength, usage: GPUBufferUsage.STORAGE | GPUBufferUsage.COPY_DST });
    }
    this.device.queue.writeBuffer(this.patchBuffer, 0, flat);
    this.device.queue.writeBuffer(this.view, 0, new Int32Array([opts.splitX ?? -1, opts.showPatches ? 1 : 0, patches.length, opts.scale]));
    const bindGroup = this.device.createBindGroup({
      layout: this.pipeline.getBindGroupLayout(0),
      entries: [
        { binding: 0, resource: sr.createView() },
        { binding: 1, resource: bicubic.createView() },
        { binding: 2, resource: { buffer: this.patchBuffer } },
        { binding: 3, resource: { buffer: this.view } },
      ],
    });
    let view: GPUTextureView;
    if (this.context) {
      view = this.context.getCurrentTexture().createView();
    } else {
      if (!this.target || this.target.width !== sr.width || this.target.height !== sr.height) {
        this.target?.destroy();
        this.target = this.device.createTexture({ label: 'present-target', size: [sr.width, sr.height], format: 'rgba8unorm', usage: GPUTextureUsage.RENDER_ATTACHMENT | GPUTextureUsage.COPY_SRC });
      }
      view = this.target.createView();
    }
    const encoder = this.device.createCommandEncoder({ label: 'present' });
    const pass = encoder.beginRenderPass({
      colorAttachments: [{ view, loadOp: 'clear', storeOp: 'store', clearValue: { r: 0, g: 0, b: 0, a: 1 } }],
    });
    pass.setPipeline(this.pipeline);
    pass.setBindGroup(0, bindGroup);
    pass.draw(3);
    pass.end();
    if (!this.context2d || !this.target) { this.device.queue.submit([encoder.finish()]); return; }
    const { width, height } = this.target;
    const rowBytes = Math.ceil((width * 4) / 256) * 256;
    const readback = this.device.createBuffer({ label: 'present-readback', size: rowBytes * height, usage: GPUBufferUsage.COPY_DST | GPUBufferUsage.MAP_READ });
    encoder.copyTextureToBuffer({ texture: this.target }, { buffer: readback, bytesPerRow: rowBytes }, [width, height]);
    this.device.queue.submit([encoder.finish()]);
    await readback.mapAsync(GPUMapMode.READ);
    const mapped = new Uint8Array(readback.getMappedRange());
    const image = new ImageData(width, height);
    for (let y = 0; y < height; y++) image.data.set(mapped.subarray(y * rowBytes, y * rowBytes + width * 4), y * width * 4);
    readback.unmap();
    readback.destroy();
    this.context2d.putImageData(image, 0, 0);
  }

  dispose(): void {
    this.view.destroy();
    this.patchBuffer?.destroy();
    this.target?.destroy();
    this.context?.unconfigure();
  }
}
