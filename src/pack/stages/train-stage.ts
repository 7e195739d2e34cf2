// Train job (one per model: Dy-DCA trains one; the baselines one per path): the training set is the store's
// frames (spread over the whole video) with their patches, read from disk crop by crop; training checkpoints into
// the work folder, so a killed job resumes from its last checkpoint.
import { existsSync } from 'node:fs';
import { exportDynamicSR } from '../../model/export-onnx.js';
import { defaultPathSpecs } from '../../model/wdsr-spec.js';
import { gflopsPerFrame, type CostedPatch } from '../../model/sr-cost.js';
import { specForBudget } from '../../model/spec-for-budget.js';
import type { DynamicSRSpec } from '../../model/spec.js';
import { writeModel } from '../../onnx/model-io.js';
import type { PatchRect } from '../../format/patch.js';
import type { PatchSegmentFile } from '../../format/manifest.js';
import { trainDynamicSR } from '../../train/trainer.js';
import type { TrainingSet } from '../../train/training-set.js';
import { fittedStartWeights } from '../bicubic-skip.js';
import { budgetInput } from '../pack-options.js';
import type { PackPlan } from '../pack-plan.js';
import { TrainingStore } from '../training-store.js';
import { writeFileAtomic } from '../work-folder.js';
import { chunkFiles, packedChunks, type JobContext, type TrainMeta } from './job-context.js';
import { chooseTiers, splitSeconds, tierWorkFile, type StepTiming, type TierChoice } from '../tiers.js';

/** The done record of a train job. */
export interface TrainRecord { model: number; file: string; spec: DynamicSRSpec; stepsDone: number; seconds: number }

/** The done record of a tier's train job (`tier-<t>`): as a train job's, with the GFLOP budget it was sized to; or why it is omitted. */
export type TierRecord = { tier: number; file: string; budget: number; spec: DynamicSRSpec; stepsDone: number; seconds: number } | { tier: number; omitted: string };

/** Models the plan trains: Dy-DCA one, the baselines `models` (one per path id of the layout). */
export function modelCount(plan: PackPlan): number {
  return plan.method === 'dydca' ? 1 : plan.method === 'nas' ? Math.min(plan.options.models, plan.frames) : plan.options.models;
}

/** Work file of model m (Dy-DCA's single model is model.onnx, as in the pack). */
export const modelFile = (plan: PackPlan, m: number): string => (plan.method === 'dydca' ? 'model.onnx' : `model-${m}.onnx`);

/** Every frame's patches as cost summaries (shape and path with a count), chunk by chunk: what the budget needs. */
function layoutCosts(ctx: Pick<JobContext, 'plan' | 'work'>): CostedPatch[][] {
  const out: CostedPatch[][] = [];
  const shared = new Map<string, CostedPatch[]>();
  for (const k of packedChunks(ctx).chunks) {
    for (const ps of ctx.work.readJson<PatchSegmentFile>(chunkFiles(k).layout).frames) {
      const counts = new Map<string, number>();
      for (const [, , w, h, path] of ps) { const key = `${path}:${w}:${h}`; counts.set(key, (counts.get(key) ?? 0) + 1); }
      const key = [...counts].sort().join(';');
      // identical frames share one summary: a static video costs one entry, not one per frame
      let summary = shared.get(key);
      if (!summary) {
        summary = [...counts].map(([k2, count]) => { const [path, w, h] = k2.split(':').map(Number); return { path, w, h, count }; });
        shared.set(key, summary);
      }
      out.push(summary);
    }
  }
  return out;
}

/** What one train job trains: the spec, its step and time bounds, where it checkpoints and writes, its progress label. */
interface TrainTarget { spec: DynamicSRSpec; steps: number; seconds: number | null; patchWeights?: number[][]; set: TrainingSet; seed: number; ckpt: string; file: string; label: string }

