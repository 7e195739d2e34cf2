// One loaded pack on one GPU device: the frame textures, the two decode lanes over one download of lr.mp4 (the
// frames shown and the frames SR works ahead on), frame import, bicubic, SR in chunks, overlays and presenting.
// The element and the playback loop decide which frame to show and how; this says how a frame gets on screen.
// HR textures are the coded size (LR x scale); the canvas, the PSNR and the frames read back are the picture
// (manifest `hr`) at their top-left: a padded pack's right and bottom padding is never shown nor measured.
import { codedHrSize, type FrameSize } from '../format/manifest.js';
import type { PatchRect } from '../format/patch.js';
import { BicubicUpscaler } from '../runtime/bicubic-engine.js';
import type { EncodedSR, FrameResult, SREngine } from '../runtime/engine.js';
import { readTextureRgba } from '../runtime/texture-readback.js';
import { FrameImporter } from './frame-importer.js';
import { FramePresenter, type LensView, type PresentMode } from './frame-presenter.js';
import type { PackHead } from './pack-loader.js';
import { PsnrOverlay } from './psnr-overlay.js';
import { VideoFrameStream } from './video-frame-stream.js';
import type { NetworkFetcher } from './network-fetcher.js';
import { videoSource } from './video-sources.js';

/** What the viewer asked to see on top of the frame. */
export interface ViewOptions { compare: boolean; split: number; overlay: 'none' | 'psnr' | 'patches'; lens: LensView | null }

export interface ShownFrame { index: number; kind: 'sr' | 'bicubic'; psnr: number | null; psnrBicubic: number | null }

export class FramePipeline {
  /** lrShown: frames shown with bicubic; lrSr: the frame SR works on; sr: its output; hrRef: the PSNR reference (HR: coded size) */
  readonly textures: { lrShown: GPUTexture; lrSr: GPUTexture; sr: GPUTexture; bicubic: GPUTexture; hrRef: GPUTexture };
  private readonly shownLane: VideoFrameStream;
  private readonly srLane: VideoFrameStream;
  private readonly importer: FrameImporter;
  private readonly bicubic: BicubicUpscaler;
  private readonly presenter: FramePresenter;
  readonly psnr: PsnrOverlay;
  /** what the viewer sees and PSNR measures: the top-left hr.width x hr.height of the coded HR textures */
  readonly picture: FrameSize;
  /** the frame whose SR is in `sr` (complete), or -1 */
  srFrame = -1;
  /** the patch layout of a frame, once patches.json is here (the poster comes before it) */
  layouts: ((index: number) => Promise<PatchRect[]>) | null = null;

  static async open(device: GPUDevice, head: PackHead, canvas: HTMLCanvasElement, mode: PresentMode, net: NetworkFetcher): Promise<FramePipeline> {
    const m = head.manifest;
    const stream = new VideoFrameStream(videoSource(head, 'lr', net));
    try {
      await stream.open({ width: m.lr.width, height: m.lr.height, what: 'LR' });
      return new FramePipeline(device, head, canvas, mode, stream, net);
    } catch (e) { stream.close(); throw e; }
  }

