// The onnxruntime-node trainer: each step is one run of the path's training graph (training-graph.ts:
// forward, backward, Adam) on native multi-threaded CPU kernels. Same sampling, schedule, history and
// checkpoint file as the tfjs trainer (trainer.ts); parameters and moments live here as OIHW arrays.
import * as ort from 'onnxruntime-node';
import type { CropBatch } from './crop-sampler.js';
import { ADAM_BETA1, ADAM_BETA2 } from './adam.js';
import { loadCheckpoint, saveCheckpoint, type CheckpointTensor, type TrainCheckpoint, type TrainHistoryEntry } from './checkpoint.js';
import { LEARNING_RATE_GROUPS, TG, buildPathTrainingGraph, type LearningRateGroup, type TrainingLoss } from './training-graph.js';
import type { TrainingSet } from './training-set.js';
import { trainSetup } from './train-setup.js';
import type { TrainOptions, TrainResult } from './trainer.js';
import { writeModel } from '../onnx/model-io.js';
import { initWeights } from '../model/init-weights.js';
import type { DynamicSRSpec, PathSpec, Weights } from '../model/spec.js';

/** One parameter's value and Adam moments, OIHW (weights) or [O] (biases), as the graph takes them. */
interface ParamState { dims: number[]; w: Float32Array; m: Float32Array; v: Float32Array }

/** A path's compiled training step for one batch shape. */
export class PathTrainingStep {
  private constructor(private readonly session: ort.InferenceSession, readonly params: Map<string, number[]>, private readonly scale: number) {}

  static async create(p: PathSpec, scale: number, batch: { count: number; cropH: number; cropW: number; halo: number }, threads?: number,
    loss: TrainingLoss = 'l1'): Promise<PathTrainingStep> {
    const g = buildPathTrainingGraph(p, scale, { batch: batch.count, cropH: batch.cropH, cropW: batch.cropW, halo: batch.halo }, { loss });
    const session = await ort.InferenceSession.create(writeModel(g.model), {
      // 'all' adds onnxruntime's NCHWc layout, whose reorders of the one-hot im2col convs (backward-rules.ts)
      // cost more than the layout saves; 'extended' keeps the fusions (Conv+Relu, MatMul+Transpose)
      graphOptimizationLevel: 'extended', executionMode: 'sequential', ...(threads ? { intraOpNumThreads: threads } : {}),
      // idle threads sleep instead of spinning: on a shared machine spinning steals the cores the other
      // threads wait for (measured 4.4x over tfjs-wasm without spinning, 4.0x with, same run conditions)
      extra: { session: { intra_op: { allow_spinning: '0' } } },
    });
    return new PathTrainingStep(session, g.params, scale);
  }

  /** One Adam step on `batch`; `t` is the path's 1-based Adam step; updates `state` in place. */
  async run(state: Map<string, ParamState>, batch: CropBatch, lr: Record<LearningRateGroup, number>, t: number): Promise<{ loss: number; mse: number }> {
    const scalar = (v: number): ort.Tensor => new ort.Tensor('float32', Float32Array.of(v), []);
    const { count: n, cropH: ch, cropW: cw, halo } = batch;
    const s = this.scale;
    const feeds: Record<string, ort.Tensor> = {
      [TG.input]: new ort.Tensor('float32', batch.input, [n, ch + 2 * halo, cw + 2 * halo, 3]),
      [TG.target]: new ort.Tensor('float32', batch.target, [n, ch * s, cw * s, 3]),
      [TG.c1]: scalar(1 - ADAM_BETA1 ** t),
      [TG.c2]: scalar(1 - ADAM_BETA2 ** t),
    };
    for (const g of LEARNING_RATE_GROUPS) feeds[TG.lr(g)] = scalar(lr[g]);
    for (const [k, p] of state) {
      for (const role of ['w', 'm', 'v'] as const) feeds[TG.state(role, k)] = new ort.Tensor('float32', p[role], p.dims);
    }
    const out = await this.session.run(feeds);
    for (const [k, p] of state) {
      for (const role of ['w', 'm', 'v'] as const) p[role] = out[TG.next(role, k)].data as Float32Array;
    }
    return { loss: (out[TG.loss].data as Float32Array)[0], mse: (out[TG.mse].data as Float32Array)[0] };
  }

  release(): Promise<void> { return this.session.release(); }
}

