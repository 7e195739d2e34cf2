// Draws the HR frame onto the WebGPU canvas (shaders/present.wgsl): SR, or the bicubic | SR split view,
// with the optional patch overlay.
import shaderSource from '../../shaders/present.wgsl?raw';
import type { PatchRect } from '../runtime/engine.js';

export interface PresentOptions { splitX: number | null; showPatches: boolean; patches: PatchRect[]; scale: number }

export class FramePresenter {
  private readonly context: GPUCanvasContext;
  private readonly pipeline: GPURenderPipeline;
  private readonly view: GPUBuffer;
  private patchBuffer: GPUBuffer | null = null;

  constructor(private readonly device: GPUDevice, canvas: HTMLCanvasElement) {
    const context = canvas.getContext('webgpu');
    if (!context) throw new Error('the canvas has no WebGPU context');
    this.context = context;
    const format = navigator.gpu.getPreferredCanvasFormat();
    context.configure({ device, format, alphaMode: 'opaque' });
    const module = device.createShaderModule({ label: 'present', code: shaderSource });
    this.pipeline = device.createRenderPipeline({
      label: 'present', layout: 'auto',
      vertex: { module, entryPoint: 'vs' },
      fragment: { module, entryPoint: 'fs', targets: [{ format }] },
      primitive: { topology: 'triangle-list' },
    });
    this.view = device.createBuffer({ label: 'present-view', size: 16, usage: GPUBufferUsage.UNIFORM | GPUBufferUsage.COPY_DST });
  }

  present(sr: GPUTexture, bicubic: GPUTexture, opts: PresentOptions): void {
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
    const encoder = this.device.createCommandEncoder({ label: 'present' });
    const pass = encoder.beginRenderPass({
      colorAttachments: [{ view: this.context.getCurrentTexture().createView(), loadOp: 'clear', storeOp: 'store', clearValue: { r: 0, g: 0, b: 0, a: 1 } }],
    });
    pass.setPipeline(this.pipeline);
    pass.setBindGroup(0, bindGroup);
    pass.draw(3);
    pass.end();
    this.device.queue.submit([encoder.finish()]);
  }

  dispose(): void {
    this.view.destroy();
    this.patchBuffer?.destroy();
    this.context.unconfigure();
  }
}
