// <dydca-player>: streams a pack and super-resolves it on the GPU. The element wires the parts: pack-loader (what
// is fetched), FramePipeline (how a frame gets on screen), PlaybackLoop (which frame, on the video's clock),
// WorkQueue + device-loss (GPU work in order, recovery), player-controls (what the viewer touches).
import { LitElement, html, css, type PropertyValues } from 'lit';
import { createEngine } from '../runtime/create-engine.js';
import { ENGINE_NAMES, isEngineName, type EngineName, type SREngine } from '../runtime/engine.js';
import type { GpuMemoryTracker } from '../runtime/gpu-memory.js';
import { acquireGpu, type PlayerGpu } from './gpu-device.js';
import { loadPackBody, openPack, parseAllowedOrigins, type LoadedPack, type PackHead } from './pack-loader.js';
import type { LensView, PresentMode } from './frame-presenter.js';
import { webgpuCanvasBreaksReadback } from './canvas-readback-probe.js';
import { FramePipeline, type ShownFrame, type ViewOptions } from './frame-pipeline.js';
import { PlaybackLoop } from './playback-loop.js';
import { WorkQueue } from './work-queue.js';
import { onDeviceLoss, REPEATED_LOSS_WINDOW_MS, type LossState } from './device-loss.js';
import { PsnrOverlayError } from './psnr-overlay.js';
import { controlsStyles, controlsTemplate, keyAction, OVERLAYS, type PlayerAction } from './player-controls.js';
import { emptyStats, formatBytes, type PlayerStats } from './player-stats.js';
import type { FrameResult } from '../runtime/engine.js';

export type { PlayerStats };
export type OverlayMode = (typeof OVERLAYS)[number];

const NOTICE_MS = 8_000;

export class DydcaPlayer extends LitElement {
  static override properties = {
    src: { type: String, reflect: true }, engine: { type: String, reflect: true }, compare: { type: Boolean, reflect: true },
    overlay: { type: String, reflect: true }, split: { type: Number }, autoplay: { type: Boolean }, lens: { type: Boolean, reflect: true },
    waitForSr: { type: Boolean, attribute: 'wait-for-sr' }, controls: { type: Boolean }, allowedOrigins: { type: String, attribute: 'allowed-origins' },
    statusText: { state: true }, progress: { state: true }, errorMessage: { state: true }, notice: { state: true }, tickle: { state: true },
  };

  static override styles = [controlsStyles, css`
    :host { display: block; position: relative; background: #000; color: #eee; font: 14px system-ui, sans-serif; outline: none; }
    .stage { position: relative; touch-action: none; }
    canvas { display: block; width: 100%; height: auto; image-rendering: pixelated; }
    :host([compare]) canvas { cursor: ew-resize; } :host([lens]) canvas { cursor: zoom-in; }
    .status, .error { position: absolute; left: 0; right: 0; top: 0; padding: 12px; background: rgba(0, 0, 0, 0.75); }
    .error { color: #ff8080; border: 1px solid #ff4040; }
    .notice { position: absolute; left: 0; right: 0; bottom: 0; padding: 8px 12px; background: rgba(40, 30, 0, 0.85); color: #ffd966; }
    progress { width: 100%; }`];

  src = '/demo/manifest.json';
  engine: EngineName = 'compiled';
  compare = false;
  overlay: OverlayMode = 'none';
  /** extension: split line of `compare`, a fraction of the width (bicubic on its left); dragged on the canvas */
  split = 0.5;
  autoplay = false;
  /** extension: the zoom lens (bicubic | SR magnified around the pointer) */
  lens = false;
  /** extension: show every frame with SR, letting the video run slower than real time (analysis on slow machines) */
  waitForSr = false;
  /** extension: draw the element's own controls bar */
  controls = true;
  /** extension: origins besides the page's own the player may fetch a pack from (docs/player.md, Trust) */
  allowedOrigins = '';
  protected statusText = '';
  protected progress: number | null = null;
  protected errorMessage = '';
  protected notice = '';
  protected tickle = 0;

