// Keeping time when SR is slower than the video: which frame to super-resolve next so that it is done before it
// is due, and how many patches one GPU submission may carry so that the frames shown with bicubic meanwhile are
// not held up behind one long SR submission (a GPU queue runs submissions in order).

/** Smoothing of the SR time estimate (exponential moving average weight of the newest sample). */
const EMA_WEIGHT = 0.3;
/** Patches in the first submission, before anything was measured (a slow GPU must not start with a whole frame). */
const FIRST_CHUNK = 1;
/**
 * When one patch takes longer than a frame period, any SR submission holds up the frames shown meanwhile (the GPU
 * queue runs in order): SR then waits while playing, except for a one-patch probe this often (shaders warm up,
 * the machine gets quieter) to find out whether it can keep up now.
 */
export const PROBE_EVERY_MS = 3000;

export class SrPacer {
  /** estimated wall ms of SR for a whole frame; null until one was measured */
  private frameMs: number | null = null;
  /** estimated wall ms of SR per patch (for chunk sizing); null until measured */
  private patchMs: number | null = null;

  private lastProbeMs = -Infinity;

  constructor(private readonly framePeriodMs: number) {}

  /** Whether one patch fits in a frame period (unknown counts as yes: the first submission is one patch). */
  get keepsUp(): boolean { return this.patchMs === null || this.patchMs <= this.framePeriodMs; }

  /**
   * Whether SR may submit work while playing at `nowMs`: when it keeps up, or as a probe (one patch) every
   * PROBE_EVERY_MS when it does not.
   */
  mayRun(nowMs: number): boolean {
    if (this.keepsUp) return true;
    if (nowMs - this.lastProbeMs < PROBE_EVERY_MS) return false;
    this.lastProbeMs = nowMs;
    return true;
  }

  get estimateMs(): number | null { return this.frameMs; }

  /** Forgets what was measured (another engine). */
  reset(): void { this.frameMs = null; this.patchMs = null; this.lastProbeMs = -Infinity; }

  /** A whole frame's SR took `ms` of wall time (chunks and the bicubic frames between them included). */
  recordFrame(ms: number): void { this.frameMs = this.frameMs === null ? ms : this.frameMs + EMA_WEIGHT * (ms - this.frameMs); }

  /** One submission of `patches` patches took `ms` (GPU busy time as seen by the CPU), ending at `nowMs`. */
  recordChunk(patches: number, ms: number, nowMs: number): void {
    if (patches < 1) return;
    const kept = this.keepsUp;
    const per = ms / patches;
    this.patchMs = this.patchMs === null ? per : this.patchMs + EMA_WEIGHT * (per - this.patchMs);
    if (kept && !this.keepsUp) this.lastProbeMs = nowMs; // that was the probe: the next one comes PROBE_EVERY_MS later
  }

  /**
   * The frame to super-resolve next: the first frame after `after` (and after `due`) that SR can finish before it
   * is due, by the current estimate plus a quarter frame period of margin. Without an estimate: the next one.
   */
  nextTarget(after: number, due: number, nowMs: number, dueAt: (frame: number) => number, frames: number): number | null {
    let target = Math.max(after + 1, due + 1);
    if (this.frameMs !== null) {
      const ready = nowMs + this.frameMs + 0.25 * this.framePeriodMs;
      // dueAt is linear in the frame: solve instead of stepping frame by frame
      const periods = Math.ceil((ready - dueAt(target)) / this.framePeriodMs);
      if (periods > 0) target += periods;
    }
    return target < frames ? target : null;
  }

  /** Patches per submission: about half a frame period of GPU time, at least 1; a few to measure with at first. */
  patchesPerChunk(total: number): number {
    if (this.patchMs === null || this.patchMs <= 0) return Math.max(1, Math.min(total, FIRST_CHUNK));
    return Math.max(1, Math.min(total, Math.floor((0.5 * this.framePeriodMs) / this.patchMs)));
  }
}
