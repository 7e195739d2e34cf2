// One loaded pack on one GPU device: the frame textures, the two decode lanes over one download of lr.mp4 (the
// frames shown and the frames SR works ahead on), frame import, bicubic, SR in chunks, overlays and presenting.
// The element and the playback loop decide which frame to show and how; this says how a frame gets on screen.
// HR textures are the coded size (LR x scale); the canvas, the PSNR and the frames read back are the picture
// (manifest `hr`) at their top-left: a padded pack's right and bottom padding is never shown nor measured.
// A bitrate ladder's rungs (PackHead.rungs) each have their LR textures and bicubic; a frame uses its rung's (the
// rung its segment was fetched from), the HR textures are shared: the output size never changes at a switch.
import { codedHrSize, type FrameSize } from '../format/manifest.js';
import type { PatchRect } from '../format/patch.js';
import { BicubicUpscaler } from '../runtime/bicubic-engine.js';
import type { EncodedSR, FrameResult, SREngine } from '../runtime/engine.js';
import { readTextureRgba } from '../runtime/texture-readback.js';
import { FrameImporter } from './frame-importer.js';
import { FramePresenter, type LensView, type PresentMode } from './frame-presenter.js';
import { isLadder, type PackHead } from './pack-loader.js';
import { PsnrOverlay } from './psnr-overlay.js';
import { VideoFrameStream } from './video-frame-stream.js';
import type { NetworkFetcher } from './network-fetcher.js';
import { videoSource } from './video-sources.js';
import type { RungChooser } from './segmented-demuxer.js';
import { framesNeeded, planFrameWork, type FrameSteps, type FrameWork } from './reuse-plan.js';
import { MODE_BICUBIC, MODE_REUSE } from '../format/patch-mode.js';

/** What the viewer asked to see on top of the frame. */
export interface ViewOptions { compare: boolean; split: number; overlay: 'none' | 'psnr' | 'patches'; lens: LensView | null }

export interface ShownFrame { index: number; kind: 'sr' | 'bicubic'; psnr: number | null; psnrBicubic: number | null }

/** What SR did for a frame with the reuse map (stats): patches the engine ran (catch-up included), kept, and bicubic. */
export interface SrWork { index: number; sr: PatchRect[]; reused: number; bicubic: number }

/** One rung's LR side: its frames shown with bicubic, the frame SR works on, its bicubic upscale. */
interface RungTextures { head: PackHead; scale: number; lrShown: GPUTexture; lrSr: GPUTexture; bicubic: BicubicUpscaler }

export class FramePipeline {
  /** sr: SR's output; bicubic: the bicubic upscale; hrRef: the PSNR reference (HR: coded size, shared by the rungs) */
  readonly textures: { sr: GPUTexture; bicubic: GPUTexture; hrRef: GPUTexture };
  /** per rung (one without a ladder): lrShown, frames shown with bicubic; lrSr, the frame SR works on */
  private readonly rungs: RungTextures[];
  private readonly shownLane: VideoFrameStream;
  private readonly srLane: VideoFrameStream;
  private readonly importer: FrameImporter;
  private readonly presenter: FramePresenter;
  readonly psnr: PsnrOverlay;
  /** what the viewer sees and PSNR measures: the top-left hr.width x hr.height of the coded HR textures */
  readonly picture: FrameSize;
  /** the frame whose SR is in `sr` (complete), or -1 */
  srFrame = -1;
  /** the rung of the frame SR last worked on (its lrSr holds the LR the views compare with) */
  private srRung = 0;
  /** the patch layout of a frame, once patches.json is here (the poster comes before it) */
  layouts: ((index: number) => Promise<PatchRect[]>) | null = null;
  /** the frame decodeForSr put into its rung's lrSr, and whether `sr` holds the outputs its reused patches keep (srChunk) */
  private decoded: { index: number; rung: number; reuseReady: boolean } | null = null;
  /** what SR did for the last frame it worked on */
  lastWork: SrWork | null = null;

