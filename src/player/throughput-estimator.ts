// The network's throughput as the ABR sees it: every download's bytes over its time, smoothed by two exponential
// moving averages weighted by download time (Shaka Player's EwmaBandwidthEstimator: half-lives 2 s and 5 s), the
// estimate being the lower of the two, so a drop is believed at once and a rise only when it lasts. Pure.

export interface ThroughputSample { bytes: number; ms: number }

/** half-lives in seconds of download time */
const FAST_HALF_LIFE_S = 2;
const SLOW_HALF_LIFE_S = 5;
/** downloads shorter than this say more about latency than throughput; they count as this long */
const MIN_SAMPLE_MS = 5;

class Ewma {
  private estimate = 0;
  private weight = 0;
  private readonly alpha: number;
  constructor(halfLifeS: number) { this.alpha = Math.exp(Math.log(0.5) / halfLifeS); }
  add(weightS: number, value: number): void {
    const a = Math.pow(this.alpha, weightS);
    this.estimate = value * (1 - a) + a * this.estimate;
    this.weight += weightS;
  }
  /** with the bias of the zero start removed */
  get value(): number { return this.estimate / (1 - Math.pow(this.alpha, this.weight)); }
}

export class ThroughputEstimator {
  private fast = new Ewma(FAST_HALF_LIFE_S);
  private slow = new Ewma(SLOW_HALF_LIFE_S);
  samples = 0;

  add(s: ThroughputSample): void {
    if (!(s.bytes > 0) || !(s.ms >= 0)) return;
    const seconds = Math.max(MIN_SAMPLE_MS, s.ms) / 1000;
    const bps = (8 * s.bytes) / seconds;
    this.fast.add(seconds, bps);
    this.slow.add(seconds, bps);
    this.samples++;
  }

  /** bits per second, or null before the first download */
  get bitsPerSecond(): number | null { return this.samples === 0 ? null : Math.min(this.fast.value, this.slow.value); }

  reset(): void { this.fast = new Ewma(FAST_HALF_LIFE_S); this.slow = new Ewma(SLOW_HALF_LIFE_S); this.samples = 0; }
}
