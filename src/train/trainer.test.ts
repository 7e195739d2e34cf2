import { afterAll, describe, expect, it } from 'vitest';
import { mkdtempSync, rmSync, existsSync, readdirSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { trainDynamicSR, type TrainProgress } from './trainer.js';
import { forwardPath } from './forward.js';
import { tf } from './tf-backend.js';
import { hwcToNchw, lavfiImagePair, nchwToHwc8, psnr8 } from './test-images.js';
import { defaultPathSpecs } from '../model/wdsr-spec.js';
import type { TrainingSet } from './training-set.js';
import type { PatchRect } from '../format/patch.js';

const dir = mkdtempSync(path.join(tmpdir(), 'dydca-train-'));
afterAll(() => rmSync(dir, { recursive: true, force: true }));

function tiles(w: number, h: number, size: number, path: number, x0 = 0, y0 = 0): PatchRect[] {
  const out: PatchRect[] = [];
  for (let y = y0; y < y0 + h; y += size) for (let x = x0; x < x0 + w; x += size) out.push({ x, y, w: size, h: size, path });
  return out;
}

describe('trainDynamicSR', () => {
  it('overfits a 96x96 testsrc2 crop (x2) and beats ffmpeg bicubic by > 2 dB within 120 steps', async () => {
    const img = lavfiImagePair('testsrc2', 96, 96, 2);
    const spec = defaultPathSpecs(2, [[24, 24]]);
    const set: TrainingSet = { lrWidth: 48, lrHeight: 48, scale: 2, frames: [{ lr: img.lr, hr: img.hr }], patches: [tiles(48, 48, 24, 0)] };
    const progress: TrainProgress[] = [];
    const { weights, history, stepsDone } = await trainDynamicSR(set, { spec, steps: 120, batchSize: 8, cropSize: 24, learningRate: 2e-3, seed: 3, onProgress: (p) => progress.push(p) });
    expect(stepsDone).toBe(120);
    expect(history).toHaveLength(120);
    expect(progress.at(-1)).toMatchObject({ step: 120, steps: 120, path: 0 });
    expect(progress.at(-1)!.stepsPerSec).toBeGreaterThan(0);
    const sr = nchwToHwc8(forwardPath(spec, weights, 0, hwcToNchw(img.lr, 48, 48), 1, 48, 48), 96, 96);
    const psnrSR = psnr8(sr, img.hr);
    const psnrBicubic = psnr8(img.bicubic, img.hr);
    expect(psnrSR).toBeGreaterThan(psnrBicubic + 2);
    const meanLoss = (from: number, to: number): number => history.slice(from, to).reduce((a, h) => a + h.loss, 0) / (to - from);
    expect(meanLoss(100, 120)).toBeLessThan(meanLoss(0, 20));
  }, 120_000);

  it('resumes from a checkpoint to exactly the weights of an uninterrupted run (2 paths, halo 2, augment)', async () => {
    const img = lavfiImagePair('mandelbrot', 64, 64, 2);
    const spec = defaultPathSpecs(2, [[16, 16], [8, 8]]);
    // top half in 16x16 patches (path 0), bottom half in 8x8 (path 1)
    const set: TrainingSet = { lrWidth: 32, lrHeight: 32, scale: 2, frames: [{ lr: img.lr, hr: img.hr }], patches: [[...tiles(32, 16, 16, 0), ...tiles(32, 16, 8, 1, 0, 16)]] };
    const opts = { spec, steps: 8, batchSize: 2, cropSize: 12, halo: 2, seed: 9, checkpointEvery: 3 };
    const straight = await trainDynamicSR(set, opts);
    const tensorsBefore = tf.memory().numTensors;
    const file = path.join(dir, 'ck.bin');
    const first = await trainDynamicSR(set, { ...opts, checkpointFile: file, stopAtStep: 5 });
    expect(first.stepsDone).toBe(5);
    expect(existsSync(file)).toBe(true);
    expect(readdirSync(dir).filter((f) => f.includes('.tmp-'))).toEqual([]);
    const resumed = await trainDynamicSR(set, { ...opts, checkpointFile: file });
    expect(resumed.stepsDone).toBe(8);
    // every variable, moment and intermediate is released
    expect(tf.memory().numTensors).toBe(tensorsBefore);
    expect(resumed.history.map((h) => h.path)).toEqual(straight.history.map((h) => h.path));
    expect(new Set(straight.history.map((h) => h.path))).toEqual(new Set([0, 1]));
    expect(resumed.history.map((h) => h.loss)).toEqual(straight.history.map((h) => h.loss));
    for (const [k, v] of straight.weights) expect([...resumed.weights.get(k)!.data]).toEqual([...v.data]);
    // and training changed the weights at all
    expect([...first.weights.get('p1.head.w')!.data]).not.toEqual([...resumed.weights.get('p1.head.w')!.data]);
  }, 120_000);

  it('refuses a checkpoint written for another network', async () => {
    const img = lavfiImagePair('testsrc2', 32, 32, 2);
    const set: TrainingSet = { lrWidth: 16, lrHeight: 16, scale: 2, frames: [{ lr: img.lr, hr: img.hr }], patches: [tiles(16, 16, 8, 0)] };
    const file = path.join(dir, 'other.bin');
    await trainDynamicSR(set, { spec: defaultPathSpecs(2, [[8, 8]]), steps: 1, batchSize: 1, checkpointFile: file });
    const other = defaultPathSpecs(2, [[8, 8]]);
    other.paths[0].blocks = 3;
    const tensorsBefore = tf.memory().numTensors;
    await expect(trainDynamicSR(set, { spec: other, steps: 1, batchSize: 1, checkpointFile: file })).rejects.toThrow(/another network/);
    expect(tf.memory().numTensors).toBe(tensorsBefore);
  });
});