/** The training set of a pack: the store's frames with their patches and (error sampling) crop weights. */
function packTrainingSet(ctx: JobContext, store: TrainingStore): { set: TrainingSet; patches: PatchRect[][]; weights: number[][] | null } {
  const { plan, work } = ctx;
  const patches: PatchRect[][] = [];
  let weights: number[][] | null = [];
  for (const k of packedChunks(ctx).chunks) {
    const layout = work.readJson<PatchSegmentFile>(chunkFiles(k).layout);
    const meta = work.readJson<TrainMeta>(chunkFiles(k).trainMeta);
    for (const g of meta.frames) patches.push(layout.frames[g - layout.firstFrame].map(([x, y, w, h, path]) => ({ x, y, w, h, path })));
    if (meta.weights === null) weights = null;
    else weights?.push(...meta.weights);
  }
  return { set: { lrWidth: plan.lrWidth, lrHeight: plan.lrHeight, scale: plan.scale, frames: store, patches }, patches, weights };
}

/** The pack's training store over its packed chunks (close it when done). */
function openTrainingStore(ctx: JobContext): TrainingStore {
  const { plan, work } = ctx;
  return new TrainingStore(packedChunks(ctx).chunks.map((k) => work.path(chunkFiles(k).train)), plan.lrWidth, plan.lrHeight, plan.scale);
}

/** Dy-DCA's model (tier 0): the default paths, or those sized to --max-gflops-per-frame (the choice printed when `say`). */
export function dydcaSpec(ctx: JobContext, say: boolean): DynamicSRSpec {
  const { plan } = ctx;
  const spec = defaultPathSpecs(plan.scale, plan.sizes.map((v) => [v, v] as [number, number]));
  return plan.options.maxGflopsPerFrame === null ? spec : budgetedSpec(ctx, spec, plan.options.maxGflopsPerFrame, say);
}

export async function runTrainJob(ctx: JobContext, m: number): Promise<TrainRecord> {
  const { plan, work } = ctx;
  const o = plan.options;
  const store = openTrainingStore(ctx);
  try {
    const { set, patches, weights } = packTrainingSet(ctx, store);
    if (plan.method === 'dydca') {
      // with tiers and --train-seconds, tier 0's share of the time (tiers.ts, measured by the tier-split job)
      const seconds = o.trainSeconds === null ? null : tierSeconds(ctx, 0);
      const spec = dydcaSpec(ctx, true);
      const file = modelFile(plan, m);
      return { model: m, file, ...await trainModel(ctx, { spec, steps: o.steps, seconds, patchWeights: weights ?? undefined, set, seed: o.seed + m, ckpt: work.path(`train-${m}.ckpt`), file, label: '' }) };
    }
    // a baseline's model m serves path id m of the layout: it trains on those patches only (STDO: on its whole cells
    // when it has any, as its cut edge cells are smaller than the crops)
    const full = plan.method === 'nas' ? [plan.lrHeight, plan.lrWidth] : [plan.sizes[Math.min(1, plan.sizes.length - 1)], plan.sizes[Math.min(1, plan.sizes.length - 1)]];
    const spec = defaultPathSpecs(plan.scale, [[full[0], full[1]]]);
    const own = patches.map((ps) => ps.filter((p) => p.path === m));
    const whole = own.map((ps) => ps.filter((p) => p.h === full[0] && p.w === full[1]));
    const chosen = whole.some((ps) => ps.length > 0) ? whole : own;
    const keep = chosen.map((ps, i) => (ps.length > 0 ? i : -1)).filter((i) => i >= 0);
    const subset: TrainingSet = { ...set, frames: subsetFrames(store, keep), patches: keep.map((i) => chosen[i].map((p) => ({ ...p, path: 0 }))) };
    const file = modelFile(plan, m);
    return { model: m, file, ...await trainModel(ctx, {
      spec, steps: Math.max(1, Math.floor(o.steps / modelCount(plan))), seconds: o.trainSeconds === null ? null : o.trainSeconds / modelCount(plan),
      set: subset, seed: o.seed + m, ckpt: work.path(`train-${m}.ckpt`), file, label: modelCount(plan) > 1 ? `model ${m + 1}/${modelCount(plan)}: ` : '' }) };
  } finally {
    store.close();
  }
}

