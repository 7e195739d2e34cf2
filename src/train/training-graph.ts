// One whole training step of one WDSR-A path as an ONNX graph for onnxruntime: forward (the same
// computation as wdsr-tf.ts, NCHW, residual scale applied explicitly), L1 or L2 loss on the crop centre,
// backward by autodiff.ts, and the Adam update. Parameters and Adam moments are inputs and come back
// as outputs, so the caller carries them from step to step. Shapes are static: one graph per batch shape.
import { attr } from '../onnx/graph-builder.js';
import type { Model } from '../onnx/graph.js';
import { IMAGE_MEAN } from '../model/export-onnx.js';
import { blockConvName, pathConvs } from '../model/path-params.js';
import type { PathSpec } from '../model/spec.js';
import { ADAM_BETA1, ADAM_BETA2, ADAM_EPSILON } from './adam.js';
import { Tape, appendBackward } from './autodiff.js';

export interface TrainingBatchShape { batch: number; cropH: number; cropW: number; halo: number }

/** Training loss on the crop centre: mean absolute (`l1`) or mean squared (`l2`) error. */
export type TrainingLoss = 'l1' | 'l2';
export const TRAINING_LOSSES: TrainingLoss[] = ['l1', 'l2'];

/** Learning-rate groups: the skip and tail convs learn at their own rate factor (trainer.ts explains why). */
export type LearningRateGroup = 'body' | 'skip' | 'tail';
export const LEARNING_RATE_GROUPS: LearningRateGroup[] = ['body', 'skip', 'tail'];
export function learningRateGroup(param: string): LearningRateGroup {
  return param.includes('.skip.') ? 'skip' : param.includes('.tail.') ? 'tail' : 'body';
}
/** Rate factor of each group from the trainer options (skip and tail default to 0.1). */
export function learningRateScales(opts: { skipLearningRateScale?: number; tailLearningRateScale?: number }): Record<LearningRateGroup, number> {
  return { body: 1, skip: opts.skipLearningRateScale ?? 0.1, tail: opts.tailLearningRateScale ?? 0.1 };
}

/** Names of the graph's inputs and outputs (parameter `k` is e.g. `p0.head.w`, OIHW like Weights). */
export const TG = {
  input: 'input', target: 'target', c1: 'adam.c1', c2: 'adam.c2',
  lr: (g: LearningRateGroup) => `lr.${g}`,
  state: (role: 'w' | 'm' | 'v', k: string) => `${role}:${k}`,
  next: (role: 'w' | 'm' | 'v', k: string) => `next.${role}:${k}`,
  grad: (k: string) => `grad:${k}`,
  loss: 'loss', mse: 'mse',
};

export interface PathTrainingGraph {
  model: Model;
  /** parameter names and their OIHW / [O] dims, in graph input order */
  params: Map<string, number[]>;
}

/**
 * Inputs: `input` NHWC [N, ch+2h, cw+2h, 3] and `target` NHWC [N, s*ch, s*cw, 3] in [0,1] (a CropBatch as is),
 * `adam.c1`/`adam.c2` (bias corrections 1-beta^t), `lr.<group>` (rate times group factor), `w:`/`m:`/`v:<param>`.
 * Outputs: `loss` (mean L1, or with `loss: 'l2'` mean squared error, of the centre), `mse` (of the clipped centre), `next.w:`/`next.m:`/`next.v:<param>`,
 * and with `gradients` also `grad:<param>` (for tests).
 */
