// Training-speed benchmark: seconds per Adam step (forward, backward, update) of one WDSR-A path,
// each trainer side by side on the same configuration, their steps interleaved (so a shared machine's load
// falls on both alike), median over --steps steps after one warm-up step each:
//   npx tsx bench/train-speed.ts [--trainers tfjs-wasm,ort] [--steps N] [--blocks 2,3,4] [--batches 4,8,16] [--crops 24,48]
//     [--workers 1,2] [--threads T] [--backend wasm|webgpu] [--scale 2] [--json out.json]
// --workers counts tfjs processes per step (1 = this one only; more fork gradient workers); --threads sets
// onnxruntime's intra-op threads (default: one per physical core).
import { writeFileSync } from 'node:fs';
import { availableParallelism, loadavg } from 'node:os';
import { initTfBackend, tf, type TrainBackend } from '../src/train/tf-backend.js';
import { pathGradients } from '../src/train/path-gradients.js';
import { parallelPathGradients } from '../src/train/parallel-gradients.js';
import { GradientWorkerPool } from '../src/train/gradient-workers.js';
import { AdamState } from '../src/train/adam.js';
import { PathTrainingStep } from '../src/train/ort-trainer.js';
import { pathTensorsFromWeights } from '../src/train/wdsr-tf.js';
import { initWeights } from '../src/model/init-weights.js';
import { SeededRandom } from '../src/model/seeded-random.js';
import { DEFAULT_CHANNELS, DEFAULT_EXPANSION } from '../src/model/wdsr-spec.js';
import type { DynamicSRSpec, PathSpec, Weights } from '../src/model/spec.js';
import type { CropBatch } from '../src/train/crop-sampler.js';

function arg(name: string, fallback: string): string {
  const i = process.argv.indexOf(`--${name}`);
  return i >= 0 ? process.argv[i + 1] : fallback;
}
const list = (s: string): number[] => s.split(',').map(Number);

type BenchTrainer = 'tfjs-wasm' | 'ort';
interface Row { trainer: BenchTrainer; workers: number; blocks: number; crop: number; batch: number; secPerStep: number; stepsPerSec: number; samples: number[] }

const median = (xs: number[]): number => { const s = [...xs].sort((a, b) => a - b); const m = s.length >> 1; return s.length % 2 ? s[m] : (s[m - 1] + s[m]) / 2; };

/** A trainer's Adam step on a fixed batch (`t`: 1-based step count) and its cleanup. */
interface Stepper { step(t: number): Promise<void>; close(): Promise<void> }

/** Seconds per call of each stepper, calls interleaved round-robin, after one warm-up call each (first-use setup). */
async function timeInterleaved(steps: number, steppers: Stepper[]): Promise<number[][]> {
  for (const s of steppers) await s.step(1);
  const out = steppers.map((): number[] => []);
  for (let i = 0; i < steps; i++) {
    for (const [k, s] of steppers.entries()) {
      const t0 = performance.now();
      await s.step(i + 2);
      out[k].push((performance.now() - t0) / 1000);
    }
  }
  return out;
}