  private gpu: PlayerGpu | null = null;
  private head: PackHead | null = null;
  private pack: LoadedPack | null = null;
  private pipeline: FramePipeline | null = null;
  private srEngine: SREngine | null = null;
  private playback: PlaybackLoop | null = null;
  private presentMode: PresentMode | null = null;
  private readonly queue = new WorkQueue(() => this.gpu?.device ?? null, (e) => { if (this.isConnected) this.fail(e); });
  private generation = 0;
  /** bumped by every engine start: only the latest one installs its engine */
  private engineEpoch = 0;
  private ready = false;
  private playAfterReady = false;
  private loadedAt = 0;
  private lensAt: { x: number; y: number } | null = null;
  private dragging = false;
  private presentedAt: number[] = [];
  private noticeTimer: ReturnType<typeof setTimeout> | null = null;
  private recovery: LossState = null;
  private _stats: PlayerStats = emptyStats('compiled');
  private seekToken = 0;
  private pendingSeek: number | null = null;
  private errorFromOverlay = false;
  private reshowQueued = false;

  get stats(): PlayerStats {
    const t = this.gpu?.tracker;
    return { ...this._stats, dropped: this.playback?.dropped ?? 0, liveGpuBytes: t?.live ?? 0, liveGpuObjects: t?.liveObjects ?? 0 };
  }
  get isReady(): boolean { return this.ready; }
  get isPlaying(): boolean { return this.playback?.playing ?? false; }
  get manifest(): LoadedPack['manifest'] | null { return this.head?.manifest ?? null; }
  /** Test hooks: the current GPUDevice and its memory tracker (null while there is no device); lose the device. */
  get gpuDevice(): GPUDevice | null { return this.gpu?.device ?? null; }
  get gpuMemory(): GpuMemoryTracker | null { return this.gpu?.tracker ?? null; }
  simulateDeviceLoss(): void { this.gpu?.device.destroy(); }

  override render() {
    const m = this.head?.manifest;
    const s = this._stats;
    const badge = !m ? null : !this.srEngine ? { text: this.statusText ? 'bicubic (SR loading)' : 'bicubic', late: true }
      : s.shown === 'bicubic' && this.isPlaying ? { text: 'SR behind (bicubic)', late: true } : { text: `SR (${this.srEngine.name})`, late: false };
    return html`
      <div class="stage" @pointerdown=${this.pointerDown} @pointermove=${this.pointerMove} @pointerup=${() => { this.dragging = false; }}>
        <canvas part="canvas" width="320" height="180"></canvas>
        ${this.statusText && !this.errorMessage ? html`<div class="status" role="status">${this.statusText}
          ${this.progress !== null ? html`<progress max="1" .value=${this.progress}></progress>` : ''}</div>` : ''}
        ${this.errorMessage ? html`<div class="error" role="alert">${this.errorMessage}</div>` : ''}
        ${this.notice && !this.errorMessage ? html`<div class="notice" role="status">${this.notice}</div>` : ''}
      </div>
      ${this.controls && m ? controlsTemplate({ playing: this.isPlaying, frame: s.frame, frames: m.frames, fps: m.fps, compare: this.compare,
        lens: this.lens, overlay: this.overlay, badge }, (a) => this.act(a), (f) => void this.seek(f / m.fps)) : ''}`;
  }

  override connectedCallback(): void {
    super.connectedCallback();
    if (!this.hasAttribute('tabindex')) this.tabIndex = 0;
    this.addEventListener('keydown', this.onKey);
    if (this.hasUpdated && this.src && !this.ready) this.reload(); // re-appended after a removal
  }

