import { afterAll, describe, expect, it } from 'vitest';
import { copyFileSync, mkdtempSync, rmSync, existsSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { trainDynamicSR, type TrainOptions, type TrainProgress, type TrainResult } from './trainer.js';
import { permute4 } from './ort-trainer.js';
import { loadCheckpoint } from './checkpoint.js';
import { lavfiImagePair } from './test-images.js';
import { defaultPathSpecs } from '../model/wdsr-spec.js';
import type { DynamicSRSpec } from '../model/spec.js';
import type { TrainingSet } from './training-set.js';
import type { PatchRect } from '../format/patch.js';

const dir = mkdtempSync(path.join(tmpdir(), 'dydca-ort-train-'));
afterAll(() => rmSync(dir, { recursive: true, force: true }));

function tiles(w: number, h: number, size: number, pathId: number, x0 = 0, y0 = 0): PatchRect[] {
  const out: PatchRect[] = [];
  for (let y = y0; y < y0 + h; y += size) for (let x = x0; x < x0 + w; x += size) out.push({ x, y, w: size, h: size, path: pathId });
  return out;
}

/** Two paths (16x16 patches on top, 8x8 below) of a 32x32 LR mandelbrot frame, small channels so steps are fast. */
function twoPathSet(): { set: TrainingSet; spec: DynamicSRSpec } {
  const img = lavfiImagePair('mandelbrot', 64, 64, 2);
  const spec = defaultPathSpecs(2, [[16, 16], [8, 8]]);
  for (const p of spec.paths) p.channels = 8;
  const set: TrainingSet = { lrWidth: 32, lrHeight: 32, scale: 2, frames: [{ lr: img.lr, hr: img.hr }], patches: [[...tiles(32, 16, 16, 0), ...tiles(32, 16, 8, 1, 0, 16)]] };
  return { set, spec };
}

describe('ort trainer', () => {
  const { set, spec } = twoPathSet();
  const opts: TrainOptions = { spec, steps: 8, batchSize: 2, cropSize: 12, halo: 2, seed: 9, checkpointEvery: 3, trainer: 'ort' };

  it('is reproducible for a seed and resumes from a checkpoint to exactly the uninterrupted weights', async () => {
    const straight = await trainDynamicSR(set, opts);
    const again = await trainDynamicSR(set, opts);
    expect(new Set(straight.history.map((h) => h.path))).toEqual(new Set([0, 1]));
    expect(again.history).toEqual(straight.history);
    for (const [k, v] of straight.weights) expect(again.weights.get(k)!.data, k).toEqual(v.data);

    const file = path.join(dir, 'ck.bin');
    const first = await trainDynamicSR(set, { ...opts, checkpointFile: file, stopAtStep: 5 });
    expect(first.stepsDone).toBe(5);
    expect(existsSync(file)).toBe(true);
    const resumed = await trainDynamicSR(set, { ...opts, checkpointFile: file });
    expect(resumed.stepsDone).toBe(8);
    expect(resumed.history).toEqual(straight.history);
    for (const [k, v] of straight.weights) expect(resumed.weights.get(k)!.data, k).toEqual(v.data);
    expect(first.weights.get('p1.head.w')!.data).not.toEqual(resumed.weights.get('p1.head.w')!.data);
  }, 60_000);

  it('from the same state (a tfjs checkpoint), each step has the tfjs trainer\'s batch, rate and loss to 1e-4', async () => {
    // Whole runs drift apart: Adam's first updates are about lr * sign(g), so float rounding in gradients
    // near 0 moves weights by a full step. Per step from one shared state, the two must agree.
    const tfjsFile = path.join(dir, 'tfjs-ck.bin');
    for (let k = 0; k < 4; k++) {
      if (k > 0) await trainDynamicSR(set, { ...opts, trainer: 'tfjs-wasm', checkpointFile: tfjsFile, stopAtStep: k });
      const next: TrainResult[] = [];
      for (const trainer of ['ort', 'tfjs-wasm'] as const) {
        const file = path.join(dir, `${trainer}-${k}.bin`);
        if (k > 0) copyFileSync(tfjsFile, file);
        next.push(await trainDynamicSR(set, { ...opts, trainer, checkpointFile: file, stopAtStep: k + 1 }));
      }
      const [o, t] = next.map((r) => r.history[k]);
      expect(o.path).toBe(t.path);
      expect(o.learningRate).toBe(t.learningRate);
      expect(Math.abs(o.loss - t.loss) / t.loss, `step ${k}`).toBeLessThan(1e-4);
      expect(Math.abs(o.psnr - t.psnr), `step ${k}`).toBeLessThan(1e-3);
    }
  }, 120_000);

  it('trains for a wall-clock budget: stops at it, reports time left, ends with a small rate', async () => {
    const progress: TrainProgress[] = [];
    // a clock that moves 50 ms per step: the same run however busy the machine is (the budget is what is tested)
    let ms = 0;
    const r = await trainDynamicSR(set, { ...opts, steps: 1_000_000, trainSeconds: 1.5, clock: () => ms, onProgress: (p) => { ms += 50; progress.push(p); } });
    expect(ms).toBeGreaterThanOrEqual(1500); // it ran until the budget was used
    expect(r.stepsDone).toBeGreaterThan(10);
    expect(progress.at(-1)!.etaSec).toBeLessThanOrEqual(0.05 + 1e-9); // reported as the last step ends, one step (50 ms) before the budget
    expect(progress[0].etaSec).toBeGreaterThan(0);
    expect(progress[1].steps).toBeLessThan(1_000_000); // an estimate from the time steps took (the first took none on this clock)
    const rates = r.history.map((h) => h.learningRate);
    expect(rates[0]).toBeCloseTo(1e-5, 12);
    expect(Math.max(...rates)).toBeLessThanOrEqual(1e-3);
    expect(rates.at(-1)!).toBeLessThan(Math.max(...rates));
  }, 60_000);

  it('resumes a wall-clock budget from its checkpoint: the clock goes on where it stopped', async () => {
    const file = path.join(dir, 'timed.bin');
    // clocks that move 50 ms per step: the first 3 steps fit the budget however busy the machine is
    const steady = () => { let ms = 0; return { clock: () => ms, onProgress: () => { ms += 50; } }; };
    const first = await trainDynamicSR(set, { ...opts, steps: 1_000_000, trainSeconds: 1, checkpointFile: file, stopAtStep: 3, ...steady() });
    expect(first.stepsDone).toBe(3);
    const ck = loadCheckpoint(file)!;
    expect(ck.seconds).toBeGreaterThan(0);
    const rest = await trainDynamicSR(set, { ...opts, steps: 1_000_000, trainSeconds: 1, checkpointFile: file, ...steady() });
    expect(rest.stepsDone).toBeGreaterThan(3);
    // the resumed run's first rate continues the schedule where it stood, not a fresh warm-up from 1% of the rate (1e-5)
    expect(rest.history[3].learningRate).toBeGreaterThan(1e-4);
    expect(Math.abs(rest.history[3].learningRate - rest.history[2].learningRate)).toBeLessThan(2e-4);
    expect(loadCheckpoint(file)!.seconds).toBeGreaterThanOrEqual(1);
  }, 60_000);

  it('permute4 round-trips OIHW -> HWIO -> OIHW and puts element [o,i,h,w] at [h,w,i,o]', () => {
    const dims = [2, 3, 4, 5];
    const data = Float32Array.from({ length: 120 }, (_, i) => i);
    const hwio = permute4(data, dims, [2, 3, 1, 0]);
    expect(hwio.dims).toEqual([4, 5, 3, 2]);
    const [o, i, h, w] = [1, 2, 3, 4];
    expect(hwio.data[((h * 5 + w) * 3 + i) * 2 + o]).toBe(data[((o * 3 + i) * 4 + h) * 5 + w]);
    expect(permute4(hwio.data, hwio.dims, [3, 2, 0, 1]).data).toEqual(data);
  });
});
