// Chunk job (one per chunk, in parallel on workers): decode the chunk from the source, downscale it (bicubic), encode
// and decode its LR stream, encode its HR reference, split its frames into patches (when the split needs no other
// chunk) and store the frames training samples from. Holds one chunk of frames at a time.
import { renameSync } from 'node:fs';
import { downscaleBicubic, upscaleBicubic, type RgbImage } from '../bicubic.js';
import { decodeToRgb, encodeH264 } from '../encode.js';
import { psnrRgb8 } from '../../format/psnr.js';
import { SquaredErrorTable } from '../region-psnr.js';
import { splitFrame, type PatchScorer } from '../splitter.js';
import { errorSamplingWeights } from '../../train/crop-sampler.js';
import { ERROR_SAMPLING_MIX } from '../pack-options.js';
import { chunkRange, type PackPlan } from '../pack-plan.js';
import { cropPicture, readSourceChunk, type ChunkFrames } from '../source-frames.js';
import { InputError } from '../ingest.js';
import { writeTrainingChunk } from '../training-store.js';
import type { PatchSegmentFile } from '../../format/manifest.js';
import { chunkFiles, type ChunkRecord, type JobContext, type TrainMeta } from './job-context.js';

/**
 * x264 preset of the HR reference (hr.mp4). It serves only the metrics and the player's comparison view, at the same
 * CRF as the LR stream, and at 1080p it was the chunk stage's largest cost: 206 ms of CPU per frame at `medium`, 65 ms
 * at `veryfast`, for a file about 6% larger (docs/packager.md). The LR stream, what viewers download, stays `medium`.
 */
export const HR_REFERENCE_PRESET = 'veryfast';

/** The chunk's HR frames, read from the source as every stage that needs them reads them. */
export async function readChunkHr(plan: PackPlan, k: number): Promise<ChunkFrames> {
  const [a, b] = chunkRange(plan, k);
  return readSourceChunk({ probe: plan.probe, frame: plan.geometry, firstSourceFrame: plan.firstFrame + a, frames: b - a, videoStartOffset: plan.videoStartOffset });
}

/** Encodes `frames` into work file `name` (through a temp name, so a killed encode leaves no file that looks done). */
async function encodeInto(ctx: JobContext, frames: RgbImage[], name: string, preset?: string): Promise<void> {
  const tmp = ctx.work.path(`${name}.tmp-${process.pid}.mp4`);
  // chunks are whole segments, so a key frame every segment from the chunk's first frame starts every segment with one
  await encodeH264(frames, tmp, { fps: ctx.plan.fps, crf: ctx.plan.options.crf, preset, keyFrameInterval: ctx.plan.segmentFrames });
  renameSync(tmp, ctx.work.path(name));
}