  /** The patches SR ran for frame `index` (a reuse map runs fewer than its `layout` lists; catch-up included). */
  patchesRun(index: number, layout: PatchRect[]): PatchRect[];
  patchesRun(index: number, layout: PatchRect[] | null): PatchRect[] | null;
  patchesRun(index: number, layout: PatchRect[] | null): PatchRect[] | null { return this.lastWork?.index === index ? this.lastWork.sr : layout; }

  /** `choose`: a ladder's ABR, the rung each LR segment is fetched from (ignored without a ladder). */
  static async open(device: GPUDevice, head: PackHead, canvas: HTMLCanvasElement, mode: PresentMode, net: NetworkFetcher,
    choose?: RungChooser): Promise<FramePipeline> {
    const m = head.manifest;
    const stream = new VideoFrameStream(videoSource(head, 'lr', net, choose));
    try {
      // a ladder's source checks each rung's size against its own
      await stream.open(isLadder(head) ? undefined : { width: m.lr.width, height: m.lr.height, what: 'LR' });
      return new FramePipeline(device, head, canvas, mode, stream, net);
    } catch (e) { stream.close(); throw e; }
  }

  private constructor(private readonly device: GPUDevice, readonly head: PackHead, canvas: HTMLCanvasElement, mode: PresentMode, stream: VideoFrameStream, net: NetworkFetcher) {
    const m = head.manifest;
    this.shownLane = stream;
    this.srLane = stream.fork();
    const lrUsage = GPUTextureUsage.TEXTURE_BINDING | GPUTextureUsage.COPY_SRC | GPUTextureUsage.COPY_DST | GPUTextureUsage.RENDER_ATTACHMENT | GPUTextureUsage.STORAGE_BINDING;
    // COPY_DST: a reuse map's bicubic patches are copied into the SR frame
    const hrUsage = GPUTextureUsage.STORAGE_BINDING | GPUTextureUsage.TEXTURE_BINDING | GPUTextureUsage.COPY_SRC | GPUTextureUsage.COPY_DST;
    const tex = (label: string, w: number, h: number, usage: number) => device.createTexture({ label, size: [w, h], format: 'rgba8unorm', usage });
    const coded = codedHrSize(m);
    this.textures = {
      sr: tex('sr-frame', coded.width, coded.height, hrUsage), bicubic: tex('bicubic-frame', coded.width, coded.height, hrUsage),
      hrRef: tex('hr-reference', coded.width, coded.height, lrUsage),
    };
    const ladder = isLadder(head) ? head.rungs : [head];
    this.rungs = ladder.map((h) => {
      const lr = h.manifest.lr, x = ladder.length > 1 ? `-x${h.manifest.scale}` : '';
      return { head: h, scale: h.manifest.scale, lrShown: tex(`lr-frame-shown${x}`, lr.width, lr.height, lrUsage), lrSr: tex(`lr-frame-sr${x}`, lr.width, lr.height, lrUsage),
        bicubic: new BicubicUpscaler(device, h.manifest.scale) };
    });
    this.picture = { width: m.hr.width, height: m.hr.height };
    canvas.width = this.picture.width;
    canvas.height = this.picture.height;
    this.presenter = new FramePresenter(device, canvas, mode);
    // Where a WebGPU canvas breaks readback, importing video frames on the GPU does too: copy them through the CPU.
    this.importer = new FrameImporter(device, mode === 'readback' ? 'cpu-copy' : 'external-texture');
    this.psnr = new PsnrOverlay(device, this.importer, () => videoSource(head, 'hr', net), this.textures.hrRef, this.picture);
  }

  /**
   * Lane `lane` (the frames shown, or SR working ahead) wants frame `index` next: its data is fetched if it is not
   * here. Whether it can be decoded without waiting for the network.
   */
  wantFrame(index: number, lane: 'shown' | 'sr'): boolean { return (lane === 'shown' ? this.shownLane : this.srLane).wantFrame(index); }

