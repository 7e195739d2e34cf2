// Sizes the paths of a dynamic SR network so SR of every frame of a known patch layout fits a GFLOP budget
// (`dydca pack --max-gflops-per-frame`): the paper's Table 6 trade-off of lighter paths for weaker clients.
import { pathConvs } from './path-params.js';
import type { DynamicSRSpec, PathSpec } from './spec.js';
import { gflopsPerFrame, patchFlops, type CostedPatch, type GflopsPerFrame } from './sr-cost.js';

/** Channel counts tried, widest first: multiples of 4, as the compiled engine pads channels to vec4 blocks. */
export const BUDGET_CHANNELS = [32, 28, 24, 20, 16, 12, 8] as const;

export interface BudgetChoice {
  spec: DynamicSRSpec;
  /** of the chosen spec on the layout; `max` <= the budget */
  cost: GflopsPerFrame;
  /** candidate specs considered */
  candidates: number;
}

/** Thrown when not even the cheapest candidate fits; its message is the CLI's one line. */
export class BudgetError extends Error {}

/**
 * The candidate spec with the most mean GFLOP per frame whose `max` over the layout's frames is <= `maxGflop`
 * (the budget bounds the costliest frame: that is the one that must keep real time). Candidates: one channel
 * count for all paths (BUDGET_CHANNELS up to the base's), and per path 1 .. base blocks, never fewer blocks on a
 * smaller patch than on a larger one (finer patches stay the deeper paths). Ties go to more parameters.
 */
export function specForBudget(base: DynamicSRSpec, frames: readonly (readonly CostedPatch[])[], halo: number, maxGflop: number): BudgetChoice {
  const baseChannels = Math.max(...base.paths.map((p) => p.channels));
  const channels = BUDGET_CHANNELS.filter((c) => c <= baseChannels);
  let best: { spec: DynamicSRSpec; cost: GflopsPerFrame; params: number } | null = null;
  let candidates = 0;
  for (const c of channels) {
    for (const blocks of blockVectors(base.paths)) {
      candidates++;
      const spec: DynamicSRSpec = { scale: base.scale, paths: base.paths.map((p, k) => ({ ...p, channels: c, blocks: blocks[k] })) };
      const cost = gflopsPerFrame(frames, spec.paths, spec.scale, halo);
      if (cost.max > maxGflop) continue;
      const params = parameterCount(spec);
      if (!best || cost.mean > best.cost.mean || (cost.mean === best.cost.mean && params > best.params)) best = { spec, cost, params };
    }
  }
  if (!best) {
    const cheapest = cheapestSpec(base);
    const cost = gflopsPerFrame(frames, cheapest.paths, base.scale, halo);
    throw new BudgetError(`--max-gflops-per-frame ${maxGflop} is below the cheapest model's ${cost.max} GFLOP per frame on this video (${cheapest.paths[0].channels} channels, 1 block per path); use at least ${cost.max}`);
  }
  return { spec: best.spec, cost: best.cost, candidates };
}

/**
 * Throws a BudgetError when `maxGflop` is below what the cheapest candidate costs on any layout of square patches of
 * at most `maxPatch` px on a `width x height` LR frame: per LR pixel a patch costs least when it is the largest (the
 * least halo), so this fails before the layout (and a trained scorer) is computed.
 */
export function assertBudgetReachable(base: DynamicSRSpec, width: number, height: number, maxPatch: number, halo: number, maxGflop: number): void {
  const p = cheapestSpec(base).paths[0];
  const bound = (width * height * patchFlops(p, base.scale, maxPatch, maxPatch, halo)) / (maxPatch * maxPatch) / 1e9;
  if (maxGflop < bound) {
    throw new BudgetError(`--max-gflops-per-frame ${maxGflop} is below the cheapest model's ${Math.ceil(bound * 1e4) / 1e4} GFLOP per frame at LR ${width}x${height} (${p.channels} channels, 1 block per path); raise it or lower --max-width`);
  }
}

/** The cheapest candidate: the fewest channels, one block per path. */
export function cheapestSpec(base: DynamicSRSpec): DynamicSRSpec {
  return { scale: base.scale, paths: base.paths.map((p) => ({ ...p, channels: BUDGET_CHANNELS[BUDGET_CHANNELS.length - 1], blocks: 1 })) };
}

/** Every blocks vector with 1 <= b[k] <= paths[k].blocks and b non-decreasing in path id (ids go from largest patch to smallest). */
function blockVectors(paths: readonly PathSpec[]): number[][] {
  const out: number[][] = [];
  const grow = (prefix: number[]): void => {
    if (prefix.length === paths.length) { out.push(prefix); return; }
    const lo = prefix.length ? prefix[prefix.length - 1] : 1;
    for (let b = paths[prefix.length].blocks; b >= lo; b--) grow([...prefix, b]);
  };
  grow([]);
  return out;
}

/** Conv weights and biases of the whole network (every conv of every path). */
export function parameterCount(spec: DynamicSRSpec): number {
  return spec.paths.reduce((n, p) => n + pathConvs(p, spec.scale).reduce((m, { dims: [o, i, kh, kw] }) => m + o * i * kh * kw + o, 0), 0);
}
