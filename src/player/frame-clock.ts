// The video's clock: which frame is due at a given wall time (performance.now()), from an anchor "frame F was
// shown at time T". Playing keeps the anchor; a seek or a "wait for every SR frame" step moves it.

export class FrameClock {
  private anchor = { ms: 0, frame: 0 };

  constructor(readonly fps: number, readonly frames: number) {
    if (!(fps > 0) || !Number.isInteger(frames) || frames < 1) throw new RangeError(`FrameClock: fps ${fps}, frames ${frames}`);
  }

  /** Frame `frame` is on screen from `nowMs`: the next one is due one frame period later. */
  anchorAt(frame: number, nowMs: number): void { this.anchor = { ms: nowMs, frame }; }

  /** The frame that should be on screen at `nowMs` (may be >= frames: the video has ended). */
  dueFrame(nowMs: number): number {
    return this.anchor.frame + Math.max(0, Math.floor(((nowMs - this.anchor.ms) * this.fps) / 1000 + 1e-9));
  }

  /** When `frame` is due (ms, performance.now() time base). */
  dueAt(frame: number): number { return this.anchor.ms + ((frame - this.anchor.frame) * 1000) / this.fps; }

  /** The nearest frame to `seconds`, clamped to the video. */
  frameAtTime(seconds: number): number { return Math.max(0, Math.min(this.frames - 1, Math.round(seconds * this.fps))); }

  timeOf(frame: number): number { return frame / this.fps; }

  get durationSeconds(): number { return this.frames / this.fps; }
}
