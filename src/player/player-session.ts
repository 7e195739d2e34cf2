// The player's work for one element, apart from the DOM: the pack (poster first, then the body), the GPU device and
// its recovery, the frame pipeline, the playback loop and the SR engine, all GPU work in one queue. The element
// (dydca-player.ts) owns the properties and what is drawn; it hears back through SessionHost.
import type { EngineName, FrameResult, SREngine } from '../runtime/engine.js';
import { acquireGpu, pagePresentMode, releaseGpu, type PlayerGpu } from './gpu-device.js';
import { isLadder, loadPackBody, openPack, packModel, parseAllowedOrigins, type LoadedPack, type PackHead } from './pack-loader.js';
import type { PresentMode } from './frame-presenter.js';
import { FramePipeline, type ShownFrame, type ViewOptions } from './frame-pipeline.js';
import { PlaybackLoop } from './playback-loop.js';
import { WorkQueue } from './work-queue.js';
import { onDeviceLoss, REPEATED_LOSS_WINDOW_MS, type LossState } from './device-loss.js';
import { formatBytes } from './player-stats.js';
import { EngineSlot } from './engine-slot.js';
import { isCompiledEngineName, parseOptimizations } from '../runtime/optimizations.js';
import { LadderLayouts, PatchLayoutSource, type FrameLayouts } from './patch-layout-source.js';
import { AbrController, parseRendition } from './abr-controller.js';
import { chooseTier, initialHysteresis, parseTier, type TierHysteresis } from './tier-choice.js';
import { frameGflop } from '../model/sr-cost.js';
import { realTimeForecast, type SrSample } from './real-time-forecast.js';
import type { PatchRect } from '../format/patch.js';
import { loadingWords } from './shown-label.js';
import { codedHrSize } from '../format/manifest.js';
import { NetworkFetcher } from './network-fetcher.js';
import { StreamClosed } from './video-frame-stream.js';

/** SR runs the tier choice and the ABR weigh this device's speed by (chunks and frames alike). */
const SR_SAMPLES = 30;

export interface SessionHost {
  readonly src: string;
  engine: EngineName;
  /** the compiled engines' optimizations: `all`, `none`, a comma list, or '' for the engine's preset */
  readonly optimizations: string;
  readonly allowedOrigins: string;
  /** a bitrate ladder's rung: "auto" (the ABR) or an index into the pack's renditions */
  readonly rendition: string;
  /** the model tier: "auto" (by measured headroom) or an index into the pack's tiers */
  readonly tier: string;
  readonly waitForSr: boolean;
  readonly isConnected: boolean;
  canvas(): HTMLCanvasElement | null;
  view(): ViewOptions;
  /** the frame on screen, -1 before the first */
  currentFrame(): number;
  status(text: string, progress?: number | null): void;
  notice(text: string, lifetime?: 'keep' | 'fade'): void;
  fail(e: unknown): void;
  emit(name: string, detail?: unknown): void;
  shown(frame: ShownFrame, sr: FrameResult | null): void;
  /** buffering started or ended, or the network's state changed: what the page says may change */
  streamChanged(): void;
  /** whether the frame on screen is the installed engine's SR (not bicubic, not another engine's) */
  shownIsSr(): boolean;
}

export class PlayerSession {
  gpu: PlayerGpu | null = null;
  head: PackHead | null = null;
  pack: LoadedPack | null = null;
  layouts: FrameLayouts | null = null;
  /** a bitrate ladder's ABR (null for a pack of one rendition) */
  abr: AbrController | null = null;
  /** model tiers: the tier SR runs now (an index into the pack's tiers; 0 without tiers) */
  tier = 0;
  private tierHysteresis: TierHysteresis = initialHysteresis();
  /** the last SR runs (model GFLOP, ms): this device's SR throughput, measured on whatever SR ran (chunks included) */
  private srSamples: SrSample[] = [];
  pipeline: FramePipeline | null = null;
  playback: PlaybackLoop | null = null;
  readonly engines = new EngineSlot();
  /** every segment, stream and layout fetched for this element: retries, stalls, offline, bytes */
  readonly net = new NetworkFetcher();
  /** a seek or a step waits for the video of frame `waitingFor` (null when none) */
  waitingFor: number | null = null;
  ready = false;
  /** the chosen engine is loading: what it is doing in a few words ('' before it says), else null (shown-label.ts) */
  engineLoading: string | null = null;
  private bodyLoad: Promise<LoadedPack> | null = null;
  private presentMode: PresentMode | null = null;
  private readonly queue: WorkQueue;
  /** bumped on every (re)load and removal so stale async work can tell it is stale */
  private generation = 0;
  private playAfterReady = false;
  private recovery: LossState = null;
  /** the last device loss switched to bicubic */
  private fellBack = false;
  private seekToken = 0;
  private pendingSeek: number | null = null;
  private reshowQueued = false;
  /** bumped when the frame at rest changes, playing starts or the engine changes: an at-rest SR in flight is dropped */
  private restToken = 0;

