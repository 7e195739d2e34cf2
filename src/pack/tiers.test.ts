// chooseTiers and splitSeconds: the phone tier's budget by fps, half the tier above when the full model already fits,
// the cheapest model past its budget, omitted tiers; the time split that gives each tier as many steps.
import { describe, expect, it } from 'vitest';
import { defaultPathSpecs } from '../model/wdsr-spec.js';
import { chooseTiers, phoneBudget, PHONE_GFLOPS, splitSeconds } from './tiers.js';

// one path, 400 patches of 16x16 at x2, halo 0: a frame costs (135C + 36BC^2 + 900) x 2.048e-4 GFLOP
// (spec-for-budget.test.ts): (32,2) 16.1686, (28,1) 6.7387, (12,2) 2.6395, (8,1) 0.8774
const top = defaultPathSpecs(2, [[16, 16]]);
const frames = [Array.from({ length: 400 }, () => ({ w: 16, h: 16, path: 0 }))];

describe('chooseTiers', () => {
  it.each<[string, number, number, [number, number, number, number | null][]]>([
    // [name, fps, tiers, per tier: [channels, blocks, budget, max] (null max: omitted)]
    ['20 fps: the phone budget (200 / (20 x 1.25) = 8) is below half the full model', 20, 2, [[32, 2, Infinity, 16.1686], [28, 1, 8, 6.7388]]],
    ['5 fps: the full model fits the phone budget (32), so tier 1 is half of it', 5, 2, [[32, 2, Infinity, 16.1686], [28, 1, 8.0843, 6.7388]]],
    ['60 fps: phone budget 2.6667; tier 2 half of tier 1; tier 3 cannot be cheaper than the cheapest model', 60, 4,
      [[32, 2, Infinity, 16.1686], [12, 2, 2.6667, 2.6395], [8, 1, 1.3198, 0.8774], [0, 0, 0.4387, null]]],
    ['one tier: the top model alone', 20, 1, [[32, 2, Infinity, 16.1686]]],
  ])('%s', (_name, fps, count, want) => {
    const got = chooseTiers(top, frames, 0, fps, count);
    expect(got).toHaveLength(count);
    got.forEach((c, t) => {
      const [channels, blocks, budget, max] = want[t];
      expect(c.budget, `tier ${t} budget`).toBeCloseTo(budget, 4);
      if (max === null) { expect(c.spec, c.note).toBeNull(); return; }
      expect(c.spec!.paths.map((p) => [p.channels, p.blocks]), `tier ${t}`).toEqual([[channels, blocks]]);
      expect(c.cost!.max).toBeCloseTo(max, 3);
    });
  });
  it('a budget below every candidate takes the cheapest model when it is still cheaper than the tier above', () => {
    // 240 fps: phone budget 0.6667 < 0.8774, the cheapest model's cost
    const [, t1] = chooseTiers(top, frames, 0, 240, 2);
    expect(t1.spec!.paths.map((p) => [p.channels, p.blocks])).toEqual([[8, 1]]);
    expect(t1.note).toMatch(/the cheapest model, over its budget of 0.6667 GFLOP per frame/);
  });
  it('the assumed phone throughput with the real-time margin', () => {
    expect(PHONE_GFLOPS).toBe(200);
    expect(phoneBudget(20)).toBe(8);
  });
});

describe('splitSeconds', () => {
  const t = (perStep: number, setup = 0) => ({ perStep, setup });
  it.each<[string, number, ({ perStep: number; setup: number } | null)[], number[]]>([
    ['no setup: in proportion to the step times', 60, [t(0.3), t(0.1)], [45, 15]],
    ['an omitted tier gets none', 60, [t(0.3), null, t(0.1)], [45, 0, 15]],
    ['one tier: all of it', 10, [t(0.2)], [10]],
    // n = (60 - 2 - 2) / 0.4 = 140 steps: 2 + 42, 2 + 14
    ['setups first, then as many steps each', 60, [t(0.3, 2), t(0.1, 2)], [44, 16]],
    ['a budget below the setups: by setup', 2, [t(0.3, 3), t(0.1, 1)], [1.5, 0.5]],
  ])('%s', (_name, total, timings, want) => {
    expect(splitSeconds(total, timings)).toEqual(want);
  });
});
