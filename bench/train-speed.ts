// Training-speed benchmark: seconds per Adam step (forward, backward, update) of one WDSR-A path
// on tfjs-wasm, for each path depth, crop size and batch size. Usage:
//   npx tsx bench/train-speed.ts [--steps N] [--blocks 2,3,4] [--batches 4,8,16] [--crops 24,48] [--workers 1,2] [--backend wasm|webgpu] [--scale 2] [--json out.json]
// --workers counts processes per step (1 = this one only; more fork gradient workers).
import { writeFileSync } from 'node:fs';
import { initTfBackend, tf, type TrainBackend } from '../src/train/tf-backend.js';
import { pathGradients } from '../src/train/path-gradients.js';
import { parallelPathGradients } from '../src/train/parallel-gradients.js';
import { GradientWorkerPool } from '../src/train/gradient-workers.js';
import { AdamState } from '../src/train/adam.js';
import { pathTensorsFromWeights } from '../src/train/wdsr-tf.js';
import { initWeights } from '../src/model/init-weights.js';
import { SeededRandom } from '../src/model/seeded-random.js';
import { DEFAULT_CHANNELS, DEFAULT_EXPANSION } from '../src/model/wdsr-spec.js';
import type { DynamicSRSpec } from '../src/model/spec.js';
import type { CropBatch } from '../src/train/crop-sampler.js';

function arg(name: string, fallback: string): string {
  const i = process.argv.indexOf(`--${name}`);
  return i >= 0 ? process.argv[i + 1] : fallback;
}
const list = (s: string): number[] => s.split(',').map(Number);

interface Row { workers: number; blocks: number; crop: number; batch: number; secPerStep: number; stepsPerSec: number }

async function main(): Promise<void> {
  const backend = arg('backend', 'wasm') as TrainBackend;
  await initTfBackend(backend);
  const steps = Number(arg('steps', '3'));
  const scale = Number(arg('scale', '2')) as 2 | 3 | 4;
  const rows: Row[] = [];
  const rng = new SeededRandom(1);
  for (const workers of list(arg('workers', '1'))) {
  const pool = workers > 1 ? GradientWorkerPool.start(workers - 1) : null;
  for (const blocks of list(arg('blocks', '2,3,4'))) {
    const spec: DynamicSRSpec = { scale, paths: [{ id: 0, patch: [48, 48], blocks, channels: DEFAULT_CHANNELS, expansion: DEFAULT_EXPANSION }] };
    const p = spec.paths[0];
    const ts = pathTensorsFromWeights(p, scale, initWeights(spec, 1));
    const params = new Map([...ts].map(([k, t]) => [k, tf.variable(t, true)]));
    const adam = new AdamState(params);
    for (const crop of list(arg('crops', '48'))) {
      for (const batch of list(arg('batches', '4,8,16'))) {
        const b: CropBatch = {
          pathId: 0, count: batch, cropH: crop, cropW: crop, halo: 0,
          input: Float32Array.from({ length: batch * crop * crop * 3 }, () => rng.next()),
          target: Float32Array.from({ length: batch * crop * crop * scale * scale * 3 }, () => rng.next()),
        };
        const step = async (t: number): Promise<void> => {
          const g = pool ? await parallelPathGradients(pool, p, scale, params, b) : await pathGradients(p, scale, params, b);
          adam.apply(params, g.grads, 1e-4, t);
          for (const x of g.grads.values()) x.dispose();
        };
        await step(1); // warm-up: first-use kernel setup
        const t0 = performance.now();
        for (let i = 0; i < steps; i++) await step(i + 2);
        const secPerStep = (performance.now() - t0) / 1000 / steps;
        const row = { workers, blocks, crop, batch, secPerStep, stepsPerSec: 1 / secPerStep };
        rows.push(row);
        console.log(`workers ${workers}  blocks ${blocks}  crop ${crop}x${crop}  batch ${String(batch).padStart(2)}  ${secPerStep.toFixed(3)} s/step  ${row.stepsPerSec.toFixed(2)} steps/s`);
      }
    }
    adam.dispose();
    for (const v of params.values()) v.dispose();
    for (const t of ts.values()) t.dispose();
  }
  pool?.close();
  }
  const json = arg('json', '');
  if (json) writeFileSync(json, JSON.stringify({ backend: tf.getBackend(), scale, channels: DEFAULT_CHANNELS, steps, rows }, null, 2));
}

await main();
