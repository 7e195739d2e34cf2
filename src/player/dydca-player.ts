// <dydca-player>: streams a pack (manifest -> lr.mp4 via mp4box + WebCodecs), super-resolves every frame on
// the GPU with the selected engine, presents it on a WebGPU canvas with compare / PSNR / patch overlays.
import { LitElement, html, css, type PropertyValues } from 'lit';
import { createEngine } from '../runtime/create-engine.js';
import { ENGINE_NAMES, isEngineName, type EngineName, type SREngine } from '../runtime/engine.js';
import { BicubicUpscaler } from '../runtime/bicubic-engine.js';
import type { GpuMemoryTracker } from '../runtime/gpu-memory.js';
import { acquireGpu, type PlayerGpu } from './gpu-device.js';
import { loadPack, parseAllowedOrigins, type LoadedPack } from './pack-loader.js';
import { FramePresenter, type PresentMode } from './frame-presenter.js';
import { FrameImporter } from './frame-importer.js';
import { webgpuCanvasBreaksReadback } from './canvas-readback-probe.js';
import { PsnrMeter } from './psnr-meter.js';
import { VideoFrameStream } from './video-frame-stream.js';

export type OverlayMode = 'none' | 'psnr' | 'patches';

export interface PlayerStats {
  frame: number;
  time: number;
  /** frames presented per second over the last second of playback */
  fps: number;
  /** GPU time of SR for the last frame, or its wall time where the engine has no timestamp queries */
  srMs: number;
  psnr: number | null;
  psnrBicubic: number | null;
  engine: EngineName;
  patches: number;
  peakGpuBytes: number;
  liveGpuBytes: number;
  /** extension: frames skipped because SR could not keep up with the video's fps */
  dropped: number;
  /** extension: GPU buffers, textures and query sets alive on the player's device (GpuMemoryTracker) */
  liveGpuObjects: number;
}

interface FrameTextures { lr: GPUTexture; sr: GPUTexture; bicubic: GPUTexture; hrRef: GPUTexture }

/** A failure of the PSNR overlay (hr.mp4 missing or broken): it is shown while the overlay is on and goes with it. */
class OverlayError extends Error {}

const emptyStats = (engine: EngineName): PlayerStats => ({
  frame: -1, time: 0, fps: 0, srMs: 0, psnr: null, psnrBicubic: null, engine, patches: 0, peakGpuBytes: 0, liveGpuBytes: 0, dropped: 0, liveGpuObjects: 0,
});

/** A device loss within this long after recovering from one (or during the recovery) falls back to bicubic. */
const REPEATED_LOSS_WINDOW_MS = 10_000;
/** How long the "recovered" notice stays up. */
const NOTICE_MS = 8_000;

export class DydcaPlayer extends LitElement {
  static override properties = {
    src: { type: String, reflect: true },
    engine: { type: String, reflect: true },
    compare: { type: Boolean, reflect: true },
    overlay: { type: String, reflect: true },
    split: { type: Number },
    autoplay: { type: Boolean },
    allowedOrigins: { type: String, attribute: 'allowed-origins' },
    statusText: { state: true },
    progress: { state: true },
    errorMessage: { state: true },
    notice: { state: true },
  };

  static override styles = css`
    :host { display: block; position: relative; background: #000; color: #eee; font: 14px system-ui, sans-serif; }
    canvas { display: block; width: 100%; height: auto; image-rendering: pixelated; }
    .status, .error { position: absolute; left: 0; right: 0; top: 0; padding: 12px; background: rgba(0, 0, 0, 0.75); }
    .error { color: #ff8080; border: 1px solid #ff4040; }
    .notice { position: absolute; left: 0; right: 0; bottom: 0; padding: 8px 12px; background: rgba(40, 30, 0, 0.85); color: #ffd966; }
    progress { width: 100%; }
  `;

  src = '/demo/manifest.json';
  engine: EngineName = 'compiled';
  compare = false;
  overlay: OverlayMode = 'none';
  /** extension: split line position for `compare`, as a fraction of the width (bicubic on its left) */
  split = 0.5;
  /** extension: start playing once ready */
  autoplay = false;
  /**
   * extension: origins, besides the page's own, the player may fetch a pack and its files from (space-separated,
   * e.g. "https://cdn.example.com"). Files a manifest names on its own origin must lie in the manifest's folder.
   */
  allowedOrigins = '';
  protected statusText = '';
  protected progress: number | null = null;
  protected errorMessage = '';
  /** lifecycle messages that are not errors (device lost / recovered / fell back to bicubic) */
  protected notice = '';

