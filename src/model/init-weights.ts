// Seeded initial weights for a dynamic SR network. The skip conv starts as bilinear upsampling
// and the tail near zero, so an untrained path already outputs a bilinear upscale and training
// only has to learn the residual detail (it beats bicubic within a few hundred steps).
import { SeededRandom } from './seeded-random.js';
import { SKIP_KERNEL, pathConvs, type ConvParam } from './path-params.js';
import type { DynamicSRSpec, Weights } from './spec.js';

/** Scale of the tail's initial weights relative to He init: zero, so the start is exactly the bilinear skip. */
const TAIL_INIT_GAIN = 0;

export function initWeights(spec: DynamicSRSpec, seed: number): Weights {
  const rng = new SeededRandom(seed);
  const weights: Weights = new Map();
  for (const p of spec.paths) {
    for (const conv of pathConvs(p, spec.scale)) {
      const w = conv.name.endsWith('.skip') ? bilinearSkip(spec.scale) : heUniform(conv, rng, conv.name.endsWith('.tail') ? TAIL_INIT_GAIN : 1);
      weights.set(`${conv.name}.w`, { dims: [...conv.dims], data: w });
      weights.set(`${conv.name}.b`, { dims: [conv.dims[0]], data: new Float32Array(conv.dims[0]) });
    }
  }
  return weights;
}

function heUniform(conv: ConvParam, rng: SeededRandom, gain: number): Float32Array {
  const [o, i, kh, kw] = conv.dims;
  const fanIn = i * kh * kw;
  const bound = gain * Math.sqrt(6 / fanIn);
  return Float32Array.from({ length: o * i * kh * kw }, () => rng.uniform(-bound, bound));
}

/** 1-D bilinear taps (length SKIP_KERNEL, centred) for output sub-pixel `i` of scale `s`. */
function bilinearTaps(i: number, s: number): number[] {
  const taps = new Array<number>(SKIP_KERNEL).fill(0);
  const c = (SKIP_KERNEL - 1) / 2;
  const d = (i + 0.5) / s - 0.5; // sub-pixel offset from the LR pixel centre, in [-0.5, 0.5)
  if (d >= 0) { taps[c] = 1 - d; taps[c + 1] = d; } else { taps[c - 1] = -d; taps[c] = 1 + d; }
  return taps;
}

/** Skip conv [3*s*s, 3, 5, 5] computing bilinear upsampling in depth-to-space (CRD) channel order. */
export function bilinearSkip(s: number): Float32Array {
  return separableSkip(s, bilinearTaps);
}

/** Skip conv [3*s*s, 3, 5, 5], each colour from itself only, with separable 1-D `taps(subPixel, s)` per output
 *  sub-pixel, in depth-to-space (CRD) channel order. */
export function separableSkip(s: number, taps: (i: number, s: number) => number[]): Float32Array {
  const k = SKIP_KERNEL;
  const w = new Float32Array(3 * s * s * 3 * k * k);
  for (let c = 0; c < 3; c++) {
    for (let i = 0; i < s; i++) {
      for (let j = 0; j < s; j++) {
        const o = c * s * s + i * s + j;
        const ty = taps(i, s);
        const tx = taps(j, s);
        for (let y = 0; y < k; y++) for (let x = 0; x < k; x++) w[((o * 3 + c) * k + y) * k + x] = ty[y] * tx[x];
      }
    }
  }
  return w;
}
