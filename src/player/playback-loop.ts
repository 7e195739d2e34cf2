// Playing on the video's clock. Every due frame is shown on time: with its SR when SR for it finished before it was
// due, else with bicubic (counted, and said by the badge), so a slow GPU never slows the video down. SR works ahead
// on the frame SrPacer picks, in chunks queued between the frames shown. "Wait for every SR frame" instead shows
// every frame with SR and lets the video run slower (for analysis on slow machines).
// A frame whose video has not arrived is waited for, never skipped: the clock stops (buffering) until the stream
// holds REBUFFER_SECONDS ahead (or its end), then restarts from the frame on screen. `ended` comes at the real end.
import type { PatchRect } from '../format/patch.js';
import type { FrameResult, SREngine } from '../runtime/engine.js';
import { FrameClock } from './frame-clock.js';
import type { FramePipeline, ShownFrame, ViewOptions } from './frame-pipeline.js';
import { SrPacer } from './sr-pacer.js';

export interface PlaybackHost {
  pipeline(): FramePipeline | null;
  /**
   * the SR engine for frame `frame` (a ladder's: of the frame's rung), or null while it compiles or the frame's rung
   * is not known yet (frames are shown with bicubic meanwhile)
   */
  engine(frame?: number): SREngine | null;
  layout(index: number): Promise<PatchRect[]>;
  view(): ViewOptions;
  /** runs GPU work after everything queued before it (loads, switches, other frames) */
  enqueue(job: () => Promise<void>): Promise<void>;
  /** a frame reached the screen (SR result when it was shown with SR) */
  shown(frame: ShownFrame, sr: FrameResult | null): void;
  ended(): void;
  waitForEverySrFrame(): boolean;
  /** SR ran these patches of frame `frame` in `ms` (GPU time where measured): the device's SR speed */
  srRan(frame: number, patches: readonly PatchRect[], ms: number): void;
  /** playback started or stopped waiting for the video to arrive */
  bufferingChanged(buffering: boolean): void;
  /** playing cannot go on: a file the server would not give (outside the work queue, which reports its own) */
  failed(e: unknown): void;
}

/** Video to hold ahead before playing on after buffering (Shaka Player's rebufferingGoal). */
export const REBUFFER_SECONDS = 2;
/** How often buffering looks whether the video has arrived. */
const BUFFER_POLL_MS = 100;

export class PlaybackLoop {
  readonly clock: FrameClock;
  readonly pacer: SrPacer;
  playing = false;
  /** the frame on screen, -1 before the first */
  current = -1;
  /** frames skipped because neither SR nor bicubic could be shown in their period */
  dropped = 0;
  /** waiting for the video to arrive (the clock is stopped) */
  buffering = false;
  /** playing reached the last frame (cleared by play and seeks) */
  ended = false;
  private loop = 0;
  private timer: ReturnType<typeof setTimeout> | null = null;
  /** SR working ahead: the frame it works on, and the SR result once complete */
  private ahead: { target: number; loop: number; result: FrameResult | null; engine: SREngine } | null = null;

  constructor(private readonly host: PlaybackHost, fps: number, frames: number) {
    this.clock = new FrameClock(fps, frames);
    this.pacer = new SrPacer(1000 / fps);
  }

  play(): void {
    if (this.playing) return;
    if (this.current >= this.clock.frames - 1) this.current = -1;
    this.playing = true;
    this.ended = false;
    // the frame on screen counts as shown now: the next one is due one period later
    this.clock.anchorAt(Math.max(0, this.current), performance.now() - (this.current < 0 ? 1000 / this.clock.fps : 0));
    this.schedule(++this.loop, 0);
    this.ahead = null;
    this.workAhead(this.loop, Math.max(0, this.current));
  }

  pause(): void { this.playing = false; this.loop++; this.cancel(); this.setBuffering(false); }

  /** Moves the clock to `frame` (a seek or a frame shown while paused): playing continues from there. */
  moveTo(frame: number): void {
    this.current = frame;
    this.ended = false;
    this.clock.anchorAt(frame, performance.now());
    this.ahead = null;
    if (this.playing) { this.schedule(this.loop, 1000 / this.clock.fps); this.workAhead(this.loop, frame); }
  }

