// Puts a decoded VideoFrame into an rgba8unorm GPU texture: importExternalTexture + a WGSL blit (zero-copy),
// falling back to copyExternalImageToTexture, and last to VideoFrame.copyTo(RGBA) + writeTexture (a CPU copy,
// used where the GPU paths fail, e.g. headless Chromium on SwiftShader: see canvas-readback-probe.ts).
import shaderSource from '../../shaders/frame-import.wgsl?raw';
import { externalTexture, storageTexture, type KernelSource } from '../compiler/codegen/kernel-contract.js';
import { KernelProgram } from '../runtime/kernel-program.js';

export const frameImportKernel: KernelSource = { label: 'frame-import', code: shaderSource, bindings: [externalTexture('frame', 0), storageTexture('dst', 1)] };

export type FrameImportPath = 'external-texture' | 'copy-external-image' | 'cpu-copy';

export class FrameImporter {
  private readonly program: KernelProgram;
  /** the external-texture path has worked here once: later imports may be recorded into a frame's encoder */
  private externalWorks = false;

  /** the path that worked last; tried in order, the first failure moves on to the next */
  constructor(private readonly device: GPUDevice, public path: FrameImportPath = 'external-texture') {
    this.program = KernelProgram.createSync(device, frameImportKernel);
  }

  /**
   * Imports `frame` as part of a frame's one submit: recorded into `encoder` once the zero-copy path is known to
   * work; otherwise import() (its own submit or queue copy, ordered before the caller's submit).
   */
  async encode(encoder: GPUCommandEncoder, frame: VideoFrame, target: GPUTexture): Promise<void> {
    if (this.path !== 'external-texture' || !this.externalWorks) return this.import(frame, target);
    const external = this.device.importExternalTexture({ source: frame });
    this.program.encode(encoder, { frame: external, dst: target }, [Math.ceil(target.width / 8), Math.ceil(target.height / 8), 1]);
  }

  /** `target` needs STORAGE_BINDING (external-texture path) and COPY_DST | RENDER_ATTACHMENT (copy paths). */
  async import(frame: VideoFrame, target: GPUTexture): Promise<void> {
    if (this.path === 'external-texture') {
      try {
        this.device.pushErrorScope('validation');
        const external = this.device.importExternalTexture({ source: frame });
        const encoder = this.device.createCommandEncoder({ label: 'frame-import' });
        this.program.encode(encoder, { frame: external, dst: target }, [Math.ceil(target.width / 8), Math.ceil(target.height / 8), 1]);
        this.device.queue.submit([encoder.finish()]);
        const error = await this.device.popErrorScope();
        if (!error) { this.externalWorks = true; return; }
        console.warn(`frame import: external texture path failed (${error.message}); falling back to copyExternalImageToTexture`);
      } catch (e) {
        console.warn(`frame import: external texture path failed (${(e as Error).message}); falling back to copyExternalImageToTexture`);
      }
      this.path = 'copy-external-image';
    }
    if (this.path === 'copy-external-image') {
      try {
        this.device.queue.copyExternalImageToTexture({ source: frame }, { texture: target }, [target.width, target.height]);
        return;
      } catch (e) {
        console.warn(`frame import: copyExternalImageToTexture(VideoFrame) failed (${(e as Error).message}); copying through the CPU`);
        this.path = 'cpu-copy';
      }
    }
    const rgba = new Uint8Array(target.width * target.height * 4);
    await frame.copyTo(rgba, { format: 'RGBA', colorSpace: 'srgb', rect: { x: 0, y: 0, width: target.width, height: target.height } });
    this.device.queue.writeTexture({ texture: target }, rgba, { bytesPerRow: target.width * 4 }, [target.width, target.height]);
  }
}
