// Overfits a dynamic SR network to one video: per step, a batch of crops for one path (drawn in
// proportion to the patches it serves, or to their weights), L1 or L2 loss, Adam with cosine decay, checkpoint/resume.
import { initTfBackend, tf, type TrainBackend } from './tf-backend.js';
import { pathGradients } from './path-gradients.js';
import { GradientWorkerPool } from './gradient-workers.js';
import { parallelPathGradients } from './parallel-gradients.js';
import { AdamState } from './adam.js';
import { learningRateGroup, type TrainingLoss } from './training-graph.js';
import { trainDynamicSROrt } from './ort-trainer.js';
import { loadCheckpoint, saveCheckpoint, type TrainCheckpoint, type TrainHistoryEntry } from './checkpoint.js';
import { hwioToOihw, pathTensorsFromWeights } from './wdsr-tf.js';
import type { TrainingSet } from './training-set.js';
import { trainSetup } from './train-setup.js';
import { initWeights } from '../model/init-weights.js';
import type { DynamicSRSpec, PathSpec, Weights } from '../model/spec.js';

/** `ort`: one onnxruntime-node graph per step (ort-trainer.ts, several times faster on CPU); `tfjs-wasm`: tfjs (the reference). */
export type TrainerKind = 'ort' | 'tfjs-wasm';
export const TRAINER_KINDS: TrainerKind[] = ['ort', 'tfjs-wasm'];

export interface TrainOptions {
  spec: DynamicSRSpec;
  /** total optimisation steps (one batch of one path each); with `trainSeconds`, the most steps to run */
  steps: number;
  /** train for this many wall-clock seconds instead: warm-up and cosine decay follow the fraction of time
   *  used, so such runs are not reproducible step for step; a checkpoint keeps the seconds used, so a resumed run
   *  continues the clock */
  trainSeconds?: number;
  /** the clock `trainSeconds` is measured on, in ms (default performance.now; tests pass one that steps evenly) */
  clock?: () => number;
  /** default 'tfjs-wasm' here; the packer defaults to 'ort' */
  trainer?: TrainerKind;
  /** ort trainer: intra-op threads (default: onnxruntime's, one per physical core) */
  threads?: number;
  /** crops per step (default 16) */
  batchSize?: number;
  /** LR crop side (default 48), capped by the path's smallest patch */
  cropSize?: number;
  /** loss on the crop centre: 'l1' (default) or 'l2' (mean squared error, what PSNR measures) */
  loss?: TrainingLoss;
  /** per frame, per patch of the set: sampling weights (crop-sampler.ts errorSamplingWeights); default uniform over patches */
  patchWeights?: number[][];
  /** Adam base learning rate, decayed by a cosine to 0 (default 1e-3) */
  learningRate?: number;
  /** steps of linear learning-rate warm-up before the cosine decay (default 5% of `steps`) */
  warmupSteps?: number;
  /** learning-rate factor of the 5x5 skip conv (default 0.1): it starts as bicubic upsampling, and
   *  Adam's first, gradient-scale-free steps at the body's rate would undo that faster than the body learns */
  skipLearningRateScale?: number;
  /** learning-rate factor of the tail conv (default 0.1): it starts at zero, and full-rate Adam steps there
   *  add noise to every output pixel before the body has features worth mixing (measured: -0.9 dB at lr 1e-3) */
  tailLearningRateScale?: number;
  /** seeds initial weights and sampling (default 1) */
  seed?: number;
  /** random flips and (square crops) rot90 (default true) */
  augment?: boolean;
  /** LR context px around each crop, as at inference; the loss ignores it (default 0) */
  halo?: number;
  /** data-parallel gradient processes on the wasm backend; 1 = this process only (default 1) */
  workers?: number;
  /** tfjs backend: 'wasm' (CPU, default) or 'webgpu' (a GPU; in Node via Dawn) */
  backend?: TrainBackend;
  /** resume from this file if it exists, and save to it every `checkpointEvery` steps and at the end */
  checkpointFile?: string;
  /** default 50 */
  checkpointEvery?: number;
  /** start from these weights instead of initWeights(spec, seed) (ignored when resuming) */
  initial?: Weights;
  /** stop after this step even though the schedule runs to `steps` (a time-bounded job; resume later) */
  stopAtStep?: number;
  /** checked between steps (the loop yields to the event loop each step so signal handlers can run); throws its reason */
  signal?: AbortSignal;
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
  if (opts.trainer === 'ort') return trainDynamicSROrt(set, opts);
  const backend = opts.backend ?? 'wasm';
  if (backend !== 'wasm' && (opts.workers ?? 1) > 1) throw new Error(`workers > 1 needs the wasm backend; the ${backend} backend trains in one process`);
  if ((opts.loss ?? 'l1') !== 'l1' && (opts.workers ?? 1) > 1) throw new Error(`workers > 1 train with the L1 loss only; got loss '${opts.loss}'`);
  const { spec, batchSize, cropSize, seed, schedule, groupScale, augment, halo, checkpointEvery, specKey, sampler, rng } = trainSetup(set, opts);
  await initTfBackend(backend);
  const scaleOf = (key: string): number => groupScale[learningRateGroup(key)];
  const state = createTrainState(spec, opts.initial ?? initWeights(spec, seed));
  let history: TrainHistoryEntry[] = [];
  let step = 0;
  // a resumed time-budgeted run continues its clock where the checkpoint left it
  let resumedSeconds = 0;
  const now = opts.clock ?? (() => performance.now());
  const t0 = now();
  const elapsed = (): number => resumedSeconds + (now() - t0) / 1000;
  let pool: GradientWorkerPool | null = null;
  try {
    const ck = opts.checkpointFile ? loadCheckpoint(opts.checkpointFile) : null;
    if (ck) {
      if (ck.specKey !== specKey) throw new Error(`checkpoint ${opts.checkpointFile} was written for another network; delete it to start over`);
      restoreTrainState(state, ck, opts.checkpointFile!);
      step = ck.step;
      rng.state = ck.rngState;
      history = ck.history;
      resumedSeconds = ck.seconds ?? 0;
    }
    const snapshot = async (): Promise<TrainCheckpoint> => ({ specKey, step, rngState: rng.state, pathSteps: { ...state.pathSteps }, history, seconds: elapsed(), tensors: await trainStateTensors(state) });
    const pathById = new Map<number, PathSpec>(spec.paths.map((p) => [p.id, p]));
    const startStep = step;
    const workers = Math.max(1, Math.floor(opts.workers ?? 1));
    pool = workers > 1 ? GradientWorkerPool.start(workers - 1) : null;
    while (!schedule.done(step, elapsed(), opts.stopAtStep)) {
      // a step is synchronous compute: without this, SIGINT/SIGTERM handlers would wait for the whole training
      await new Promise<void>((resolve) => setImmediate(resolve));
      opts.signal?.throwIfAborted();
      const pathId = sampler.drawPath(rng);
      const batch = sampler.sample(pathId, batchSize, cropSize, halo, rng, augment);
      const lr = schedule.learningRate(step, elapsed());
      const params = state.params.get(pathId)!;
      const g = pool ? await parallelPathGradients(pool, pathById.get(pathId)!, spec.scale, params, batch)
        : await pathGradients(pathById.get(pathId)!, spec.scale, params, batch, opts.loss);
      state.pathSteps[pathId] += 1;
      state.adam.get(pathId)!.apply(params, g.grads, lr, state.pathSteps[pathId], scaleOf);
      for (const t of g.grads.values()) t.dispose();
      const psnr = 10 * Math.log10(1 / Math.max(g.mse, 1e-12));
      history.push({ step, path: pathId, loss: g.loss, psnr, learningRate: lr });
      step += 1;
      const o = schedule.outlook(step, step - startStep, elapsed() - resumedSeconds, elapsed());
      opts.onProgress?.({ step, steps: o.steps, loss: g.loss, psnr, stepsPerSec: o.stepsPerSec, etaSec: o.etaSec, path: pathId });
      if (opts.checkpointFile && step % checkpointEvery === 0 && !schedule.done(step, elapsed(), opts.stopAtStep)) saveCheckpoint(opts.checkpointFile, await snapshot());
    }
    if (opts.checkpointFile) saveCheckpoint(opts.checkpointFile, await snapshot());
    return { weights: await trainStateWeights(state), history, stepsDone: step };
  } finally {
    (pool as GradientWorkerPool | null)?.close();
    disposeTrainState(state);
  }
}