  private gpu: PlayerGpu | null = null;
  private pack: LoadedPack | null = null;
  private lrStream: VideoFrameStream | null = null;
  private hrStream: VideoFrameStream | null = null;
  private textures: FrameTextures | null = null;
  private srEngine: SREngine | null = null;
  private bicubic: BicubicUpscaler | null = null;
  private meter: PsnrMeter | null = null;
  private presenter: FramePresenter | null = null;
  private importer: FrameImporter | null = null;
  private presentMode: PresentMode | null = null;
  private canvas: HTMLCanvasElement | null = null;
  /** serialises GPU work: loads, engine switches and frames never interleave */
  private work: Promise<void> = Promise.resolve();
  /** bumped on every (re)load so stale async work can tell it is stale */
  private generation = 0;
  private ready = false;
  private playing = false;
  private playAfterReady = false;
  private clock = { startMs: 0, startFrame: 0 };
  private current = 0;
  private presentedAt: number[] = [];
  /** the pending playback callback, cancelled on pause and removal so nothing runs for a detached element */
  private tickTimer: ReturnType<typeof setTimeout> | null = null;
  private tickFrame: number | null = null;
  /** bumped by every play(): a pause + play within one frame must not leave two playback loops running */
  private loop = 0;
  private noticeTimer: ReturnType<typeof setTimeout> | null = null;
  /** device-loss recovery in progress, or when playback last resumed after one */
  private recovery: { state: 'recovering'; losses: number } | { state: 'resumed'; at: number; losses: number } | null = null;
  private _stats: PlayerStats = emptyStats('compiled');
  /** bumped by every seek: a seek still queued when a later one comes is skipped */
  private seekToken = 0;
  /** a seek asked for before the pack was ready (seconds), applied when it is */
  private pendingSeek: number | null = null;
  /** whether the error shown belongs to the PSNR overlay (and goes away when the overlay is turned off) */
  private errorFromOverlay = false;

  get stats(): PlayerStats {
    // GPU memory is read now, not at the last frame: after a failed load or a removal it shows what is still held.
    const tracker = this.gpu?.tracker;
    return { ...this._stats, liveGpuBytes: tracker?.live ?? 0, liveGpuObjects: tracker?.liveObjects ?? 0 };
  }
  get isReady(): boolean { return this.ready; }
  get isPlaying(): boolean { return this.playing; }
  /** the loaded pack's manifest (for the demo page's readouts), or null */
  get manifest(): LoadedPack['manifest'] | null { return this.pack?.manifest ?? null; }

  override render() {
    return html`
      <canvas part="canvas" width="320" height="180"></canvas>
      ${this.statusText && !this.errorMessage ? html`<div class="status">${this.statusText}
        ${this.progress !== null ? html`<progress max="1" .value=${this.progress}></progress>` : ''}</div>` : ''}
      ${this.errorMessage ? html`<div class="error" role="alert">${this.errorMessage}</div>` : ''}
      ${this.notice && !this.errorMessage ? html`<div class="notice" role="status">${this.notice}</div>` : ''}`;
  }

  override firstUpdated(): void {
    this.canvas = this.renderRoot.querySelector('canvas');
  }

  override updated(changed: PropertyValues<this>): void {
    if (changed.has('src' as keyof DydcaPlayer) && this.src) this.reload();
    else if (changed.has('engine' as keyof DydcaPlayer) && changed.get('engine' as keyof DydcaPlayer) !== undefined && this.ready) this.switchEngine();
    if (changed.has('overlay' as keyof DydcaPlayer) && this.overlay !== 'psnr') {
      // hr.mp4 is streamed only for the PSNR overlay; its failure, shown while the overlay was on, goes with it.
      this.hrStream?.close(); this.hrStream = null;
      if (this.errorFromOverlay) { this.errorMessage = ''; this.errorFromOverlay = false; }
    }
    if ((changed.has('compare' as keyof DydcaPlayer) || changed.has('overlay' as keyof DydcaPlayer) || changed.has('split' as keyof DydcaPlayer)) && this.ready && !this.playing) {
      this.enqueue(() => this.renderFrame(this.current));
    }
  }