  constructor(private readonly host: SessionHost) {
    // a frame that waited on a stream closed meanwhile (another pack, removal) is not an error: nobody wants it
    this.queue = new WorkQueue(() => this.gpu?.device ?? null, (e) => { if (host.isConnected && !(e instanceof StreamClosed)) host.fail(e); });
    this.net.watch(() => host.streamChanged());
  }

  /** Waiting for video: playing has caught up with the download, or a seek waits for its segment. */
  get isBuffering(): boolean {
    const p = this.pipeline;
    return (this.playback?.buffering ?? false) || (this.waitingFor !== null && p !== null && !p.wantFrame(this.waitingFor, 'shown'));
  }

  /** The pack is open and its first frame shown (not while a pack loads). */
  get opened(): boolean { return this.pipeline !== null && this.playback !== null && this.posterShown; }
  private posterShown = false;

  /** Seconds of video ahead of the frame on screen that are here. */
  bufferedSeconds(): number { return this.pipeline ? this.pipeline.bufferedSeconds(Math.max(0, this.host.currentFrame())) : 0; }

  get isPlaying(): boolean { return this.playback?.playing ?? false; }

  /**
   * The installed engine while it is the chosen one: from a switch on, the old engine's SR is never shown. With a
   * ladder and `frame`: the engine of the frame's rung (null while its segment or its rung's engine is not here).
   */
  private chosenEngine(frame?: number): SREngine | null {
    const e = this.engines.engine;
    if (!e || e.name !== this.host.engine) return null;
    if (this.hasTiers) { const t = this.engines.tiers.get(this.tier) ?? null; return t && t.name === this.host.engine ? t : null; }
    if (!this.abr || frame === undefined) return e;
    const rung = this.pipeline?.rungOf(frame) ?? null;
    const r = rung === null ? null : this.engines.rungs.get(rung) ?? null;
    return r && r.name === this.host.engine ? r : null;
  }

  /** The pack has model tiers (and no ladder: a ladder's rungs carry one model each). */
  get hasTiers(): boolean { return !this.abr && (this.head?.tiers.length ?? 0) > 1; }

  /** The head whose model made (or would make) frame `frame`'s SR: its rung's, its tier's, or the pack's. */
  modelHead(frame: number): PackHead | null {
    const head = this.head;
    if (!head) return null;
    if (this.abr) { const r = this.pipeline?.rungOf(frame) ?? null; return r === null ? head : head.rungs[r] ?? head; }
    return this.hasTiers ? head.tiers[this.tier] ?? head : head;
  }

  private requestedTier(): 'auto' | number {
    try { return parseTier(this.host.tier, this.head?.tiers.length ?? 1); } catch { return 'auto'; }
  }

  /** The engine SR runs now on the frame SR works on (with model tiers: the running tier's), for the test hook. */
  runningEngine(): SREngine | null { return (this.hasTiers ? this.engines.tiers.get(this.tier) : null) ?? this.engines.engine; }

  /** This device's SR throughput, model GFLOP/s over the last SR runs (null before one). */
  srGflopsPerSecond(): number | null { return realTimeForecast(this.srSamples, { fps: 1 }).gflopsPerSecond; }

