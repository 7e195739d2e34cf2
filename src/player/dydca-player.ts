// <dydca-player>: streams a pack and super-resolves it on the GPU. This file wires the parts (docs/architecture.md):
// pack-loader (what is fetched), FramePipeline (how a frame gets on screen), PlaybackLoop (which frame, on the
// video's clock), EngineSlot (the SR engine), WorkQueue + device-loss (GPU work in order, recovery), PlayerView and
// player-controls (what the viewer touches).
import { LitElement, html, type PropertyValues } from 'lit';
import type { EngineName, FrameResult } from '../runtime/engine.js';
import type { GpuMemoryTracker } from '../runtime/gpu-memory.js';
import { acquireGpu, type PlayerGpu } from './gpu-device.js';
import { loadPackBody, openPack, parseAllowedOrigins, type LoadedPack, type PackHead } from './pack-loader.js';
import type { PresentMode } from './frame-presenter.js';
import { webgpuCanvasBreaksReadback } from './canvas-readback-probe.js';
import { FramePipeline, type ShownFrame } from './frame-pipeline.js';
import { PlaybackLoop } from './playback-loop.js';
import { WorkQueue } from './work-queue.js';
import { onDeviceLoss, REPEATED_LOSS_WINDOW_MS, type LossState } from './device-loss.js';
import { PsnrOverlayError } from './psnr-overlay.js';
import { controlsTemplate, type OVERLAYS } from './player-controls.js';
import { emptyStats, formatBytes, type PlayerStats } from './player-stats.js';
import { PlayerView } from './player-view.js';
import { EngineSlot } from './engine-slot.js';
import { playerStyles } from './player-styles.js';

export type { PlayerStats };
export type OverlayMode = (typeof OVERLAYS)[number];

export class DydcaPlayer extends LitElement {
  static override properties = {
    src: { type: String, reflect: true }, engine: { type: String, reflect: true }, compare: { type: Boolean, reflect: true },
    overlay: { type: String, reflect: true }, split: { type: Number }, autoplay: { type: Boolean }, lens: { type: Boolean, reflect: true },
    waitForSr: { type: Boolean, attribute: 'wait-for-sr' }, controls: { type: Boolean }, allowedOrigins: { type: String, attribute: 'allowed-origins' },
    statusText: { state: true }, progress: { state: true }, errorMessage: { state: true }, notice: { state: true }, tickle: { state: true },
  };
  static override styles = playerStyles;

  src = '/demo/manifest.json';
  engine: EngineName = 'compiled';
  compare = false;
  overlay: OverlayMode = 'none';
  split = 0.5;
  autoplay = false;
  lens = false;
  /** show every frame with SR, letting the video run slower than real time (analysis on slow machines) */
  waitForSr = false;
  controls = true;
  allowedOrigins = '';
  protected statusText = '';
  protected progress: number | null = null;
  protected errorMessage = '';
  protected notice = '';
  protected tickle = 0;

  private gpu: PlayerGpu | null = null;
  private head: PackHead | null = null;
  private pack: LoadedPack | null = null;
  private bodyLoad: Promise<LoadedPack> | null = null;
  private pipeline: FramePipeline | null = null;
  private playback: PlaybackLoop | null = null;
  private presentMode: PresentMode | null = null;
  private readonly engines = new EngineSlot();
  private readonly ui = new PlayerView(this);
  private readonly queue = new WorkQueue(() => this.gpu?.device ?? null, (e) => { if (this.isConnected) this.fail(e); });
  /** bumped on every (re)load and removal so stale async work can tell it is stale */
  private generation = 0;
  private ready = false;
  private playAfterReady = false;
  private loadedAt = 0;
  private presentedAt: number[] = [];
  private noticeTimer: ReturnType<typeof setTimeout> | null = null;
  private recovery: LossState = null;
  private _stats: PlayerStats = emptyStats('compiled');
  private seekToken = 0;
  private pendingSeek: number | null = null;
  private errorFromOverlay = false;
  private reshowQueued = false;