  /**
   * The rung frame `index` is held in (index into PackHead.rungs; 0 without a ladder), or null while its segment is
   * not here. Fixed while it is held: SR of a frame uses that rung's engine and layout.
   */
  rungOf(index: number): number | null {
    if (this.rungs.length === 1) return 0;
    return this.shownLane.source.rungOf?.(index) ?? null;
  }

  private rungFor(index: number): number { return this.rungOf(index) ?? 0; }

  /** A seek in progress: the LR stream fetches what it needs for the frame, nothing ahead, until it ends. */
  focus(on: boolean): void { this.shownLane.source.focus?.(on); }

  /** Seconds of LR video from frame `index` on that are here (the buffer ahead). */
  bufferedSeconds(index: number): number { return this.shownLane.source.bufferedSeconds(index); }

  /**
   * Decodes frame `index` for SR into lrSr (the SR lane decodes ahead of the frames shown). With `engine` and a reuse
   * map, the outputs its reused patches keep are brought into `sr` first (after a seek or a skipped frame: computed on
   * the frames that made them); without, srChunk computes reused patches afresh (never stale).
   */
  async decodeForSr(index: number, engine: SREngine | null = null): Promise<void> {
    const work = engine && this.layouts ? await this.planWork(index, await this.layouts(index), engine) : null;
    this.srFrame = -1;
    this.lastWork = { index, sr: [], reused: 0, bicubic: 0 };
    for (const steps of work?.catchUp ?? []) await this.computeSteps(steps, engine!);
    const frame = await this.srLane.frameAt(index), rung = this.rungFor(index);
    await this.importer.import(frame, this.rungs[rung].lrSr);
    this.decoded = { index, rung, reuseReady: work !== null };
    this.srRung = rung;
  }

  /**
   * SR of `patches` of the frame in lrSr into `sr`: one GPU submission (a frame may take several: SrPacer). Modes:
   * bicubic patches are copied from the frame's bicubic upscale, reused ones left as they are once decodeForSr made
   * them ready (else computed).
   */
  async srChunk(engine: SREngine, patches: PatchRect[]): Promise<FrameResult> {
    const reuse = this.decoded?.reuseReady === true && engine.name !== 'bicubic';
    const plain = engine.name === 'bicubic' || !patches.some((p) => p.mode);
    const sr = plain ? patches : patches.filter((p) => p.mode !== MODE_BICUBIC && !(reuse && p.mode === MODE_REUSE));
    const bicubic = plain ? [] : patches.filter((p) => p.mode === MODE_BICUBIC);
    const work = this.lastWork?.index === this.decoded?.index ? this.lastWork : null;
    if (work) { work.sr.push(...sr); work.bicubic += bicubic.length; work.reused += patches.length - sr.length - bicubic.length; }
    const start = performance.now();
    const rung = this.decoded?.rung ?? 0;
    const result = sr.length > 0 ? await engine.run({ lr: this.rungs[rung].lrSr, hr: this.textures.sr, patches: sr }) : { gpuMs: 0, wallMs: 0 };
    if (bicubic.length > 0) {
      const encoder = this.device.createCommandEncoder({ label: 'bicubic patches' });
      this.encodeBicubicPatches(encoder, bicubic, rung);
      this.device.queue.submit([encoder.finish()]);
      await this.device.queue.onSubmittedWorkDone();
      return { gpuMs: result.gpuMs, wallMs: performance.now() - start };
    }
    return result;
  }