  override connectedCallback(): void {
    super.connectedCallback();
    // Re-appended after a removal (which released everything): load again, at the frame it showed.
    if (this.hasUpdated && this.src && !this.ready) this.reload();
  }

  override disconnectedCallback(): void {
    super.disconnectedCallback();
    this.generation++;
    this.ready = false;
    this.playing = false;
    this.playAfterReady = false;
    this.cancelTick();
    this.setNotice('');
    // A detached element keeps nothing: engine, streams (their downloads are aborted), textures and the device.
    // Connected again, it acquires a new device when it reloads.
    this.enqueue(() => this.teardown({ releaseDevice: true }));
  }

  play(): void {
    if (!this.ready) { this.playAfterReady = true; return; }
    if (this.playing) return;
    if (this.current >= this.pack!.manifest.frames - 1) this.current = -1;
    this.playing = true;
    this.clock = { startMs: performance.now(), startFrame: this.current + 1 };
    this.cancelTick();
    void this.tick(this.generation, ++this.loop);
  }

  pause(): void { this.playing = false; this.playAfterReady = false; this.cancelTick(); }

  /**
   * Shows the frame at `seconds` (the nearest frame; times before the start or after the end are clamped to the
   * first or last frame) and playing continues from there. Anything but a finite number throws a TypeError and
   * changes nothing. Before the pack is ready the time is kept and shown once it is. Resolves when the frame is
   * shown, or when a later seek took its place.
   */
  seek(seconds: number): Promise<void> {
    if (typeof seconds !== 'number' || !Number.isFinite(seconds)) {
      throw new TypeError(`seek(${typeof seconds === 'string' ? JSON.stringify(seconds) : String(seconds)}): the time must be a finite number of seconds from the start`);
    }
    if (!this.ready || !this.pack) { this.pendingSeek = seconds; return Promise.resolve(); }
    const index = this.frameAtTime(seconds);
    const token = ++this.seekToken;
    return this.enqueue(async () => {
      if (token !== this.seekToken) return;
      await this.renderFrame(index);
      this.clock = { startMs: performance.now(), startFrame: index + 1 };
    }, { resolveOnLoss: true });
  }

  private frameAtTime(seconds: number): number {
    const m = this.pack!.manifest;
    return Math.max(0, Math.min(m.frames - 1, Math.round(seconds * m.fps)));
  }

  /** Test and debugging hook: lose the GPU device as a driver reset would (the player recovers). */
  simulateDeviceLoss(): void { this.gpu?.device.destroy(); }

  /** Test hook: the player's current GPUDevice, or null while it has none (before load, after removal). */
  get gpuDevice(): GPUDevice | null { return this.gpu?.device ?? null; }

  /** Test hook: the tracker of the current device's live GPU bytes and objects, or null while there is no device. */
  get gpuMemory(): GpuMemoryTracker | null { return this.gpu?.tracker ?? null; }

  /** Test hook: RGBA8 pixels of the last SR frame (`sr`), its bicubic (`bicubic`) or the HR reference (`hr`). */
  async readFrame(which: 'sr' | 'bicubic' | 'hr' = 'sr'): Promise<Uint8Array> {
    let out: Uint8Array = new Uint8Array();
    await this.enqueue(async () => {
      if (!this.gpu || !this.textures) throw new Error('player not ready');
      const tex = which === 'sr' ? this.textures.sr : which === 'bicubic' ? this.textures.bicubic : this.textures.hrRef;
      out = await readTextureRgba(this.gpu.device, tex);
    });
    return out;
  }

  /** Test hook: run the current engine on a given LR frame (RGBA8, the pack's LR size) with frame `layoutOf`'s patches. */
  async superResolve(rgba: Uint8Array<ArrayBuffer>, layoutOf = 0): Promise<Uint8Array> {
    let out: Uint8Array = new Uint8Array();
    await this.enqueue(async () => {
      if (!this.gpu || !this.textures || !this.srEngine || !this.pack) throw new Error('player not ready');
      const { lr, sr } = this.textures;
      this.gpu.device.queue.writeTexture({ texture: lr }, rgba, { bytesPerRow: lr.width * 4 }, [lr.width, lr.height]);
      await this.srEngine.run({ lr, hr: sr, patches: this.pack.layouts[layoutOf] });
      out = await readTextureRgba(this.gpu.device, sr);
    });
    return out;
  }

  // ---- loading -------------------------------------------------------------------------------------

