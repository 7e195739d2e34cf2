// Closed-form start for each path's tail conv (with its skip conv): the untrained body already computes C random
// non-linear features of the LR neighbourhood, and the output is linear in the tail and skip weights, so one ridge
// regression over sampled pixels gives the tail (and skip) that best use those features. Training then starts from
// a network that is already better than the linear least-squares skip (least-squares-skip.ts) instead of from a
// zero tail, which the few CPU steps of a pack spend a large part of their budget growing.
import * as ort from 'onnxruntime-node';
import { SeededRandom } from '../model/seeded-random.js';
import { SKIP_KERNEL, pathConvs } from '../model/path-params.js';
import type { DynamicSRSpec, PathSpec, Weights } from '../model/spec.js';
import { writeModel } from '../onnx/model-io.js';
import { Tape } from './autodiff.js';
import { CropSampler } from './crop-sampler.js';
import { accumulateNormalEquations, solveSpd } from './least-squares-skip.js';
import { appendPathBody } from './training-graph.js';
import type { TrainingSet } from './training-set.js';

export interface TailFitOptions {
  /** LR pixels sampled per path (default 20000) */
  maxSamples?: number;
  /** ridge strength relative to each feature's own energy (default 1e-3) */
  ridge?: number;
  /** LR crop side of the sampled crops (default: whole patches, i.e. the path's smallest patch side) */
  cropSize?: number;
  /** LR px of context around each crop, as at inference (the patch halo); beyond it the convs see zero padding, as
   *  the deployed model does at a patch's border. Default: the path's whole receptive field (no padding effects) */
  halo?: number;
  /** crops per path (default 64); their pixels are subsampled to `maxSamples` */
  crops?: number;
  seed?: number;
}

/** Inputs are centred as in the network (x/255 - 0.5); so are targets (the network adds 0.5 back). */
const MEAN = 0.5;

/** LR px of context around a crop that lets every pixel's features see real (edge-clamped) pixels, not padding. */
function contextOf(p: PathSpec): number {
  return 1 + 2 * p.blocks + 1 + (SKIP_KERNEL - 1) / 2;
}

/**
 * `weights` with each path's tail (weights and bias) and skip (weights; its bias moves into the tail's) replaced by
 * their joint ridge regression on `set`, given the body in `weights`. The ridge pulls the tail towards 0 and the skip
 * towards its value in `weights` (e.g. the least-squares skip), each feature by its own energy, so nothing the data
 * does not determine moves. `samples`: pixels used per path id.
 */
export async function fitTailLeastSquares(set: TrainingSet, spec: DynamicSRSpec, weights: Weights, opts: TailFitOptions = {}): Promise<{ weights: Weights; samples: Map<number, number> }> {
  const out: Weights = new Map(weights);
  const samples = new Map<number, number>();
  const rng = new SeededRandom(opts.seed ?? 1);
  const sampler = new CropSampler(set, spec.paths.map((p) => p.id));
  const counts = sampler.patchCounts();
  for (const p of spec.paths) {
    if (!counts.has(p.id)) { samples.set(p.id, 0); continue; }
    const fit = await fitPath(set, sampler, p, spec.scale, weights, opts, rng);
    for (const [k, v] of fit.params) out.set(k, v);
    samples.set(p.id, fit.samples);
  }
  return { weights: out, samples };
}

