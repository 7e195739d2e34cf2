// The pack as a graph of idempotent jobs, in stages that run in order; the jobs of a stage are independent
// (chunks and metrics run in parallel on workers). Every job reads the plan and the work folder and leaves its
// results there, so the same code runs in-process (run-in-process.ts) or on BullMQ workers (queue/).
import type { PackPlan } from './pack-plan.js';
import type { JobContext } from './stages/job-context.js';
import { runChunkJob } from './stages/chunk-stage.js';
import { runLayoutJob } from './stages/layout-stage.js';
import { hasTierSplit, modelCount, runTierSplitJob, runTierTrainJob, runTrainJob, tierCount } from './stages/train-stage.js';
import { runMetricsJob } from './stages/metrics-stage.js';
import { runFinishJob } from './stages/finish-stage.js';
import { hasReuseMap, runReuseJob } from './stages/reuse-stage.js';
import type { ChunkRecord } from './stages/job-context.js';
import { rungContext } from './stages/job-context.js';

export type StageName = 'chunks' | 'layout' | 'tiers' | 'train' | 'reuse' | 'metrics' | 'ladder' | 'finish';

export interface PackStage {
  name: StageName;
  /** one line: what the stage does */
  what: string;
  jobs: string[];
}

const range = (n: number, name: (k: number) => string): string[] => Array.from({ length: n }, (_, k) => name(k));

/**
 * The stages of a plan, in the order they run. With --ladder every other rung's jobs join the same stages, named with
 * its scale (`chunk-r4-0`, `train-r4-0`, `metrics-r4-0`), so they run beside the top level's on the workers; the
 * `ladder` stage joins each rung's chunks into its own pack in the work folder (`finish-r4`), which the top level's
 * finish job copies into `r4/` of the pack (ladder.ts).
 */
export function packStages(plan: PackPlan): PackStage[] {
  const rungs = plan.rungs ?? [];
  const each = (jobs: (p: PackPlan, tag: string) => string[]): string[] => [...jobs(plan, ''), ...rungs.flatMap((r) => jobs(r, `r${r.scale}-`))];
  const stages: PackStage[] = [
    { name: 'chunks', what: 'decode, downscale, encode LR and HR, split, store training frames', jobs: each((p, t) => range(p.chunks, (k) => `chunk-${t}${k}`)) },
  ];
  const layout = each((p, t) => (p.layoutInMemory ? [t === '' ? 'layout' : `layout-${t.slice(0, -1)}`] : []));
  if (layout.length > 0) stages.push({ name: 'layout', what: `split every frame at once (--method ${plan.method}, --scorer ${plan.options.scorer})`, jobs: layout });
  // --tiers: the cheaper tiers' train jobs (`tier-1`, ...) beside the top model's; with --train-seconds the time is split
  // first by measured step times (`tier-split`; tiers.ts)
  const tiers = tierCount(plan);
  if (hasTierSplit(plan)) stages.push({ name: 'tiers', what: `time a training step of each of the ${tiers} tiers' models to split --train-seconds ${plan.options.trainSeconds}`, jobs: ['tier-split'] });
  stages.push(
    { name: 'train', what: `train ${modelCount(plan) > 1 || rungs.length > 0 ? `${modelCount(plan) * (rungs.length + 1)} models` : 'the model'}${tiers > 1 ? ` and ${tiers - 1} cheaper tier${tiers > 2 ? 's' : ''}` : ''}`,
      jobs: [...each((p, t) => range(modelCount(p), (m) => `train-${t}${m}`)), ...range(tiers - 1, (t) => `tier-${t + 1}`)] },
  );
  // the reuse map is the top level's only (a rung's plan has --reuse-margin 0)
  if (hasReuseMap(plan)) stages.push({ name: 'reuse', what: `decide the reuse map (--reuse-margin ${plan.options.reuseMargin} dB): SR of every frame`, jobs: range(plan.chunks, (k) => `reuse-${k}`) });
  stages.push(
    { name: 'metrics', what: 'PSNR and SSIM of SR and bicubic against the source', jobs: each((p, t) => range(p.chunks, (k) => `metrics-${t}${k}`)) },
  );
  if (rungs.length > 0) stages.push({ name: 'ladder', what: 'join each rung\'s chunks into its pack (LR segments, layout, model, metrics)', jobs: rungs.map((r) => `finish-r${r.scale}`) });
  stages.push({ name: 'finish', what: `join the chunks into the pack, cut its segments and write its manifest${rungs.length > 0 ? ', the rungs under r<scale>/ and master.m3u8' : ''}`, jobs: ['finish'] });
  return stages;
}

/** Runs one job by name and returns what its done record keeps. */
export async function runPackJob(ctx: JobContext, job: string): Promise<object> {
  // a ladder rung's job: the same job in the rung's context, recorded done in its work folder too (its later jobs read it)
  const rung = /^([a-z]+)-r([234])(?:-(\d+))?$/.exec(job);
  if (rung) {
    const rctx = rungContext(ctx, Number(rung[2]));
    const name = rung[3] === undefined ? rung[1] : `${rung[1]}-${rung[3]}`;
    const record = await runPackJob(rctx, name);
    rctx.work.markDone(name, record);
    return record;
  }
  const [kind, index] = job.split('-');
  const k = Number(index);
  switch (kind) {
    case 'chunk': return runChunkJob(ctx, k);
    case 'layout': await runLayoutJob(ctx); return {};
    case 'train': return runTrainJob(ctx, k);
    case 'tier': return index === 'split' ? runTierSplitJob(ctx) : runTierTrainJob(ctx, k);
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
