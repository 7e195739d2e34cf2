import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { GradientWorkerPool, shardSizes } from './gradient-workers.js';
import { parallelPathGradients } from './parallel-gradients.js';
import { pathGradients } from './path-gradients.js';
import { pathTensorsFromWeights } from './wdsr-tf.js';
import { initTfBackend } from './tf-backend.js';
import { trainDynamicSR } from './trainer.js';
import { CropSampler } from './crop-sampler.js';
import { lavfiImagePair } from './test-images.js';
import { defaultPathSpecs } from '../model/wdsr-spec.js';
import { initWeights } from '../model/init-weights.js';
import { SeededRandom } from '../model/seeded-random.js';
import type { TrainingSet } from './training-set.js';

const img = lavfiImagePair('testsrc2', 48, 48, 2);
const spec = defaultPathSpecs(2, [[12, 12]]);
const set: TrainingSet = { lrWidth: 24, lrHeight: 24, scale: 2, frames: [{ lr: img.lr, hr: img.hr }],
  patches: [[0, 12].flatMap((y) => [0, 12].map((x) => ({ x, y, w: 12, h: 12, path: 0 })))] };

let pool: GradientWorkerPool;
beforeAll(async () => { await initTfBackend(); pool = GradientWorkerPool.start(2); });
afterAll(() => pool.close());

describe('data-parallel gradient workers', () => {
  it.each([
    { n: 16, k: 2, want: [8, 8] },
    { n: 7, k: 3, want: [3, 2, 2] },
    { n: 2, k: 4, want: [1, 1] },
  ])('shardSizes($n, $k) = $want', ({ n, k, want }) => {
    expect(shardSizes(n, k)).toEqual(want);
  });

  it.each([{ count: 5, halo: 1 }, { count: 2, halo: 0 }])('3-process gradients equal single-process gradients of the whole batch (batch $count, halo $halo)', async ({ count, halo }) => {
    const weights = initWeights(spec, 2);
    // a non-zero tail so every parameter gets a gradient
    const r = new SeededRandom(8);
    for (const v of weights.get('p0.tail.w')!.data.keys()) weights.get('p0.tail.w')!.data[v] = r.uniform(-0.05, 0.05);
    const params = pathTensorsFromWeights(spec.paths[0], 2, weights);
    const batch = new CropSampler(set, [0]).sample(0, count, 10, halo, new SeededRandom(1), true);
    const one = await pathGradients(spec.paths[0], 2, params, batch);
    const par = await parallelPathGradients(pool, spec.paths[0], 2, params, batch);
    expect(par.loss).toBeCloseTo(one.loss, 5);
    expect(par.mse).toBeCloseTo(one.mse, 5);
    for (const [k, g] of one.grads) {
      const a = g.dataSync();
      const b = par.grads.get(k)!.dataSync();
      const scale = Math.max(...a.map(Math.abs));
      expect(scale).toBeGreaterThan(0);
      for (let i = 0; i < a.length; i++) expect(Math.abs(a[i] - b[i])).toBeLessThan(1e-4 * scale);
    }
  }, 60_000);

  it('trainDynamicSR with workers: 2 runs and starts from the same loss as the single-process run', async () => {
    const opts = { spec, steps: 2, batchSize: 4, cropSize: 12, seed: 4 };
    const single = await trainDynamicSR(set, opts);
    const multi = await trainDynamicSR(set, { ...opts, workers: 2 });
    expect(multi.stepsDone).toBe(2);
    expect(multi.history[0].loss).toBeCloseTo(single.history[0].loss, 5);
  }, 60_000);
});