  /**
   * SR ran `patches` of frame `frame` in `ms` (GPU time where measured): a sample of this device's throughput, costed
   * with the model that ran (the frame's rung's or tier's). Chunks count: a GPU too slow to finish a frame while playing
   * is measured all the same. Then the tier choice looks again.
   */
  srRan(frame: number, patches: readonly PatchRect[], ms: number): void {
    const m = this.modelHead(frame)?.manifest;
    if (!m || patches.length === 0 || !(ms > 0)) return;
    this.srSamples.push({ gflop: frameGflop(patches, m.model.paths, m.scale, m.halo), ms });
    if (this.srSamples.length > SR_SAMPLES) this.srSamples.shift();
    this.applyTierChoice();
  }

  /**
   * The tier to run (tier-choice.ts: the richest that keeps real time with margin here, down at once, up after a
   * sustained fit; or the `tier` attribute's). It switches once that tier's engine is installed (all are prepared
   * ahead; an install looks again): the next SR frame uses it, a frame in flight with the last tier is dropped, and a
   * frame at rest gets the new tier's SR (the old one stays on screen until it replaces it).
   */
  private applyTierChoice(): void {
    const head = this.head;
    if (!this.hasTiers || !head) return;
    const r = chooseTier({
      gflopsPerFrame: head.tiers.map((t) => t.manifest.gflopsPerFrame?.executed?.mean ?? t.manifest.gflopsPerFrame?.mean ?? 0), fps: head.manifest.fps,
      measuredGflops: this.srGflopsPerSecond(), current: this.tier, requested: this.requestedTier(), now: performance.now(), hysteresis: this.tierHysteresis,
    });
    this.tierHysteresis = r.hysteresis;
    if (r.tier === this.tier || !this.engines.tiers.has(r.tier)) return;
    this.tier = r.tier;
    this.playback?.pacer.reset(); // what the last tier cost says little about this one
    this.host.emit('tierchange', { tier: r.tier });
    if (!this.isPlaying) this.refineAtRest({ again: true });
  }

  /** The tier attribute changed: a fixed tier applies at once where its engine is ready (else once it is), `auto` from the next SR run. */
  tierChanged(): void {
    if (!this.head || this.head.tiers.length < 2) return;
    try { parseTier(this.host.tier, this.head.tiers.length); } catch (e) { this.host.notice((e as Error).message); return; }
    this.tierHysteresis = initialHysteresis();
    this.applyTierChoice();
  }

  /** The rendition attribute changed: segments fetched from now on follow it. */
  renditionChanged(): void {
    if (!this.abr) return;
    try { this.abr.mode = parseRendition(this.host.rendition, this.abr.rungs.length); } catch (e) { this.host.notice((e as Error).message); }
  }

  play(): void { this.restToken++; if (this.playback) this.playback.play(); else this.playAfterReady = true; }

  pause(): void { this.playAfterReady = false; this.playback?.pause(); }

  seek(seconds: number): Promise<void> {
    if (!this.playback) { this.pendingSeek = seconds; return Promise.resolve(); }
    const index = this.playback.clock.frameAtTime(seconds);
    const token = ++this.seekToken;
    this.restToken++;
    return this.queue.enqueue(async () => {
      if (token !== this.seekToken) return;
      this.waitingFor = index;
      const pipeline = this.pipeline;
      pipeline?.focus(true);
      this.host.streamChanged();
      try {
        pipeline?.wantFrame(index, 'shown'); // both lanes go there: the segments before the seek are left behind
        await this.renderFrame(index);
      } finally {
        pipeline?.focus(false);
        if (this.waitingFor === index) this.waitingFor = null;
        this.host.streamChanged();
      }
    }, { resolveOnLoss: true });
  }

  /** Runs `fn` with the pipeline after all queued GPU work (test hooks). */
  async withPipeline<T>(fn: (p: FramePipeline) => Promise<T>): Promise<T> {
    let out: T | undefined;
    await this.queue.enqueue(async () => { if (!this.pipeline) throw new Error('player not ready'); out = await fn(this.pipeline); });
    return out!;
  }

