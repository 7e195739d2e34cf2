// Which model tier the player runs (issue 21 item 4), as a pure function of what it measured: the richest tier whose
// executed GFLOP per frame x fps x margin fits the measured SR throughput; down at once when the current tier does not
// fit, up only after the richer tier has fitted for a sustained while, so the choice does not flap. Not wired into the
// player session yet; the caller feeds it one sample per SR frame.
import { REAL_TIME_MARGIN } from '../model/sr-cost.js';
import { parseChoice } from './choice-attribute.js';

/** The `tier` attribute: "auto" or a tier index; anything else is an error in words. */
export const parseTier = (value: string | null | undefined, tiers: number): 'auto' | number =>
  parseChoice('tier', value, tiers, 'the pack\'s model tiers, richest first');

/** How long (ms of samples) a richer tier must have fitted with margin before the player steps up to it. */
export const STEP_UP_AFTER_MS = 4000;

/** What the choice remembers between samples: since when (ms) the richer tier it would step up to has fitted. */
export interface TierHysteresis {
  /** the tier that has fitted since `since` (richer than the current one), or null */
  candidate: number | null;
  since: number;
}

export const initialHysteresis = (): TierHysteresis => ({ candidate: null, since: 0 });

export interface TierChoiceInput {
  /** executed GFLOP per frame of each tier, tier 0 (the richest) first, falling */
  gflopsPerFrame: readonly number[];
  fps: number;
  /** measured SR throughput in GFLOP/s (timestamp queries, else wall time), or null before it is known */
  measuredGflops: number | null;
  /** the tier running now */
  current: number;
  /** `tier` attribute: 'auto', or an index that overrides the choice */
  requested: 'auto' | number;
  /** time of this sample, ms (any monotonic clock) */
  now: number;
  hysteresis: TierHysteresis;
  /** need over bare cost (default REAL_TIME_MARGIN) */
  margin?: number;
  /** default STEP_UP_AFTER_MS */
  stepUpAfterMs?: number;
}

export interface TierChoiceResult { tier: number; hysteresis: TierHysteresis }

/** Whether `gflop` per frame at `fps` fits `throughput` GFLOP/s with `margin`. */
export const fitsRealTime = (gflop: number, fps: number, throughput: number, margin = REAL_TIME_MARGIN): boolean => gflop * fps * margin <= throughput;

/**
 * The tier to run for one sample. An explicit index wins (clamped to the tiers there are). Unknown throughput: the
 * richest tier (running it is how it gets measured). Otherwise the richest tier that fits: below the current one (or
 * the current one not fitting) it is taken at once; richer than the current one it is taken only once a tier richer
 * than the current one has fitted in every sample for `stepUpAfterMs`, and then the richest that fits now.
 */
export function chooseTier(input: TierChoiceInput): TierChoiceResult {
  const n = input.gflopsPerFrame.length;
  const margin = input.margin ?? REAL_TIME_MARGIN;
  const wait = input.stepUpAfterMs ?? STEP_UP_AFTER_MS;
  const none = initialHysteresis();
  if (n === 0) return { tier: 0, hysteresis: none };
  if (input.requested !== 'auto') return { tier: Math.max(0, Math.min(n - 1, Math.floor(input.requested))), hysteresis: none };
  const current = Math.max(0, Math.min(n - 1, input.current));
  if (input.measuredGflops === null || !(input.measuredGflops > 0)) return { tier: 0, hysteresis: none };
  const throughput = input.measuredGflops;
  let richest = input.gflopsPerFrame.findIndex((g) => fitsRealTime(g, input.fps, throughput, margin));
  // nothing fits: the cheapest tier (the player's SR pacer shows bicubic for the frames it misses)
  if (richest < 0) richest = n - 1;
  if (richest >= current) return { tier: richest, hysteresis: none };
  // a richer tier fits: wait until one has fitted for the whole period
  const since = input.hysteresis.candidate !== null ? input.hysteresis.since : input.now;
  if (input.now - since >= wait) return { tier: richest, hysteresis: none };
  return { tier: current, hysteresis: { candidate: richest, since } };
}
