// The player's ABR over a pack's bitrate ladder (manifest `renditions`): measures the throughput of every download
// (NetworkFetcher.onDownload), and when a segment's fetch starts picks its rung with chooseRendition (abr-rule.ts)
// from the throughput, the buffer ahead and this device's measured SR throughput, or the rung the page fixed
// (`rendition` attribute). Keeps the last decisions for the stats and the tests.
import { chooseRendition, type AbrPolicy, type AbrRung } from './abr-rule.js';
import type { PackHead } from './pack-loader.js';
import { ThroughputEstimator } from './throughput-estimator.js';
import { parseChoice } from './choice-attribute.js';

export interface AbrDecision { segment: number; rung: number; bandwidthKbps: number | null; bufferedSeconds: number; reason: string }

export interface AbrProbe {
  /** seconds of video fetched ahead of the frame on screen */
  bufferedSeconds(): number;
  /** this device's measured model GFLOP/s of SR (null before the first SR frame) */
  srGflopsPerSecond(): number | null;
}

/** Decisions kept for the stats and tests. */
const KEPT_DECISIONS = 64;

/** The `rendition` attribute: "auto" or a rung index; anything else is an error in words. */
export const parseRendition = (value: string | null | undefined, rungs: number): 'auto' | number =>
  parseChoice('rendition', value, rungs, 'the pack\'s renditions in rising bitrate');

export class AbrController {
  readonly estimator = new ThroughputEstimator();
  readonly rungs: AbrRung[];
  /** the page's choice: the ABR ("auto") or a fixed rung */
  mode: 'auto' | number = 'auto';
  policy: AbrPolicy = 'sr-aware';
  readonly decisions: AbrDecision[] = [];
  private last: number | null = null;
  private ceiling: number | null = null;

  constructor(private readonly head: PackHead, private readonly probe: AbrProbe) {
    const top = head.manifest;
    this.rungs = (top.renditions ?? []).map((r, i) => ({
      bitrate: r.lr.bitrate, segmentBytes: r.lr.segments.bytes,
      psnrSR: r.metrics.psnrSRPerSegment, psnrBicubic: r.metrics.psnrBicubicPerSegment,
      // the top rung's reuse map runs fewer patches than its layout lists
      gflopsPerFrame: i === head.topRung ? top.gflopsPerFrame?.executed?.mean ?? r.gflopsPerFrame.mean : r.gflopsPerFrame.mean,
    }));
  }

  /** The measured throughput, kbit/s (null before the first download). */
  get bandwidthKbps(): number | null { const b = this.estimator.bitsPerSecond; return b === null ? null : b / 1000; }

  /** The rung segment k is fetched from, decided now. */
  choose(k: number): number {
    const bufferedSeconds = this.probe.bufferedSeconds();
    const m = this.head.manifest, seg = m.lr.segments!;
    const choice = typeof this.mode === 'number'
      ? { rung: Math.min(this.mode, this.rungs.length - 1), reason: 'fixed by the rendition attribute', ceiling: this.ceiling }
      : chooseRendition({
        rungs: this.rungs, segment: k, segmentSeconds: Math.min(seg.frames, m.frames - k * seg.frames) / m.fps, bandwidth: this.estimator.bitsPerSecond,
        bufferedSeconds, srGflopsPerSecond: this.probe.srGflopsPerSecond(), fps: m.fps, current: this.last, ceiling: this.ceiling, policy: this.policy,
      });
    this.last = choice.rung;
    this.ceiling = choice.ceiling;
    this.decisions.push({ segment: k, rung: choice.rung, bandwidthKbps: this.bandwidthKbps, bufferedSeconds, reason: choice.reason });
    if (this.decisions.length > KEPT_DECISIONS) this.decisions.shift();
    return choice.rung;
  }
}
