import { describe, expect, it } from 'vitest';
import { initWeights } from './init-weights.js';
import type { DynamicSRSpec } from './spec.js';
import { gflopsPerFrame } from './sr-cost.js';
import { assertBudgetReachable, BudgetError, parameterCount, specForBudget } from './spec-for-budget.js';
import { defaultPathSpecs } from './wdsr-spec.js';

const grid = (side: number, patch: number, path = 0) =>
  Array.from({ length: (side / patch) ** 2 }, () => ({ w: patch, h: patch, path }));

describe('specForBudget: one path, 400 patches of 16x16 at x2, halo 0', () => {
  // per patch 256 * (135C + 36BC^2 + 900) MACs (head 27C, blocks 36BC^2 with r = 2, tail 108C, skip 900),
  // so one frame is (135C + 36BC^2 + 900) * 2.048e-4 GFLOP: (32,2) 16.1686, (24,2) 9.3413, (32,1) 8.6188, (28,1) 6.7387, (8,1) 0.8774
  const base = defaultPathSpecs(2, [[16, 16]]);
  const frames = [grid(320, 16)];
  it.each([
    { budget: 100, channels: 32, blocks: 2, max: 16.1686 },
    { budget: 9.3414, channels: 24, blocks: 2, max: 9.3414 },
    { budget: 9.3, channels: 32, blocks: 1, max: 8.6189 },
    { budget: 8.6, channels: 28, blocks: 1, max: 6.7388 },
    { budget: 1, channels: 8, blocks: 1, max: 0.8774 },
  ])('budget $budget GFLOP -> $channels channels, $blocks blocks', ({ budget, channels, blocks, max }) => {
    const got = specForBudget(base, frames, 0, budget);
    expect(got.spec.paths.map((p) => [p.channels, p.blocks])).toEqual([[channels, blocks]]);
    expect(got.cost.max).toBeCloseTo(max, 3);
    expect(got.cost.max).toBeLessThanOrEqual(budget);
    expect(got.candidates).toBe(14); // 7 channel counts x blocks 1..2
  });
  it('rejects a budget below the cheapest candidate, naming what would fit', () => {
    expect(() => specForBudget(base, frames, 0, 0.5)).toThrow(BudgetError);
    expect(() => specForBudget(base, frames, 0, 0.5)).toThrow('--max-gflops-per-frame 0.5 is below the cheapest model\'s 0.8774 GFLOP per frame on this video (8 channels, 1 block per path); use at least 0.8774');
  });
});

describe('specForBudget: three paths with the default depths (2, 3, 4)', () => {
  const base = defaultPathSpecs(2, [[32, 32], [16, 16], [8, 8]]);
  // frame 0: all coarse; frame 1: all fine (the costliest: most halo, deepest path)
  const frames = [grid(64, 32, 0), [...grid(32, 16, 1), ...grid(32, 8, 2), ...grid(32, 8, 2), ...grid(32, 8, 2)]];
  const halo = 3;
  const full = gflopsPerFrame(frames, base.paths, 2, halo);
  it.each([1, 0.75, 0.5, 0.33, 0.2, 0.1])('budget %f of the default: fits, finer paths stay at least as deep, the most GFLOP of all that fit', (f) => {
    const budget = full.max * f;
    const got = specForBudget(base, frames, halo, budget);
    expect(got.candidates).toBe(7 * 14);
    expect(got.cost.max).toBeLessThanOrEqual(budget);
    const blocks = got.spec.paths.map((p) => p.blocks);
    expect(blocks).toEqual([...blocks].sort((a, b) => a - b));
    got.spec.paths.forEach((p, k) => { expect(p.blocks).toBeLessThanOrEqual(base.paths[k].blocks); expect(p.patch).toEqual(base.paths[k].patch); });
    // no single change that still fits adds cost: one more block on a path, or the next channel count
    for (const bump of neighbours(got.spec, base)) {
      const c = gflopsPerFrame(frames, bump.paths, 2, halo);
      if (c.max <= budget) expect(c.mean).toBeLessThanOrEqual(got.cost.mean);
    }
    if (f === 1) expect(got.spec).toEqual(base);
  });
  it('a budget below every layout\'s cheapest cost fails before the layout is known; the all-coarse layout attains the bound', () => {
    const cheapest = base.paths.map((p) => ({ ...p, channels: 8, blocks: 1 }));
    const coarse = gflopsPerFrame([frames[0]], cheapest, 2, halo).max; // rounded up by 1e-4 at most
    expect(gflopsPerFrame([frames[1]], cheapest, 2, halo).max).toBeGreaterThan(coarse);
    expect(() => assertBudgetReachable(base, 64, 64, 32, halo, coarse)).not.toThrow();
    expect(() => assertBudgetReachable(base, 64, 64, 32, halo, coarse - 2e-4)).toThrow(BudgetError);
    expect(() => assertBudgetReachable(base, 64, 64, 32, halo, 0.01)).toThrow(`--max-gflops-per-frame 0.01 is below the cheapest model's ${coarse} GFLOP per frame at LR 64x64 (8 channels, 1 block per path); raise it or lower --max-width`);
  });
});

describe('parameterCount', () => {
  it('counts what initWeights allocates', () => {
    const spec = defaultPathSpecs(3, [[24, 24], [12, 12]]);
    spec.paths[0].channels = 12;
    const w = initWeights(spec, 1);
    expect(parameterCount(spec)).toBe([...w.values()].reduce((n, t) => n + t.data.length, 0));
  });
});

/** Specs one step costlier than `spec` within the candidates of `base`. */
function neighbours(spec: DynamicSRSpec, base: DynamicSRSpec): DynamicSRSpec[] {
  const out: DynamicSRSpec[] = [];
  const c = spec.paths[0].channels;
  if (c < 32) out.push({ ...spec, paths: spec.paths.map((p) => ({ ...p, channels: c + 4 })) });
  spec.paths.forEach((_, k) => {
    const paths = spec.paths.map((p, j) => ({ ...p, blocks: p.blocks + (j === k ? 1 : 0) }));
    if (paths.every((p, j) => p.blocks <= base.paths[j].blocks && (j === 0 || p.blocks >= paths[j - 1].blocks))) out.push({ ...spec, paths });
  });
  return out;
}
