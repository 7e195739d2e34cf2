// One WDSR-A path written in tfjs (NHWC): the same computation the ONNX export encodes, with the
// residual scale 1/sqrt(B) applied explicitly (the export folds it into c2). Used for training and
// as the tfjs reference forward pass.
import { tf } from './tf-backend.js';
import { trainableConv2d } from './trainable-conv.js';
import { blockConvName, convWeights, pathConvs } from '../model/path-params.js';
import { IMAGE_MEAN } from '../model/export-onnx.js';
import type { PathSpec, Weights } from '../model/spec.js';

/** tfjs tensors of one path's parameters: `<conv>.w` as HWIO, `<conv>.b` as [O]. */
export type PathTensors = Map<string, tf.Tensor>;

/** Depth-to-space in NHWC with PyTorch PixelShuffle (ONNX CRD) channel order, built from ops that have gradients. */
export function pixelShuffleNhwc(y: tf.Tensor4D, s: number): tf.Tensor4D {
  const [n, h, w, c] = y.shape;
  const co = c / (s * s);
  return y.reshape([n, h, w, co, s, s]).transpose([0, 1, 4, 2, 5, 3]).reshape([n, h * s, w * s, co]) as tf.Tensor4D;
}

/** LR NHWC in [0,1] -> HR NHWC, for path `p` at scale `s`. */
export function wdsrPathForward(p: PathSpec, s: number, params: PathTensors, lr: tf.Tensor4D): tf.Tensor4D {
  const get = (key: string): tf.Tensor => {
    const t = params.get(key);
    if (!t) throw new Error(`missing tfjs parameter '${key}' for path ${p.id}`);
    return t;
  };
  const conv = (name: string, x: tf.Tensor4D): tf.Tensor4D =>
    tf.add(trainableConv2d(x, get(`${name}.w`) as tf.Tensor4D), get(`${name}.b`)) as tf.Tensor4D;
  const residualScale = 1 / Math.sqrt(p.blocks);
  const x0 = tf.sub(lr, IMAGE_MEAN) as tf.Tensor4D;
  let f = conv(`p${p.id}.head`, x0);
  for (let i = 0; i < p.blocks; i++) {
    const t = conv(blockConvName(p.id, i, 'c2'), tf.relu(conv(blockConvName(p.id, i, 'c1'), f)));
    f = tf.add(f, tf.mul(t, residualScale)) as tf.Tensor4D;
  }
  const y = tf.add(conv(`p${p.id}.tail`, f), conv(`p${p.id}.skip`, x0)) as tf.Tensor4D;
  return tf.add(pixelShuffleNhwc(y, s), IMAGE_MEAN) as tf.Tensor4D;
}

/** Path parameters from OIHW Weights into HWIO tfjs tensors (caller disposes). */
export function pathTensorsFromWeights(p: PathSpec, s: number, weights: Weights): PathTensors {
  const out: PathTensors = new Map();
  for (const conv of pathConvs(p, s)) {
    const { w, b } = convWeights(weights, conv);
    out.set(`${conv.name}.w`, tf.tidy(() => tf.tensor4d(w, conv.dims).transpose([2, 3, 1, 0])));
    out.set(`${conv.name}.b`, tf.tensor1d(b));
  }
  return out;
}

/** HWIO filter data back to OIHW layout (for Weights). */
export async function hwioToOihw(t: tf.Tensor): Promise<{ dims: number[]; data: Float32Array }> {
  const o = t.transpose([3, 2, 0, 1]);
  const data = (await o.data()) as Float32Array;
  o.dispose();
  return { dims: o.shape, data };
}