  override disconnectedCallback(): void {
    super.disconnectedCallback();
    this.removeEventListener('keydown', this.onKey);
    this.generation++;
    this.ready = false;
    this.playAfterReady = false;
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
      this.pipeline?.psnr.close(); // hr.mp4 is streamed only for the PSNR overlay
      if (this.errorFromOverlay) { this.errorMessage = ''; this.errorFromOverlay = false; }
    }
    if ((had('compare') || had('overlay') || had('split') || had('lens')) && !this.isPlaying) this.reshow();
  }

  play(): void {
    if (!this.pipeline || !this.playback) { this.playAfterReady = true; return; }
    this.playback.play();
    this.tickle++;
  }

  pause(): void { this.playAfterReady = false; this.playback?.pause(); this.tickle++; }

  /**
   * Shows the nearest frame to `seconds` (clamped to the video); playing continues from there. Anything but a finite
   * number throws a TypeError. Before the pack is open the time is kept. Resolves when shown or superseded.
   */
  seek(seconds: number): Promise<void> {
    if (typeof seconds !== 'number' || !Number.isFinite(seconds)) {
      throw new TypeError(`seek(${typeof seconds === 'string' ? JSON.stringify(seconds) : String(seconds)}): the time must be a finite number of seconds from the start`);
    }
    const playback = this.playback;
    if (!this.pipeline || !playback) { this.pendingSeek = seconds; return Promise.resolve(); }
    const index = playback.clock.frameAtTime(seconds);
    const token = ++this.seekToken;
    return this.queue.enqueue(async () => {
      if (token === this.seekToken) await this.renderFrame(index);
    }, { resolveOnLoss: true });
  }

  /** Test hook: RGBA8 pixels of the last SR frame (`sr`), the last bicubic (`bicubic`) or the HR reference (`hr`). */
  async readFrame(which: 'sr' | 'bicubic' | 'hr' = 'sr'): Promise<Uint8Array> {
    let out: Uint8Array = new Uint8Array();
    await this.queue.enqueue(async () => {
      if (!this.pipeline) throw new Error('player not ready');
      out = await this.pipeline.read(which);
    });
    return out;
  }

  /** Test hook: run the current engine on a given LR frame (RGBA8, the pack's LR size) with frame `layoutOf`'s patches. */
  async superResolve(rgba: Uint8Array<ArrayBuffer>, layoutOf = 0): Promise<Uint8Array> {
    let out: Uint8Array = new Uint8Array();
    await this.queue.enqueue(async () => {
      const { pipeline, srEngine, pack } = this;
      if (!pipeline || !srEngine || !pack) throw new Error('player not ready');
      pipeline.writeLr(rgba);
      await pipeline.srChunk(srEngine, pack.layouts[layoutOf]);
      out = await pipeline.read('sr');
    });
    return out;
  }

  private act(a: PlayerAction): void {
    const m = this.head?.manifest;
    switch (a.kind) {
      case 'toggle-play': if (this.isPlaying) this.pause(); else this.play(); break;
      case 'step': this.pause(); if (m) void this.seek(Math.max(0, this._stats.frame + a.frames) / m.fps); break;
      case 'engine': this.engine = a.engine; break;
      case 'toggle-compare': this.compare = !this.compare; break;
      case 'cycle-overlay': this.overlay = OVERLAYS[(OVERLAYS.indexOf(this.overlay) + 1) % OVERLAYS.length]; break;
      case 'toggle-lens': this.lens = !this.lens; break;
      case 'fullscreen': if (document.fullscreenElement) void document.exitFullscreen(); else void this.requestFullscreen?.().catch(() => undefined); break;
    }
    this.dispatchEvent(new CustomEvent('viewchange', { detail: { engine: this.engine, compare: this.compare, overlay: this.overlay, lens: this.lens } }));
  }

  private onKey = (e: KeyboardEvent): void => {
    if (e.ctrlKey || e.metaKey || e.altKey || (e.composedPath()[0] as HTMLElement)?.tagName === 'INPUT') return;
    const a = keyAction(e.key);
    if (!a) return;
    e.preventDefault();
    this.act(a);
  };

  /** Compare: drag the split line. Lens: the magnified region follows the pointer. */
  private pointerDown = (e: PointerEvent): void => {
    if (!this.compare || (e.target as HTMLElement).tagName !== 'CANVAS') return;
    this.dragging = true;
    (e.currentTarget as HTMLElement).setPointerCapture(e.pointerId);
    this.pointerMove(e);
  };

  private pointerMove = (e: PointerEvent): void => {
    const canvas = this.renderRoot.querySelector('canvas');
    if (!canvas) return;
    const box = canvas.getBoundingClientRect();
    const fx = Math.min(1, Math.max(0, (e.clientX - box.left) / box.width));
    if (this.dragging) this.split = fx;
    if (this.lens) { this.lensAt = { x: fx * canvas.width, y: Math.min(1, Math.max(0, (e.clientY - box.top) / box.height)) * canvas.height }; if (!this.isPlaying) this.reshow(); }
  };

  private view(): ViewOptions {
    const c = this.renderRoot.querySelector('canvas');
    const w = c?.width ?? 0, h = c?.height ?? 0;
    const size = Math.max(16, Math.round(Math.min(w / 4, h / 2.5)));
    const lens: LensView | null = this.lens ? { x: this.lensAt?.x ?? w / 2, y: this.lensAt?.y ?? h / 2, size, zoom: 4 } : null;
    return { compare: this.compare, split: this.split, overlay: this.overlay, lens };
  }

  /** Shows the current frame again with the new view (SR is not recomputed when it is there). */
  private reshow(): void {
    if (this.reshowQueued || !this.pipeline) return;
    this.reshowQueued = true;
    void this.queue.enqueue(async () => {
      this.reshowQueued = false;
      const p = this.pipeline;
      const f = this._stats.frame;
      if (!p || f < 0 || this.isPlaying) return;
      if (p.srFrame === f) this.shown(await p.show(f, 'sr', this.view()), null); else await this.renderFrame(f);
    });
  }

  private reload(): void {
    const generation = ++this.generation;
    this.ready = false;
    const wasPlaying = this.isPlaying || this.playAfterReady || this.autoplay;
    this.playback?.pause();
    this.errorMessage = '';
    void this.queue.enqueue(async () => {
      await this.teardown();
      try {
        await this.open(generation);
      } catch (e) {
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
    const progress = (what: string, loaded: number, total: number | null) => {
      this.statusText = `downloading ${what}: ${formatBytes(loaded)}${total ? ` of ${formatBytes(total)}` : ''}`;
      this.progress = total ? loaded / total : null;
    };
    const policy = { allowedOrigins: parseAllowedOrigins(this.allowedOrigins), maxTextureSize: this.gpu?.device.limits.maxTextureDimension2D ?? 8192 };
    const recovering = this.recovery?.state === 'recovering' && this.head?.manifestUrl === this.src;
    const head = recovering ? this.head! : await openPack(this.src, policy, progress);
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
    this.pipeline = await FramePipeline.open(this.gpu.device, head, this.renderRoot.querySelector('canvas')!, this.presentMode ?? 'webgpu-canvas');
    this.pipeline.layouts = async (i) => (await this.body()).layouts[i];
    this.playback = new PlaybackLoop(this.playbackHost(), m.fps, m.frames);
    const start = this.pendingSeek !== null ? this.playback.clock.frameAtTime(this.pendingSeek) : Math.min(Math.max(0, this._stats.frame), m.frames - 1);
    this.pendingSeek = null;
    this.statusText = `decoding frame ${start}`;
    this.playback.moveTo(start);
    this.shown(await this.pipeline.show(start, 'bicubic', this.view()), null);
    this.dispatchEvent(new CustomEvent('poster', { detail: { manifest: m } }));
  }

  private playbackHost() {
    return {
      pipeline: () => this.pipeline, engine: () => this.srEngine, view: () => this.view(),
      layout: async (i: number) => (await this.body()).layouts[i],
      enqueue: (job: () => Promise<void>) => this.queue.enqueue(job),
      shown: (f: ShownFrame, sr: FrameResult | null) => this.shown(f, sr),
      ended: () => { this.tickle++; this.dispatchEvent(new CustomEvent('ended')); },
      waitForEverySrFrame: () => this.waitForSr,
    };
  }

  private bodyPromise: Promise<LoadedPack> | null = null;
  /** patches.json and the model: fetched once per pack, after the poster. */
  private body(): Promise<LoadedPack> {
    const head = this.head!;
    if (this.pack?.manifestUrl === head.manifestUrl) return Promise.resolve(this.pack);
    this.bodyPromise ??= loadPackBody(head, (what, loaded, total) => {
      if (!this.srEngine) this.statusText = `downloading ${what}: ${formatBytes(loaded)}${total ? ` of ${formatBytes(total)}` : ''}`;
    }).then((p) => { if (this.head === head) this.pack = p; return p; }).finally(() => { this.bodyPromise = null; });
    return this.bodyPromise;
  }

  /** Prepares the selected engine while frames play on with bicubic; installs it when ready (the latest start wins). */
  private startEngine(generation: number): void {
    const epoch = ++this.engineEpoch;
    const name = this.engine;
    const live = () => generation === this.generation && epoch === this.engineEpoch;
    void (async () => {
      if (!isEngineName(name)) throw new Error(`unknown engine '${name}'; use one of ${ENGINE_NAMES.join(', ')}`);
      await this.queue.enqueue(async () => { this.srEngine?.dispose(); this.srEngine = null; this.gpu?.tracker.resetPeak(); this.setNotice(''); });
      const pack = await this.body();
      if (!live() || !this.gpu) return;
      this.statusText = `compiling the ${name} engine`;
      this.progress = 0;
      const engine = await createEngine(name, this.gpu.device, pack.model);
      try {
        await engine.prepare((fraction, message) => { if (live()) { this.progress = fraction; this.statusText = `compiling the ${name} engine: ${message}`; } });
      } catch (e) {
        engine.dispose();
        throw new Error(`The ${name} engine cannot use the model ${pack.modelUrl}: ${e instanceof Error ? e.message : String(e)}`);
      }
      await this.queue.enqueue(async () => {
        if (!live()) { engine.dispose(); return; }
        this.srEngine = engine;
        this._stats = { ...this._stats, engine: name };
        this.statusText = '';
        this.progress = null;
        if (!this.isPlaying) await this.renderFrame(Math.max(0, this._stats.frame));
        const first = !this.ready;
        this.ready = true;
        if (first) this.dispatchEvent(new CustomEvent('ready', { detail: { manifest: pack.manifest } }));
        else this.dispatchEvent(new CustomEvent('enginechange', { detail: { engine: name } }));
        if (this.recovery?.state === 'recovering') this.recovered();
        if (this.playAfterReady) { this.playAfterReady = false; this.play(); }
      });
    })().catch((e: unknown) => { if (live()) this.queue.enqueue(() => Promise.reject(e)); });
  }

  /** Shows frame `index` with SR when an engine is ready (whole, however long it takes), else with bicubic. */
  private async renderFrame(index: number): Promise<void> {
    const { pipeline, srEngine, playback } = this;
    if (!pipeline || !playback) return;
    const generation = this.generation;
    let result: FrameResult | null = null;
    if (srEngine) result = await pipeline.superResolve(index, srEngine, (await this.body()).layouts[index]);
    if (generation !== this.generation) return;
    const shown = await pipeline.show(index, srEngine ? 'sr' : 'bicubic', this.view());
    playback.moveTo(index);
    this.shown(shown, result);
  }

  private shown(f: ShownFrame, sr: FrameResult | null): void {
    const now = performance.now();
    this.presentedAt = [...this.presentedAt.filter((t) => now - t < 1000), now];
    const s = this._stats;
    const gpu = this.gpu;
    const sr1 = f.kind === 'sr';
    this._stats = {
      ...s, frame: f.index, time: f.index / (this.head?.manifest.fps ?? 1), fps: this.presentedAt.length, srMs: sr ? sr.gpuMs ?? sr.wallMs : s.srMs,
      psnr: f.psnr, psnrBicubic: f.psnrBicubic, patches: this.pack?.layouts[f.index]?.length ?? 0, shown: f.kind,
      srFrames: s.srFrames + (sr1 ? 1 : 0), bicubicFrames: s.bicubicFrames + (sr1 ? 0 : 1),
      startupMs: s.startupMs ?? (sr1 ? now - this.loadedAt : null),
      peakGpuBytes: gpu?.tracker.peak ?? 0, liveGpuBytes: gpu?.tracker.live ?? 0, liveGpuObjects: gpu?.tracker.liveObjects ?? 0,
    };
    if (this.overlay === 'psnr' && this.pipeline?.psnr.missing) this.setNotice(this.pipeline.psnr.missing);
    this.dispatchEvent(new CustomEvent('frame', { detail: this.stats }));
  }

  /** Device loss: re-create device and engine, resume at the frame shown; repeated losses: bicubic, then an error. */
  private watchDevice(gpu: PlayerGpu): void {
    void gpu.device.lost.then((info) => {
      if (this.gpu !== gpu || !this.isConnected) return; // teardown lets go of the device before destroying it
      this.gpu = null;
      const frame = Math.max(0, this._stats.frame);
      const reason = info.message || info.reason;
      const d = onDeviceLoss(this.recovery, performance.now(), this.engine === 'bicubic');
      if (d.action === 'fail') {
        this.recovery = null;
        this.generation++;
        this.playback?.pause();
        this.fail(new Error(`The GPU device was lost ${d.losses} times within ${REPEATED_LOSS_WINDOW_MS / 1000} s (last: ${reason}), even on the bicubic engine. Reload the page; if it keeps happening, update the GPU driver or use another browser.`));
        return;
      }
      if (d.action === 'fallback') this.engine = 'bicubic';
      this.recovery = { state: 'recovering', losses: d.losses };
      this.setNotice(d.action === 'fallback'
        ? `GPU device lost again within ${REPEATED_LOSS_WINDOW_MS / 1000} s (${reason}); continuing with the bicubic engine (no super-resolution). Pick an engine to try it again.`
        : `GPU device lost (${reason}); re-creating it and resuming at frame ${frame}`);
      this.dispatchEvent(new CustomEvent('devicelost', { detail: { message: reason, frame, fallback: d.action === 'fallback' ? 'bicubic' : null } }));
      this.reload();
    });
  }

  private recovered(): void {
    const losses = this.recovery?.losses ?? 1;
    this.recovery = { state: 'resumed', at: performance.now(), losses };
    if (this.engine !== 'bicubic' || losses < 2) this.setNotice(`The GPU device was lost and re-created; resumed at frame ${this._stats.frame}`, 'fade');
  }

  private setNotice(text: string, lifetime: 'keep' | 'fade' = 'keep'): void {
    if (this.noticeTimer !== null) clearTimeout(this.noticeTimer);
    this.noticeTimer = null;
    this.notice = text;
    if (text && lifetime === 'fade') this.noticeTimer = setTimeout(() => { this.noticeTimer = null; this.notice = ''; }, NOTICE_MS);
  }

  private async teardown(opts: { releaseDevice?: boolean } = {}): Promise<void> {
    this.playback?.pause();
    this.engineEpoch++;
    this.srEngine?.dispose(); this.srEngine = null;
    this.pipeline?.dispose(); this.pipeline = null;
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