  /**
   * Runs `job` after all queued work. With `resolveOnLoss` (callers that only wait for completion, e.g. seek) the
   * returned promise resolves when the job failed because the device was lost: the player recovers from that.
   */
  private enqueue(job: () => Promise<void>, opts: { resolveOnLoss?: boolean } = {}): Promise<void> {
    let gpu: PlayerGpu | null = null;
    const run = this.work.then(() => { gpu = this.gpu; return job(); });
    this.work = run.catch((e: unknown) => this.report(e, gpu));
    return opts.resolveOnLoss ? run.catch(async (e: unknown) => { if (!(await this.failedOnLoss(gpu))) throw e; }) : run;
  }

  /** Whether a job that failed lost its device (the one it started on, or the current one). */
  private failedOnLoss(gpuAtStart: PlayerGpu | null): Promise<boolean> {
    const devices = [gpuAtStart?.device, this.gpu?.device].filter((d): d is GPUDevice => !!d);
    // Work on a destroyed device fails (mapAsync AbortError, ...) before or after `lost` resolves: wait briefly for it.
    return devices.length > 0 ? lostWithin(devices, 250) : Promise.resolve(false);
  }

  /** A job failed: show it and emit `error`, unless its device was lost (watchDevice recovers) or the element is gone. */
  private async report(e: unknown, gpuAtStart: PlayerGpu | null): Promise<void> {
    if (await this.failedOnLoss(gpuAtStart)) {
      console.warn(`dydca-player: GPU work failed with the device lost, recovering: ${e instanceof Error ? e.message : String(e)}`);
      return;
    }
    if (!this.isConnected) return;
    this.fail(e);
  }

  private reload(afterReady?: () => void): void {
    const generation = ++this.generation;
    this.ready = false;
    const wasPlaying = this.playing || this.playAfterReady || this.autoplay;
    this.playing = false;
    this.errorMessage = '';
    this.enqueue(async () => {
      await this.teardown();
      try {
        await this.load(generation);
      } catch (e) {
        // A failed load keeps nothing it allocated (textures, engine, streams): the page gets its GPU memory back.
        if (generation === this.generation) await this.teardown();
        throw e;
      }
      if (generation !== this.generation) return;
      this.ready = true;
      this.statusText = '';
      this.progress = null;
      this.dispatchEvent(new CustomEvent('ready', { detail: { manifest: this.pack!.manifest } }));
      afterReady?.();
      if (wasPlaying) queueMicrotask(() => this.play());
    });
  }

  private async load(generation: number): Promise<void> {
    // After a device loss the pack is still good: only GPU state is re-created.
    const pack = this.recovery?.state === 'recovering' && this.pack?.manifestUrl === this.src
      ? this.pack : await loadPack(this.src, (m) => { this.statusText = m; }, {
        allowedOrigins: parseAllowedOrigins(this.allowedOrigins),
        // the device's limit where there is one, else WebGPU's default (acquireGpu asks for no higher one)
        maxTextureSize: this.gpu?.device.limits.maxTextureDimension2D ?? 8192,
      });
    if (generation !== this.generation) return;
    this.pack = pack;
    const m = pack.manifest;
    if (!this.gpu) {
      this.statusText = 'starting WebGPU';
      // Probe before the player's device exists: the defect breaks readback on devices alive when a canvas draws.
      // A canvas keeps the context type it was first given, so the mode is decided once per element.
      if (typeof navigator !== 'undefined' && navigator.gpu) this.presentMode ??= (await webgpuCanvasBreaksReadback()) ? 'readback' : 'webgpu-canvas';
      this.gpu = await acquireGpu({ maxTextureSize: Math.max(m.hr.width, m.hr.height) });
      this.watchDevice(this.gpu);
    }
    const device = this.gpu.device;
    this.statusText = 'opening video stream';
    this.lrStream = new VideoFrameStream(pack.lrUrl, m.fps);
    await this.lrStream.open({ width: m.lr.width, height: m.lr.height, what: 'LR' });
    const frameUsage = GPUTextureUsage.TEXTURE_BINDING | GPUTextureUsage.COPY_SRC | GPUTextureUsage.COPY_DST | GPUTextureUsage.RENDER_ATTACHMENT | GPUTextureUsage.STORAGE_BINDING;
    const hrUsage = GPUTextureUsage.STORAGE_BINDING | GPUTextureUsage.TEXTURE_BINDING | GPUTextureUsage.COPY_SRC;
    this.textures = {
      lr: device.createTexture({ label: 'lr-frame', size: [m.lr.width, m.lr.height], format: 'rgba8unorm', usage: frameUsage }),
      sr: device.createTexture({ label: 'sr-frame', size: [m.hr.width, m.hr.height], format: 'rgba8unorm', usage: hrUsage }),
      bicubic: device.createTexture({ label: 'bicubic-frame', size: [m.hr.width, m.hr.height], format: 'rgba8unorm', usage: hrUsage }),
      hrRef: device.createTexture({ label: 'hr-reference', size: [m.hr.width, m.hr.height], format: 'rgba8unorm', usage: frameUsage }),
    };
    this.bicubic = new BicubicUpscaler(device, m.scale);
    this.meter = new PsnrMeter(device);
    const canvas = this.canvas!;
    canvas.width = m.hr.width;
    canvas.height = m.hr.height;
    this.presenter = new FramePresenter(device, canvas, this.presentMode ?? 'webgpu-canvas');
    // Where a WebGPU canvas breaks readback, importing video frames on the GPU does too: copy them through the CPU.
    this.importer = new FrameImporter(device, this.presentMode === 'readback' ? 'cpu-copy' : 'external-texture');
    await this.startEngine(generation);
    if (generation !== this.generation) return;
    if (this.pendingSeek !== null) { this.current = this.frameAtTime(this.pendingSeek); this.pendingSeek = null; }
    await this.renderFrame(Math.min(this.current, m.frames - 1));
  }

