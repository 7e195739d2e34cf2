// Overfits a dynamic SR network to one video: per step, a batch of crops for one path (drawn in
// proportion to the patches it serves), L1 loss, Adam with cosine decay, checkpoint/resume.
import { initTfBackend, tf } from './tf-backend.js';
import { CropSampler } from './crop-sampler.js';
import { pathGradients } from './path-gradients.js';
import { GradientWorkerPool } from './gradient-workers.js';
import { parallelPathGradients } from './parallel-gradients.js';
import { AdamState, cosineLearningRate } from './adam.js';
import { loadCheckpoint, saveCheckpoint, type TrainCheckpoint, type TrainHistoryEntry } from './checkpoint.js';
import { hwioToOihw, pathTensorsFromWeights } from './wdsr-tf.js';
import { validateTrainingSet, type TrainingSet } from './training-set.js';
import { SeededRandom } from '../model/seeded-random.js';
import { initWeights } from '../model/init-weights.js';
import type { DynamicSRSpec, PathSpec, Weights } from '../model/spec.js';

export interface TrainOptions {
  spec: DynamicSRSpec;
  /** total optimisation steps (one batch of one path each) */
  steps: number;
  /** crops per step (default 16) */
  batchSize?: number;
  /** LR crop side (default 48), capped by the path's smallest patch */
  cropSize?: number;
  /** Adam base learning rate, decayed by a cosine to 0 (default 1e-3) */
  learningRate?: number;
  /** seeds initial weights and sampling (default 1) */
  seed?: number;
  /** random flips and (square crops) rot90 (default true) */
  augment?: boolean;
  /** LR context px around each crop, as at inference; the loss ignores it (default 0) */
  halo?: number;
  /** data-parallel gradient workers; 1 = this thread only (default 1) */
  workers?: number;
  /** resume from this file if it exists, and save to it every `checkpointEvery` steps and at the end */
  checkpointFile?: string;
  /** default 50 */
  checkpointEvery?: number;
  /** start from these weights instead of initWeights(spec, seed) (ignored when resuming) */
  initial?: Weights;
  /** stop after this step even though the schedule runs to `steps` (a time-bounded job; resume later) */
  stopAtStep?: number;
  onProgress?: (p: TrainProgress) => void;
}

export interface TrainProgress {
  step: number;
  steps: number;
  /** L1 of this step's batch */
  loss: number;
  /** PSNR (dB) of this step's batch */
  psnr: number;
  stepsPerSec: number;
  etaSec: number;
  path?: number;
}

export interface TrainResult {
  weights: Weights;
  /** one entry per step since step 0 (kept across resumes) */
  history: TrainHistoryEntry[];
  /** steps completed (== steps unless stopAtStep stopped early) */
  stepsDone: number;
}

