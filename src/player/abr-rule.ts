// Which rung of a bitrate ladder (manifest `renditions`) to fetch the next segment from. The rung with the best
// expected shown quality among those the network carries: with SR in the loop a rung is worth its post-SR PSNR
// where this device's measured SR throughput keeps up with it, its bicubic PSNR where it cannot, and the mix in
// between (NAS, OSDI 2018, with SR quality as the utility). Buffer-aware: a rung whose segment would not arrive
// before the buffer runs dry is left out while a lower one would. Pure; `throughput` is the classic rule (the
// highest bitrate that fits), kept for comparison (bench/abr-trace.ts).

export interface AbrRung {
  /** mean bits per second of the rung's LR segments (manifest lr.bitrate) */
  bitrate: number;
  /** bytes of each segment (manifest lr.segments.bytes) */
  segmentBytes: readonly number[];
  /** PSNR of the rung's SR and of its bicubic, per segment (manifest metrics.psnrSRPerSegment / psnrBicubicPerSegment) */
  psnrSR: readonly number[];
  psnrBicubic: readonly number[];
  /** model GFLOP per frame of the rung's SR (executed where a reuse map cuts it) */
  gflopsPerFrame: number;
}

export type AbrPolicy = 'sr-aware' | 'throughput';

export interface AbrInput {
  /** in rising bitrate */
  rungs: readonly AbrRung[];
  /** the segment to fetch */
  segment: number;
  /** its length in seconds */
  segmentSeconds: number;
  /** measured bits per second (ThroughputEstimator), null before any download */
  bandwidth: number | null;
  /** seconds of video fetched ahead of the frame on screen */
  bufferedSeconds: number;
  /** this device's measured model GFLOP per second of SR time (null before it was measured) */
  srGflopsPerSecond: number | null;
  fps: number;
  /** the rung of the segment before (null at the start) */
  current: number | null;
  /** the highest rung the bandwidth carried at the decision before (AbrChoice.ceiling; null at the start) */
  ceiling?: number | null;
  policy: AbrPolicy;
}

export interface AbrChoice {
  rung: number;
  /** the expected shown PSNR of each rung for this segment (sr-aware), for the trace and the stats */
  expectedPsnr: number[];
  /** a few words: why this rung */
  reason: string;
  /** the highest rung the bandwidth carries now (pass it back as `ceiling`) */
  ceiling: number;
}

/** Of the measured bandwidth, the share a rung's bitrate may use (segment sizes vary about their mean). */
export const BANDWIDTH_SAFETY = 0.8;
/** Climbing above what the bandwidth carried last time asks for this share instead: a rise must be clear (no flapping). */
export const UP_SAFETY = 0.65;
/**
 * With this much video buffered after a segment arrives, the rung playing may stay although the bandwidth does not
 * sustain it: a healthy buffer rides out a dip (it drains, and below this the sustainable rungs take over).
 */
export const COMFORT_BUFFER_S = 12;
/** A segment must arrive with at least this much video still buffered, or it would stall. */
export const MIN_BUFFER_AT_ARRIVAL_S = 1;
/** SR throughput over what a rung needs for every frame in real time, at which SR is counted on for every frame. */
export const SR_MARGIN = 1.25;
/**
 * A rung is kept unless another is expected to look at least this much better (dB): a switch for less is not worth
 * seeing (on the demo ladder over the recorded trace, 0.1 dB made 21 switches in 78 segments for +0.05 dB, 0.5 dB 3).
 */
export const STAY_DB = 0.5;

/** The share of a rung's frames SR is expected to make at this throughput (0 where it cannot run, 1 with margin). */
export function srShare(rung: AbrRung, fps: number, srGflopsPerSecond: number | null): number {
  if (srGflopsPerSecond === null) return 1; // not measured yet: assume it keeps up, the player measures it soon
  const need = rung.gflopsPerFrame * fps * SR_MARGIN;
  return need <= 0 ? 1 : Math.max(0, Math.min(1, srGflopsPerSecond / need));
}

export function chooseRendition(x: AbrInput): AbrChoice {
  const k = x.segment, n = x.rungs.length;
  const at = (list: readonly number[]) => list[Math.min(k, list.length - 1)] ?? 0;
  const expectedPsnr = x.rungs.map((r) => {
    const share = srShare(r, x.fps, x.srGflopsPerSecond);
    return share * at(r.psnrSR) + (1 - share) * at(r.psnrBicubic);
  });
  if (n === 1) return { rung: 0, expectedPsnr, reason: 'one rung', ceiling: 0 };
  if (x.bandwidth === null) return { rung: 0, expectedPsnr, reason: 'no throughput measured yet: the lowest rung starts fastest', ceiling: 0 };
  const bw = x.bandwidth, ceilingBefore = x.ceiling ?? x.current;
  // a climb asks the stricter margin unless the buffer is healthy (a wrong climb then costs no stall)
  const climbing = (i: number) => ceilingBefore !== null && ceilingBefore !== undefined && i > ceilingBefore && x.bufferedSeconds < COMFORT_BUFFER_S;
  const sustainable = (i: number) => x.rungs[i].bitrate <= bw * (climbing(i) ? UP_SAFETY : BANDWIDTH_SAFETY);
  // the download time of this very segment at the measured rate, against what is buffered (a start has nothing to protect)
  const download = (i: number) => (8 * at(x.rungs[i].segmentBytes)) / bw;
  const arrivesInTime = (i: number) => x.bufferedSeconds < MIN_BUFFER_AT_ARRIVAL_S || download(i) <= x.bufferedSeconds - MIN_BUFFER_AT_ARRIVAL_S;
  const bufferRidesIt = (i: number) => download(i) <= x.bufferedSeconds - COMFORT_BUFFER_S;
  let ceiling = 0;
  for (let i = 0; i < n; i++) if (sustainable(i)) ceiling = i;
  // the buffer keeps the rung playing (or a lower one) through a dip; it never climbs to a rung the bandwidth does not carry
  const candidates = x.rungs.map((_, i) => i).filter((i) => (sustainable(i) && arrivesInTime(i)) || (x.current !== null && i <= x.current && bufferRidesIt(i)));
  if (candidates.length === 0) return { rung: 0, expectedPsnr, reason: `${Math.round(bw / 1000)} kbit/s carries no rung safely: the lowest`, ceiling };
  const score = (i: number) => (x.policy === 'throughput' ? x.rungs[i].bitrate : expectedPsnr[i]);
  let best = candidates[0];
  for (const i of candidates) if (score(i) > score(best)) best = i; // ties: the cheaper (earlier) rung
  if (x.policy === 'sr-aware' && x.current !== null && x.current !== best && candidates.includes(x.current)
    && expectedPsnr[x.current] >= expectedPsnr[best] - STAY_DB) {
    return { rung: x.current, expectedPsnr, reason: 'kept: no rung that fits looks clearly better', ceiling };
  }
  const why = x.policy === 'throughput' ? 'the highest bitrate that fits'
    : `the best expected PSNR (${expectedPsnr[best].toFixed(2)} dB) that fits ${Math.round(bw / 1000)} kbit/s`;
  return { rung: best, expectedPsnr, reason: sustainable(best) ? why : `${why}, on the buffer (${x.bufferedSeconds.toFixed(1)} s)`, ceiling };
}