async function main(): Promise<void> {
  const backend = arg('backend', 'wasm') as TrainBackend;
  await initTfBackend(backend);
  const steps = Number(arg('steps', '3'));
  const scale = Number(arg('scale', '2')) as 2 | 3 | 4;
  const trainers = arg('trainers', 'tfjs-wasm,ort').split(',') as BenchTrainer[];
  for (const t of trainers) if (t !== 'tfjs-wasm' && t !== 'ort') throw new Error(`--trainers: unknown trainer '${t}'; use tfjs-wasm and/or ort`);
  const threads = Number(arg('threads', '0')) || undefined;
  const rows: Row[] = [];
  const rng = new SeededRandom(1);
  const report = (row: Row): void => {
    rows.push(row);
    console.log(`${row.trainer.padEnd(9)}  workers ${row.workers}  blocks ${row.blocks}  crop ${row.crop}x${row.crop}  batch ${String(row.batch).padStart(2)}  ` +
      `${row.secPerStep.toFixed(3)} s/step (median of ${row.samples.length})  ${row.stepsPerSec.toFixed(2)} steps/s`);
  };
  for (const workers of list(arg('workers', '1'))) {
  const pool = workers > 1 ? GradientWorkerPool.start(workers - 1) : null;
  for (const blocks of list(arg('blocks', '2,3,4'))) {
    const spec: DynamicSRSpec = { scale, paths: [{ id: 0, patch: [48, 48], blocks, channels: DEFAULT_CHANNELS, expansion: DEFAULT_EXPANSION }] };
    const p = spec.paths[0];
    const initial = initWeights(spec, 1);
    for (const crop of list(arg('crops', '48'))) {
      for (const batch of list(arg('batches', '4,8,16'))) {
        const b: CropBatch = {
          pathId: 0, count: batch, cropH: crop, cropW: crop, halo: 0,
          input: Float32Array.from({ length: batch * crop * crop * 3 }, () => rng.next()),
          target: Float32Array.from({ length: batch * crop * crop * scale * scale * 3 }, () => rng.next()),
        };
        // ort runs in one process with threads; --workers is a tfjs setting
        const here = trainers.filter((t) => t === 'tfjs-wasm' || workers === 1);
        const steppers = await Promise.all(here.map((t) => (t === 'ort' ? ortStepper(p, scale, initial, b, threads) : tfjsStepper(p, scale, initial, b, pool))));
        try {
          const samples = await timeInterleaved(steps, steppers);
          here.forEach((trainer, k) => {
            const secPerStep = median(samples[k]);
            report({ trainer, workers, blocks, crop, batch, secPerStep, stepsPerSec: 1 / secPerStep, samples: samples[k] });
          });
        } finally {
          for (const s of steppers) await s.close();
        }
      }
    }
  }
  pool?.close();
  }
  const pairs = rows.filter((r) => r.trainer === 'ort').map((o) => [o, rows.find((t) => t.trainer === 'tfjs-wasm' && t.workers === 1 && t.blocks === o.blocks && t.crop === o.crop && t.batch === o.batch)] as const);
  for (const [o, t] of pairs) if (t) console.log(`blocks ${o.blocks} crop ${o.crop} batch ${o.batch}: ort ${(t.secPerStep / o.secPerStep).toFixed(2)}x faster than tfjs-wasm`);
  const json = arg('json', '');
  if (json) {
    writeFileSync(json, JSON.stringify({
      tfjsBackend: tf.getBackend(), scale, channels: DEFAULT_CHANNELS, steps, cpus: availableParallelism(), loadAverage: loadavg(),
      results: rows.map(({ samples, ...r }) => ({ ...r, samples: samples.map((v) => Math.round(v * 1e4) / 1e4) })),
    }, null, 2) + '\n');
  }
}

function tfjsStepper(p: PathSpec, scale: number, initial: Weights, b: CropBatch, pool: GradientWorkerPool | null): Stepper {
  const ts = pathTensorsFromWeights(p, scale, initial);
  const params = new Map([...ts].map(([k, t]) => [k, tf.variable(t, true)]));
  const adam = new AdamState(params);
  return {
    async step(t) {
      const g = pool ? await parallelPathGradients(pool, p, scale, params, b) : await pathGradients(p, scale, params, b);
      adam.apply(params, g.grads, 1e-4, t);
      for (const x of g.grads.values()) x.dispose();
    },
    async close() {
      adam.dispose();
      for (const v of params.values()) v.dispose();
      for (const t of ts.values()) t.dispose();
    },
  };
}

async function ortStepper(p: PathSpec, scale: number, initial: Weights, b: CropBatch, threads?: number): Promise<Stepper> {
  const runner = await PathTrainingStep.create(p, scale, b, threads);
  const state = new Map([...initial].map(([k, v]) => [k, { dims: v.dims, w: v.data.slice(), m: new Float32Array(v.data.length), v: new Float32Array(v.data.length) }]));
  return {
    async step(t) { await runner.run(state, b, { body: 1e-4, skip: 1e-5, tail: 1e-5 }, t); },
    close: () => runner.release(),
  };
}

await main();
