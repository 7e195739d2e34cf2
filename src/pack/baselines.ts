// The paper's Table 2 baselines as training plans for the same trainer: NAS (one static single-path
// WDSR per temporal chunk, run on whole frames) and STDO (uniform patches grouped by texture, i.e. by
// bicubic PSNR, one static single-path WDSR per group). Path id k in patches.json = model file k.
import { defaultPathSpecs } from '../model/wdsr-spec.js';
import type { DynamicSRSpec } from '../model/spec.js';
import type { PatchRect } from '../format/patch.js';
import type { TrainingFrame, TrainingSet } from '../train/training-set.js';
import type { PatchScorer } from './splitter.js';

export interface ModelPlan { spec: DynamicSRSpec; set: TrainingSet; steps: number }

export interface MethodPlan { halo: number; patches: PatchRect[][]; models: ModelPlan[] }

/** Contiguous frame ranges [start, end) of k near-equal chunks. */
export function temporalChunks(frames: number, k: number): [number, number][] {
  const n = Math.min(k, frames);
  return Array.from({ length: n }, (_, c) => [Math.floor((c * frames) / n), Math.floor(((c + 1) * frames) / n)]);
}

export function planNas(frames: TrainingFrame[], lrW: number, lrH: number, scale: 2 | 3 | 4, k: number, steps: number): MethodPlan {
  const chunks = temporalChunks(frames.length, k);
  const patches: PatchRect[][] = frames.map(() => []);
  const models = chunks.map(([a, b], c) => {
    for (let i = a; i < b; i++) patches[i] = [{ x: 0, y: 0, w: lrW, h: lrH, path: c }];
    const range = frames.slice(a, b);
    return {
      spec: defaultPathSpecs(scale, [[lrH, lrW]]),
      set: { lrWidth: lrW, lrHeight: lrH, scale, frames: range, patches: range.map(() => [{ x: 0, y: 0, w: lrW, h: lrH, path: 0 }]) },
      steps: Math.max(1, Math.floor(steps / chunks.length)),
    };
  });
  // whole frames: the clamped halo would only repeat edge pixels
  return { halo: 0, patches, models };
}

export function planStdo(frames: TrainingFrame[], lrW: number, lrH: number, scale: 2 | 3 | 4, k: number, steps: number, patch: number,
  score: PatchScorer, halo: number): MethodPlan {
  // cells at the right and bottom edges are cut to the frame when `patch` does not divide it (the frame is a
  // multiple of the finest split patch, which at x4 is half of this one); a single-path model runs any shape
  const grid: { x: number; y: number; w: number; h: number }[] = [];
  for (let y = 0; y < lrH; y += patch) for (let x = 0; x < lrW; x += patch) grid.push({ x, y, w: Math.min(patch, lrW - x), h: Math.min(patch, lrH - y) });
  const scored = frames.flatMap((_, f) => score(f, grid).map((psnr, i) => ({ f, rect: grid[i], psnr })));
  // equal-count groups by PSNR, easiest (highest PSNR) first
  const order = scored.map((_, i) => i).sort((a, b) => scored[b].psnr - scored[a].psnr);
  const groups = Math.min(k, scored.length);
  const group = new Int32Array(scored.length);
  order.forEach((idx, rank) => { group[idx] = Math.floor((rank * groups) / scored.length); });
  const patches: PatchRect[][] = frames.map(() => []);
  scored.forEach((s, i) => patches[s.f].push({ ...s.rect, path: group[i] }));
  const models = Array.from({ length: groups }, (_, g) => {
    // a group trains on its whole cells (crops are as large as the smallest training patch allows), on its
    // cut edge cells only when it has no whole one
    const own = patches.map((ps) => ps.filter((p) => p.path === g));
    const whole = own.map((ps) => ps.filter((p) => p.w === patch && p.h === patch));
    const train = whole.some((ps) => ps.length > 0) ? whole : own;
    return {
      spec: defaultPathSpecs(scale, [[patch, patch]]),
      set: { lrWidth: lrW, lrHeight: lrH, scale, frames, patches: train.map((ps) => ps.map((p) => ({ ...p, path: 0 }))) },
      steps: Math.max(1, Math.floor(steps / groups)),
    };
  });
  return { halo, patches, models };
}