  private constructor(private readonly device: GPUDevice, readonly head: PackHead, canvas: HTMLCanvasElement, mode: PresentMode, stream: VideoFrameStream, net: NetworkFetcher) {
    const m = head.manifest;
    this.shownLane = stream;
    this.srLane = stream.fork();
    const lrUsage = GPUTextureUsage.TEXTURE_BINDING | GPUTextureUsage.COPY_SRC | GPUTextureUsage.COPY_DST | GPUTextureUsage.RENDER_ATTACHMENT | GPUTextureUsage.STORAGE_BINDING;
    const hrUsage = GPUTextureUsage.STORAGE_BINDING | GPUTextureUsage.TEXTURE_BINDING | GPUTextureUsage.COPY_SRC;
    const tex = (label: string, w: number, h: number, usage: number) => device.createTexture({ label, size: [w, h], format: 'rgba8unorm', usage });
    const coded = codedHrSize(m);
    this.textures = {
      lrShown: tex('lr-frame-shown', m.lr.width, m.lr.height, lrUsage), lrSr: tex('lr-frame-sr', m.lr.width, m.lr.height, lrUsage),
      sr: tex('sr-frame', coded.width, coded.height, hrUsage), bicubic: tex('bicubic-frame', coded.width, coded.height, hrUsage),
      hrRef: tex('hr-reference', coded.width, coded.height, lrUsage),
    };
    this.picture = { width: m.hr.width, height: m.hr.height };
    canvas.width = this.picture.width;
    canvas.height = this.picture.height;
    this.presenter = new FramePresenter(device, canvas, mode);
    // Where a WebGPU canvas breaks readback, importing video frames on the GPU does too: copy them through the CPU.
    this.importer = new FrameImporter(device, mode === 'readback' ? 'cpu-copy' : 'external-texture');
    this.bicubic = new BicubicUpscaler(device, m.scale);
    this.psnr = new PsnrOverlay(device, this.importer, () => videoSource(head, 'hr', net), this.textures.hrRef, this.picture);
  }

  /**
   * Lane `lane` (the frames shown, or SR working ahead) wants frame `index` next: its data is fetched if it is not
   * here. Whether it can be decoded without waiting for the network.
   */
  wantFrame(index: number, lane: 'shown' | 'sr'): boolean { return (lane === 'shown' ? this.shownLane : this.srLane).wantFrame(index); }

  /** A seek in progress: the LR stream fetches what it needs for the frame, nothing ahead, until it ends. */
  focus(on: boolean): void { this.shownLane.source.focus?.(on); }

  /** Seconds of LR video from frame `index` on that are here (the buffer ahead). */
  bufferedSeconds(index: number): number { return this.shownLane.source.bufferedSeconds(index); }

  /** Decodes frame `index` for SR into lrSr (the SR lane decodes ahead of the frames shown). */
  async decodeForSr(index: number): Promise<void> {
    await this.importer.import(await this.srLane.frameAt(index), this.textures.lrSr);
    this.srFrame = -1;
  }

  /** SR of `patches` of the frame in lrSr into `sr`: one GPU submission (a frame may take several: SrPacer). */
  srChunk(engine: SREngine, patches: PatchRect[]): Promise<FrameResult> {
    return engine.run({ lr: this.textures.lrSr, hr: this.textures.sr, patches });
  }

  /**
   * SR of frame `index`, whole, and with `view` that frame on screen. Where the engine records its work
   * (SREngine.encode) it is one submit, with no CPU wait inside: import, SR, bicubic, PSNR and present in one
   * command encoder. Engines that submit their own (onnxruntime-web) run between the import and the rest.
   * `result.wallMs` spans the first GPU command to the end of the frame's GPU work (decoding is not in it).
   */
  async superResolve(index: number, engine: SREngine, patches: PatchRect[], view?: ViewOptions): Promise<{ result: FrameResult; shown: ShownFrame | null }> {
    const job = { lr: this.textures.lrSr, hr: this.textures.sr, patches };
    const frame = await this.srLane.frameAt(index);
    this.srFrame = -1;
    await engine.readyFor?.(patches);
    const start = performance.now();
    let separate: FrameResult | null = null;
    let encoded: EncodedSR | null = null;
    let finish: (() => Promise<ShownFrame>) | null = null;
    // a rejected frame would otherwise only reach the console while the frame silently stays black
    this.device.pushErrorScope('validation');
    try {
      let encoder = this.device.createCommandEncoder({ label: `frame ${index}` });
      await this.importer.encode(encoder, frame, job.lr);
      encoded = engine.encode ? engine.encode(encoder, job) : null;
      if (!encoded) {
        this.device.queue.submit([encoder.finish()]);
        separate = await engine.run(job);
        encoder = this.device.createCommandEncoder({ label: `frame ${index} after SR` });
      }
      if (view) finish = await this.encodeShown(encoder, index, 'sr', view);
      this.device.queue.submit([encoder.finish()]);
    } finally {
      const invalid = await this.device.popErrorScope();
      if (invalid) { void encoded?.gpuMs().catch(() => undefined); throw new Error(`the GPU rejected frame ${index}'s work (${invalid.message})`); }
    }
    try {
      const shown = await finish?.();
      const gpuMs = encoded ? await encoded.gpuMs() : separate!.gpuMs;
      await this.device.queue.onSubmittedWorkDone();
      this.srFrame = index;
      return { result: { gpuMs, wallMs: performance.now() - start }, shown: shown ?? null };
    } finally { void encoded?.gpuMs().catch(() => undefined); }
  }

