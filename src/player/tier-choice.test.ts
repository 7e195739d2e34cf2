// chooseTier: the richest tier that fits with margin, down at once, up only after a sustained fit, overrides and unknowns.
import { describe, expect, it } from 'vitest';
import { chooseTier, fitsRealTime, initialHysteresis, STEP_UP_AFTER_MS, type TierChoiceInput, type TierHysteresis } from './tier-choice.js';

// two tiers at 20 fps: tier 0 needs 10 x 20 x 1.25 = 250 GFLOP/s, tier 1 needs 4 x 20 x 1.25 = 100
const TIERS = [10, 4];
const base: TierChoiceInput = { gflopsPerFrame: TIERS, fps: 20, measuredGflops: null, current: 0, requested: 'auto', now: 0, hysteresis: initialHysteresis() };
const waiting = (candidate: number, since: number): TierHysteresis => ({ candidate, since });

describe('chooseTier', () => {
  it.each<[string, Partial<TierChoiceInput>, number, TierHysteresis]>([
    ['unknown throughput: the richest tier (it will be measured)', { measuredGflops: null, current: 1 }, 0, initialHysteresis()],
    ['tier 0 fits with margin: stays', { measuredGflops: 260 }, 0, initialHysteresis()],
    ['exactly the need with margin fits', { measuredGflops: 250 }, 0, initialHysteresis()],
    ['tier 0 fits bare but not with margin: down at once', { measuredGflops: 240 }, 1, initialHysteresis()],
    ['nothing fits: the cheapest tier', { measuredGflops: 50 }, 1, initialHysteresis()],
    ['on tier 1, tier 0 now fits: waits, remembering since when', { measuredGflops: 300, current: 1, now: 1000 }, 1, waiting(0, 1000)],
    ['on tier 1, tier 0 has fitted for less than the period: still waits', { measuredGflops: 300, current: 1, now: 1000 + STEP_UP_AFTER_MS - 1, hysteresis: waiting(0, 1000) }, 1, waiting(0, 1000)],
    ['on tier 1, tier 0 has fitted for the whole period: up', { measuredGflops: 300, current: 1, now: 1000 + STEP_UP_AFTER_MS, hysteresis: waiting(0, 1000) }, 0, initialHysteresis()],
    ['on tier 1, tier 0 stops fitting while waiting: the wait restarts', { measuredGflops: 200, current: 1, now: 3000, hysteresis: waiting(0, 1000) }, 1, initialHysteresis()],
    ['an explicit index overrides the measurement', { measuredGflops: 1, requested: 0 }, 0, initialHysteresis()],
    ['an explicit index past the last tier: the last', { requested: 5 }, 1, initialHysteresis()],
    ['a zero measurement counts as unknown', { measuredGflops: 0, current: 1 }, 0, initialHysteresis()],
  ])('%s', (_name, over, tier, hysteresis) => {
    expect(chooseTier({ ...base, ...over })).toEqual({ tier, hysteresis });
  });

  it('three tiers: down two at once; up in one move to the richest that fits after the wait', () => {
    const g = [12, 5, 2]; // needs at 30 fps with 1.25: 450, 187.5, 75
    const at = (measured: number, current: number, now: number, h: TierHysteresis) => chooseTier({ ...base, gflopsPerFrame: g, fps: 30, measuredGflops: measured, current, now, hysteresis: h });
    expect(at(100, 0, 0, initialHysteresis()).tier).toBe(2);
    let r = at(500, 2, 0, initialHysteresis());
    expect(r).toEqual({ tier: 2, hysteresis: waiting(0, 0) });
    // tier 1 only fits for a moment in the middle: a richer tier fitted all along, so the wait holds
    r = at(200, 2, 2000, r.hysteresis);
    expect(r).toEqual({ tier: 2, hysteresis: waiting(1, 0) });
    r = at(500, 2, STEP_UP_AFTER_MS, r.hysteresis);
    expect(r).toEqual({ tier: 0, hysteresis: initialHysteresis() });
  });

  it('does not flap on a throughput that wobbles around the richer tier\'s need', () => {
    let tier = 1, h = initialHysteresis();
    const seen = new Set<number>();
    for (let k = 0; k < 200; k++) {
      // one sample per 50 ms, alternating just above and just below tier 0's need (250)
      const r = chooseTier({ ...base, measuredGflops: k % 2 === 0 ? 255 : 245, current: tier, now: k * 50, hysteresis: h });
      tier = r.tier; h = r.hysteresis;
      seen.add(tier);
    }
    expect([...seen]).toEqual([1]);
  });

  it('fitsRealTime counts the margin', () => {
    expect(fitsRealTime(4, 25, 125)).toBe(true);
    expect(fitsRealTime(4, 25, 124.9)).toBe(false);
    expect(fitsRealTime(4, 25, 100, 1)).toBe(true);
  });
});
