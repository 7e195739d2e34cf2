// The network's throughput as the ABR sees it, from every download's bytes and time: the bytes of the last few
// downloads over their time (dash.js's throughput rule averages the last segments the same way), or the last
// download's rate where that is lower. A drop is believed after one slow download (a stall costs more than a lower
// rung); a rise only once the slow downloads have left the window. Counted in downloads, not seconds: after a burst
// of fast downloads and a quiet buffer-full spell, the next slow one must count at once. Pure.

export interface ThroughputSample { bytes: number; ms: number }

/** downloads averaged */
export const THROUGHPUT_WINDOW = 3;
/** downloads shorter than this say more about latency than throughput; they count as this long */
const MIN_SAMPLE_MS = 5;

export class ThroughputEstimator {
  private window: ThroughputSample[] = [];
  samples = 0;

  add(s: ThroughputSample): void {
    if (!(s.bytes > 0) || !(s.ms >= 0)) return;
    this.window.push({ bytes: s.bytes, ms: Math.max(MIN_SAMPLE_MS, s.ms) });
    if (this.window.length > THROUGHPUT_WINDOW) this.window.shift();
    this.samples++;
  }

  /** bits per second, or null before the first download */
  get bitsPerSecond(): number | null {
    if (this.window.length === 0) return null;
    const rate = (list: ThroughputSample[]) => (8 * list.reduce((t, s) => t + s.bytes, 0)) / (list.reduce((t, s) => t + s.ms, 0) / 1000);
    return Math.min(rate(this.window), rate(this.window.slice(-1)));
  }

  reset(): void { this.window = []; this.samples = 0; }
}