export async function runChunkJob(ctx: JobContext, k: number): Promise<ChunkRecord> {
  const { plan, work } = ctx;
  const files = chunkFiles(k);
  const [first] = chunkRange(plan, k);
  // wall seconds per step, reported per frame at the end of the stage: where a long video's time goes
  const seconds: Record<string, number> = {};
  let lap = performance.now();
  const step = (name: string): void => { const now = performance.now(); seconds[name] = (seconds[name] ?? 0) + (now - lap) / 1000; lap = now; };
  const src = await readChunkHr(plan, k);
  ctx.signal?.throwIfAborted();
  step('decode');
  const hr = src.frames;
  // ffprobe read it, so nothing decoding at its start means a damaged file (a chunk further on: it ends there)
  if (hr.length === 0 && k === 0 && src.decodeError !== null) {
    throw new InputError(`${plan.input.name}: ffmpeg could not decode it; the file looks truncated or damaged (ffmpeg: ${src.decodeError})`);
  }
  if (hr.length === 0) return { frames: 0, psnrLrStream: [], decodeError: src.decodeError, seconds };
  const s = plan.scale;
  // the HR reference encodes in its own process while this one downscales, encodes, decodes and splits
  // a ladder rung (lrOnly) encodes no HR: the pack's HR reference is the top level's, the same frames
  const hrEncoded = plan.lrOnly ? Promise.resolve() : encodeInto(ctx, hr, files.hr, HR_REFERENCE_PRESET);
  hrEncoded.catch(() => undefined); // awaited below; a failure before then must not go unhandled
  const lr = hr.map((f) => downscaleBicubic(f, s));
  step('downscale');
  // train and split on what the player will decode, not on the clean downscale (the codec's artefacts included)
  await encodeInto(ctx, lr, files.lr);
  ctx.signal?.throwIfAborted();
  step('encode LR');
  const decoded = await decodeToRgb(work.path(files.lr), plan.lrWidth, plan.lrHeight);
  step('decode LR');
  if (decoded.length !== lr.length) throw new Error(`chunk ${k}: ${files.lr} decodes to ${decoded.length} frames; expected ${lr.length}`);
  const lrPicW = Math.ceil(plan.geometry.pictureWidth / s), lrPicH = Math.ceil(plan.geometry.pictureHeight / s);
  const psnrLrStream = decoded.map((f, i) => round(psnrRgb8(cropPicture(f.data, plan.lrWidth, lrPicW, lrPicH), cropPicture(lr[i].data, plan.lrWidth, lrPicW, lrPicH)), 3));
  let weights: number[][] | null = null;
  if (!plan.layoutInMemory) {
    const scorer = bicubicScorer(decoded, hr, s);
    const error = plan.options.cropSampling === 'error';
    const frames: PatchSegmentFile['frames'] = [];
    const w: number[][] = [];
    decoded.forEach((_, i) => {
      const ps = splitFrame(i, plan.lrWidth, plan.lrHeight, plan.split, scorer);
      frames.push(ps.map((p) => [p.x, p.y, p.w, p.h, p.path]));
      // scored right after the split, while the scorer still holds this frame's upscale
      if (error && (first + i) % plan.trainStride === 0) w.push(errorSamplingWeights(ps, scorer(i, ps), ERROR_SAMPLING_MIX));
    });
    work.writeJson(files.layout, { firstFrame: first, frames } satisfies PatchSegmentFile);
    if (error) weights = w;
    step('split');
  }
  const kept = decoded.map((_, i) => i).filter((i) => (first + i) % plan.trainStride === 0);
  writeTrainingChunk(work.path(files.train), { lrWidth: plan.lrWidth, lrHeight: plan.lrHeight, scale: s, frames: kept.map((i) => first + i) },
    kept.map((i) => ({ lr: decoded[i].data, hr: hr[i].data })));
  work.writeJson(files.trainMeta, { frames: kept.map((i) => first + i), weights } satisfies TrainMeta);
  step('store');
  await hrEncoded;
  // the HR encode ran beside the steps above: this is only the time left waiting for it
  step('encode HR (wait)');
  return { frames: hr.length, psnrLrStream, decodeError: src.decodeError, seconds };
}

/** Scorer `bicubic`: PSNR of bicubic upscaling per patch, a cheap proxy of how hard a patch is to super-resolve.
 *  Each frame is upscaled once into a table of summed squared errors that every level's rects read. */
export function bicubicScorer(lr: RgbImage[], hr: RgbImage[], scale: number): PatchScorer {
  let cached: { frame: number; errors: SquaredErrorTable; up: Uint8Array } | null = null;
  return (frame, rects) => {
    if (cached?.frame !== frame) {
      const up = upscaleBicubic(lr[frame], scale, cached?.up).data;
      cached = { frame, errors: SquaredErrorTable.of(up, hr[frame].data, hr[frame].width, hr[frame].height, cached?.errors), up };
    }
    const errors = cached.errors;
    return rects.map((r) => errors.psnr(r.x * scale, r.y * scale, r.w * scale, r.h * scale));
  };
}

export function round(v: number, digits: number): number {
  const f = 10 ** digits;
  return Math.round(v * f) / f;
}