  /**
   * Shows the current frame again with the new view, at once: its SR when that is there, else with bicubic while
   * its SR is computed (refineAtRest), so a view change never waits for SR.
   */
  reshow(): void {
    if (this.reshowQueued || !this.pipeline) return;
    this.reshowQueued = true;
    void this.queue.enqueue(async () => {
      this.reshowQueued = false;
      const p = this.pipeline, f = this.host.currentFrame();
      if (!p || f < 0 || this.isPlaying) return;
      const sr = p.srFrame === f && this.chosenEngine() !== null;
      this.host.shown(await p.show(f, sr ? 'sr' : 'bicubic', this.host.view()), null);
      if (!sr) this.refineAtRest();
    });
  }

  /**
   * The frame at rest gets its SR: paused, ended or reshown on a frame shown with bicubic, SR works on it in chunks
   * (a switch, a seek or play gets in between chunks) and replaces it as soon as it is ready. A start that is no
   * longer wanted (another frame, playing, another engine) drops its result; the queue releases what it used.
   */
  refineAtRest(opts: { again?: boolean } = {}): void {
    const token = ++this.restToken;
    const playback = this.playback, index = this.host.currentFrame(), engine = this.chosenEngine(index);
    // `again`: the SR on screen is another tier's: it stays until this one's replaces it
    if (!engine || !playback || index < 0 || this.isPlaying || (this.host.shownIsSr() && !opts.again)) return;
    if (opts.again && this.pipeline) this.pipeline.srFrame = -1;
    const stale = () => token !== this.restToken || this.isPlaying || this.chosenEngine(index) !== engine || !this.pipeline;
    void (async () => {
      const patches = await this.layout(index);
      const start = performance.now();
      let gpuMs: number | null = 0;
      const done = this.pipeline?.srFrame === index; // SR working ahead finished it after it was shown with bicubic
      if (!done) await this.queue.enqueue(async () => { if (!stale()) await this.pipeline!.decodeForSr(index, engine); });
      for (let at = done ? patches.length : 0; at < patches.length && !stale();) {
        const chunk = patches.slice(at, at + playback.pacer.patchesPerChunk(patches.length - at));
        await this.queue.enqueue(async () => {
          if (stale()) return;
          const r = await this.pipeline!.srChunk(engine, chunk);
          playback.pacer.recordChunk(chunk.length, r.wallMs, performance.now());
          this.srRan(index, chunk.filter((p) => !p.mode), r.gpuMs ?? r.wallMs);
          gpuMs = gpuMs !== null && r.gpuMs !== null ? gpuMs + r.gpuMs : null;
        });
        at += chunk.length;
      }
      await this.queue.enqueue(async () => {
        if (stale()) return;
        const p = this.pipeline!;
        p.srFrame = index;
        this.host.shown(await p.show(index, 'sr', this.host.view()), { gpuMs, wallMs: performance.now() - start });
      });
    })().catch((e: unknown) => { if (!stale()) this.host.fail(e); }); // a failed GPU job is reported by the queue
  }

  reload(autoplay: boolean): void {
    const generation = ++this.generation;
    this.posterShown = false;
    this.host.streamChanged();
    const wasPlaying = this.isPlaying || this.playAfterReady || autoplay;
    this.ready = false;
    this.playback?.pause();
    void this.queue.enqueue(async () => {
      await this.teardown();
      try { await this.open(generation); } catch (e) {
        if (generation === this.generation) await this.teardown(); // a failed load keeps nothing it allocated
        throw e;
      }
      if (generation !== this.generation) return;
      this.startEngine();
      if (wasPlaying) queueMicrotask(() => this.play());
    });
  }

  /** The element was removed: stop at once and keep nothing (engine, streams, textures, the device). */
  detach(): void {
    this.generation++;
    this.ready = this.playAfterReady = false;
    this.playback?.pause();
    void this.queue.enqueue(() => this.teardown({ releaseDevice: true }));
  }