  private async startEngine(generation: number): Promise<void> {
    const gpu = this.gpu!;
    const name: EngineName = isEngineName(this.engine) ? this.engine : 'compiled';
    if (name !== this.engine) throw new Error(`unknown engine '${this.engine}'; use one of ${ENGINE_NAMES.join(', ')}`);
    this.statusText = `compiling ${name} engine`;
    this.progress = 0;
    gpu.tracker.resetPeak();
    const engine = await createEngine(name, gpu.device, this.pack!.model);
    try {
      await engine.prepare((fraction, message) => { this.progress = fraction; this.statusText = `compiling ${name} engine: ${message}`; });
    } catch (e) {
      engine.dispose(); // what prepare() allocated before it failed
      throw new Error(`The ${name} engine cannot use the model ${this.pack!.modelUrl}: ${e instanceof Error ? e.message : String(e)}`);
    }
    if (generation !== this.generation) { engine.dispose(); return; }
    this.srEngine = engine;
    this._stats = { ...this._stats, engine: name };
    this.progress = null;
    this.statusText = '';
  }

  private switchEngine(): void {
    const generation = this.generation;
    this.enqueue(async () => {
      if (generation !== this.generation || !this.gpu) return;
      this.setNotice('');
      this.srEngine?.dispose();
      this.srEngine = null;
      await this.startEngine(generation);
      if (!this.playing) await this.renderFrame(this.current);
      this.dispatchEvent(new CustomEvent('enginechange', { detail: { engine: this.engine } }));
    });
  }

  /**
   * Device loss: the player re-creates its device and engine and resumes at the frame it showed. A loss during that
   * recovery or within REPEATED_LOSS_WINDOW_MS after it falls back to bicubic (the engine may be what breaks the
   * device); one more while already on bicubic is reported as an error. None of this emits `error` until then.
   */
  private watchDevice(gpu: PlayerGpu): void {
    void gpu.device.lost.then((info) => {
      // The player destroys its own device only after letting go of it (teardown on removal): anything else is a loss.
      if (this.gpu !== gpu || !this.isConnected) return;
      this.gpu = null;
      const frame = Math.max(0, this.current);
      const reason = info.message || info.reason;
      const previous = this.recovery;
      const repeated = previous !== null && (previous.state === 'recovering' || performance.now() - previous.at < REPEATED_LOSS_WINDOW_MS);
      const losses = repeated ? previous.losses + 1 : 1;
      if (repeated && this.engine === 'bicubic' && losses > 2) {
        this.recovery = null;
        this.generation++;
        this.cancelTick();
        this.fail(new Error(`The GPU device was lost ${losses} times within ${REPEATED_LOSS_WINDOW_MS / 1000} s (last: ${reason}), even on the bicubic engine. Reload the page; if it keeps happening, update the GPU driver or use another browser.`));
        return;
      }
      const fallback = repeated && this.engine !== 'bicubic';
      if (fallback) this.engine = 'bicubic';
      this.recovery = { state: 'recovering', losses };
      this.setNotice(fallback
        ? `GPU device lost again within ${REPEATED_LOSS_WINDOW_MS / 1000} s (${reason}); continuing with the bicubic engine (no super-resolution). Pick an engine to try it again.`
        : `GPU device lost (${reason}); re-creating it and resuming at frame ${frame}`);
      this.dispatchEvent(new CustomEvent('devicelost', { detail: { message: reason, frame, fallback: fallback ? 'bicubic' : null } }));
      this.reload(() => {
        this.recovery = { state: 'resumed', at: performance.now(), losses };
        if (fallback) {
          this.dispatchEvent(new CustomEvent('enginechange', { detail: { engine: this.engine } }));
        } else {
          this.setNotice(`The GPU device was lost and re-created; resumed at frame ${this.current}`, 'fade');
        }
      });
    });
  }