/** The pack's tiers (tiers.ts chooseTiers) on its layout, tier 0 being `top` (dydcaSpec). */
export function tierChoices(ctx: JobContext, top: DynamicSRSpec): TierChoice[] {
  return chooseTiers(top, layoutCosts(ctx), ctx.plan.halo, ctx.plan.fps, tierCount(ctx.plan));
}

/** Model tiers the plan packs: --tiers for Dy-DCA (the CLI gives the baselines 1). */
export const tierCount = (plan: PackPlan): number => (plan.method === 'dydca' ? plan.options.tiers : 1);

/** The done records of the tiers' train jobs (tier 1 first); none without tiers. */
export function tierRecords(ctx: Pick<JobContext, 'plan' | 'work'>): TierRecord[] {
  return Array.from({ length: tierCount(ctx.plan) - 1 }, (_, t) => ctx.work.doneRecord<TierRecord>(`tier-${t + 1}`));
}

/** Whether the pack has a tier-split job: tiers share --train-seconds by measured step times. */
export const hasTierSplit = (plan: PackPlan): boolean => tierCount(plan) > 1 && plan.options.trainSeconds !== null;

/** The done record of the tier-split job: each tier's measured training time (null: omitted) and its share of --train-seconds. */
export interface TierSplitRecord { timings: (StepTiming | null)[]; seconds: number[] }

/** Seconds of --train-seconds tier t trains for: all of them without tiers, else its share (the tier-split job's record). */
function tierSeconds(ctx: JobContext, t: number): number | null {
  const o = ctx.plan.options;
  if (o.trainSeconds === null || !hasTierSplit(ctx.plan)) return o.trainSeconds;
  return ctx.work.doneRecord<TierSplitRecord>('tier-split').seconds[t];
}

/** The tier-split job: times a few training steps of every tier's model and splits --train-seconds so each gets as many steps. */
export async function runTierSplitJob(ctx: JobContext): Promise<TierSplitRecord> {
  const choices = tierChoices(ctx, dydcaSpec(ctx, false));
  const timings: (StepTiming | null)[] = [];
  for (const c of choices) timings.push(c.spec ? await stepTiming(ctx, c.spec) : null);
  const seconds = splitSeconds(ctx.plan.options.trainSeconds!, timings);
  ctx.progress.stage('tiers', `${timings.map((s, t) => `tier ${t} ${s ? `${s.perStep} s per step + ${s.setup} s setup` : 'omitted'}`).join(', ')}: ` +
    `--train-seconds ${ctx.plan.options.trainSeconds} split ${seconds.join(' + ')} s (as many steps each)`);
  return { timings, seconds };
}

/** Tier t >= 1's train job (`tier-<t>`): its spec (tiers.ts), trained on the same crops as tier 0, or omitted. */
export async function runTierTrainJob(ctx: JobContext, t: number): Promise<TierRecord> {
  const { plan, work, progress } = ctx;
  const o = plan.options;
  const choice = tierChoices(ctx, dydcaSpec(ctx, false))[t];
  if (choice.spec === null) {
    progress.stage('train', `tier ${t}: omitted (${choice.note})`);
    return { tier: t, omitted: choice.note };
  }
  const store = openTrainingStore(ctx);
  try {
    const { set, weights } = packTrainingSet(ctx, store);
    progress.stage('train', `tier ${t}: ${choice.note}`);
    const file = tierWorkFile(t);
    return { tier: t, file, budget: choice.budget, ...await trainModel(ctx, {
      spec: choice.spec, steps: o.steps, seconds: o.trainSeconds === null ? null : tierSeconds(ctx, t), patchWeights: weights ?? undefined, set,
      seed: o.seed, ckpt: work.path(`tier-${t}.ckpt`), file, label: `tier ${t}: ` }) };
  } finally {
    store.close();
  }
}