  /**
   * The work for frame `index` with the reuse map given what `sr` holds (srFrame), or null where there is no map (or
   * the engine is bicubic, which writes whole frames). Fetches earlier layouts of the segment only after a seek or a skip.
   */
  private async planWork(index: number, patches: PatchRect[], engine: SREngine): Promise<FrameWork | null> {
    if (engine.name === 'bicubic' || !patches.some((p) => p.mode) || !this.layouts) return null;
    const seg = this.head.manifest.patches.segments?.frames ?? null;
    const segmentStart = seg === null ? 0 : Math.floor(index / seg) * seg;
    const layouts = new Map<number, PatchRect[]>();
    for (const f of framesNeeded(index, patches, this.srFrame, segmentStart)) layouts.set(f, await this.layouts(f));
    return planFrameWork(index, patches, this.srFrame, (f) => layouts.get(f)!);
  }

  /** Computes patches of an earlier frame into `sr` (a reused patch's source after a seek): its own import and submits. */
  private async computeSteps(steps: FrameSteps, engine: SREngine): Promise<void> {
    const frame = await this.srLane.frameAt(steps.frame), rung = this.rungFor(steps.frame);
    await this.importer.import(frame, this.rungs[rung].lrSr);
    if (steps.sr.length > 0) {
      await engine.readyFor?.(steps.sr);
      await engine.run({ lr: this.rungs[rung].lrSr, hr: this.textures.sr, patches: steps.sr });
      this.lastWork?.sr.push(...steps.sr);
    }
    if (steps.bicubic.length > 0) {
      const encoder = this.device.createCommandEncoder({ label: `bicubic patches of frame ${steps.frame}` });
      this.encodeBicubicPatches(encoder, steps.bicubic, rung);
      this.device.queue.submit([encoder.finish()]);
    }
  }

  /** Bicubic of the frame in rung `rung`'s lrSr into the `bicubic` texture, and the patches' rects of it into `sr` (mode 2). */
  private encodeBicubicPatches(encoder: GPUCommandEncoder, patches: readonly PatchRect[], rung: number): void {
    const { textures } = this, r = this.rungs[rung], s = r.scale;
    r.bicubic.encode(encoder, r.lrSr, textures.bicubic);
    for (const p of patches) {
      const origin = { x: p.x * s, y: p.y * s };
      encoder.copyTextureToTexture({ texture: textures.bicubic, origin }, { texture: textures.sr, origin }, [p.w * s, p.h * s]);
    }
  }

  /**
   * SR of frame `index`, whole, and with `view` that frame on screen. Where the engine records its work
   * (SREngine.encode) it is one submit, with no CPU wait inside: import, SR, bicubic, PSNR and present in one
   * command encoder. Engines that submit their own (onnxruntime-web) run between the import and the rest.
   * `result.wallMs` spans the first GPU command to the end of the frame's GPU work (decoding is not in it).
   */
  async superResolve(index: number, engine: SREngine, patches: PatchRect[], view?: ViewOptions): Promise<{ result: FrameResult; shown: ShownFrame | null }> {
    // with a reuse map: the patches SR runs on, after the reused ones' outputs are made ready (reuse-plan.ts)
    const work = await this.planWork(index, patches, engine);
    this.srFrame = -1;
    this.decoded = null;
    this.lastWork = { index, sr: [], reused: work?.reused ?? 0, bicubic: work?.own.bicubic.length ?? 0 };
    for (const steps of work?.catchUp ?? []) await this.computeSteps(steps, engine);
    const srPatches = work ? work.own.sr : patches;
    this.lastWork.sr.push(...srPatches);
    const frame = await this.srLane.frameAt(index), rung = this.rungFor(index);
    const job = { lr: this.rungs[rung].lrSr, hr: this.textures.sr, patches: srPatches };
    await engine.readyFor?.(srPatches);
    const start = performance.now();
    let separate: FrameResult | null = null;
    let encoded: EncodedSR | null = null;
    let finish: (() => Promise<ShownFrame>) | null = null;
    // a rejected frame would otherwise only reach the console while the frame silently stays black
    this.device.pushErrorScope('validation');
    try {
      let encoder = this.device.createCommandEncoder({ label: `frame ${index}` });
      await this.importer.encode(encoder, frame, job.lr);
      encoded = engine.encode && srPatches.length > 0 ? engine.encode(encoder, job) : null;
      if (!encoded && srPatches.length > 0) {
        this.device.queue.submit([encoder.finish()]);
        separate = await engine.run(job);
        encoder = this.device.createCommandEncoder({ label: `frame ${index} after SR` });
      }
      if (work && work.own.bicubic.length > 0) this.encodeBicubicPatches(encoder, work.own.bicubic, rung);
      if (view) finish = await this.encodeShown(encoder, index, 'sr', view, rung);
      this.device.queue.submit([encoder.finish()]);
    } finally {
      const invalid = await this.device.popErrorScope();
      if (invalid) { void encoded?.gpuMs().catch(() => undefined); throw new Error(`the GPU rejected frame ${index}'s work (${invalid.message})`); }
    }
    try {
      const shown = await finish?.();
      const gpuMs = encoded ? await encoded.gpuMs() : separate ? separate.gpuMs : 0;
      await this.device.queue.onSubmittedWorkDone();
      this.srFrame = index;
      this.srRung = rung;
      return { result: { gpuMs, wallMs: performance.now() - start }, shown: shown ?? null };
    } finally { void encoded?.gpuMs().catch(() => undefined); }
  }

