// Model tiers (issue 21 item 3): a pack carries models of falling cost on the same layout, so a player on a weaker GPU
// runs a cheaper one instead of falling back to bicubic. Tier 0 is the top-level model; tier 1 is sized for a phone
// (PHONE_GFLOPS at the video's fps), each further tier to half the one above. Pure choices here; the jobs that train
// and measure them are in stages/ (docs/packager.md, "Model tiers").
import { BudgetError, cheapestSpec, specForBudget } from '../model/spec-for-budget.js';
import type { DynamicSRSpec } from '../model/spec.js';
import { gflopsPerFrame, REAL_TIME_MARGIN, type CostedPatch, type GflopsPerFrame } from '../model/sr-cost.js';

/** Tiers of a Dy-DCA pack by default: the full model and the phone tier. */
export const DEFAULT_TIERS = 2;
/** --tiers at most: each tier halves the one above, so a fourth is an eighth of the phone tier's cost. */
export const MAX_TIERS = 4;

/**
 * Model GFLOP/s an Adreno 740-class phone GPU is assumed to sustain on our SR network in the browser: about 10% of its
 * FP32 peak (about 2 TFLOP/s; Qualcomm publishes none, third-party figures are 2.0-2.5). 10% is what our compiled
 * engine's small-channel convs reach of an adapter's measured FMA peak (docs/compiler-runtime.md: 0.6-1.4 GFLOP/s per
 * conv against an FMA peak of 8-12), and it sits under the paper's native MNN FP16 numbers on that phone (Table 3/6:
 * 28-37 ms per frame). Argued in docs/packager.md, "Model tiers".
 */
export const PHONE_GFLOPS = 200;

/** GFLOP per frame the phone tier may cost at `fps`: the assumed phone throughput with the player's real-time margin. */
export const phoneBudget = (fps: number): number => PHONE_GFLOPS / (fps * REAL_TIME_MARGIN);

/** One tier's model: its spec and cost on the layout, the budget it was sized to, or null when omitted (with why). */
export interface TierChoice {
  spec: DynamicSRSpec | null;
  cost: GflopsPerFrame | null;
  /** GFLOP per frame the tier was sized to (tier 0: Infinity, or --max-gflops-per-frame) */
  budget: number;
  /** a line for the progress output: the spec and cost chosen, or why the tier is omitted */
  note: string;
}

/**
 * The specs of `count` tiers on a layout (`frames`, as sr-cost counts them): tier 0 is `top`; tier 1 fits
 * min(phoneBudget(fps), half of tier 0's max) on every frame; tier t > 1 half of tier t-1's max. Each is the costliest
 * candidate of specForBudget within its budget, on `top`'s paths (never wider or deeper than it). When none fits, the
 * cheapest candidate (8 channels, one block per path) if it is cheaper than the tier above (a tier that still helps a
 * slow GPU), else the tier and every one after it is omitted.
 */
export function chooseTiers(top: DynamicSRSpec, frames: readonly (readonly CostedPatch[])[], halo: number, fps: number, count: number): TierChoice[] {
  const topCost = gflopsPerFrame(frames, top.paths, top.scale, halo);
  const out: TierChoice[] = [{ spec: top, cost: topCost, budget: Infinity, note: describe(top, topCost) }];
  for (let t = 1; t < count; t++) {
    const above = out[t - 1].cost;
    if (above === null) { out.push({ spec: null, cost: null, budget: 0, note: `tier ${t - 1} is omitted` }); continue; }
    const budget = Math.round((t === 1 ? Math.min(phoneBudget(fps), above.max / 2) : above.max / 2) * 1e4) / 1e4;
    let choice: TierChoice;
    try {
      const c = specForBudget(top, frames, halo, budget);
      choice = { spec: c.spec, cost: c.cost, budget, note: `${describe(c.spec, c.cost)} (budget ${budget} GFLOP per frame)` };
    } catch (e) {
      if (!(e instanceof BudgetError)) throw e;
      const cheapest = cheapestSpec(top);
      const cost = gflopsPerFrame(frames, cheapest.paths, top.scale, halo);
      choice = cost.max < above.max
        ? { spec: cheapest, cost, budget, note: `${describe(cheapest, cost)}: the cheapest model, over its budget of ${budget} GFLOP per frame` }
        : { spec: null, cost: null, budget, note: `no model is cheaper than tier ${t - 1} (${above.max} GFLOP per frame at most)` };
    }
    out.push(choice);
  }
  return out;
}

const describe = (spec: DynamicSRSpec, cost: GflopsPerFrame): string =>
  `${spec.paths[0].channels} channels, blocks ${spec.paths.map((p) => p.blocks).join('/')}, ${cost.max} GFLOP per frame at most (mean ${cost.mean})`;

/** A model's measured training time: seconds per step, and the one-off seconds of building its paths' training sessions. */
export interface StepTiming { perStep: number; setup: number }

/**
 * --train-seconds split between tiers so each trains the same number of steps: n steps each with
 * sum(setup) + n x sum(perStep) = total, tier t getting setup + n x perStep (an omitted tier, null, gets none). Equal
 * steps: the cheaper model learns no faster per step, so a phone tier given a fixed small share would stop far short of
 * the top tier, and one given half would take steps the top tier needs more. The setup counts because it is a larger
 * share of a cheap model's time (docs/packager.md, "Model tiers").
 */
export function splitSeconds(total: number, timings: readonly (StepTiming | null)[]): number[] {
  const setup = timings.reduce<number>((a, s) => a + (s?.setup ?? 0), 0);
  const perStep = timings.reduce<number>((a, s) => a + (s?.perStep ?? 0), 0);
  // a budget below the setups alone: split by setup (each tier still gets some steps' worth in proportion)
  const steps = Math.max(0, total - setup) / perStep;
  const raw = timings.map((s) => (s === null ? 0 : s.setup + steps * s.perStep));
  const sum = raw.reduce((a, b) => a + b, 0);
  return raw.map((v) => Math.round((v * total / sum) * 100) / 100);
}

/** Work file of tier t's model (t >= 1; tier 0's is model.onnx). */
export const tierWorkFile = (t: number): string => `tier${t}-model.onnx`;
/** Pack path of tier t's model (t >= 1): `tier<t>/model.onnx`, beside the top level's model.onnx as a ladder rung's is. */
export const tierPackFile = (t: number): string => `tier${t}/model.onnx`;
