// Loss and gradients of one path on one batch (L1 or L2 on the crop centre, halo excluded), the unit of
// work both the trainer and its data-parallel workers run.
import { tf } from './tf-backend.js';
import { wdsrPathForward, type PathTensors } from './wdsr-tf.js';
import type { PathSpec } from '../model/spec.js';
import type { CropBatch } from './crop-sampler.js';
import type { TrainingLoss } from './training-graph.js';

export interface PathGradients {
  /** mean L1 (or L2) over the batch's centre pixels */
  loss: number;
  /** mean squared error of the clipped output (for PSNR) */
  mse: number;
  /** same keys as the parameters; caller disposes */
  grads: Map<string, tf.Tensor>;
}

/** Async because GPU backends can only read the loss back asynchronously. */
export async function pathGradients(p: PathSpec, scale: number, params: PathTensors, batch: CropBatch, loss: TrainingLoss = 'l1'): Promise<PathGradients> {
  const names = [...params.keys()];
  const s = scale;
  const { count: n, cropH: ch, cropW: cw, halo } = batch;
  const x = tf.tensor4d(batch.input, [n, ch + 2 * halo, cw + 2 * halo, 3]);
  const y = tf.tensor4d(batch.target, [n, ch * s, cw * s, 3]);
  let mse: tf.Scalar | null = null;
  const lossFn = (...ts: tf.Tensor[]): tf.Scalar => {
    const byName: PathTensors = new Map(names.map((k, i) => [k, ts[i]]));
    const full = wdsrPathForward(p, s, byName, x);
    const pred = halo > 0 ? tf.slice(full, [0, halo * s, halo * s, 0], [n, ch * s, cw * s, 3]) : full;
    mse = tf.keep(tf.mean(tf.square(tf.sub(tf.clipByValue(pred, 0, 1), y))) as tf.Scalar);
    const diff = tf.sub(pred, y);
    return tf.mean(loss === 'l2' ? tf.square(diff) : tf.abs(diff)) as tf.Scalar;
  };
  const { value, grads } = tf.valueAndGrads(lossFn)(names.map((k) => params.get(k)!));
  const out: PathGradients = {
    loss: (await value.data())[0],
    mse: mse ? (await (mse as tf.Scalar).data())[0] : NaN,
    grads: new Map(names.map((k, i) => [k, grads[i]])),
  };
  value.dispose();
  (mse as tf.Scalar | null)?.dispose();
  x.dispose();
  y.dispose();
  return out;
}
