// Training on tfjs's WebGPU backend (Dawn + SwiftShader here) must compute what the wasm backend does.
import { describe, expect, it } from 'vitest';
import { initTfBackend, tf } from './tf-backend.js';
import { trainableConv2d } from './trainable-conv.js';
import { trainDynamicSR } from './trainer.js';
import { lavfiImagePair } from './test-images.js';
import { SeededRandom } from '../model/seeded-random.js';
import { defaultPathSpecs } from '../model/wdsr-spec.js';
import type { TrainingSet } from './training-set.js';

async function convGrads(backend: 'wasm' | 'webgpu'): Promise<Float32Array[]> {
  await initTfBackend(backend);
  const r = new SeededRandom(3);
  const x = tf.tensor4d(Float32Array.from({ length: 2 * 6 * 5 * 4 }, () => r.uniform(-1, 1)), [2, 6, 5, 4]);
  const w = tf.tensor4d(Float32Array.from({ length: 3 * 3 * 4 * 6 }, () => r.uniform(-1, 1)), [3, 3, 4, 6]);
  const R = tf.tensor4d(Float32Array.from({ length: 2 * 6 * 5 * 6 }, () => r.uniform(-1, 1)), [2, 6, 5, 6]);
  const grads = tf.grads((a: tf.Tensor, b: tf.Tensor) => tf.sum(tf.mul(trainableConv2d(a as tf.Tensor4D, b as tf.Tensor4D), R)))([x, w]);
  const out = await Promise.all(grads.map(async (g) => (await g.data()) as Float32Array));
  tf.dispose([x, w, R, ...grads]);
  return out;
}

describe('webgpu training backend (Dawn in Node)', () => {
  it('custom-gradient conv gives the wasm gradients on webgpu', async () => {
    const onWasm = await convGrads('wasm');
    const onGpu = await convGrads('webgpu');
    expect(tf.getBackend()).toBe('webgpu');
    for (let k = 0; k < 2; k++) for (let i = 0; i < onWasm[k].length; i++) expect(onGpu[k][i]).toBeCloseTo(onWasm[k][i], 3);
  }, 60_000);

  it('trainDynamicSR on webgpu starts from the wasm loss and trains', async () => {
    const img = lavfiImagePair('testsrc2', 32, 32, 2);
    const set: TrainingSet = { lrWidth: 16, lrHeight: 16, scale: 2, frames: [{ lr: img.lr, hr: img.hr }], patches: [[{ x: 0, y: 0, w: 16, h: 16, path: 0 }]] };
    const opts = { spec: defaultPathSpecs(2, [[16, 16]]), steps: 2, batchSize: 2, cropSize: 8, seed: 2 };
    const wasm = await trainDynamicSR(set, opts);
    const gpu = await trainDynamicSR(set, { ...opts, backend: 'webgpu' });
    expect(gpu.stepsDone).toBe(2);
    expect(gpu.history[0].loss).toBeCloseTo(wasm.history[0].loss, 5);
    await expect(trainDynamicSR(set, { ...opts, backend: 'webgpu', workers: 2 })).rejects.toThrow(/needs the wasm backend/);
  }, 120_000);
});