  get stats(): PlayerStats {
    const t = this.gpu?.tracker; // read now: after a failed load or a removal it shows what is still held
    return { ...this._stats, dropped: this.playback?.dropped ?? 0, liveGpuBytes: t?.live ?? 0, liveGpuObjects: t?.liveObjects ?? 0 };
  }
  get isReady(): boolean { return this.ready; }
  get isPlaying(): boolean { return this.playback?.playing ?? false; }
  get manifest(): LoadedPack['manifest'] | null { return this.head?.manifest ?? null; }
  /** Test hooks: the current GPUDevice and its memory tracker (null while there is none); lose the device. */
  get gpuDevice(): GPUDevice | null { return this.gpu?.device ?? null; }
  get gpuMemory(): GpuMemoryTracker | null { return this.gpu?.tracker ?? null; }
  simulateDeviceLoss(): void { this.gpu?.device.destroy(); }
  canvas(): HTMLCanvasElement | null { return this.renderRoot.querySelector('canvas'); }

  override render() {
    const m = this.head?.manifest, s = this._stats, e = this.engines.engine;
    const badge = !m ? null : !e ? { text: this.statusText ? 'bicubic (SR loading)' : 'bicubic', late: true }
      : s.shown === 'bicubic' && this.isPlaying ? { text: 'SR behind (bicubic)', late: true } : { text: `SR (${e.name})`, late: false };
    return html`
      <div class="stage" @pointerdown=${this.ui.pointerDown} @pointermove=${this.ui.pointerMove} @pointerup=${this.ui.pointerUp}>
        <canvas part="canvas" width="320" height="180"></canvas>
        ${this.statusText && !this.errorMessage ? html`<div class="status" role="status">${this.statusText}
          ${this.progress !== null ? html`<progress max="1" .value=${this.progress}></progress>` : ''}</div>` : ''}
        ${this.errorMessage ? html`<div class="error" role="alert">${this.errorMessage}</div>` : ''}
        ${this.notice && !this.errorMessage ? html`<div class="notice" role="status">${this.notice}</div>` : ''}
      </div>
      ${this.controls && m ? controlsTemplate({ playing: this.isPlaying, frame: s.frame, frames: m.frames, fps: m.fps, compare: this.compare,
        lens: this.lens, overlay: this.overlay, badge }, (a) => this.ui.act(a), (f) => void this.seek(f / m.fps)) : ''}`;
  }

  override connectedCallback(): void {
    super.connectedCallback();
    if (!this.hasAttribute('tabindex')) this.tabIndex = 0;
    this.addEventListener('keydown', this.ui.onKey);
    if (this.hasUpdated && this.src && !this.ready) this.reload(); // re-appended after a removal: at the frame it showed
  }

  override disconnectedCallback(): void {
    super.disconnectedCallback();
    this.removeEventListener('keydown', this.ui.onKey);
    this.generation++;
    this.ready = this.playAfterReady = false;
    this.playback?.pause();
    this.setNotice('');
    // A detached element keeps nothing: engine, streams (downloads aborted), textures and the device.
    void this.queue.enqueue(() => this.teardown({ releaseDevice: true }));
  }

  override updated(changed: PropertyValues<this>): void {
    const had = (k: string) => changed.has(k as keyof DydcaPlayer);
    if (had('src') && this.src) { this.loadedAt = performance.now(); this._stats = emptyStats(this._stats.engine); this.reload(); }
    else if (had('engine') && changed.get('engine' as keyof DydcaPlayer) !== undefined && this.pipeline) this.startEngine(this.generation);
    if (had('overlay') && this.overlay !== 'psnr') {
      this.pipeline?.psnr.close(); // hr.mp4 is streamed only for the PSNR overlay; its failure goes with it
      if (this.errorFromOverlay) { this.errorMessage = ''; this.errorFromOverlay = false; }
    }
    if ((had('compare') || had('overlay') || had('split') || had('lens')) && !this.isPlaying) this.reshow();
  }

  play(): void {
    if (!this.playback) { this.playAfterReady = true; return; }
    this.playback.play();
    this.tickle++;
  }

  pause(): void { this.playAfterReady = false; this.playback?.pause(); this.tickle++; }