export function buildPathTrainingGraph(p: PathSpec, scale: number, shape: TrainingBatchShape, opts: { gradients?: boolean; loss?: TrainingLoss } = {}): PathTrainingGraph {
  const s = scale;
  const { batch: n, cropH: ch, cropW: cw, halo } = shape;
  const ih = ch + 2 * halo, iw = cw + 2 * halo;
  const out = 3 * s * s;
  const t = new Tape(`train_p${p.id}`);
  const inputNhwc = t.input(TG.input, [n, ih, iw, 3]);
  const targetNhwc = t.input(TG.target, [n, ch * s, cw * s, 3]);
  const c1 = t.input(TG.c1, []);
  const c2 = t.input(TG.c2, []);
  const lrs = new Map(LEARNING_RATE_GROUPS.map((g) => [g, t.input(TG.lr(g), [])]));
  const params = new Map<string, number[]>();
  const w = new Map<string, string>();
  for (const conv of pathConvs(p, s)) {
    params.set(`${conv.name}.w`, conv.dims);
    params.set(`${conv.name}.b`, [conv.dims[0]]);
  }
  for (const [k, dims] of params) w.set(k, t.input(TG.state('w', k), dims));
  const moments = new Map([...params].map(([k, dims]) => [k, { m: t.input(TG.state('m', k), dims), v: t.input(TG.state('v', k), dims) }]));

  // forward, NCHW
  const { x0, features: f, conv } = appendPathBody(t, p, w, inputNhwc, [n, ih, iw]);
  const y = t.op('Add', [conv(`p${p.id}.tail`, f, out), conv(`p${p.id}.skip`, x0, out, 2)], {}, [n, out, ih, iw]);
  const z = t.op('DepthToSpace', [y], { blocksize: attr.int(s), mode: attr.string('CRD') }, [n, 3, ih * s, iw * s]);
  const full = t.op('Add', [z, t.scalar(IMAGE_MEAN)], {}, [n, 3, ih * s, iw * s]);
  const centre = [n, 3, ch * s, cw * s];
  const pred = halo > 0
    ? t.op('Slice', [full, t.i64([halo * s, halo * s]), t.i64([(halo + ch) * s, (halo + cw) * s]), t.i64([2, 3])], {}, centre)
    : full;
  const target = t.op('Transpose', [targetNhwc], { perm: attr.ints([0, 3, 1, 2]) }, centre);
  const diff = t.op('Sub', [pred, target], {}, centre);
  const perPixel = (opts.loss ?? 'l1') === 'l2' ? t.op('Mul', [diff, diff], {}, centre) : t.op('Abs', [diff], {}, centre);
  const loss = t.op('ReduceMean', [perPixel], { keepdims: attr.int(0) }, [], TG.loss);
  const clippedDiff = t.op('Sub', [t.op('Clip', [pred, t.scalar(0), t.scalar(1)], {}, centre), target], {}, centre);
  t.op('ReduceMean', [t.op('Mul', [clippedDiff, clippedDiff], {}, centre)], { keepdims: attr.int(0) }, [], TG.mse);

  const grads = appendBackward(t, loss, [...w.values()]);
  t.output(TG.loss);
  t.output(TG.mse);
  for (const [k, dims] of params) {
    const g = grads.get(w.get(k)!)!;
    const next = appendAdam(t, dims, { p: w.get(k)!, ...moments.get(k)!, g }, lrs.get(learningRateGroup(k))!, c1, c2);
    t.output(t.rename(next.p, TG.next('w', k)));
    t.output(t.rename(next.m, TG.next('m', k)));
    t.output(t.rename(next.v, TG.next('v', k)));
    if (opts.gradients) t.output(t.rename(g, TG.grad(k)));
  }
  return { model: t.build(), params };
}

type ConvFn = (name: string, input: string, channels: number, pad?: number, scale?: string) => string;

/**
 * The forward pass of path `p` up to its body's output, NCHW: `x0` (the input, NHWC [n, ih, iw, 3], transposed and
 * centred), `features` (after the head and the residual blocks, [n, C, ih, iw]) and the conv helper for the rest.
 * `w` maps parameter names to graph tensors.
 */
export function appendPathBody(t: Tape, p: PathSpec, w: Map<string, string>, inputNhwc: string, [n, ih, iw]: number[]): { x0: string; features: string; conv: ConvFn } {
  const C = p.channels, rC = p.expansion * p.channels;
  const x = t.op('Transpose', [inputNhwc], { perm: attr.ints([0, 3, 1, 2]) }, [n, 3, ih, iw]);
  const x0 = t.op('Sub', [x, t.scalar(IMAGE_MEAN)], {}, [n, 3, ih, iw]);
  const conv: ConvFn = (name, input, channels, pad = 1, scale) => {
    let [cw, cb] = [w.get(`${name}.w`)!, w.get(`${name}.b`)!];
    // the residual scale multiplies the (small) filter and bias rather than the activations: same maths, fewer passes
    if (scale) [cw, cb] = [t.op('Mul', [cw, scale], {}, t.shape(cw)), t.op('Mul', [cb, scale], {}, t.shape(cb))];
    return t.op('Conv', [input, cw, cb], { pads: attr.ints([pad, pad, pad, pad]) }, [n, channels, ih, iw]);
  };
  const residualScale = t.scalar(1 / Math.sqrt(p.blocks));
  let f = conv(`p${p.id}.head`, x0, C);
  for (let i = 0; i < p.blocks; i++) {
    const r = t.op('Relu', [conv(blockConvName(p.id, i, 'c1'), f, rC)], {}, [n, rC, ih, iw]);
    f = t.op('Add', [f, conv(blockConvName(p.id, i, 'c2'), r, C, 1, residualScale)], {}, [n, C, ih, iw]);
  }
  return { x0, features: f, conv };
}

/**
 * Adam with bias correction, written in the order of AdamState.apply (adam.ts) so both round alike:
 * m' = b1 m + (1-b1) g; v' = b2 v + (1-b2) g^2; p' = p - lr * (m'/c1) / (sqrt(v'/c2) + eps).
 */
export function appendAdam(t: Tape, dims: number[], s: { p: string; m: string; v: string; g: string }, lr: string, c1: string, c2: string): { p: string; m: string; v: string } {
  const mul = (a: string, b: string): string => t.op('Mul', [a, b], {}, dims);
  const addT = (a: string, b: string): string => t.op('Add', [a, b], {}, dims);
  const div = (a: string, b: string): string => t.op('Div', [a, b], {}, dims);
  const m = addT(mul(s.m, t.scalar(ADAM_BETA1)), mul(s.g, t.scalar(1 - ADAM_BETA1)));
  const v = addT(mul(s.v, t.scalar(ADAM_BETA2)), mul(mul(s.g, s.g), t.scalar(1 - ADAM_BETA2)));
  const step = div(div(m, c1), addT(t.op('Sqrt', [div(v, c2)], {}, dims), t.scalar(ADAM_EPSILON)));
  const p = t.op('Sub', [s.p, mul(step, lr)], {}, dims);
  return { p, m, v };
}