export async function trainDynamicSROrt(set: TrainingSet, opts: TrainOptions): Promise<TrainResult> {
  if ((opts.workers ?? 1) > 1) throw new Error('workers > 1 is for the tfjs-wasm trainer; the ort trainer uses threads in one process');
  const { spec, batchSize, cropSize, seed, schedule, groupScale, augment, halo, checkpointEvery, specKey, sampler, rng } = trainSetup(set, opts);
  const state = createState(spec, opts.initial ?? initWeights(spec, seed));
  const pathSteps: Record<number, number> = Object.fromEntries(spec.paths.map((p) => [p.id, 0]));
  let history: TrainHistoryEntry[] = [];
  let step = 0;
  // a resumed time-budgeted run continues its clock where the checkpoint left it
  let resumedSeconds = 0;
  const now = opts.clock ?? (() => performance.now());
  const t0 = now();
  const elapsed = (): number => resumedSeconds + (now() - t0) / 1000;
  const ck = opts.checkpointFile ? loadCheckpoint(opts.checkpointFile) : null;
  if (ck) {
    if (ck.specKey !== specKey) throw new Error(`checkpoint ${opts.checkpointFile} was written for another network; delete it to start over`);
    restoreState(state, ck, opts.checkpointFile!);
    Object.assign(pathSteps, ck.pathSteps);
    step = ck.step;
    rng.state = ck.rngState;
    history = ck.history;
    resumedSeconds = ck.seconds ?? 0;
  }
  const snapshot = (): TrainCheckpoint => ({ specKey, step, rngState: rng.state, pathSteps: { ...pathSteps }, history, seconds: elapsed(), tensors: checkpointTensors(state) });
  const pathById = new Map<number, PathSpec>(spec.paths.map((p) => [p.id, p]));
  const steps = new Map<number, PathTrainingStep>();
  try {
    const startStep = step;
    while (!schedule.done(step, elapsed(), opts.stopAtStep)) {
      opts.signal?.throwIfAborted();
      const pathId = sampler.drawPath(rng);
      const batch = sampler.sample(pathId, batchSize, cropSize, halo, rng, augment);
      const lr = schedule.learningRate(step, elapsed());
      let runner = steps.get(pathId);
      if (!runner) {
        runner = await PathTrainingStep.create(pathById.get(pathId)!, spec.scale, batch, opts.threads, opts.loss);
        steps.set(pathId, runner);
      }
      pathSteps[pathId] += 1;
      const rates = { body: lr * groupScale.body, skip: lr * groupScale.skip, tail: lr * groupScale.tail };
      const r = await runner.run(state.get(pathId)!, batch, rates, pathSteps[pathId]);
      const psnr = 10 * Math.log10(1 / Math.max(r.mse, 1e-12));
      history.push({ step, path: pathId, loss: r.loss, psnr, learningRate: lr });
      step += 1;
      const o = schedule.outlook(step, step - startStep, elapsed() - resumedSeconds, elapsed());
      opts.onProgress?.({ step, steps: o.steps, loss: r.loss, psnr, stepsPerSec: o.stepsPerSec, etaSec: o.etaSec, path: pathId });
      if (opts.checkpointFile && step % checkpointEvery === 0 && !schedule.done(step, elapsed(), opts.stopAtStep)) saveCheckpoint(opts.checkpointFile, snapshot());
    }
    if (opts.checkpointFile) saveCheckpoint(opts.checkpointFile, snapshot());
    const weights: Weights = new Map();
    for (const params of state.values()) for (const [k, p] of params) weights.set(k, { dims: p.dims, data: p.w.slice() });
    return { weights, history, stepsDone: step };
  } finally {
    for (const r of steps.values()) await r.release();
  }
}

/** Per path id: its parameters (names as in Weights) with zero Adam moments. */
function createState(spec: DynamicSRSpec, initial: Weights): Map<number, Map<string, ParamState>> {
  const state = new Map<number, Map<string, ParamState>>();
  for (const p of spec.paths) {
    const params = new Map<string, ParamState>();
    const names = [...initial.keys()].filter((k) => k.startsWith(`p${p.id}.`));
    for (const k of names) {
      const { dims, data } = initial.get(k)!;
      params.set(k, { dims: [...dims], w: data.slice(), m: new Float32Array(data.length), v: new Float32Array(data.length) });
    }
    if (params.size === 0) throw new Error(`initial weights hold no parameter of path ${p.id}; were they made for this spec?`);
    state.set(p.id, params);
  }
  return state;
}

// Checkpoints hold filters in the tfjs trainer's HWIO layout, so either trainer can resume the other's file.
const OIHW_TO_HWIO = [2, 3, 1, 0];
const HWIO_TO_OIHW = [3, 2, 0, 1];

function checkpointTensors(state: Map<number, Map<string, ParamState>>): Map<string, CheckpointTensor> {
  const out = new Map<string, CheckpointTensor>();
  for (const params of state.values()) {
    for (const [k, p] of params) {
      for (const role of ['w', 'm', 'v'] as const) {
        out.set(`${role}:${k}`, p.dims.length === 4 ? permute4(p[role], p.dims, OIHW_TO_HWIO) : { dims: p.dims, data: p[role].slice() });
      }
    }
  }
  return out;
}

function restoreState(state: Map<number, Map<string, ParamState>>, ck: TrainCheckpoint, file: string): void {
  for (const params of state.values()) {
    for (const [k, p] of params) {
      for (const role of ['w', 'm', 'v'] as const) {
        const t = ck.tensors.get(`${role}:${k}`);
        if (!t) throw new Error(`checkpoint ${file} lacks '${role}:${k}'; delete it to start over`);
        const back = t.dims.length === 4 ? permute4(t.data, t.dims, HWIO_TO_OIHW) : t;
        if (back.dims.join(',') !== p.dims.join(',')) throw new Error(`checkpoint ${file} holds '${role}:${k}' as [${back.dims}], expected [${p.dims}]; delete it to start over`);
        p[role] = back.data;
      }
    }
  }
}

/** A 4-D array transposed by `perm` (output dim i = input dim perm[i]). */
export function permute4(data: Float32Array, dims: number[], perm: number[]): CheckpointTensor {
  const outDims = perm.map((p) => dims[p]);
  const inStride = [dims[1] * dims[2] * dims[3], dims[2] * dims[3], dims[3], 1];
  const st = perm.map((p) => inStride[p]);
  const out = new Float32Array(data.length);
  let o = 0;
  for (let a = 0; a < outDims[0]; a++) {
    for (let b = 0; b < outDims[1]; b++) {
      for (let c = 0; c < outDims[2]; c++) {
        for (let d = 0; d < outDims[3]; d++) out[o++] = data[a * st[0] + b * st[1] + c * st[2] + d * st[3]];
      }
    }
  }
  return { dims: outDims, data: out };
}
