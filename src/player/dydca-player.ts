// <dydca-player>: streams a pack and super-resolves it on the GPU. The element holds the properties, what is drawn
// (canvas, status, error, notice, controls) and the stats; PlayerSession does the work (docs/architecture.md).
import { LitElement, html, type PropertyValues } from 'lit';
import type { EngineName, FrameResult } from '../runtime/engine.js';
import type { GpuMemoryTracker } from '../runtime/gpu-memory.js';
import type { LoadedPack } from './pack-loader.js';
import type { ShownFrame } from './frame-pipeline.js';
import { PsnrOverlayError } from './psnr-overlay.js';
import { controlsTemplate, type OVERLAYS } from './player-controls.js';
import { emptyStats, type PlayerStats } from './player-stats.js';
import { SrThroughput } from './real-time-forecast.js';
import { PlayerView } from './player-view.js';
import { PlayerSession } from './player-session.js';
import { playerStyles } from './player-styles.js';
import { deviceSummary } from './device-summary.js';
import { reuseStats } from './reuse-stats.js';
import { psnrReadout, routeShares, viewLabelsTemplate } from './view-labels.js';
import { badgeFor, srViewHint, type Badge, type ShownState } from './shown-label.js';
import { isCompiledEngineName, optimizationList } from '../runtime/optimizations.js';
import { playerState, waitingWords, type PlayerState } from './stream-state.js';

export type { PlayerStats };
export type OverlayMode = (typeof OVERLAYS)[number];

export class DydcaPlayer extends LitElement {
  static override properties = {
    src: { type: String, reflect: true }, engine: { type: String, reflect: true }, optimizations: { type: String, reflect: true }, compare: { type: Boolean, reflect: true },
    overlay: { type: String, reflect: true }, split: { type: Number }, autoplay: { type: Boolean }, lens: { type: Boolean, reflect: true },
    waitForSr: { type: Boolean, attribute: 'wait-for-sr' }, controls: { type: Boolean }, allowedOrigins: { type: String, attribute: 'allowed-origins' },
    rendition: { type: String, reflect: true }, tier: { type: String, reflect: true },
    statusText: { state: true }, progress: { state: true }, errorMessage: { state: true }, noticeText: { state: true }, tickle: { state: true },
  };
  static override styles = playerStyles;

  src = '/demo/manifest.json';
  engine: EngineName = 'compiled';
  /** the compiled engines' optimizations: `all`, `none` or a comma list of names (src/runtime/optimizations.ts); '' = the engine's preset */
  optimizations = '';
  compare = false;
  overlay: OverlayMode = 'none';
  /** split line of `compare`, a fraction of the width (bicubic on its left); dragged on the canvas */
  split = 0.5;
  autoplay = false;
  /** the zoom lens: bicubic | SR magnified around the pointer */
  lens = false;
  /** show every frame with SR, letting the video run slower than real time (analysis on slow machines) */
  waitForSr = false;
  /** draw the element's own controls bar */
  controls = true;
  /** origins besides the page's own the player may fetch a pack from (docs/player.md, Trust) */
  allowedOrigins = '';
  /** a bitrate ladder's rung: "auto" (the SR-aware ABR) or an index into the manifest's renditions (docs/player.md, ABR) */
  rendition = 'auto';
  /** the model tier: "auto" (the richest that keeps real time here, by measured headroom) or an index into the manifest's tiers */
  tier = 'auto';
  protected statusText = '';
  protected progress: number | null = null;
  protected errorMessage = '';
  protected noticeText = '';
  protected tickle = 0;

  private readonly ui = new PlayerView(this);
  private readonly session = new PlayerSession(this);
  private loadedAt = 0;
  private presentedAt: number[] = [];
  private noticeTimer: ReturnType<typeof setTimeout> | null = null;
  private _stats: PlayerStats = emptyStats('compiled');
  private readonly throughput = new SrThroughput();
  private errorFromOverlay = false;
  private lastState: PlayerState = 'loading';
  /** SR time of the last whole SR frames of one engine, for stats.device */
  private srTimes: { engine: string; ms: number[] } = { engine: '', ms: [] };

