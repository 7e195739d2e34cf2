// Reference inference of a trained path in tfjs: NCHW in, NCHW out, the same layout as the ONNX
// model, so tests and the packager's scorer can compare against onnxruntime directly.
import { assertTfBackendReady, tf } from './tf-backend.js';
import { pathTensorsFromWeights, wdsrPathForward } from './wdsr-tf.js';
import type { DynamicSRSpec, Weights } from '../model/spec.js';

/** Runs path `pathId` on `lr` (NCHW float32 [n,3,h,w] in [0,1]); returns hr NCHW [n,3,s*h,s*w]. Needs `await initTfBackend()` first. */
export function forwardPath(spec: DynamicSRSpec, weights: Weights, pathId: number, lr: Float32Array, n: number, h: number, w: number): Float32Array {
  assertTfBackendReady();
  const p = spec.paths.find((q) => q.id === pathId);
  if (!p) throw new Error(`path ${pathId} is not in the spec (ids: ${spec.paths.map((q) => q.id).join(', ')})`);
  if (lr.length !== n * 3 * h * w) throw new Error(`lr has ${lr.length} values; expected n*3*h*w = ${n * 3 * h * w}`);
  const params = pathTensorsFromWeights(p, spec.scale, weights);
  try {
    return tf.tidy(() => {
      const x = tf.tensor4d(lr, [n, 3, h, w]).transpose([0, 2, 3, 1]) as tf.Tensor4D;
      return wdsrPathForward(p, spec.scale, params, x).transpose([0, 3, 1, 2]).dataSync() as Float32Array;
    });
  } finally {
    for (const t of params.values()) t.dispose();
  }
}
