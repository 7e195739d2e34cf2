// Layout job for the splits that need every frame at once: the baselines (NAS: one model per temporal chunk;
// STDO: uniform patches grouped by texture across the video) and the trained scorer (a short training before the
// split). They hold the whole clip in memory, as the paper's comparisons on short clips do; the default method
// splits each chunk in its chunk job instead.
import { exportDynamicSR } from '../../model/export-onnx.js';
import { defaultPathSpecs } from '../../model/wdsr-spec.js';
import { writeModel } from '../../onnx/model-io.js';
import type { PatchRect } from '../../format/patch.js';
import type { PatchSegmentFile } from '../../format/manifest.js';
import { errorSamplingWeights } from '../../train/crop-sampler.js';
import { trainDynamicSR } from '../../train/trainer.js';
import type { TrainingFrame } from '../../train/training-set.js';
import { planNas, planStdo } from '../baselines.js';
import { fittedStartWeights } from '../bicubic-skip.js';
import type { RgbImage } from '../bicubic.js';
import { ERROR_SAMPLING_MIX } from '../pack-options.js';
import { chunkRange, type PackPlan } from '../pack-plan.js';
import { loadPatchModel, superResolveFrame } from '../patch-inference.js';
import { regionPsnr } from '../region-psnr.js';
import { splitFrame, type PatchScorer } from '../splitter.js';
import { TrainingStore } from '../training-store.js';
import { bicubicScorer } from './chunk-stage.js';
import { chunkFiles, packedChunks, type JobContext, type TrainMeta } from './job-context.js';

export async function runLayoutJob(ctx: JobContext): Promise<void> {
  const { plan, work } = ctx;
  const { chunks } = packedChunks(ctx);
  const store = new TrainingStore(chunks.map((k) => work.path(chunkFiles(k).train)), plan.lrWidth, plan.lrHeight, plan.scale);
  try {
    const frames: TrainingFrame[] = Array.from({ length: store.length }, (_, i) => ({ ...store.frame(i) }));
    const lr: RgbImage[] = frames.map((f) => ({ width: plan.lrWidth, height: plan.lrHeight, data: f.lr }));
    const hr: RgbImage[] = frames.map((f) => ({ width: plan.geometry.paddedWidth, height: plan.geometry.paddedHeight, data: f.hr }));
    const s = plan.scale, W = plan.lrWidth, H = plan.lrHeight, o = plan.options;
    let patches: PatchRect[][];
    let weights: number[][] | null = null;
    if (plan.method === 'nas') patches = planNas(frames, W, H, s, o.models, o.steps).patches;
    else if (plan.method === 'stdo') {
      patches = planStdo(frames, W, H, s, o.models, o.steps, plan.sizes[Math.min(1, plan.sizes.length - 1)], bicubicScorer(lr, hr, s), plan.halo).patches;
    } else {
      const scorer = await trainedScorer(ctx, lr, hr);
      patches = [];
      const w: number[][] = [];
      for (let i = 0; i < frames.length; i++) {
        const ps = splitFrame(i, W, H, plan.split, scorer);
        patches.push(ps);
        if (o.cropSampling === 'error') w.push(errorSamplingWeights(ps, scorer(i, ps), ERROR_SAMPLING_MIX));
      }
      if (o.cropSampling === 'error') weights = w;
    }
    // the store holds every frame here (trainStride 1): frame i of the store is pack frame i
    for (const k of chunks) {
      const [a, b] = chunkRange(plan, k);
      const n = Math.min(b, frames.length) - a;
      const tuples: PatchSegmentFile['frames'] = patches.slice(a, a + n).map((ps) => ps.map((p) => [p.x, p.y, p.w, p.h, p.path]));
      work.writeJson(chunkFiles(k).layout, { firstFrame: a, frames: tuples } satisfies PatchSegmentFile);
      const meta = work.readJson<TrainMeta>(chunkFiles(k).trainMeta);
      work.writeJson(chunkFiles(k).trainMeta, { frames: meta.frames, weights: weights ? weights.slice(a, a + n) : null } satisfies TrainMeta);
    }
  } finally {
    store.close();
  }
}

/**
 * Scorer `trained`: the paper scores with a general SR model; here a short training of the smallest
 * path on uniform finest patches of every 4th frame, then the PSNR of its output per patch.
 */
async function trainedScorer(ctx: JobContext, lr: RgbImage[], hr: RgbImage[]): Promise<PatchScorer> {
  const { plan, progress, signal } = ctx;
  const o = plan.options, scale = plan.scale;
  const finest = plan.sizes[plan.sizes.length - 1];
  const steps = Math.max(20, Math.round(o.steps / 10));
  const sample = lr.map((_, i) => i).filter((i) => i % 4 === 0);
  const w = plan.lrWidth, h = plan.lrHeight;
  const grid: PatchRect[] = [];
  for (let y = 0; y < h; y += finest) for (let x = 0; x < w; x += finest) grid.push({ x, y, w: finest, h: finest, path: 0 });
  const spec = defaultPathSpecs(scale, [[finest, finest]]);
  progress.stage('layout', `training the scorer: ${steps} steps on ${sample.length} frames`);
  const set = { lrWidth: w, lrHeight: h, scale, frames: sample.map((i) => ({ lr: lr[i].data, hr: hr[i].data })), patches: sample.map(() => grid) };
  // with a time budget the scorer gets a tenth of it, as it gets a tenth of the steps otherwise
  const trained = await trainDynamicSR(set, { spec, steps, batchSize: o.batchSize, learningRate: o.learningRate, seed: o.seed, signal, loss: o.loss,
    trainer: o.trainer, ...(o.trainSeconds === null ? {} : { trainSeconds: o.trainSeconds / 10 }),
    initial: fittedStartWeights(spec, set, o.seed).weights, onProgress: (p) => progress.training(p) });
  const model = await loadPatchModel(writeModel(exportDynamicSR(spec, trained.weights)), scale, 0);
  const srFrames = new Map<number, Uint8Array>();
  for (let i = 0; i < lr.length; i++) srFrames.set(i, (await superResolveFrame(() => model, lr[i], [{ x: 0, y: 0, w, h, path: 0 }])).data);
  await model.session.release();
  return (frame, rects) => rects.map((r) => regionPsnr(srFrames.get(frame)!, hr[frame].data, hr[frame].width, r.x * scale, r.y * scale, r.w * scale, r.h * scale));
}
