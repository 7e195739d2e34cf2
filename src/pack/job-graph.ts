// The pack as a graph of idempotent jobs, in stages that run in order; the jobs of a stage are independent
// (chunks and metrics run in parallel on workers). Every job reads the plan and the work folder and leaves its
// results there, so the same code runs in-process (run-in-process.ts) or on BullMQ workers (queue/).
import type { PackPlan } from './pack-plan.js';
import type { JobContext } from './stages/job-context.js';
import { runChunkJob } from './stages/chunk-stage.js';
import { runLayoutJob } from './stages/layout-stage.js';
import { modelCount, runTrainJob } from './stages/train-stage.js';
import { runMetricsJob } from './stages/metrics-stage.js';
import { runFinishJob } from './stages/finish-stage.js';
import { hasReuseMap, runReuseJob } from './stages/reuse-stage.js';
import type { ChunkRecord } from './stages/job-context.js';

export type StageName = 'chunks' | 'layout' | 'train' | 'reuse' | 'metrics' | 'finish';

export interface PackStage {
  name: StageName;
  /** one line: what the stage does */
  what: string;
  jobs: string[];
}

const range = (n: number, name: (k: number) => string): string[] => Array.from({ length: n }, (_, k) => name(k));

/** The stages of a plan, in the order they run. */
export function packStages(plan: PackPlan): PackStage[] {
  const stages: PackStage[] = [
    { name: 'chunks', what: 'decode, downscale, encode LR and HR, split, store training frames', jobs: range(plan.chunks, (k) => `chunk-${k}`) },
  ];
  if (plan.layoutInMemory) stages.push({ name: 'layout', what: `split every frame at once (--method ${plan.method}, --scorer ${plan.options.scorer})`, jobs: ['layout'] });
  stages.push({ name: 'train', what: `train ${modelCount(plan) > 1 ? `${modelCount(plan)} models` : 'the model'}`, jobs: range(modelCount(plan), (m) => `train-${m}`) });
  if (hasReuseMap(plan)) stages.push({ name: 'reuse', what: `decide the reuse map (--reuse-margin ${plan.options.reuseMargin} dB): SR of every frame`, jobs: range(plan.chunks, (k) => `reuse-${k}`) });
  stages.push(
    { name: 'metrics', what: 'PSNR and SSIM of SR and bicubic against the source', jobs: range(plan.chunks, (k) => `metrics-${k}`) },
    { name: 'finish', what: 'join the chunks into the pack, cut its segments and write its manifest', jobs: ['finish'] },
  );
  return stages;
}

/** Runs one job by name and returns what its done record keeps. */
export async function runPackJob(ctx: JobContext, job: string): Promise<object> {
  const [kind, index] = job.split('-');
  const k = Number(index);
  switch (kind) {
    case 'chunk': return runChunkJob(ctx, k);
    case 'layout': await runLayoutJob(ctx); return {};
    case 'train': return runTrainJob(ctx, k);
    case 'reuse':
      if (ctx.work.doneRecord<ChunkRecord>(`chunk-${k}`).frames === 0) return { frames: 0 };
      return runReuseJob(ctx, k);
    case 'metrics':
      // a chunk past the end of a short source has nothing to measure
      if (ctx.work.doneRecord<ChunkRecord>(`chunk-${k}`).frames === 0) return { frames: [], scores: [] };
      return { measured: (await runMetricsJob(ctx, k)).frames.length };
    case 'finish': {
      const s = await runFinishJob(ctx);
      return { out: s.out, bytes: s.bytes, warnings: s.warnings };
    }
    default: throw new Error(`unknown pack job '${job}'`);
  }
}
