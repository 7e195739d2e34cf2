// A segment-by-segment playback simulation of the player's ABR on a recorded bandwidth trace: the same rule
// (src/player/abr-rule.ts) and throughput estimator (src/player/throughput-estimator.ts) the player runs, the same
// buffering goal (20 s ahead) and start (play once the first segment is here), fed the pack's real per-segment
// bytes and PSNR. What a frame shows is modelled, not measured on a phone: SR's share of a rung's frames is
// srShare (SR throughput over the rung's need, at most 1), the rest bicubic. Pure.
import { chooseRendition, srShare, type AbrPolicy, type AbrRung } from '../src/player/abr-rule.js';
import { BUFFER_GOALS } from '../src/player/buffer-plan.js';
import { ThroughputEstimator } from '../src/player/throughput-estimator.js';

/** [seconds from the start, Mbit/s until the next point]; looped when the run is longer */
export type BandwidthTrace = [number, number][];

export interface SimulatedRun {
  /** mean over the video's seconds of the PSNR shown (SR where it keeps up, else bicubic) */
  meanPsnr: number;
  /** seconds playback waited for video after it started */
  stallSeconds: number;
  /** seconds from the first request to the first frame */
  startupSeconds: number;
  /** rung changes between consecutive segments */
  switches: number;
  /** mean LR bitrate fetched, kbit/s */
  meanKbps: number;
  /** the rung of each segment */
  rungs: number[];
}

export interface SimulationInput {
  rungs: AbrRung[];
  /** seconds per segment (all but possibly the last of the pack; the pack's segments are repeated to `segments`) */
  segmentSeconds: number;
  segments: number;
  fps: number;
  trace: BandwidthTrace;
  /** the device's SR throughput, model GFLOP/s (0: no SR) */
  srGflopsPerSecond: number;
  /** the ABR rule, or a fixed rung */
  policy: AbrPolicy | { fixed: number };
  /** request latency added to every download, ms */
  latencyMs?: number;
}

export function parseTrace(text: string): BandwidthTrace {
  const points = text.split('\n').map((l) => l.trim()).filter((l) => l && !l.startsWith('#')).map((l) => l.split(/\s+/).map(Number) as [number, number]);
  if (points.length < 2 || points.some(([t, m]) => !Number.isFinite(t) || !(m >= 0))) throw new Error('a trace is lines of "<seconds> <Mbit/s>", at least two');
  return points;
}

/** When a download of `bytes` started at `start` ends (the trace looped). */
export function downloadEnd(trace: BandwidthTrace, start: number, bytes: number): number {
  const n = trace.length, period = trace[n - 1][0];
  let cycle = Math.floor(start / period), i = 0;
  const local = start - cycle * period;
  while (i + 1 < n - 1 && trace[i + 1][0] <= local) i++;
  let t = start, left = bytes * 8;
  // step interval by interval (by index: no float drift can stall on a boundary)
  for (let steps = 0; left > 0; steps++) {
    if (steps > 100 * n + 1e6) throw new Error('the trace carries nothing');
    const until = cycle * period + trace[i + 1][0], bps = trace[i][1] * 1e6;
    const can = bps * Math.max(0, until - t);
    if (bps > 0 && can >= left) return t + left / bps;
    left -= can;
    t = Math.max(t, until);
    if (++i >= n - 1) { i = 0; cycle++; }
  }
  return t;
}

export function simulate(x: SimulationInput): SimulatedRun {
  const est = new ThroughputEstimator();
  const latency = (x.latencyMs ?? 0) / 1000;
  const shown = x.rungs.map((r) => (k: number) => {
    const share = srShare(r, x.fps, x.srGflopsPerSecond);
    const at = (l: readonly number[]) => l[k % l.length];
    return share * at(r.psnrSR) + (1 - share) * at(r.psnrBicubic);
  });
  let t = 0, buffer = 0, stall = 0, startup = 0, started = false, psnrSum = 0, bits = 0, switches = 0;
  const rungs: number[] = [];
  let ceiling: number | null = null;
  for (let k = 0; k < x.segments; k++) {
    const kk = k % x.rungs[0].segmentBytes.length;
    let rung: number;
    if (typeof x.policy === 'object') rung = x.policy.fixed;
    else {
      const c = chooseRendition({
        rungs: x.rungs, segment: kk, segmentSeconds: x.segmentSeconds, bandwidth: est.bitsPerSecond, bufferedSeconds: buffer,
        srGflopsPerSecond: x.srGflopsPerSecond, fps: x.fps, current: rungs.at(-1) ?? null, ceiling, policy: x.policy,
      });
      rung = c.rung;
      ceiling = c.ceiling;
    }
    const bytes = x.rungs[rung].segmentBytes[kk];
    const end = downloadEnd(x.trace, t + latency, bytes), took = end - t;
    est.add({ bytes, ms: (end - t - latency) * 1000 }); // as the player measures: from the response on
    if (!started) { startup = took; started = true; } else if (took > buffer) { stall += took - buffer; buffer = 0; } else buffer -= took;
    t = end;
    buffer += x.segmentSeconds;
    if (buffer > BUFFER_GOALS.aheadSeconds) { t += buffer - BUFFER_GOALS.aheadSeconds; buffer = BUFFER_GOALS.aheadSeconds; } // buffer full: wait
    psnrSum += shown[rung](kk) * x.segmentSeconds;
    bits += bytes * 8;
    if (rungs.length > 0 && rungs.at(-1) !== rung) switches++;
    rungs.push(rung);
  }
  const seconds = x.segments * x.segmentSeconds;
  return { meanPsnr: psnrSum / seconds, stallSeconds: stall, startupSeconds: startup, switches, meanKbps: bits / seconds / 1000, rungs };
}