export async function trainDynamicSR(set: TrainingSet, opts: TrainOptions): Promise<TrainResult> {
  await initTfBackend();
  validateTrainingSet(set);
  const { spec } = opts;
  if (set.scale !== spec.scale) throw new Error(`training set is x${set.scale} but the spec is x${spec.scale}`);
  const batchSize = opts.batchSize ?? 16;
  const cropSize = opts.cropSize ?? 48;
  const baseLr = opts.learningRate ?? 1e-3;
  const seed = opts.seed ?? 1;
  const augment = opts.augment ?? true;
  const halo = opts.halo ?? 0;
  const checkpointEvery = opts.checkpointEvery ?? 50;
  const specKey = JSON.stringify(spec);

  const sampler = new CropSampler(set, spec.paths.map((p) => p.id));
  const rng = new SeededRandom(seed);
  const params = new Map<number, Map<string, tf.Variable>>();
  const adam = new Map<number, AdamState>();
  const pathSteps: Record<number, number> = {};
  let history: TrainHistoryEntry[] = [];
  let step = 0;

  const initial = opts.initial ?? initWeights(spec, seed);
  for (const p of spec.paths) {
    const ts = pathTensorsFromWeights(p, spec.scale, initial);
    params.set(p.id, new Map([...ts].map(([k, t]) => [k, tf.variable(t, true)])));
    for (const t of ts.values()) t.dispose();
    adam.set(p.id, new AdamState(params.get(p.id)!));
    pathSteps[p.id] = 0;
  }

  const ck = opts.checkpointFile ? loadCheckpoint(opts.checkpointFile) : null;
  if (ck) {
    if (ck.specKey !== specKey) throw new Error(`checkpoint ${opts.checkpointFile} was written for another network; delete it to start over`);
    for (const p of spec.paths) {
      const a = adam.get(p.id)!;
      for (const [k, v] of params.get(p.id)!) {
        for (const [prefix, target] of [['w', v], ['m', a.m.get(k)!], ['v', a.v.get(k)!]] as const) {
          const t = ck.tensors.get(`${prefix}:${k}`);
          if (!t) throw new Error(`checkpoint ${opts.checkpointFile} lacks '${prefix}:${k}'; delete it to start over`);
          const value = tf.tensor(t.data, t.dims);
          target.assign(value);
          value.dispose();
        }
      }
    }
    step = ck.step;
    rng.state = ck.rngState;
    Object.assign(pathSteps, ck.pathSteps);
    history = ck.history;
  }

  const snapshot = (): TrainCheckpoint => {
    const tensors = new Map<string, { dims: number[]; data: Float32Array }>();
    for (const p of spec.paths) {
      const a = adam.get(p.id)!;
      for (const [k, v] of params.get(p.id)!) {
        tensors.set(`w:${k}`, { dims: v.shape, data: v.dataSync() as Float32Array });
        tensors.set(`m:${k}`, { dims: v.shape, data: a.m.get(k)!.dataSync() as Float32Array });
        tensors.set(`v:${k}`, { dims: v.shape, data: a.v.get(k)!.dataSync() as Float32Array });
      }
    }
    return { specKey, step, rngState: rng.state, pathSteps: { ...pathSteps }, history, tensors };
  };

  const pathById = new Map<number, PathSpec>(spec.paths.map((p) => [p.id, p]));
  const stopAt = Math.min(opts.steps, opts.stopAtStep ?? opts.steps);
  const startStep = step;
  const workers = Math.max(1, Math.floor(opts.workers ?? 1));
  const pool = workers > 1 ? GradientWorkerPool.start(workers - 1) : null;
  const t0 = performance.now();
  try {
    while (step < stopAt) {
      const pathId = sampler.drawPath(rng);
      const batch = sampler.sample(pathId, batchSize, cropSize, halo, rng, augment);
      const lr = cosineLearningRate(baseLr, step, opts.steps);
      const g = pool ? await parallelPathGradients(pool, pathById.get(pathId)!, spec.scale, params.get(pathId)!, batch)
        : pathGradients(pathById.get(pathId)!, spec.scale, params.get(pathId)!, batch);
      pathSteps[pathId] += 1;
      adam.get(pathId)!.apply(params.get(pathId)!, g.grads, lr, pathSteps[pathId]);
      for (const t of g.grads.values()) t.dispose();
      const psnr = 10 * Math.log10(1 / Math.max(g.mse, 1e-12));
      history.push({ step, path: pathId, loss: g.loss, psnr, learningRate: lr });
      step += 1;
      const stepsPerSec = (step - startStep) / ((performance.now() - t0) / 1000);
      opts.onProgress?.({ step, steps: opts.steps, loss: g.loss, psnr, stepsPerSec, etaSec: (opts.steps - step) / stepsPerSec, path: pathId });
      if (opts.checkpointFile && step % checkpointEvery === 0 && step < stopAt) saveCheckpoint(opts.checkpointFile, snapshot());
    }
    if (opts.checkpointFile) saveCheckpoint(opts.checkpointFile, snapshot());
    const weights: Weights = new Map();
    for (const p of spec.paths) {
      for (const [k, v] of params.get(p.id)!) weights.set(k, k.endsWith('.w') ? hwioToOihw(v) : { dims: v.shape, data: v.dataSync().slice() as Float32Array });
    }
    return { weights, history, stepsDone: step };
  } finally {
    pool?.close();
    for (const p of spec.paths) {
      for (const v of params.get(p.id)!.values()) v.dispose();
      adam.get(p.id)!.dispose();
    }
  }
}
