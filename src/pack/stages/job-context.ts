// What every pack job gets: the plan, the work folder, progress, and a stop signal. Jobs read and write only the
// work folder, so any worker that mounts it can run any job of the graph.
import { chunkRange, type PackPlan } from '../pack-plan.js';
import type { ProgressReporter } from '../progress.js';
import { mkdirSync } from 'node:fs';
import { join } from 'node:path';
import { WorkFolder } from '../work-folder.js';

export interface JobContext {
  plan: PackPlan;
  work: WorkFolder;
  progress: ProgressReporter;
  signal?: AbortSignal;
}

/** `00012`: the index in work file names, fixed width so names sort by chunk. */
export const chunkId = (k: number): string => String(k).padStart(5, '0');

/** Work files of chunk k. */
export const chunkFiles = (k: number): { lr: string; hr: string; layout: string; train: string; trainMeta: string; metrics: string } => ({
  lr: `lr-${chunkId(k)}.mp4`, hr: `hr-${chunkId(k)}.mp4`, layout: `layout-${chunkId(k)}.json`, train: `train-${chunkId(k)}.bin`,
  trainMeta: `train-${chunkId(k)}.json`, metrics: `metrics-${chunkId(k)}.json`,
});

/** The done record of a chunk job. */
export interface ChunkRecord {
  /** frames the chunk holds (fewer than planned: the source ended there) */
  frames: number;
  /** PSNR of each frame of the LR stream as decoded against the LR frame encoded (picture only) */
  psnrLrStream: number[];
  /** ffmpeg's first error line while decoding the chunk from the source, or null */
  decodeError: string | null;
  /** wall seconds of each step of the job (decode, downscale, encode LR, decode LR, split, store, encode HR (wait)) */
  seconds: Record<string, number>;
}

/** What a chunk keeps for training besides the frames: their global indices and crop weights (error sampling). */
export interface TrainMeta { frames: number[]; weights: number[][] | null }

/** Chunks that make the pack: those with frames, up to the first one cut short (the source ended or is damaged there).
 * Every stage after the chunks reads this set, so training, metrics and the pack agree on the frames. */
export function packedChunks(ctx: Pick<JobContext, 'plan' | 'work'>): { chunks: number[]; frames: number; warnings: string[] } {
  const { plan, work } = ctx;
  const chunks: number[] = [];
  let frames = 0;
  let error: string | null = null;
  for (let k = 0; k < plan.chunks; k++) {
    const rec = work.doneRecord<ChunkRecord>(`chunk-${k}`);
    error ??= rec.decodeError;
    if (rec.frames > 0) { chunks.push(k); frames += rec.frames; }
    const [a, b] = chunkRange(plan, k);
    if (rec.frames < b - a) break;
  }
  const ffmpeg = error !== null ? ` (ffmpeg: ${error})` : '';
  // a container's frame count can be off by one without a damaged file (an estimate from its duration)
  const warnings = frames < plan.frames - (plan.probe.frameCount !== null ? 0 : 1)
    ? [`${plan.input.name} looks truncated or damaged: decoded ${frames} of the ${plan.frames} frames its container declares for the chosen range${ffmpeg}; packing the ${frames} decoded frames`]
    : error !== null ? [`${plan.input.name}: ffmpeg reported decode errors${ffmpeg}; some frames may be damaged`] : [];
  return { chunks, frames, warnings };
}

/** The job context of the ladder rung of `scale`: its plan, and its own work folder `r<scale>/` in the pack's. */
export function rungContext(ctx: JobContext, scale: number): JobContext {
  const plan = ctx.plan.rungs?.find((r) => r.scale === scale);
  if (!plan) throw new Error(`this pack has no ladder rung x${scale}`);
  const dir = ctx.work.path(`r${scale}`);
  mkdirSync(join(dir, 'done'), { recursive: true });
  const work = new WorkFolder(dir);
  return { ...ctx, plan: { ...plan, out: rungPackDir(ctx.work, scale) }, work };
}

/** Where the ladder rung of `scale` is packed (by its `finish-r<scale>` job) before the top level copies it. */
export const rungPackDir = (work: WorkFolder, scale: number): string => work.path(join(`r${scale}`, 'pack'));