  get stats(): PlayerStats {
    const t = this.session.gpu?.tracker; // read now: after a failed load or a removal it shows what is still held
    return { ...this._stats, dropped: this.session.playback?.dropped ?? 0, liveGpuBytes: t?.live ?? 0, liveGpuObjects: t?.liveObjects ?? 0,
      badge: this.badge()?.text ?? null, state: this.state, bufferedSeconds: this.session.bufferedSeconds(), bytesFetched: this.session.net.bytesFetched,
      bandwidthKbps: this.session.abr?.bandwidthKbps ?? null };
  }
  /** What the player is doing (stats.state). */
  get state(): PlayerState {
    const session = this.session;
    return playerState({ error: this.errorMessage !== '', opened: this.session.opened, playing: session.isPlaying, buffering: session.isBuffering,
      offline: session.net.offline, ended: session.playback?.ended ?? false });
  }
  /** Words over the video: compare and lens sides, the patch-route legend, the PSNR readout (view-labels.ts). */
  private labels() {
    const m = this.manifest!, s = this._stats, c = this.canvas();
    return viewLabelsTemplate({
      width: c?.width ?? m.hr.width, height: c?.height ?? m.hr.height, split: this.compare ? this.split : null, lens: this.ui.options().lens,
      legend: this.overlay === 'patches' ? routeShares(this.session.layouts?.cached(s.frame) ?? [], m.model.paths, m.lr.width, m.lr.height) : null,
      psnr: this.overlay === 'psnr' ? psnrReadout(s.psnr, s.psnrBicubic) : null,
    });
  }
  /** What the frame on screen is, in words: the badge and `stats.badge` (one source). */
  private badge(): Badge | null { return this.manifest ? badgeFor(this.shownState()) : null; }
  private shownState(): ShownState {
    const s = this._stats;
    return { shown: s.shown, shownBy: s.shownBy, selected: this.engine,
      loading: this.session.engineLoading ?? (this.session.engines.engine ? null : ''), playing: this.isPlaying,
      tier: s.tier !== null && this.session.head ? { index: s.tier, count: this.session.head.tiers.length } : null,
      rung: s.rendition !== null && this.session.head ? { index: s.rendition, count: this.session.head.rungs.length, scale: this.session.head.rungs[s.rendition]?.manifest.scale ?? 0 } : null };
  }
  get isReady(): boolean { return this.session.ready; }
  get isPlaying(): boolean { return this.session.isPlaying; }
  get manifest(): LoadedPack['manifest'] | null { return this.session.head?.manifest ?? null; }
  /** Test hooks: the current GPUDevice and its memory tracker (null while there is none); lose the device. */
  get gpuDevice(): GPUDevice | null { return this.session.gpu?.device ?? null; }
  get gpuMemory(): GpuMemoryTracker | null { return this.session.gpu?.tracker ?? null; }
  simulateDeviceLoss(): void { this.session.gpu?.device.destroy(); }

  override render() {
    const m = this.manifest, s = this._stats, badge = this.badge();
    const hint = m && !this.errorMessage ? srViewHint(this, this.shownState()) : null;
    const waiting = waitingWords(this.state, this.session.bufferedSeconds(), this.session.net.state === 'retrying' ? this.session.net.lastProblem : null);
    return html`
      <div class="stage" @pointerdown=${this.ui.pointerDown} @pointermove=${this.ui.pointerMove} @pointerup=${this.ui.pointerUp}>
        <canvas part="canvas" width="320" height="180"></canvas>
        ${m ? this.labels() : ''}
        ${this.statusText && !this.errorMessage ? html`<div class="status" aria-live="polite">${this.statusText}
          ${this.progress !== null ? html`<progress max="1" .value=${this.progress}></progress>` : ''}</div>` : ''}
        ${this.errorMessage ? html`<div class="error" role="alert">${this.errorMessage}</div>` : ''}
        ${this.noticeText && !this.errorMessage ? html`<div class="notice" role="status">${this.noticeText}</div>` : ''}
        ${hint ? html`<div class="hint" part="hint">${hint}</div>` : ''}
        ${waiting && !this.errorMessage ? html`<div class="waiting" part="waiting" role="status" aria-live="polite"><span class="spinner" aria-hidden="true"></span>${waiting}</div>` : ''}
      </div>
      ${this.controls && m ? controlsTemplate({ playing: this.isPlaying, frame: s.frame, frames: m.frames, fps: m.fps, compare: this.compare,
        lens: this.lens, overlay: this.overlay, badge }, (a) => this.ui.act(a), (f) => void this.seek(f / m.fps)) : ''}`;
  }

  private readonly onNetwork = () => this.streamChanged();

