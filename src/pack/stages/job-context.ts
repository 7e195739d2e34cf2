// What every pack job gets: the plan, the work folder, progress, and a stop signal. Jobs read and write only the
// work folder, so any worker that mounts it can run any job of the graph.
import type { PackPlan } from '../pack-plan.js';
import type { ProgressReporter } from '../progress.js';
import type { WorkFolder } from '../work-folder.js';

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
