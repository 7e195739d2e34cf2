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

/** The done record of a train job. */
export interface TrainRecord { model: number; file: string; spec: DynamicSRSpec; stepsDone: number; seconds: number }

/** Models the plan trains: Dy-DCA one, the baselines `models` (one per path id of the layout). */
export function modelCount(plan: PackPlan): number {
  return plan.method === 'dydca' ? 1 : plan.method === 'nas' ? Math.min(plan.options.models, plan.frames) : plan.options.models;
}

/** Work file of model m (Dy-DCA's single model is model.onnx, as in the pack). */
export const modelFile = (plan: PackPlan, m: number): string => (plan.method === 'dydca' ? 'model.onnx' : `model-${m}.onnx`);

/** Every frame's patches as cost summaries (shape and path with a count), chunk by chunk: what the budget needs. */
function layoutCosts(ctx: JobContext): CostedPatch[][] {
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

export async function runTrainJob(ctx: JobContext, m: number): Promise<TrainRecord> {
  const { plan, work, progress, signal } = ctx;
  const o = plan.options, s = plan.scale;
  const chunks = packedChunks(ctx).chunks;
  const store = new TrainingStore(chunks.map((k) => work.path(chunkFiles(k).train)), plan.lrWidth, plan.lrHeight, s);
  try {
    // the store frames' patches and weights, from each chunk's layout and training metadata
    const patches: PatchRect[][] = [];
    let weights: number[][] | null = [];
    for (const k of chunks) {
      const layout = work.readJson<PatchSegmentFile>(chunkFiles(k).layout);
      const meta = work.readJson<TrainMeta>(chunkFiles(k).trainMeta);
      for (const g of meta.frames) patches.push(layout.frames[g - layout.firstFrame].map(([x, y, w, h, path]) => ({ x, y, w, h, path })));
      if (meta.weights === null) weights = null;
      else weights?.push(...meta.weights);
    }
    let spec: DynamicSRSpec;
    let set: TrainingSet = { lrWidth: plan.lrWidth, lrHeight: plan.lrHeight, scale: s, frames: store, patches };
    let steps = o.steps;
    let patchWeights = weights ?? undefined;
    if (plan.method === 'dydca') {
      spec = defaultPathSpecs(s, plan.sizes.map((v) => [v, v] as [number, number]));
      if (o.maxGflopsPerFrame !== null) spec = budgetedSpec(ctx, spec, o.maxGflopsPerFrame);
    } else {
      // a baseline's model m serves path id m of the layout: it trains on those patches only (STDO: on its whole cells
      // when it has any, as its cut edge cells are smaller than the crops)
      const full = plan.method === 'nas' ? [plan.lrHeight, plan.lrWidth] : [plan.sizes[Math.min(1, plan.sizes.length - 1)], plan.sizes[Math.min(1, plan.sizes.length - 1)]];
      spec = defaultPathSpecs(s, [[full[0], full[1]]]);
      const own = patches.map((ps) => ps.filter((p) => p.path === m));
      const whole = own.map((ps) => ps.filter((p) => p.h === full[0] && p.w === full[1]));
      const chosen = whole.some((ps) => ps.length > 0) ? whole : own;
      const keep = chosen.map((ps, i) => (ps.length > 0 ? i : -1)).filter((i) => i >= 0);
      set = { ...set, frames: subsetFrames(store, keep), patches: keep.map((i) => chosen[i].map((p) => ({ ...p, path: 0 }))) };
      steps = Math.max(1, Math.floor(o.steps / modelCount(plan)));
      patchWeights = undefined;
    }
    const budget = o.trainSeconds === null ? null : o.trainSeconds / modelCount(plan);
    const ckpt = work.path(`train-${m}.ckpt`);
    const resumed = existsSync(ckpt);
    progress.stage('train', `${modelCount(plan) > 1 ? `model ${m + 1}/${modelCount(plan)}: ` : ''}${budget === null ? `${steps} steps` : `${round(budget, 1)} s`}, batch ${o.batchSize}, ` +
      `halo ${plan.halo}, trainer ${o.trainer}, ${store.length} frames in the training store${resumed ? ', resuming from its checkpoint' : ''}`);
    const start = fittedStartWeights(spec, set, o.seed + m);
    signal?.throwIfAborted();
    if (!resumed) progress.stage('train', `skip convs: least-squares fit on ${start.samples} LR pixels`);
    const t0 = performance.now();
    const trained = await trainDynamicSR(set, {
      spec, steps, batchSize: o.batchSize, learningRate: o.learningRate, seed: o.seed + m, halo: plan.halo, loss: o.loss, trainer: o.trainer,
      ...(budget === null ? {} : { trainSeconds: budget }), initial: start.weights, signal, patchWeights,
      checkpointFile: ckpt, checkpointEvery: 50, onProgress: (p) => progress.training(p),
    });
    const file = modelFile(plan, m);
    writeFileAtomic(work.path(file), writeModel(exportDynamicSR(spec, trained.weights)));
    return { model: m, file, spec, stepsDone: trained.stepsDone, seconds: round((performance.now() - t0) / 1000, 1) };
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

/** The default spec resized to fit `budget` GFLOP on every frame of the layout (specForBudget), the choice printed. */
function budgetedSpec(ctx: JobContext, spec: DynamicSRSpec, budget: number): DynamicSRSpec {
  const frames = layoutCosts(ctx);
  const full = gflopsPerFrame(frames, spec.paths, spec.scale, ctx.plan.halo);
  const choice = budgetInput(() => specForBudget(spec, frames, ctx.plan.halo, budget));
  ctx.progress.stage('train', `budget ${budget} GFLOP per frame: ${choice.spec.paths[0].channels} channels, blocks ${choice.spec.paths.map((p) => p.blocks).join('/')} ` +
    `(max ${choice.cost.max}, mean ${choice.cost.mean} GFLOP per frame; default paths ${full.max}/${full.mean}; best of ${choice.candidates})`);
  return choice.spec;
}

function round(v: number, digits: number): number {
  const f = 10 ** digits;
  return Math.round(v * f) / f;
}