  override connectedCallback(): void {
    super.connectedCallback();
    window.addEventListener('online', this.onNetwork);
    window.addEventListener('offline', this.onNetwork);
    if (!this.hasAttribute('tabindex')) this.tabIndex = 0;
    this.addEventListener('keydown', this.ui.onKey);
    if (this.hasUpdated && this.src && !this.isReady) this.session.reload(this.autoplay); // re-appended: at the frame it showed
  }

  override disconnectedCallback(): void {
    super.disconnectedCallback();
    window.removeEventListener('online', this.onNetwork);
    window.removeEventListener('offline', this.onNetwork);
    this.removeEventListener('keydown', this.ui.onKey);
    this.notice('');
    this.session.detach();
  }

  override updated(changed: PropertyValues<this>): void {
    const had = (k: string) => changed.has(k as keyof DydcaPlayer);
    if (had('src') && this.src) {
      this.loadedAt = performance.now();
      this._stats = emptyStats(this._stats.engine);
      this.errorMessage = '';
      this.session.reload(this.autoplay);
    } else if ((had('engine') && changed.get('engine' as keyof DydcaPlayer) !== undefined)
      || (had('optimizations') && changed.get('optimizations' as keyof DydcaPlayer) !== undefined && isCompiledEngineName(this.engine))) this.session.startEngine();
    if (had('overlay') && this.overlay !== 'psnr') {
      this.session.pipeline?.psnr.close(); // hr.mp4 is streamed only for the PSNR overlay; its failure goes with it
      if (this.errorFromOverlay) { this.errorMessage = ''; this.errorFromOverlay = false; }
    }
    if ((had('compare') || had('overlay') || had('split') || had('lens')) && !this.isPlaying) this.reshow();
    if (had('rendition')) this.session.renditionChanged();
    if (had('tier') && changed.get('tier' as keyof DydcaPlayer) !== undefined) this.session.tierChanged();
  }

  play(): void { this.session.play(); this.tickle++; this.noteState(); }
  pause(): void { this.session.pause(); this.session.refineAtRest(); this.tickle++; this.noteState(); }

  /**
   * Shows the nearest frame to `seconds` (clamped to the video); playing continues from there. Anything but a finite
   * number throws a TypeError. Before the pack is open the time is kept. Resolves when shown or superseded.
   */
  seek(seconds: number): Promise<void> {
    if (typeof seconds !== 'number' || !Number.isFinite(seconds)) {
      throw new TypeError(`seek(${typeof seconds === 'string' ? JSON.stringify(seconds) : String(seconds)}): the time must be a finite number of seconds from the start`);
    }
    return this.session.seek(seconds);
  }

  /**
   * Test hook: RGBA8 pixels of the last SR frame (`sr`), the last bicubic (`bicubic`) or the HR reference (`hr`): the
   * picture (hr.width x hr.height), as shown and measured, without a padded pack's padding; `coded`: the whole
   * coded frame (LR x scale) with it.
   */
  readFrame(which: 'sr' | 'bicubic' | 'hr' = 'sr', region: 'picture' | 'coded' = 'picture'): Promise<Uint8Array> {
    return this.session.withPipeline((p) => p.read(which, region));
  }

  /**
   * Test hook: the current engine (with model tiers: the running tier's) on given LR pixels (RGBA8, the pack's LR size) with frame `layoutOf`'s patches; the
   * whole output, the coded size (LR x scale, the padding included: the layout tiles the whole LR frame).
   */
  superResolve(rgba: Uint8Array<ArrayBuffer>, layoutOf = 0): Promise<Uint8Array> {
    return this.session.withPipeline(async (p) => {
      const engine = this.session.runningEngine();
      if (!engine) throw new Error('player not ready');
      p.writeLr(rgba);
      // every patch SR, whatever its mode: the engine's output on these pixels
      await p.srChunk(engine, (await this.session.layout(layoutOf)).map(({ x, y, w, h, path }) => ({ x, y, w, h, path })));
      return p.read('sr', 'coded');
    });
  }

  // ---- SessionHost and ViewHost: what the session and the view call back -------------------------------

  canvas(): HTMLCanvasElement | null { return this.renderRoot.querySelector('canvas'); }
  view() { return this.ui.options(); }
  currentFrame(): number { return this._stats.frame; }
  reshow(): void { this.session.reshow(); }
  shownIsSr(): boolean { return this._stats.shown === 'sr' && this._stats.shownBy === this.session.engines.engine?.name; }
  status(text: string, progress: number | null = null): void {
    this.statusText = text; this.progress = text ? progress : null;
    this.dispatchEvent(new CustomEvent('stats', { detail: this.stats })); // what loads changes the badge and GPU memory
  }
  emit(name: string, detail?: unknown): void { this.tickle++; this.dispatchEvent(new CustomEvent(name, { detail })); this.noteState(); }
  /** Buffering or the network changed: the page's words and `statechange` (detail = stats) follow. */
  streamChanged(): void { this.tickle++; this.noteState(); }
  private noteState(): void {
    const state = this.state;
    if (state !== this.lastState) { this.lastState = state; this.dispatchEvent(new CustomEvent('statechange', { detail: this.stats, bubbles: true, composed: true })); }
  }

