// What both trainers (tfjs: trainer.ts, onnxruntime: ort-trainer.ts) derive from their options before the first
// step, so they sample, schedule and checkpoint alike: the defaults, the checks, the sampler and the seeded RNG.
import { SeededRandom } from '../model/seeded-random.js';
import type { DynamicSRSpec } from '../model/spec.js';
import { CropSampler } from './crop-sampler.js';
import { TrainSchedule } from './schedule.js';
import type { TrainOptions } from './trainer.js';
import { learningRateScales, type LearningRateGroup } from './training-graph.js';
import { validateTrainingSet, type TrainingSet } from './training-set.js';

export interface TrainSetup {
  spec: DynamicSRSpec;
  batchSize: number;
  cropSize: number;
  seed: number;
  schedule: TrainSchedule;
  groupScale: Record<LearningRateGroup, number>;
  augment: boolean;
  halo: number;
  checkpointEvery: number;
  /** identifies the network in a checkpoint */
  specKey: string;
  sampler: CropSampler;
  rng: SeededRandom;
}

export function trainSetup(set: TrainingSet, opts: TrainOptions): TrainSetup {
  validateTrainingSet(set);
  const { spec } = opts;
  if (set.scale !== spec.scale) throw new Error(`training set is x${set.scale} but the spec is x${spec.scale}`);
  const seed = opts.seed ?? 1;
  return {
    spec, seed,
    batchSize: opts.batchSize ?? 16,
    cropSize: opts.cropSize ?? 48,
    schedule: new TrainSchedule(opts.learningRate ?? 1e-3, opts.steps, opts.warmupSteps ?? Math.round(0.05 * opts.steps), opts.trainSeconds),
    groupScale: learningRateScales(opts),
    augment: opts.augment ?? true,
    halo: opts.halo ?? 0,
    checkpointEvery: opts.checkpointEvery ?? 50,
    specKey: JSON.stringify(spec),
    sampler: new CropSampler(set, spec.paths.map((p) => p.id), opts.patchWeights),
    rng: new SeededRandom(seed),
  };
}