  cancel(): void { if (this.timer !== null) clearTimeout(this.timer); this.timer = null; }

  private schedule(loop: number, delayMs: number): void {
    this.cancel();
    this.timer = setTimeout(() => { this.timer = null; void this.tick(loop); }, Math.max(0, delayMs));
  }

  private live(loop: number): boolean { return this.playing && loop === this.loop; }

  private async tick(loop: number): Promise<void> {
    if (!this.live(loop)) return;
    const { clock } = this;
    const due = clock.dueFrame(performance.now());
    if (due <= this.current) { this.schedule(loop, clock.dueAt(this.current + 1) - performance.now()); return; }
    // a late tick past the end still shows the last frame first: a video ends on its last frame
    if (due >= clock.frames && this.current >= clock.frames - 1) { this.playing = false; this.ended = true; this.host.ended(); return; }
    // the next frame's video is not here: wait for it (the clock stops), never skip it
    const next = Math.min(clock.frames - 1, Math.max(this.current + 1, due));
    const pipeline = this.host.pipeline();
    try {
      if (pipeline && !pipeline.wantFrame(this.current + 1, 'shown')) { await this.rebuffer(loop, this.current + 1); return; }
      if (pipeline && !pipeline.wantFrame(next, 'shown')) { await this.rebuffer(loop, next); return; }
    } catch (e) { this.stop(e); return; }
    try {
      if (this.host.waitForEverySrFrame() && this.host.engine(this.current + 1)) await this.showEverySrFrame(loop);
      else await this.showOnTime(loop);
    } catch { return; } // reported by the work queue (or recovered from, on device loss): the loop stops
    if (!this.live(loop)) return;
    this.schedule(loop, clock.dueAt(this.current + 1) - performance.now());
  }

  /**
   * Waits until frame `frame` and REBUFFER_SECONDS after it are here (or the end of the video), then plays on from
   * the frame on screen: nothing is skipped, the clock restarts.
   */
  private async rebuffer(loop: number, frame: number): Promise<void> {
    this.setBuffering(true);
    const clock = this.clock;
    const goal = Math.min(REBUFFER_SECONDS, (clock.frames - frame) / clock.fps);
    for (;;) {
      await new Promise((r) => setTimeout(r, BUFFER_POLL_MS));
      const pipeline = this.host.pipeline();
      if (!this.live(loop) || !pipeline) return;
      if (pipeline.wantFrame(frame, 'shown') && pipeline.bufferedSeconds(frame) >= goal - 1e-6) break;
    }
    this.setBuffering(false);
    clock.anchorAt(this.current, performance.now());
    this.schedule(loop, 1000 / clock.fps);
  }

  /** Playing stops on a failure outside the work queue (a segment or a layout the server would not give). */
  private stop(e: unknown): void {
    this.playing = false;
    this.loop++;
    this.cancel();
    this.setBuffering(false);
    this.host.failed(e);
  }

  private setBuffering(on: boolean): void {
    if (this.buffering === on) return;
    this.buffering = on;
    this.host.bufferingChanged(on);
  }

  /** The due frame, SR if SR finished it, else bicubic; then SR is set to work ahead if it is idle. */
  private async showOnTime(loop: number): Promise<void> {
    let due = -1;
    await this.host.enqueue(async () => {
      const pipeline = this.host.pipeline();
      if (!this.live(loop) || !pipeline) return;
      // chosen when the job runs: a seek queued before it has moved the clock, and must win
      due = Math.min(this.clock.frames - 1, Math.max(this.current + 1, this.clock.dueFrame(performance.now())));
      if (due <= this.current) return; // a seek queued before this job showed the last frame already
      const ahead = this.ahead;
      const srReady = ahead !== null && ahead.target === due && ahead.result !== null && ahead.engine === this.host.engine(due) && pipeline.srFrame === due;
      const shown = await pipeline.show(due, srReady ? 'sr' : 'bicubic', this.host.view());
      this.dropped += due - this.current - 1;
      this.current = due;
      this.host.shown(shown, srReady ? ahead.result : null);
    });
    if (due < 0 || !this.live(loop)) return;
    if (this.ahead && this.ahead.target <= this.current) this.ahead = null;
    if (!this.ahead) this.workAhead(loop, this.current);
  }