  /** The nearest frame to `seconds` (clamped); playing continues from there. Non-finite times throw (docs/player.md). */
  seek(seconds: number): Promise<void> {
    if (typeof seconds !== 'number' || !Number.isFinite(seconds)) {
      throw new TypeError(`seek(${typeof seconds === 'string' ? JSON.stringify(seconds) : String(seconds)}): the time must be a finite number of seconds from the start`);
    }
    if (!this.playback) { this.pendingSeek = seconds; return Promise.resolve(); }
    const index = this.playback.clock.frameAtTime(seconds);
    const token = ++this.seekToken;
    return this.queue.enqueue(async () => { if (token === this.seekToken) await this.renderFrame(index); }, { resolveOnLoss: true });
  }

  /** Test hook: RGBA8 pixels of the last SR frame (`sr`), the last bicubic (`bicubic`) or the HR reference (`hr`). */
  async readFrame(which: 'sr' | 'bicubic' | 'hr' = 'sr'): Promise<Uint8Array> {
    let out: Uint8Array = new Uint8Array();
    await this.queue.enqueue(async () => { if (!this.pipeline) throw new Error('player not ready'); out = await this.pipeline.read(which); });
    return out;
  }

  /** Test hook: the current engine on given LR pixels (RGBA8, the pack's LR size) with frame `layoutOf`'s patches. */
  async superResolve(rgba: Uint8Array<ArrayBuffer>, layoutOf = 0): Promise<Uint8Array> {
    let out: Uint8Array = new Uint8Array();
    await this.queue.enqueue(async () => {
      const { pipeline, pack } = this, engine = this.engines.engine;
      if (!pipeline || !engine || !pack) throw new Error('player not ready');
      pipeline.writeLr(rgba);
      await pipeline.srChunk(engine, pack.layouts[layoutOf]);
      out = await pipeline.read('sr');
    });
    return out;
  }

  /** Shows the current frame again with the new view (SR is not recomputed when it is there). */
  reshow(): void {
    if (this.reshowQueued || !this.pipeline) return;
    this.reshowQueued = true;
    void this.queue.enqueue(async () => {
      this.reshowQueued = false;
      const p = this.pipeline, f = this._stats.frame;
      if (!p || f < 0 || this.isPlaying) return;
      if (p.srFrame === f) this.shown(await p.show(f, 'sr', this.ui.options()), null); else await this.renderFrame(f);
    });
  }

  private reload(): void {
    const generation = ++this.generation;
    const wasPlaying = this.isPlaying || this.playAfterReady || this.autoplay;
    this.ready = false;
    this.playback?.pause();
    this.errorMessage = '';
    void this.queue.enqueue(async () => {
      await this.teardown();
      try { await this.open(generation); } catch (e) {
        if (generation === this.generation) await this.teardown(); // a failed load keeps nothing it allocated
        throw e;
      }
      if (generation !== this.generation) return;
      this.startEngine(generation);
      if (wasPlaying) queueMicrotask(() => this.play());
    });
  }

  /** The poster: manifest, device, LR stream and the first frame with bicubic, before the model is even fetched. */
  private async open(generation: number): Promise<void> {
    const policy = { allowedOrigins: parseAllowedOrigins(this.allowedOrigins), maxTextureSize: this.gpu?.device.limits.maxTextureDimension2D ?? 8192 };
    const recovering = this.recovery?.state === 'recovering' && this.head?.manifestUrl === this.src;
    const head = recovering ? this.head! : await openPack(this.src, policy, (w, l, t) => this.downloading(w, l, t));
    if (generation !== this.generation) return;
    if (!recovering) this.pack = null;
    this.head = head;
    const m = head.manifest;
    if (!this.gpu) {
      this.statusText = 'starting WebGPU';
      // Probe before the player's device exists; a canvas keeps its first context type, so decide once per element.
      if (typeof navigator !== 'undefined' && navigator.gpu) this.presentMode ??= (await webgpuCanvasBreaksReadback()) ? 'readback' : 'webgpu-canvas';
      this.gpu = await acquireGpu({ maxTextureSize: Math.max(m.hr.width, m.hr.height) });
      this.watchDevice(this.gpu);
    }
    this.statusText = 'opening the video stream';
    this.pipeline = await FramePipeline.open(this.gpu.device, head, this.canvas()!, this.presentMode ?? 'webgpu-canvas');
    this.pipeline.layouts = async (i) => (await this.body()).layouts[i];
    this.playback = new PlaybackLoop({
      pipeline: () => this.pipeline, engine: () => this.engines.engine, view: () => this.ui.options(),
      layout: async (i) => (await this.body()).layouts[i], enqueue: (job) => this.queue.enqueue(job),
      shown: (f, sr) => this.shown(f, sr), waitForEverySrFrame: () => this.waitForSr,
      ended: () => { this.tickle++; this.dispatchEvent(new CustomEvent('ended')); },
    }, m.fps, m.frames);
    const start = this.pendingSeek !== null ? this.playback.clock.frameAtTime(this.pendingSeek) : Math.min(Math.max(0, this._stats.frame), m.frames - 1);
    this.pendingSeek = null;
    this.statusText = `decoding frame ${start}`;
    this.playback.moveTo(start);
    this.shown(await this.pipeline.show(start, 'bicubic', this.ui.options()), null);
    this.dispatchEvent(new CustomEvent('poster', { detail: { manifest: m } }));
  }