  /** The poster: manifest, device, LR stream and the first frame with bicubic, before the model is even fetched. */
  private async open(generation: number): Promise<void> {
    const host = this.host;
    const policy = { allowedOrigins: parseAllowedOrigins(host.allowedOrigins), maxTextureSize: this.gpu?.device.limits.maxTextureDimension2D ?? 8192 };
    const recovering = this.recovery?.state === 'recovering' && this.head?.manifestUrl === host.src;
    const head = recovering ? this.head! : await openPack(host.src, policy, (w, l, t) => this.downloading(w, l, t), this.net);
    if (generation !== this.generation) return;
    if (!recovering) this.pack = null;
    this.head = head;
    const m = head.manifest;
    if (!this.gpu) {
      host.status('starting WebGPU');
      // Probed once per page, before any player's device exists; a canvas keeps its first context type, so an
      // element decides once.
      if (typeof navigator !== 'undefined' && navigator.gpu) this.presentMode ??= await pagePresentMode();
      const coded = codedHrSize(m); // the HR textures' size: the picture and a padded pack's padding
      this.gpu = await acquireGpu({ maxTextureSize: Math.max(coded.width, coded.height) },
        (error, attempt) => host.status(`starting WebGPU: asking again (attempt ${attempt + 1}; the browser said: ${error})`));
      this.watchDevice(this.gpu);
    }
    host.status('opening the video stream');
    const ladder = isLadder(head);
    if (ladder && !(recovering && this.abr)) {
      const abr = new AbrController(head, { bufferedSeconds: () => this.bufferedSeconds(), srGflopsPerSecond: () => (host.engine === 'bicubic' ? 0 : this.srGflopsPerSecond()) });
      this.abr = abr;
      this.renditionChanged();
      this.net.onDownload = (bytes, ms) => abr.estimator.add({ bytes, ms });
    } else if (!ladder) { this.abr = null; this.net.onDownload = null; }
    const abr = this.abr;
    this.pipeline = await FramePipeline.open(this.gpu.device, head, host.canvas()!, this.presentMode ?? 'webgpu-canvas', this.net, abr ? (k) => abr.choose(k) : undefined);
    if (!recovering || !this.layouts) { // CPU data: a device loss keeps it
      this.layouts = abr ? new LadderLayouts(head.rungs, this.net, (f) => this.pipeline?.rungOf(f) ?? null, () => abr.decisions.at(-1)?.rung ?? 0, head.lrSegments!.segments.frames)
        : new PatchLayoutSource(head, this.net);
    }
    this.pipeline.layouts = (i) => this.layout(i);
    this.playback = new PlaybackLoop({
      pipeline: () => this.pipeline, engine: (frame) => this.chosenEngine(frame), view: () => host.view(),
      layout: (i) => this.layout(i), enqueue: (job) => this.queue.enqueue(job),
      shown: (f, sr) => host.shown(f, sr), waitForEverySrFrame: () => host.waitForSr,
      srRan: (frame, patches, ms) => this.srRan(frame, patches, ms),
      ended: () => { this.refineAtRest(); host.emit('ended'); },
      bufferingChanged: () => host.streamChanged(),
      failed: (e) => { if (host.isConnected) host.fail(e); },
    }, m.fps, m.frames);
    const start = this.pendingSeek !== null ? this.playback.clock.frameAtTime(this.pendingSeek) : Math.min(Math.max(0, host.currentFrame()), m.frames - 1);
    this.pendingSeek = null;
    host.status(`decoding frame ${start}`);
    this.playback.moveTo(start);
    host.shown(await this.pipeline.show(start, 'bicubic', host.view()), null);
    this.posterShown = true;
    host.emit('poster', { manifest: m });
    // after a device loss: the frame it showed is back (with bicubic until the engine is, playing on if it was)
    if (recovering && !this.fellBack) host.notice(`The GPU device was lost and re-created; resumed at frame ${start}`, 'fade');
  }

  private downloading(what: string, loaded: number, total: number | null): void {
    if (!this.engines.engine) this.host.status(`downloading ${what}: ${formatBytes(loaded)}${total ? ` of ${formatBytes(total)}` : ''}`, total ? loaded / total : null);
  }

  /** Frame `index`'s patch layout (fetched per segment as playback needs it). */
  layout(index: number): Promise<PatchRect[]> {
    if (!this.layouts) return Promise.reject(new Error('player not ready'));
    return this.layouts.frame(index);
  }

  /** The model: fetched once per pack, after the poster. */
  private body(): Promise<LoadedPack> {
    const head = this.head!;
    if (this.pack?.manifestUrl === head.manifestUrl) return Promise.resolve(this.pack);
    this.bodyLoad ??= loadPackBody(head, (w, l, t) => this.downloading(w, l, t), this.net)
      .then((p) => { if (this.head === head) this.pack = p; return p; }).finally(() => { this.bodyLoad = null; });
    return this.bodyLoad;
  }