/** Per path: its parameters as tfjs variables (HWIO), its Adam moments and its Adam step count. */
interface TrainState {
  params: Map<number, Map<string, tf.Variable>>;
  adam: Map<number, AdamState>;
  pathSteps: Record<number, number>;
}

function createTrainState(spec: DynamicSRSpec, initial: Weights): TrainState {
  const state: TrainState = { params: new Map(), adam: new Map(), pathSteps: {} };
  for (const p of spec.paths) {
    const ts = pathTensorsFromWeights(p, spec.scale, initial);
    const vars = new Map([...ts].map(([k, t]) => [k, tf.variable(t, true)]));
    for (const t of ts.values()) t.dispose();
    state.params.set(p.id, vars);
    state.adam.set(p.id, new AdamState(vars));
    state.pathSteps[p.id] = 0;
  }
  return state;
}

/** Every (role, parameter, variable) of the state: role `w` parameters, `m`/`v` Adam moments (checkpoint keys `role:param`). */
function* stateVariables(state: TrainState): Generator<[string, tf.Variable]> {
  for (const [id, vars] of state.params) {
    const a = state.adam.get(id)!;
    for (const [k, v] of vars) {
      yield [`w:${k}`, v];
      yield [`m:${k}`, a.m.get(k)!];
      yield [`v:${k}`, a.v.get(k)!];
    }
  }
}

async function trainStateTensors(state: TrainState): Promise<TrainCheckpoint['tensors']> {
  const out: TrainCheckpoint['tensors'] = new Map();
  for (const [key, v] of stateVariables(state)) out.set(key, { dims: v.shape, data: (await v.data()) as Float32Array });
  return out;
}

function restoreTrainState(state: TrainState, ck: TrainCheckpoint, file: string): void {
  for (const [key, target] of stateVariables(state)) {
    const t = ck.tensors.get(key);
    if (!t) throw new Error(`checkpoint ${file} lacks '${key}'; delete it to start over`);
    const value = tf.tensor(t.data, t.dims);
    target.assign(value);
    value.dispose();
  }
  Object.assign(state.pathSteps, ck.pathSteps);
}

/** The trained parameters as OIHW Weights. */
async function trainStateWeights(state: TrainState): Promise<Weights> {
  const weights: Weights = new Map();
  for (const vars of state.params.values()) {
    for (const [k, v] of vars) weights.set(k, k.endsWith('.w') ? await hwioToOihw(v) : { dims: v.shape, data: (await v.data()) as Float32Array });
  }
  return weights;
}

function disposeTrainState(state: TrainState): void {
  for (const [, v] of stateVariables(state)) v.dispose();
}
