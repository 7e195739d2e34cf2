// Predicts whether this adapter keeps real time on this pack: model GFLOP/s achieved on the last SR frames
// (their GFLOP by src/model/sr-cost.ts over their SR time) against what the pack needs (gflopsPerFrame.mean x fps).
import { frameGflop, type CostedPatch, type PathCost } from '../model/sr-cost.js';

/** The stats fields this adds (docs/player.md, "Real-time forecast"). */
export interface RealTimeStats {
  /** model GFLOP per second of SR time over the last SR frames of the current engine (null before the first) */
  gflopsPerSecond: number | null;
  /** gflopsPerSecond / (gflopsPerFrame.mean x fps): >= 1 predicts SR of every frame in real time (null without both) */
  realTimeHeadroom: number | null;
}

export const NO_FORECAST: RealTimeStats = { gflopsPerSecond: null, realTimeHeadroom: null };

/** What the forecast reads from the manifest. */
export interface ForecastPack {
  fps: number; scale: number; halo: number;
  model: { paths: readonly PathCost[] };
  gflopsPerFrame?: { mean: number; max: number };
}

export interface SrSample { gflop: number; ms: number }

/** The forecast from SR samples: total GFLOP over total seconds, so long frames weigh by their time. */
export function realTimeForecast(samples: readonly SrSample[], pack: Pick<ForecastPack, 'fps' | 'gflopsPerFrame'>): RealTimeStats {
  const ms = samples.reduce((t, s) => t + s.ms, 0);
  if (samples.length === 0 || !(ms > 0)) return NO_FORECAST;
  const gflopsPerSecond = samples.reduce((t, s) => t + s.gflop, 0) / (ms / 1000);
  const need = pack.gflopsPerFrame ? pack.gflopsPerFrame.mean * pack.fps : null;
  return { gflopsPerSecond, realTimeHeadroom: need !== null && need > 0 ? gflopsPerSecond / need : null };
}

/** The last `window` SR frames of one engine on one pack; another engine or pack starts a new window (its speed differs). */
export class SrThroughput {
  private samples: SrSample[] = [];
  private pack: ForecastPack | null = null;
  private engine: string | null = null;

  constructor(private readonly window = 30) {}

  /**
   * The forecast after a frame is shown; `sr`: its patches and SR time (ms) when SR made it, else null; `cost`: the
   * model the patches ran on where it is not `pack`'s own (a ladder's rung, a tier; the window is the pack's).
   */
  shown(pack: ForecastPack | null, engine: string, sr: { patches: readonly CostedPatch[]; ms: number } | null, cost: ForecastPack | null = pack): RealTimeStats {
    if (!pack || engine === 'bicubic') return NO_FORECAST; // the bicubic engine runs no model
    if (pack !== this.pack || engine !== this.engine) { this.samples = []; this.pack = pack; this.engine = engine; }
    if (sr) {
      const c = cost ?? pack;
      this.samples.push({ gflop: frameGflop(sr.patches, c.model.paths, c.scale, c.halo), ms: sr.ms });
      if (this.samples.length > this.window) this.samples.shift();
    }
    return realTimeForecast(this.samples, pack);
  }
}