  private setNotice(text: string, lifetime: 'keep' | 'fade' = 'keep'): void {
    if (this.noticeTimer !== null) clearTimeout(this.noticeTimer);
    this.noticeTimer = null;
    this.notice = text;
    if (text && lifetime === 'fade') this.noticeTimer = setTimeout(() => { this.noticeTimer = null; this.notice = ''; }, NOTICE_MS);
  }

  private cancelTick(): void {
    if (this.tickTimer !== null) clearTimeout(this.tickTimer);
    if (this.tickFrame !== null) cancelAnimationFrame(this.tickFrame);
    this.tickTimer = null;
    this.tickFrame = null;
  }

  private async teardown(opts: { releaseDevice?: boolean } = {}): Promise<void> {
    this.lrStream?.close(); this.lrStream = null;
    this.hrStream?.close(); this.hrStream = null;
    this.srEngine?.dispose(); this.srEngine = null;
    this.bicubic?.dispose(); this.bicubic = null;
    this.presenter?.dispose(); this.presenter = null;
    this.meter = null;
    this.importer = null;
    if (this.textures) for (const t of Object.values(this.textures)) t.destroy();
    this.textures = null;
    if (this.gpu) {
      await this.gpu.device.queue.onSubmittedWorkDone().catch(() => undefined);
      this.gpu.tracker.resetPeak();
      if (opts.releaseDevice) {
        const { device } = this.gpu;
        this.gpu = null; // first, so watchDevice does not take this for a loss
        device.destroy();
      }
    }
  }

  // ---- playback ------------------------------------------------------------------------------------

  private async tick(generation: number, loop: number): Promise<void> {
    this.tickTimer = null;
    this.tickFrame = null;
    if (!this.playing || generation !== this.generation || loop !== this.loop || !this.pack) return;
    const m = this.pack.manifest;
    const due = this.clock.startFrame + Math.floor(((performance.now() - this.clock.startMs) * m.fps) / 1000);
    const next = Math.max(this.current + 1, due);
    if (next >= m.frames) {
      this.playing = false;
      this.dispatchEvent(new CustomEvent('ended'));
      return;
    }
    const dueAtMs = this.clock.startMs + ((next - this.clock.startFrame) * 1000) / m.fps;
    const wait = dueAtMs - performance.now();
    if (wait > 1) { this.tickTimer = setTimeout(() => void this.tick(generation, loop), wait); return; }
    // A failed frame is reported by the work queue (or recovered from, on device loss): the loop just stops.
    try {
      await this.enqueue(async () => {
        // The frame is chosen when the job runs: a seek queued before it has moved the clock, and must win.
        if (!this.playing || generation !== this.generation || loop !== this.loop) return;
        const at = Math.max(this.current + 1, this.clock.startFrame + Math.floor(((performance.now() - this.clock.startMs) * m.fps) / 1000));
        if (at >= m.frames) return; // the next tick ends playback
        this._stats.dropped += at - (this.current + 1);
        await this.renderFrame(at);
      });
    } catch { return; }
    if (!this.playing || generation !== this.generation || loop !== this.loop) return;
    this.tickFrame = requestAnimationFrame(() => void this.tick(generation, loop));
  }