/** Trains one model from its checkpoint or from the fitted start, and writes its ONNX into the work folder. */
async function trainModel(ctx: JobContext, t: TrainTarget): Promise<Pick<TrainRecord, 'spec' | 'stepsDone' | 'seconds'>> {
  const { plan, work, progress, signal } = ctx;
  const o = plan.options;
  const resumed = existsSync(t.ckpt);
  progress.stage('train', `${t.label}${t.seconds === null ? `${t.steps} steps` : `${round(t.seconds, 1)} s`}, batch ${o.batchSize}, ` +
    `halo ${plan.halo}, trainer ${o.trainer}, ${t.set.frames.length} frames in the training store${resumed ? ', resuming from its checkpoint' : ''}`);
  const start = fittedStartWeights(t.spec, t.set, t.seed);
  signal?.throwIfAborted();
  if (!resumed) progress.stage('train', `skip convs: least-squares fit on ${start.samples} LR pixels`);
  const t0 = performance.now();
  const trained = await trainDynamicSR(t.set, {
    spec: t.spec, steps: t.steps, batchSize: o.batchSize, learningRate: o.learningRate, seed: t.seed, halo: plan.halo, loss: o.loss, trainer: o.trainer,
    ...(t.seconds === null ? {} : { trainSeconds: t.seconds }), initial: start.weights, signal, patchWeights: t.patchWeights,
    checkpointFile: t.ckpt, checkpointEvery: 50, onProgress: (p) => progress.training(p),
  });
  writeFileAtomic(work.path(t.file), writeModel(exportDynamicSR(t.spec, trained.weights)));
  return { spec: t.spec, stepsDone: trained.stepsDone, seconds: round((performance.now() - t0) / 1000, 1) };
}

/**
 * A spec's training time on the pack's training set, for the tier-split job: `4 x paths` steps (a step trains one path),
 * the steps after the first `paths` timed as the time per step; the first `paths` steps' excess over that is the setup
 * (each path's first step builds its training session).
 */
async function stepTiming(ctx: JobContext, spec: DynamicSRSpec): Promise<StepTiming> {
  const { plan, signal } = ctx;
  const o = plan.options;
  const store = openTrainingStore(ctx);
  try {
    const { set, weights } = packTrainingSet(ctx, store);
    const warm = spec.paths.length, steps = 4 * warm;
    let warmed = 0;
    const t0 = performance.now();
    await trainDynamicSR(set, {
      spec, steps, batchSize: o.batchSize, learningRate: o.learningRate, seed: o.seed, halo: plan.halo, loss: o.loss, trainer: o.trainer,
      signal, patchWeights: weights ?? undefined, onProgress: (p) => { if (p.step === warm) warmed = performance.now(); },
    });
    const end = performance.now();
    const perStep = (end - (warmed || t0)) / 1000 / (steps - warm);
    return { perStep: round(perStep, 4), setup: round(Math.max(0, ((warmed || t0) - t0) / 1000 - warm * perStep), 3) };
  } finally {
    store.close();
  }
}

/** Frames `keep` of a store, as a frame source of their own. */
function subsetFrames(store: TrainingStore, keep: number[]): TrainingSet['frames'] {
  return {
    length: keep.length,
    frame: (i) => store.frame(keep[i]),
    window: (i, image, x, y, w, h) => store.window(keep[i], image, x, y, w, h),
  };
}

/** The default spec resized to fit `budget` GFLOP on every frame of the layout (specForBudget), the choice printed when `say`. */
function budgetedSpec(ctx: JobContext, spec: DynamicSRSpec, budget: number, say: boolean): DynamicSRSpec {
  const frames = layoutCosts(ctx);
  const full = gflopsPerFrame(frames, spec.paths, spec.scale, ctx.plan.halo);
  const choice = budgetInput(() => specForBudget(spec, frames, ctx.plan.halo, budget));
  if (say) ctx.progress.stage('train', `budget ${budget} GFLOP per frame: ${choice.spec.paths[0].channels} channels, blocks ${choice.spec.paths.map((p) => p.blocks).join('/')} ` +
    `(max ${choice.cost.max}, mean ${choice.cost.mean} GFLOP per frame; default paths ${full.max}/${full.mean}; best of ${choice.candidates})`);
  return choice.spec;
}

function round(v: number, digits: number): number {
  const f = 10 ** digits;
  return Math.round(v * f) / f;
}