  private downloading(what: string, loaded: number, total: number | null): void {
    if (this.engines.engine) return;
    this.statusText = `downloading ${what}: ${formatBytes(loaded)}${total ? ` of ${formatBytes(total)}` : ''}`;
    this.progress = total ? loaded / total : null;
  }

  /** patches.json and the model: fetched once per pack, after the poster. */
  private body(): Promise<LoadedPack> {
    const head = this.head!;
    if (this.pack?.manifestUrl === head.manifestUrl) return Promise.resolve(this.pack);
    this.bodyLoad ??= loadPackBody(head, (w, l, t) => this.downloading(w, l, t))
      .then((p) => { if (this.head === head) this.pack = p; return p; }).finally(() => { this.bodyLoad = null; });
    return this.bodyLoad;
  }

  /** Prepares the selected engine while frames play on with bicubic, and installs it when ready. */
  private startEngine(generation: number): void {
    const name = this.engine;
    let epoch = -1;
    const live = () => generation === this.generation && this.engines.current(epoch);
    void (async () => {
      epoch = this.engines.begin(name);
      await this.queue.enqueue(async () => { this.engines.release(); this.gpu?.tracker.resetPeak(); this.setNotice(''); });
      const pack = await this.body();
      if (!live() || !this.gpu) return;
      this.statusText = `compiling the ${name} engine`;
      this.progress = 0;
      const engine = await this.engines.prepare(epoch, name, this.gpu.device, pack.model, pack.modelUrl, (f, message) => {
        this.progress = f; this.statusText = `compiling the ${name} engine: ${message}`;
      });
      await this.queue.enqueue(async () => {
        if (!engine || !live()) { engine?.dispose(); return; }
        this.engines.engine = engine;
        this._stats = { ...this._stats, engine: engine.name };
        this.statusText = '';
        this.progress = null;
        if (!this.isPlaying) await this.renderFrame(Math.max(0, this._stats.frame));
        this.dispatchEvent(this.ready ? new CustomEvent('enginechange', { detail: { engine: name } }) : new CustomEvent('ready', { detail: { manifest: pack.manifest } }));
        this.ready = true;
        if (this.recovery?.state === 'recovering') this.recovered();
        if (this.playAfterReady) { this.playAfterReady = false; this.play(); }
      });
    })().catch((e: unknown) => { if (generation === this.generation) void this.queue.enqueue(() => Promise.reject(e)); });
  }

  /** Frame `index` with SR when an engine is ready (whole, however long it takes), else with bicubic. */
  private async renderFrame(index: number): Promise<void> {
    const { pipeline, playback } = this, engine = this.engines.engine, generation = this.generation;
    if (!pipeline || !playback) return;
    const result = engine ? await pipeline.superResolve(index, engine, (await this.body()).layouts[index]) : null;
    if (generation !== this.generation) return;
    const shown = await pipeline.show(index, engine ? 'sr' : 'bicubic', this.ui.options());
    playback.moveTo(index);
    this.shown(shown, result);
  }