  /** Starts SR on the frame the pacer picks; its chunks queue between the frames shown. Not awaited. */
  private workAhead(loop: number, due: number): void {
    if (!this.host.engine() || !this.pacer.mayRun(performance.now())) return;
    const target = this.pacer.nextTarget(this.current, due, performance.now(), (f) => this.clock.dueAt(f), this.clock.frames);
    if (target === null) return;
    // SR decodes in the work queue: a frame still on the network would hold up the frames shown
    try { if (!this.host.pipeline()?.wantFrame(target, 'sr')) return; } catch { return; } // the shown lane says it when it gets there
    const engine = this.host.engine(target); // a ladder's: the target's rung's, known now its segment is here
    if (!engine) return;
    const ahead = { target, loop, result: null as FrameResult | null, engine };
    this.ahead = ahead;
    const stale = () => this.ahead !== ahead || !this.live(loop) || this.host.engine(target) !== engine || !this.host.pipeline();
    void (async () => {
      const start = performance.now();
      let patches: PatchRect[];
      try { patches = await this.host.layout(target); } catch (e) { if (this.ahead === ahead && this.live(loop)) this.stop(e); return; }
      let gpuMs: number | null = 0;
      // the pacer learns the cost per patch SR runs on: a reuse map's kept and bicubic patches cost next to nothing
      const ran = (ps: PatchRect[]): number => Math.max(1, ps.filter((p) => !p.mode).length);
      const whole = this.pacer.patchesPerChunk(ran(patches)) >= ran(patches);
      if (whole) {
        // the whole frame fits one chunk: decode and SR in one submit
        await this.host.enqueue(async () => {
          if (stale()) return;
          const pipeline = this.host.pipeline()!;
          const { result } = await pipeline.superResolve(target, engine, patches);
          this.pacer.recordChunk(ran(patches), result.wallMs, performance.now());
          this.host.srRan(target, pipeline.patchesRun(target, patches), result.gpuMs ?? result.wallMs);
          gpuMs = result.gpuMs;
        });
      } else {
        await this.host.enqueue(async () => { if (!stale()) await this.host.pipeline()!.decodeForSr(target, engine); });
      }
      for (let at = whole ? patches.length : 0; at < patches.length && !stale();) {
        // a chunk that would hold up the frames shown waits (SrPacer.mayRun): give this frame up
        if (at > 0 && !this.pacer.keepsUp) { if (this.ahead === ahead) this.ahead = null; return; }
        const n = this.pacer.patchesPerChunk(patches.length - at);
        const chunk = patches.slice(at, at + n);
        await this.host.enqueue(async () => {
          if (stale()) return;
          const r = await this.host.pipeline()!.srChunk(engine, chunk);
          this.pacer.recordChunk(ran(chunk), r.wallMs, performance.now());
          this.host.srRan(target, chunk.filter((p) => !p.mode), r.gpuMs ?? r.wallMs);
          gpuMs = gpuMs !== null && r.gpuMs !== null ? gpuMs + r.gpuMs : null;
        });
        at += n;
      }
      if (stale()) return;
      this.pacer.recordFrame(performance.now() - start);
      this.host.pipeline()!.srFrame = target;
      ahead.result = { gpuMs, wallMs: performance.now() - start };
    })().catch(() => { if (this.ahead === ahead) this.ahead = null; });
  }

  /** The next frame with SR, however long it takes; the clock restarts from it. */
  private async showEverySrFrame(loop: number): Promise<void> {
    const next = this.current + 1;
    let patches: PatchRect[];
    try { patches = await this.host.layout(next); } catch (e) { if (this.live(loop)) this.stop(e); throw e; }
    await this.host.enqueue(async () => {
      const pipeline = this.host.pipeline();
      const engine = this.host.engine(next);
      if (!this.live(loop) || !pipeline || !engine) return;
      const { result, shown } = await pipeline.superResolve(next, engine, patches, this.host.view());
      this.host.srRan(next, pipeline.patchesRun(next, patches), result.gpuMs ?? result.wallMs);
      this.current = next;
      this.clock.anchorAt(next, performance.now());
      this.host.shown(shown!, result);
    });
  }
}
