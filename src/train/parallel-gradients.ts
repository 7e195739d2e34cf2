// Data-parallel gradients of one batch: shard 0 in this process, the other shards in the worker
// pool's processes, combined as the batch mean (each shard's mean weighted by its size).
import { tf } from './tf-backend.js';
import { pathGradients, type PathGradients } from './path-gradients.js';
import { shardSizes, sliceBatch, type GradientWorkerPool } from './gradient-workers.js';
import type { PathTensors } from './wdsr-tf.js';
import type { CropBatch } from './crop-sampler.js';
import type { PathSpec } from '../model/spec.js';

/** Gradients of the whole batch: shard 0 here, the others in the pool's processes, averaged by shard size. */
export async function parallelPathGradients(pool: GradientWorkerPool, p: PathSpec, scale: number, params: PathTensors, batch: CropBatch): Promise<PathGradients> {
  const sizes = shardSizes(batch.count, pool.size + 1);
  const payload: [string, number[], Float32Array][] = [...params].map(([k, v]) => [k, v.shape, v.dataSync() as Float32Array]);
  let start = sizes[0];
  const remote = sizes.slice(1).map((n, i) => {
    const shard = sliceBatch(batch, start, n);
    start += n;
    return pool.gradients(i, p, scale, payload, shard);
  });
  const local = await pathGradients(p, scale, params, sizes.length > 1 ? sliceBatch(batch, 0, sizes[0]) : batch);
  const others = await Promise.all(remote);
  const weight = sizes.map((n) => n / batch.count);
  const grads = new Map<string, tf.Tensor>();
  for (const [k, g] of local.grads) {
    grads.set(k, tf.tidy(() => others.reduce<tf.Tensor>((acc, r, i) => tf.add(acc, tf.mul(tf.tensor(r.grads.get(k)!, g.shape), weight[i + 1])), tf.mul(g, weight[0]))));
    g.dispose();
  }
  const mix = (f: (r: { loss: number; mse: number }) => number): number => [local, ...others].reduce((a, r, i) => a + f(r) * weight[i], 0);
  return { loss: mix((r) => r.loss), mse: mix((r) => r.mse), grads };
}
