// Closed-form start for each path's 5x5 skip conv: the linear upsampler that best maps this video's
// decoded LR neighbourhoods to its HR pixels (ridge regression towards bicubic), fitted on the
// patches the path serves. It is the optimum the skip conv would reach by gradient descent, reached
// in one pass over the data, so the few CPU training steps we can afford go to the non-linear body.
// (Per-class linear filters are RAISR's idea; here the class is Dy-DCA's patch route.)
import { SeededRandom } from '../model/seeded-random.js';
import { SKIP_KERNEL } from '../model/path-params.js';
import { trainingFrame, type TrainingSet } from './training-set.js';

export interface SkipFit {
  /** OIHW [3*s*s, 3, 5, 5], output channels in depth-to-space (CRD) order */
  w: Float32Array;
  /** [3*s*s] */
  b: Float32Array;
  /** LR pixels the fit used */
  samples: number;
}

export interface SkipFitOptions {
  /** LR pixels sampled per path (default 150000) */
  maxSamples?: number;
  /** ridge strength relative to the mean diagonal of the normal matrix (default 1e-3) */
  ridge?: number;
  seed?: number;
}

/** Inputs are centred as in the network (x/255 - 0.5); so are targets (the network adds 0.5 back). */
const MEAN = 0.5;

/**
 * Per path id in `pathIds`: the ridge-regularised least-squares skip conv, pulled towards `prior`
 * (the bicubic skip, OIHW) where the data says little. A path with no patches keeps the prior.
 */
export function fitSkipLeastSquares(set: TrainingSet, pathIds: number[], prior: Float32Array, opts: SkipFitOptions = {}): Map<number, SkipFit> {
  const s = set.scale, k = SKIP_KERNEL, r = (k - 1) >> 1;
  const nIn = 3 * k * k, nF = nIn + 1, nOut = 3 * s * s;
  const maxSamples = opts.maxSamples ?? 150_000;
  const ridge = opts.ridge ?? 1e-3;
  const rng = new SeededRandom(opts.seed ?? 1);
  const { lrWidth: w, lrHeight: h } = set;
  const W = w * s;
  const out = new Map<number, SkipFit>();
  for (const id of pathIds) {
    let total = 0;
    set.patches.forEach((ps) => { for (const p of ps) if (p.path === id) total += p.w * p.h; });
    if (total === 0) { out.set(id, { w: prior.slice(), b: new Float32Array(nOut), samples: 0 }); continue; }
    const keep = Math.min(1, maxSamples / total);
    const A = new Float64Array(nF * nF), B = new Float64Array(nF * nOut);
    const v = new Float64Array(nF), t = new Float64Array(nOut);
    let n = 0;
    set.patches.forEach((ps, f) => {
      const { lr, hr } = trainingFrame(set, f);
      for (const p of ps) {
        if (p.path !== id) continue;
        for (let y = p.y; y < p.y + p.h; y++) for (let x = p.x; x < p.x + p.w; x++) {
          if (keep < 1 && rng.uniform(0, 1) >= keep) continue;
          let q = 0;
          for (let c = 0; c < 3; c++) for (let dy = -r; dy <= r; dy++) {
            const yy = Math.min(h - 1, Math.max(0, y + dy));
            for (let dx = -r; dx <= r; dx++) {
              const xx = Math.min(w - 1, Math.max(0, x + dx));
              v[q++] = lr[(yy * w + xx) * 3 + c] / 255 - MEAN;
            }
          }
          v[q] = 1;
          for (let c = 0; c < 3; c++) for (let i = 0; i < s; i++) for (let j = 0; j < s; j++) {
            t[c * s * s + i * s + j] = hr[((y * s + i) * W + x * s + j) * 3 + c] / 255 - MEAN;
          }
          accumulateNormalEquations(A, B, v, t);
          n++;
        }
      }
    });
    for (let a = 0; a < nF; a++) for (let b = 0; b < a; b++) A[a * nF + b] = A[b * nF + a];
    let diag = 0;
    for (let a = 0; a < nIn; a++) diag += A[a * nF + a];
    const lambda = ridge * (diag / nIn);
    // pull the weights (not the bias) towards the prior: (A + λI) X = B + λ P
    for (let a = 0; a < nIn; a++) {
      A[a * nF + a] += lambda;
      for (let o = 0; o < nOut; o++) B[a * nOut + o] += lambda * prior[o * nIn + a];
    }
    A[nIn * nF + nIn] += 1e-9 * Math.max(1, n); // keeps the bias row positive definite
    const X = solveSpd(A, B, nF, nOut);
    const wOut = new Float32Array(nOut * nIn), bOut = new Float32Array(nOut);
    for (let o = 0; o < nOut; o++) {
      for (let a = 0; a < nIn; a++) wOut[o * nIn + a] = X[a * nOut + o];
      bOut[o] = X[nIn * nOut + o];
    }
    out.set(id, { w: wOut, b: bOut, samples: n });
  }
  return out;
}

/** Solves A X = B for symmetric positive definite A (n x n) and B (n x m), by Cholesky. */
/**
 * Adds one sample (features `v`, targets `t`) to the normal equations A x = B of a least-squares fit: A (nF x nF,
 * upper triangle only, mirrored by the solver's caller) += v v^T, B (nF x nOut) += v t^T.
 */
export function accumulateNormalEquations(A: Float64Array, B: Float64Array, v: ArrayLike<number>, t: ArrayLike<number>): void {
  const nF = v.length, nOut = t.length;
  for (let a = 0; a < nF; a++) {
    const va = v[a];
    if (va === 0) continue;
    const rowA = a * nF;
    for (let b = a; b < nF; b++) A[rowA + b] += va * v[b];
    const rowB = a * nOut;
    for (let o = 0; o < nOut; o++) B[rowB + o] += va * t[o];
  }
}

export function solveSpd(A: Float64Array, B: Float64Array, n: number, m: number): Float64Array {
  const L = new Float64Array(n * n);
  for (let i = 0; i < n; i++) {
    for (let j = 0; j <= i; j++) {
      let sum = A[i * n + j];
      for (let q = 0; q < j; q++) sum -= L[i * n + q] * L[j * n + q];
      if (i === j) {
        if (!(sum > 0)) throw new Error(`least-squares skip fit: normal matrix is not positive definite at row ${i}`);
        L[i * n + i] = Math.sqrt(sum);
      } else L[i * n + j] = sum / L[j * n + j];
    }
  }
  const X = new Float64Array(n * m);
  for (let c = 0; c < m; c++) {
    const y = new Float64Array(n);
    for (let i = 0; i < n; i++) {
      let sum = B[i * m + c];
      for (let q = 0; q < i; q++) sum -= L[i * n + q] * y[q];
      y[i] = sum / L[i * n + i];
    }
    for (let i = n - 1; i >= 0; i--) {
      let sum = y[i];
      for (let q = i + 1; q < n; q++) sum -= L[q * n + i] * X[q * m + c];
      X[i * m + c] = sum / L[i * n + i];
    }
  }
  return X;
}