async function fitPath(set: TrainingSet, sampler: CropSampler, p: PathSpec, s: number, weights: Weights, opts: TailFitOptions, rng: SeededRandom) {
  const C = p.channels, k = SKIP_KERNEL, r = (k - 1) >> 1;
  const nTail = C * 9, nSkip = 3 * k * k, nIn = nTail + nSkip, nF = nIn + 1, nOut = 3 * s * s;
  const cropSize = opts.cropSize ?? Number.MAX_SAFE_INTEGER;
  const [ch, cw] = sampler.cropShape(p.id, cropSize);
  const ctx = opts.halo ?? contextOf(p);
  const ih = ch + 2 * ctx, iw = cw + 2 * ctx;
  const count = opts.crops ?? 64;
  const keep = Math.min(1, (opts.maxSamples ?? 20_000) / (count * ch * cw));
  const batch = sampler.sample(p.id, count, cropSize, ctx, rng, false);
  const features = await bodyFeatures(p, s, weights, batch.input, [count, ih, iw]);
  let used = 0;

  const A = new Float64Array(nF * nF), B = new Float64Array(nF * nOut);
  const v = new Float64Array(nF), t = new Float64Array(nOut);
  const plane = ih * iw, tw = cw * s;
  for (let n = 0; n < count; n++) {
    const fBase = n * C * plane, xBase = n * plane * 3, tBase = n * ch * s * tw * 3;
    for (let y = ctx; y < ctx + ch; y++) for (let x = ctx; x < ctx + cw; x++) {
      if (keep < 1 && rng.next() >= keep) continue;
      used++;
      // OIHW order of the tail's and the skip's filters: [c][ky][kx]
      let q = 0;
      // the tail's 3x3 reach: zero beyond the input, as the conv's padding
      for (let c = 0; c < C; c++) for (let dy = -1; dy <= 1; dy++) for (let dx = -1; dx <= 1; dx++) {
        const yy = y + dy, xx = x + dx;
        v[q++] = yy < 0 || yy >= ih || xx < 0 || xx >= iw ? 0 : features[fBase + c * plane + yy * iw + xx];
      }
      for (let c = 0; c < 3; c++) for (let dy = -r; dy <= r; dy++) for (let dx = -r; dx <= r; dx++) {
        const yy = y + dy, xx = x + dx;
        v[q++] = yy < 0 || yy >= ih || xx < 0 || xx >= iw ? 0 : batch.input[xBase + (yy * iw + xx) * 3 + c] - MEAN;
      }
      v[q] = 1;
      // output channel c*s*s + i*s + j is HR pixel (i, j) of this LR pixel, colour c (depth-to-space, CRD)
      for (let c = 0; c < 3; c++) for (let i = 0; i < s; i++) for (let j = 0; j < s; j++) {
        t[c * s * s + i * s + j] = batch.target[tBase + (((y - ctx) * s + i) * tw + (x - ctx) * s + j) * 3 + c] - MEAN;
      }
      accumulateNormalEquations(A, B, v, t);
    }
  }
  for (let a = 0; a < nF; a++) for (let b = 0; b < a; b++) A[a * nF + b] = A[b * nF + a];
  const ridge = opts.ridge ?? 1e-3;
  const skipW = weights.get(`p${p.id}.skip.w`)!.data;
  let meanDiag = 0;
  for (let a = 0; a < nIn; a++) meanDiag += A[a * nF + a] / nIn;
  // (A + Λ) X = B + Λ P: the tail's prior is 0, the skip's its current weights; a small floor keeps dead features solvable
  for (let a = 0; a < nIn; a++) {
    const lambda = ridge * A[a * nF + a] + 1e-9 * meanDiag + 1e-12;
    A[a * nF + a] += lambda;
    if (a >= nTail) for (let o = 0; o < nOut; o++) B[a * nOut + o] += lambda * skipW[o * nSkip + (a - nTail)];
  }
  A[nIn * nF + nIn] += 1e-9 * Math.max(1, used);
  const X = solveSpd(A, B, nF, nOut);
  const tailW = new Float32Array(nOut * nTail), skipOut = new Float32Array(nOut * nSkip), bias = new Float32Array(nOut);
  for (let o = 0; o < nOut; o++) {
    for (let a = 0; a < nTail; a++) tailW[o * nTail + a] = X[a * nOut + o];
    for (let a = 0; a < nSkip; a++) skipOut[o * nSkip + a] = X[(nTail + a) * nOut + o];
    bias[o] = X[nIn * nOut + o];
  }
  const params = new Map([
    [`p${p.id}.tail.w`, { dims: [nOut, C, 3, 3], data: tailW }],
    [`p${p.id}.tail.b`, { dims: [nOut], data: bias }],
    [`p${p.id}.skip.w`, { dims: [nOut, 3, k, k], data: skipOut }],
    [`p${p.id}.skip.b`, { dims: [nOut], data: new Float32Array(nOut) }],
  ]);
  return { params, samples: used };
}

/** The body's output [n, C, ih, iw] (NCHW, flat) for NHWC input crops, by onnxruntime. */
async function bodyFeatures(p: PathSpec, s: number, weights: Weights, input: Float32Array, [n, ih, iw]: number[]): Promise<Float32Array> {
  const t = new Tape(`features_p${p.id}`);
  const x = t.input('input', [n, ih, iw, 3]);
  const w = new Map<string, string>();
  const feeds: Record<string, ort.Tensor> = { input: new ort.Tensor('float32', input, [n, ih, iw, 3]) };
  for (const conv of pathConvs(p, s)) {
    if (conv.name.endsWith('.tail') || conv.name.endsWith('.skip')) continue;
    for (const suffix of ['w', 'b'] as const) {
      const key = `${conv.name}.${suffix}`;
      const given = weights.get(key);
      if (!given) throw new Error(`weights lack '${key}'; were they made for this spec?`);
      w.set(key, t.input(key, given.dims));
      feeds[key] = new ort.Tensor('float32', given.data, given.dims);
    }
  }
  const { features } = appendPathBody(t, p, w, x, [n, ih, iw]);
  t.output(t.rename(features, 'features'));
  const session = await ort.InferenceSession.create(writeModel(t.build()), { graphOptimizationLevel: 'extended', extra: { session: { intra_op: { allow_spinning: '0' } } } });
  try {
    return (await session.run(feeds)).features.data as Float32Array;
  } finally {
    await session.release();
  }
}