  /** Shows frame `index`: its SR (in `sr`, from superResolve) or, for `bicubic`, decoded on the shown lane. One submit. */
  async show(index: number, kind: 'sr' | 'bicubic', view: ViewOptions): Promise<ShownFrame> {
    const encoder = this.device.createCommandEncoder({ label: `show ${index}` });
    if (kind === 'bicubic') await this.importer.encode(encoder, await this.shownLane.frameAt(index), this.textures.lrShown);
    const finish = await this.encodeShown(encoder, index, kind, view);
    this.device.queue.submit([encoder.finish()]);
    return finish();
  }

  /**
   * Records the frame shown: its bicubic (the frame itself when SR was late, else only for the split, the lens or
   * its PSNR), the PSNR overlay and the present pass. The returned function completes it after the submit.
   */
  private async encodeShown(encoder: GPUCommandEncoder, index: number, kind: 'sr' | 'bicubic', view: ViewOptions): Promise<() => Promise<ShownFrame>> {
    const { textures } = this;
    const lr = kind === 'sr' ? textures.lrSr : textures.lrShown;
    const shownTexture = kind === 'sr' ? textures.sr : textures.bicubic;
    if (kind === 'bicubic' || view.compare || view.lens || view.overlay === 'psnr') this.bicubic.encode(encoder, lr, textures.bicubic);
    const readPsnr = view.overlay === 'psnr' ? await this.psnr.encode(encoder, index, kind === 'sr' ? [textures.sr, textures.bicubic] : [textures.bicubic]) : null;
    const m = this.head.manifest;
    const patches = view.overlay === 'patches' && this.layouts ? await this.layouts(index) : [];
    // nothing awaited from here to the caller's submit: the canvas texture is current only within this task
    const presented = this.presenter.encode(encoder, shownTexture, textures.bicubic, {
      splitX: view.compare ? Math.round(Math.min(1, Math.max(0, view.split)) * this.picture.width) : null,
      showPatches: view.overlay === 'patches', patches, scale: m.scale, lens: view.lens,
    });
    return async () => {
      const [values] = await Promise.all([readPsnr?.() ?? null, presented()]);
      const [psnr, psnrBicubic] = values === null ? [null, null] : kind === 'sr' ? values : [null, values[0]];
      return { index, kind, psnr, psnrBicubic };
    };
  }

  /**
   * RGBA8 pixels of an HR texture (test hook): the picture, as shown and measured (`region` 'picture'), or the
   * whole coded frame with a padded pack's padding ('coded': e.g. to compare SR of a whole LR frame).
   */
  read(which: 'sr' | 'bicubic' | 'hr', region: 'picture' | 'coded' = 'picture'): Promise<Uint8Array> {
    const t = which === 'sr' ? this.textures.sr : which === 'bicubic' ? this.textures.bicubic : this.textures.hrRef;
    return readTextureRgba(this.device, t, region === 'picture' ? this.picture : t);
  }

  /** Writes RGBA8 pixels as the LR frame SR works on (test hook). */
  writeLr(rgba: Uint8Array<ArrayBuffer>): void {
    const lr = this.textures.lrSr;
    this.device.queue.writeTexture({ texture: lr }, rgba, { bytesPerRow: lr.width * 4 }, [lr.width, lr.height]);
    this.srFrame = -1;
  }

  dispose(): void {
    this.shownLane.close();
    this.srLane.close();
    this.psnr.close();
    this.bicubic.dispose();
    this.presenter.dispose();
    for (const t of Object.values(this.textures)) t.destroy();
  }
}