  /** A ladder rung's or a model tier's model (the top level's comes from body()). */
  private async variantModel(head: PackHead): Promise<LoadedPack['model']> {
    if (head === this.head) return (await this.body()).model;
    return (await loadPackBody(head, undefined, this.net)).model;
  }

  /** Prepares the selected engine while frames play on with bicubic, and installs it when ready (latest start wins). */
  startEngine(): void {
    if (!this.pipeline || !this.gpu) return; // a load or a device recovery in progress starts it when done
    const generation = this.generation, host = this.host, name = host.engine;
    let epoch = -1;
    const live = () => generation === this.generation && this.engines.current(epoch);
    void (async () => {
      epoch = this.engines.begin(name);
      this.engineLoading = '';
      this.restToken++; // an SR frame in flight for the engine no longer chosen is dropped
      await this.queue.enqueue(async () => {
        const wasSr = host.shownIsSr();
        this.engines.release(); // after the work queued before: the GPU is done with it
        this.gpu?.tracker.resetPeak();
        // the choice takes effect at once: an SR frame at rest is shown with bicubic until the new engine's SR
        const p = this.pipeline, f = host.currentFrame();
        if (p) p.srFrame = -1;
        if (p && wasSr && f >= 0 && !this.isPlaying && live()) host.shown(await p.show(f, 'bicubic', host.view()), null);
        if (this.recovery?.state !== 'recovering') host.notice(''); // a chosen engine clears the fallback notice
      });
      // the bicubic engine needs no model.onnx: it plays a pack whose model is missing or broken
      const top = this.head!, needsModel = name !== 'bicubic';
      // a ladder's rungs or a pack's model tiers each have an engine: the one on screen first (its frames get SR
      // soonest), the others after it, each installed when ready, so a switch never waits for a model
      const variants = this.abr ? top.rungs : this.hasTiers ? top.tiers : [top];
      const slot = this.abr ? this.engines.rungs : this.engines.tiers;
      const requested = this.requestedTier();
      const firstVariant = this.abr ? this.pipeline?.rungOf(Math.max(0, host.currentFrame())) ?? top.topRung
        : this.hasTiers ? (requested === 'auto' ? Math.min(this.tier, variants.length - 1) : requested) : 0;
      const head = variants[firstVariant];
      if (needsModel && !this.pack) this.engineLoading = 'downloading the model';
      const model = needsModel ? await this.variantModel(head) : packModel(head);
      if (!live() || !this.gpu) return;
      this.engineLoading = 'compiling';
      host.status(`compiling the ${name} engine`, 0);
      // a switch rebuilds the engine's plan; its pipelines come from the device's cache where they were compiled before
      const opts = host.optimizations && isCompiledEngineName(name) ? { optimizations: parseOptimizations(host.optimizations) } : {};
      const engine = await this.engines.prepare(epoch, name, this.gpu.device, model, head.modelUrl,
        (f, message) => { if (live()) this.engineLoading = loadingWords(message); host.status(`compiling the ${name} engine: ${message}`, f); }, opts);
      await this.queue.enqueue(async () => {
        if (!engine || !live()) { engine?.dispose(); return; }
        this.engines.engine = engine;
        if (variants.length > 1) slot.set(firstVariant, engine);
        if (this.hasTiers) { this.tier = firstVariant; this.tierHysteresis = initialHysteresis(); }
        this.engineLoading = null;
        this.playback?.pacer.reset(); // what the last engine cost says nothing about this one
        this.srSamples = [];
        host.status('');
        if (!this.isPlaying) await this.renderFrame(Math.max(0, host.currentFrame()));
        host.emit(this.ready ? 'enginechange' : 'ready', this.ready ? { engine: name } : { manifest: head.manifest });
        this.ready = true;
        if (this.recovery?.state === 'recovering') this.recovered();
        if (this.playAfterReady) { this.playAfterReady = false; this.play(); }
      });
      // the other variants' engines, prepared ahead of any switch to them (their models are fetched once, now)
      for (const [r, variantHead] of variants.entries()) {
        if (variants.length === 1 || r === firstVariant || !live() || !this.gpu) continue;
        const m = needsModel ? await this.variantModel(variantHead) : packModel(variantHead);
        if (!live() || !this.gpu) return;
        const e = await this.engines.prepare(epoch, name, this.gpu.device, m, variantHead.modelUrl, () => undefined, opts);
        await this.queue.enqueue(async () => {
          if (!e || !live()) { e?.dispose(); return; }
          slot.set(r, e);
          this.applyTierChoice(); // a tier that was wanted before its engine was ready
        });
      }
    })().catch((e: unknown) => {
      if (live()) this.engineLoading = null;
      if (generation !== this.generation) return;
      // the first engine failing fails the load, and a failed load keeps nothing it allocated (the poster included)
      void this.queue.enqueue(async () => { if (!this.ready && generation === this.generation) await this.teardown(); throw e; });
    });
  }