  notice(text: string, lifetime: 'keep' | 'fade' = 'keep'): void {
    if (this.noticeTimer !== null) clearTimeout(this.noticeTimer);
    this.noticeTimer = null;
    this.noticeText = text;
    if (text && lifetime === 'fade') this.noticeTimer = setTimeout(() => { this.noticeTimer = null; this.noticeText = ''; }, 8_000);
  }

  shown(f: ShownFrame, sr: FrameResult | null): void {
    const now = performance.now(), s = this._stats, t = this.session.gpu?.tracker, isSr = f.kind === 'sr';
    const patches = this.session.layouts?.cached(f.index) ?? null, srMs = sr ? sr.gpuMs ?? sr.wallMs : s.srMs, installed = this.session.engines.engine;
    const engine = installed?.name ?? s.engine;
    // a ladder: the frame's rung (its model, scale and layout); tiers: the tier's model
    const rung = this.session.abr ? this.session.pipeline?.rungOf(f.index) ?? null : null;
    const model = this.session.modelHead(f.index)?.manifest ?? this.manifest;
    const tier = this.session.hasTiers ? this.session.tier : null;
    // GFLOP/s from the patches SR ran (a reuse map runs fewer than the layout lists)
    const ran = this.session.pipeline?.patchesRun(f.index, patches) ?? patches;
    this.presentedAt = [...this.presentedAt.filter((x) => now - x < 1000), now];
    if (sr && isSr && engine !== 'bicubic') {
      if (this.srTimes.engine !== engine) this.srTimes = { engine, ms: [] };
      this.srTimes.ms = [...this.srTimes.ms.slice(-7), srMs];
    }
    const gpu = this.session.gpu;
    const device = gpu && this.srTimes.engine === engine ? deviceSummary({ software: gpu.software, name: gpu.adapterInfo }, this.srTimes.ms, this.manifest?.fps ?? 1) : null;
    this._stats = {
      ...s, frame: f.index, time: f.index / (this.manifest?.fps ?? 1), fps: this.presentedAt.length, srMs,
      psnr: f.psnr, psnrBicubic: f.psnrBicubic, patches: patches?.length ?? 0, shown: f.kind, shownBy: isSr ? engine : null,
      engine, device, ...this.throughput.shown(this.manifest, engine, sr && ran ? { patches: ran, ms: srMs } : null, model), rendition: rung, tier,
      srFrames: s.srFrames + (isSr ? 1 : 0), bicubicFrames: s.bicubicFrames + (isSr ? 0 : 1), startupMs: s.startupMs ?? (isSr ? now - this.loadedAt : null),
      peakGpuBytes: t?.peak ?? 0, liveGpuBytes: t?.live ?? 0, liveGpuObjects: t?.liveObjects ?? 0,
      optimizations: installed?.optimizations ? optimizationList(installed.optimizations) : [], dispatches: installed?.dispatches ?? null,
      ...(model ? reuseStats(f, this.session.pipeline?.lastWork ?? null, patches, { paths: model.model.paths, scale: model.scale, halo: model.halo }) : {}),
    };
    const missing = this.overlay === 'psnr' ? this.session.pipeline?.psnr.missing : null;
    if (missing && this.noticeText !== missing) this.notice(missing);
    this.tickle++; // the controls bar shows the new time and badge
    this.dispatchEvent(new CustomEvent('frame', { detail: this.stats }));
    this.noteState();
  }

  fail(e: unknown): void {
    const message = e instanceof Error ? e.message : String(e);
    this.session.pause();
    this.status('');
    this.errorMessage = message;
    this.errorFromOverlay = e instanceof PsnrOverlayError;
    this.dispatchEvent(new CustomEvent('error', { detail: { message }, composed: true }));
    this.noteState();
  }
}

if (!customElements.get('dydca-player')) customElements.define('dydca-player', DydcaPlayer);

declare global {
  interface HTMLElementTagNameMap { 'dydca-player': DydcaPlayer }
}
