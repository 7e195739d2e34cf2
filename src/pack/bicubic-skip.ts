// Starting weights for packing: the model's skip conv set to bicubic upsampling (a = -0.5, the
// bicubic baseline's kernel), so an untrained path already equals the bicubic baseline inside the frame
// and every training step is spent on detail beyond it (the model's own init starts from bilinear).
import { initWeights, separableSkip } from '../model/init-weights.js';
import { SKIP_KERNEL } from '../model/path-params.js';
import type { DynamicSRSpec, Weights } from '../model/spec.js';
import { cubicKernel } from './bicubic.js';
import { fitSkipLeastSquares } from '../train/least-squares-skip.js';
import type { TrainingSet } from '../train/training-set.js';

/** 1-D taps (length SKIP_KERNEL, centred) for output sub-pixel `i` of scale `s`: cubic(offset - d). */
function bicubicTaps(i: number, s: number): number[] {
  const c = (SKIP_KERNEL - 1) / 2;
  const offset = (i + 0.5) / s - 0.5; // HR sample position relative to the LR pixel centre
  const taps = Array.from({ length: SKIP_KERNEL }, (_, k) => cubicKernel(offset - (k - c)));
  const sum = taps.reduce((a, b) => a + b, 0);
  return taps.map((t) => t / sum);
}

/** Skip conv [3*s*s, 3, 5, 5] computing bicubic upsampling in depth-to-space (CRD) channel order. */
export function bicubicSkip(s: number): Float32Array {
  return separableSkip(s, bicubicTaps);
}

/** initWeights(spec, seed) with every path's skip replaced by bicubic upsampling. */
export function bicubicStartWeights(spec: DynamicSRSpec, seed: number): Weights {
  const weights = initWeights(spec, seed);
  for (const p of spec.paths) {
    const key = `p${p.id}.skip.w`;
    const cur = weights.get(key);
    if (!cur) throw new Error(`initWeights has no '${key}'; the skip conv naming changed`);
    weights.set(key, { dims: cur.dims, data: bicubicSkip(spec.scale) });
  }
  return weights;
}

/** bicubicStartWeights with each path's skip (weights and bias) replaced by its least-squares fit on
 *  `set`, pulled towards bicubic where the path has few pixels. */
export function fittedStartWeights(spec: DynamicSRSpec, set: TrainingSet, seed: number): { weights: Weights; samples: number } {
  const weights = bicubicStartWeights(spec, seed);
  const prior = bicubicSkip(spec.scale);
  const fits = fitSkipLeastSquares(set, spec.paths.map((p) => p.id), prior, { seed });
  let samples = 0;
  for (const [id, f] of fits) {
    weights.set(`p${id}.skip.w`, { dims: weights.get(`p${id}.skip.w`)!.dims, data: f.w });
    weights.set(`p${id}.skip.b`, { dims: [f.b.length], data: f.b });
    samples += f.samples;
  }
  return { weights, samples };
}