  /** Frame `index` with SR when an engine is ready (whole, however long it takes), else with bicubic. */
  private async renderFrame(index: number): Promise<void> {
    const { pipeline, playback } = this, generation = this.generation;
    if (!pipeline || !playback) return;
    let engine = this.chosenEngine(index);
    if (!engine) {
      const shown = await pipeline.show(index, 'bicubic', this.host.view());
      if (generation !== this.generation) return;
      playback.moveTo(index);
      this.host.shown(shown, null);
      // a ladder's frame has its rung (its engine, its layout) once its segment is here: SR follows the bicubic
      engine = this.abr ? this.chosenEngine(index) : null;
      if (!engine) return;
    }
    const patches = await this.layout(index);
    // decode, SR and the frame on screen in one submit where the engine records its work
    const { result, shown } = await pipeline.superResolve(index, engine, patches, this.host.view());
    // what SR costs here, known before playing: SrPacer decides whether SR can keep up
    playback.pacer.recordChunk(patches.length, result.wallMs, performance.now());
    this.srRan(index, pipeline.patchesRun(index, patches), result.gpuMs ?? result.wallMs);
    if (generation !== this.generation) return;
    playback.moveTo(index);
    this.host.shown(shown!, result);
  }

  /** Device loss: re-create device and engine and resume at the frame shown (device-loss.ts says when not to). */
  private watchDevice(gpu: PlayerGpu): void {
    const host = this.host;
    void gpu.device.lost.then((info) => {
      if (this.gpu !== gpu || !host.isConnected) return; // teardown lets go of the device before destroying it
      this.gpu = null;
      const frame = Math.max(0, host.currentFrame()), reason = info.message || info.reason, w = REPEATED_LOSS_WINDOW_MS / 1000;
      const d = onDeviceLoss(this.recovery, performance.now(), host.engine === 'bicubic');
      if (d.action === 'fail') {
        this.recovery = null;
        this.generation++;
        this.playback?.pause();
        host.fail(new Error(`The GPU device was lost ${d.losses} times within ${w} s (last: ${reason}), even on the bicubic engine. Reload the page; if it keeps happening, update the GPU driver or use another browser.`));
        return;
      }
      this.recovery = { state: 'recovering', losses: d.losses };
      this.fellBack = d.action === 'fallback';
      if (d.action === 'fallback') host.engine = 'bicubic'; // started by the reload below (startEngine needs a device)
      host.notice(d.action === 'fallback'
        ? `GPU device lost again within ${w} s (${reason}); continuing with the bicubic engine (no super-resolution). Pick an engine to try it again.`
        : `GPU device lost (${reason}); re-creating it and resuming at frame ${frame}`);
      host.emit('devicelost', { message: reason, frame, fallback: d.action === 'fallback' ? 'bicubic' : null });
      this.reload(false);
    });
  }

  /** The engine is back after a device loss: a loss from now on is "soon after" (REPEATED_LOSS_WINDOW_MS). */
  private recovered(): void {
    const losses = this.recovery?.losses ?? 1;
    this.recovery = { state: 'resumed', at: performance.now(), losses };
    if (this.fellBack) this.host.emit('enginechange', { engine: this.host.engine });
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
      const gpu = this.gpu;
      this.gpu = null; // first, so watchDevice does not take this for a loss
      await releaseGpu(gpu);
    }
  }
}