  /** Shows frame `index`: its SR (in `sr`, from superResolve) or, for `bicubic`, decoded on the shown lane. One submit. */
  async show(index: number, kind: 'sr' | 'bicubic', view: ViewOptions): Promise<ShownFrame> {
    const encoder = this.device.createCommandEncoder({ label: `show ${index}` });
    let rung = this.srRung;
    if (kind === 'bicubic') {
      const frame = await this.shownLane.frameAt(index);
      rung = this.rungFor(index);
      await this.importer.encode(encoder, frame, this.rungs[rung].lrShown);
    }
    const finish = await this.encodeShown(encoder, index, kind, view, rung);
    this.device.queue.submit([encoder.finish()]);
    return finish();
  }

  /**
   * Records the frame shown: its bicubic (the frame itself when SR was late, else only for the split, the lens or
   * its PSNR), the PSNR overlay and the present pass. The returned function completes it after the submit.
   */
  private async encodeShown(encoder: GPUCommandEncoder, index: number, kind: 'sr' | 'bicubic', view: ViewOptions, rung: number): Promise<() => Promise<ShownFrame>> {
    const { textures } = this, r = this.rungs[rung];
    const lr = kind === 'sr' ? r.lrSr : r.lrShown;
    const shownTexture = kind === 'sr' ? textures.sr : textures.bicubic;
    if (kind === 'bicubic' || view.compare || view.lens || view.overlay === 'psnr') r.bicubic.encode(encoder, lr, textures.bicubic);
    const readPsnr = view.overlay === 'psnr' ? await this.psnr.encode(encoder, index, kind === 'sr' ? [textures.sr, textures.bicubic] : [textures.bicubic]) : null;
    const patches = view.overlay === 'patches' && this.layouts ? await this.layouts(index) : [];
    // nothing awaited from here to the caller's submit: the canvas texture is current only within this task
    const presented = this.presenter.encode(encoder, shownTexture, textures.bicubic, {
      splitX: view.compare ? Math.round(Math.min(1, Math.max(0, view.split)) * this.picture.width) : null,
      showPatches: view.overlay === 'patches', patches, scale: r.scale, lens: view.lens,
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
    const lr = this.rungs[0].lrSr;
    this.device.queue.writeTexture({ texture: lr }, rgba, { bytesPerRow: lr.width * 4 }, [lr.width, lr.height]);
    this.srFrame = -1;
    this.decoded = null;
  }

  dispose(): void {
    this.shownLane.close();
    this.srLane.close();
    this.psnr.close();
    for (const r of this.rungs) { r.bicubic.dispose(); r.lrShown.destroy(); r.lrSr.destroy(); }
    this.presenter.dispose();
    for (const t of Object.values(this.textures)) t.destroy();
  }
}