  private shown(f: ShownFrame, sr: FrameResult | null): void {
    const now = performance.now(), s = this._stats, t = this.gpu?.tracker, isSr = f.kind === 'sr';
    this.presentedAt = [...this.presentedAt.filter((x) => now - x < 1000), now];
    this._stats = {
      ...s, frame: f.index, time: f.index / (this.head?.manifest.fps ?? 1), fps: this.presentedAt.length, srMs: sr ? sr.gpuMs ?? sr.wallMs : s.srMs,
      psnr: f.psnr, psnrBicubic: f.psnrBicubic, patches: this.pack?.layouts[f.index]?.length ?? 0, shown: f.kind,
      srFrames: s.srFrames + (isSr ? 1 : 0), bicubicFrames: s.bicubicFrames + (isSr ? 0 : 1), startupMs: s.startupMs ?? (isSr ? now - this.loadedAt : null),
      peakGpuBytes: t?.peak ?? 0, liveGpuBytes: t?.live ?? 0, liveGpuObjects: t?.liveObjects ?? 0,
    };
    if (this.overlay === 'psnr' && this.pipeline?.psnr.missing) this.setNotice(this.pipeline.psnr.missing);
    this.dispatchEvent(new CustomEvent('frame', { detail: this.stats }));
  }

  /** Device loss: re-create device and engine and resume at the frame shown (device-loss.ts says when not to). */
  private watchDevice(gpu: PlayerGpu): void {
    void gpu.device.lost.then((info) => {
      if (this.gpu !== gpu || !this.isConnected) return; // teardown lets go of the device before destroying it
      this.gpu = null;
      const frame = Math.max(0, this._stats.frame), reason = info.message || info.reason, w = REPEATED_LOSS_WINDOW_MS / 1000;
      const d = onDeviceLoss(this.recovery, performance.now(), this.engine === 'bicubic');
      if (d.action === 'fail') {
        this.recovery = null;
        this.generation++;
        this.playback?.pause();
        this.fail(new Error(`The GPU device was lost ${d.losses} times within ${w} s (last: ${reason}), even on the bicubic engine. Reload the page; if it keeps happening, update the GPU driver or use another browser.`));
        return;
      }
      if (d.action === 'fallback') this.engine = 'bicubic';
      this.recovery = { state: 'recovering', losses: d.losses };
      this.setNotice(d.action === 'fallback'
        ? `GPU device lost again within ${w} s (${reason}); continuing with the bicubic engine (no super-resolution). Pick an engine to try it again.`
        : `GPU device lost (${reason}); re-creating it and resuming at frame ${frame}`);
      this.dispatchEvent(new CustomEvent('devicelost', { detail: { message: reason, frame, fallback: d.action === 'fallback' ? 'bicubic' : null } }));
      this.reload();
    });
  }

  private recovered(): void {
    const losses = this.recovery?.losses ?? 1;
    this.recovery = { state: 'resumed', at: performance.now(), losses };
    if (this.engine === 'bicubic' && losses > 1) this.dispatchEvent(new CustomEvent('enginechange', { detail: { engine: this.engine } }));
    else this.setNotice(`The GPU device was lost and re-created; resumed at frame ${this._stats.frame}`, 'fade');
  }

  private setNotice(text: string, lifetime: 'keep' | 'fade' = 'keep'): void {
    if (this.noticeTimer !== null) clearTimeout(this.noticeTimer);
    this.noticeTimer = null;
    this.notice = text;
    if (text && lifetime === 'fade') this.noticeTimer = setTimeout(() => { this.noticeTimer = null; this.notice = ''; }, 8_000);
  }

  private async teardown(opts: { releaseDevice?: boolean } = {}): Promise<void> {
    this.playback?.pause();
    this.engines.supersede();
    this.engines.release();
    this.pipeline?.dispose(); this.pipeline = null;
    if (!this.gpu) return;
    await this.gpu.device.queue.onSubmittedWorkDone().catch(() => undefined);
    this.gpu.tracker.resetPeak();
    if (opts.releaseDevice) {
      const { device } = this.gpu;
      this.gpu = null; // first, so watchDevice does not take this for a loss
      device.destroy();
    }
  }

  private fail(e: unknown): void {
    const message = e instanceof Error ? e.message : String(e);
    this.playback?.pause();
    this.statusText = '';
    this.progress = null;
    this.errorMessage = message;
    this.errorFromOverlay = e instanceof PsnrOverlayError;
    this.dispatchEvent(new CustomEvent('error', { detail: { message }, composed: true }));
  }
}

if (!customElements.get('dydca-player')) customElements.define('dydca-player', DydcaPlayer);

declare global {
  interface HTMLElementTagNameMap { 'dydca-player': DydcaPlayer }
}
