// Test-only: small dynamic SR models with random (non-zero) weights, exported exactly as packs ship them,
// and the CPU-side patch gather that defines an engine's expected input (halo clamped at the frame edge).
import { exportDynamicSR } from '../model/export-onnx.js';
import { pathConvs } from '../model/path-params.js';
import { SeededRandom } from '../model/seeded-random.js';
import type { DynamicSRSpec, PathSpec, Weights } from '../model/spec.js';
import { writeModel } from '../onnx/model-io.js';
import type { Model } from '../onnx/graph.js';
import type { EngineModel } from './engine.js';

export function randomWeights(spec: DynamicSRSpec, seed: number): Weights {
  const rng = new SeededRandom(seed);
  const weights: Weights = new Map();
  for (const p of spec.paths) {
    for (const conv of pathConvs(p, spec.scale)) {
      const [o, i, kh, kw] = conv.dims;
      const bound = Math.sqrt(3 / (i * kh * kw));
      weights.set(`${conv.name}.w`, { dims: [...conv.dims], data: Float32Array.from({ length: o * i * kh * kw }, () => rng.uniform(-bound, bound)) });
      weights.set(`${conv.name}.b`, { dims: [o], data: Float32Array.from({ length: o }, () => rng.uniform(-0.1, 0.1)) });
    }
  }
  return weights;
}

/** A spec with the given paths ([patchH, patchW, blocks]), tiny channel counts so SwiftShader stays fast. */
export function tinySpec(scale: 2 | 3 | 4, paths: [number, number, number][], channels = 4, expansion = 2): DynamicSRSpec {
  const ps: PathSpec[] = [...paths].sort((a, b) => b[0] - a[0]).map(([h, w, blocks], id) => ({ id, patch: [h, w], blocks, channels, expansion }));
  return { scale, paths: ps };
}

export function tinyModel(spec: DynamicSRSpec, seed: number): Model { return exportDynamicSR(spec, randomWeights(spec, seed)); }

export function tinyEngineModel(spec: DynamicSRSpec, halo: number, seed: number): EngineModel {
  return { onnx: writeModel(tinyModel(spec, seed)), scale: spec.scale, halo, paths: spec.paths.map((p) => ({ id: p.id, patch: p.patch })) };
}