  private async renderFrame(index: number): Promise<void> {
    const { gpu, pack, textures, srEngine, lrStream } = this;
    if (!gpu || !pack || !textures || !srEngine || !lrStream || index < 0) return;
    const generation = this.generation;
    const m = pack.manifest;
    const device = gpu.device;
    const frame = await lrStream.frameAt(index);
    if (generation !== this.generation) return;
    await this.importer!.import(frame, textures.lr);
    const patches = pack.layouts[index];
    const result = await srEngine.run({ lr: textures.lr, hr: textures.sr, patches });
    const measure = this.overlay === 'psnr';
    if (measure || this.compare) {
      const encoder = device.createCommandEncoder({ label: 'bicubic-reference' });
      this.bicubic!.encode(encoder, textures.lr, textures.bicubic);
      device.queue.submit([encoder.finish()]);
    }
    let psnr: number | null = null;
    let psnrBicubic: number | null = null;
    if (measure) {
      try {
        if (!this.hrStream) {
          this.hrStream = new VideoFrameStream(pack.hrUrl, m.fps);
          await this.hrStream.open({ width: m.hr.width, height: m.hr.height, what: 'HR' });
        }
        const hrFrame = await this.hrStream.frameAt(index);
        await this.importer!.import(hrFrame, textures.hrRef);
        [psnr, psnrBicubic] = await this.meter!.measure(textures.hrRef, [textures.sr, textures.bicubic]);
      } catch (e) {
        // Turning the overlay on again retries with a new stream.
        this.hrStream?.close(); this.hrStream = null;
        throw new OverlayError(`PSNR overlay: ${e instanceof Error ? e.message : String(e)}. Turn the overlay off to keep watching without it.`);
      }
    }
    if (generation !== this.generation) return;
    await this.presenter!.present(textures.sr, textures.bicubic, {
      splitX: this.compare ? Math.round(Math.min(1, Math.max(0, this.split)) * m.hr.width) : null,
      showPatches: this.overlay === 'patches', patches, scale: m.scale,
    });
    const now = performance.now();
    this.presentedAt = [...this.presentedAt.filter((t) => now - t < 1000), now];
    this.current = index;
    this._stats = {
      ...this._stats,
      frame: index, time: index / m.fps, fps: this.presentedAt.length, srMs: result.gpuMs ?? result.wallMs,
      psnr, psnrBicubic, engine: srEngine.name, patches: patches.length,
      peakGpuBytes: gpu.tracker.peak, liveGpuBytes: gpu.tracker.live, liveGpuObjects: gpu.tracker.liveObjects,
    };
    this.dispatchEvent(new CustomEvent('frame', { detail: this.stats }));
  }

  private fail(e: unknown): void {
    const message = e instanceof Error ? e.message : String(e);
    this.playing = false;
    this.statusText = '';
    this.progress = null;
    this.errorMessage = message;
    this.errorFromOverlay = e instanceof OverlayError;
    this.dispatchEvent(new CustomEvent('error', { detail: { message }, composed: true }));
  }
}

/** Whether any of `devices` is (or within `ms` becomes) lost. */
async function lostWithin(devices: GPUDevice[], ms: number): Promise<boolean> {
  let timer: ReturnType<typeof setTimeout> | undefined;
  const timeout = new Promise<boolean>((r) => { timer = setTimeout(() => r(false), ms); });
  try {
    return await Promise.race([...devices.map((d) => d.lost.then(() => true)), timeout]);
  } finally {
    clearTimeout(timer);
  }
}

async function readTextureRgba(device: GPUDevice, tex: GPUTexture): Promise<Uint8Array> {
  const rowBytes = Math.ceil((tex.width * 4) / 256) * 256;
  const buffer = device.createBuffer({ label: 'readback', size: rowBytes * tex.height, usage: GPUBufferUsage.COPY_DST | GPUBufferUsage.MAP_READ });
  const encoder = device.createCommandEncoder();
  encoder.copyTextureToBuffer({ texture: tex }, { buffer, bytesPerRow: rowBytes }, [tex.width, tex.height]);
  device.queue.submit([encoder.finish()]);
  await buffer.mapAsync(GPUMapMode.READ);
  const mapped = new Uint8Array(buffer.getMappedRange());
  const out = new Uint8Array(tex.width * tex.height * 4);
  for (let y = 0; y < tex.height; y++) out.set(mapped.subarray(y * rowBytes, y * rowBytes + tex.width * 4), y * tex.width * 4);
  buffer.unmap();
  buffer.destroy();
  return out;
}

if (!customElements.get('dydca-player')) customElements.define('dydca-player', DydcaPlayer);

declare global {
  interface HTMLElementTagNameMap { 'dydca-player': DydcaPlayer }
}
