// Reuse job (one per chunk, after training; issue 21): SR of every frame of the chunk with the trained model, the
// modes of each frame's patches decided against the exact HR frames (reuse-replay.ts), and the chunk's layout written
// again with them, with the per-frame PSNR of full SR and as played and the GFLOP SR executes. Every frame is decided
// (the metrics may sample); chunks begin at segment starts, so each chunk is decided on its own.
import { readFileSync } from 'node:fs';
import type { PatchSegmentFile } from '../../format/manifest.js';
import { isSegmentStart, MODE_REUSE, MODE_SR, rectKey, withMode } from '../../format/patch-mode.js';
import type { PatchRect } from '../../format/patch.js';
import { psnrRgb8 } from '../../format/psnr.js';
import { frameGflop } from '../../model/sr-cost.js';
import { upscaleBicubic } from '../bicubic.js';
import { decodeToRgb } from '../encode.js';
import { chunkRange, type PackPlan } from '../pack-plan.js';
import { loadPatchModel, superResolveFrame } from '../patch-inference.js';
import { PlayedFrames } from '../reuse-replay.js';
import { composePlayed, lrChange } from '../reuse-decision.js';
import { cropPicture } from '../source-frames.js';
import { readChunkHr, round } from './chunk-stage.js';
import { chunkFiles, chunkId, type JobContext } from './job-context.js';
import { modelFile, type TrainRecord } from './train-stage.js';

/** What a reuse job writes: the chunk's layout with modes, and per frame PSNR (full SR, played) and executed GFLOP. */
export interface ChunkReuse extends PatchSegmentFile { psnrSR: number[]; psnrSRPlayed: number[]; executedGflop: number[] }

export const reuseFile = (k: number): string => `reuse-${chunkId(k)}.json`;

/** Whether the pack gets a reuse map: `--reuse-margin` above 0, Dy-DCA (the baselines' models are per path or chunk). */
export const hasReuseMap = (plan: PackPlan): boolean => plan.options.reuseMargin > 0 && plan.method === 'dydca';

/** Frames per segment of the layout the player seeks by; must equal the manifest's `patches.segments.frames` (finish-stage.ts). */
export const segmentFrames = (plan: PackPlan): number => plan.segmentFrames;

export async function runReuseJob(ctx: JobContext, k: number): Promise<{ frames: number; patchesRunThroughSR?: number }> {
  const { plan, work } = ctx;
  const [a] = chunkRange(plan, k);
  const layout = work.readJson<PatchSegmentFile>(chunkFiles(k).layout);
  const hr = (await readChunkHr(plan, k)).frames;
  ctx.signal?.throwIfAborted();
  const lr = await decodeToRgb(work.path(chunkFiles(k).lr), plan.lrWidth, plan.lrHeight);
  if (hr.length !== layout.frames.length || lr.length !== layout.frames.length) {
    throw new Error(`chunk ${k}: ${hr.length} HR and ${lr.length} LR frames decoded; its layout has ${layout.frames.length} (the input video changed during the pack?)`);
  }
  const trained = work.doneRecord<TrainRecord>('train-0');
  const model = await loadPatchModel(readFileSync(work.path(modelFile(plan, 0))), plan.scale, plan.halo);
  const s = plan.scale, picture = { width: plan.geometry.pictureWidth, height: plan.geometry.pictureHeight };
  const codedWidth = plan.lrWidth * s;
  const replay = new PlayedFrames({ width: codedWidth, picture, scale: s, lrWidth: plan.lrWidth, lrHeight: plan.lrHeight, halo: plan.halo });
  const gflop = (p: PatchRect): number => frameGflop([p], trained.spec.paths, s, plan.halo);
  const out: ChunkReuse = { firstFrame: a, frames: [], psnrSR: [], psnrSRPlayed: [], executedGflop: [] };
  const pic = (d: Uint8Array): Uint8Array => cropPicture(d, codedWidth, picture.width, picture.height);
  // fresh SR of the frame before: a patch whose LR (with its halo) is bit-identical there has the same SR, so SR runs
  // only where the LR changed (static content costs the stage next to nothing, as it costs the player)
  let before: { lr: Uint8Array; sr: Uint8Array; rects: Set<string> } | null = null;
  let computed = 0;
  try {
    for (const [i, tuples] of layout.frames.entries()) {
      ctx.signal?.throwIfAborted();
      const patches: PatchRect[] = tuples.map(([x, y, w, h, path]) => ({ x, y, w, h, path }));
      const prior = before;
      const unchanged = new Set(prior === null ? [] : patches.filter((p) => prior.rects.has(rectKey(p.x, p.y, p.w, p.h)) && lrChange(lr[i].data, prior.lr, plan.lrWidth, plan.lrHeight, p, plan.halo) === 0));
      const fresh = patches.filter((p) => !unchanged.has(p));
      computed += fresh.length;
      const srFresh = (await superResolveFrame(() => model, lr[i], fresh)).data;
      // unchanged patches from the frame before (composePlayed's "reuse" is exactly that copy)
      const sr: Uint8Array = fresh.length === patches.length ? srFresh
        : composePlayed(prior!.sr, srFresh, srFresh, patches.map((p) => (unchanged.has(p) ? { ...p, mode: MODE_REUSE } : p)), codedWidth, s);
      before = { lr: lr[i].data, sr, rects: new Set(patches.map((p) => rectKey(p.x, p.y, p.w, p.h))) };
      const images = { lr: lr[i].data, sr, bicubic: upscaleBicubic(lr[i], s).data, hr: hr[i].data };
      // the chunk's first frame starts a segment (chunks are whole segments), so it never reuses
      const start = i === 0 || isSegmentStart(a + i, segmentFrames(plan));
      const modes = replay.decide(patches, images, start, plan.options.reuseMargin, gflop);
      patches.forEach((p, n) => { p.mode = modes[n]; });
      const played = replay.advance(patches, images, start);
      out.frames.push(tuples.map((t, n) => withMode(t, modes[n])));
      const ref = pic(hr[i].data);
      out.psnrSR.push(round(psnrRgb8(pic(sr), ref), 3));
      out.psnrSRPlayed.push(round(psnrRgb8(pic(played), ref), 3));
      out.executedGflop.push(frameGflop(patches.filter((p) => p.mode === MODE_SR), trained.spec.paths, s, plan.halo));
    }
  } finally {
    await model.session.release();
  }
  work.writeJson(reuseFile(k), out);
  return { frames: out.frames.length, patchesRunThroughSR: computed };
}

/** The chunk's layout as the pack holds it: with the reuse map's modes when the pack has one. */
export function packedLayout(ctx: Pick<JobContext, 'plan' | 'work'>, k: number): PatchSegmentFile {
  if (!hasReuseMap(ctx.plan)) return ctx.work.readJson<PatchSegmentFile>(chunkFiles(k).layout);
  const { firstFrame, frames } = ctx.work.readJson<ChunkReuse>(reuseFile(k));
  return { firstFrame, frames };
}

/**
 * The manifest's reuse fields over the packed chunks: `gflopsPerFrame.executed` and `metrics.psnrSRPlayed` (the mean
 * over every frame; the per-frame list at the metrics' stride, like the other lists), or null without a map.
 */
export function reuseManifestFields(ctx: Pick<JobContext, 'plan' | 'work'>, chunks: readonly number[]):
  { executed: { mean: number; max: number }; psnrSRPlayed: number; psnrSRPlayedPerFrame: number[]; reuseMargin: number } | null {
  if (!hasReuseMap(ctx.plan)) return null;
  const played: number[] = [], executed: number[] = [];
  for (const k of chunks) {
    const r = ctx.work.readJson<ChunkReuse>(reuseFile(k));
    played.push(...r.psnrSRPlayed);
    executed.push(...r.executedGflop);
  }
  let sum = 0, max = 0, psnr = 0;
  for (const [i, g] of executed.entries()) { sum += g; max = Math.max(max, g); psnr += played[i]; }
  return {
    executed: { mean: Math.round((sum / executed.length) * 1e4) / 1e4, max: Math.ceil(max * 1e4 - 1e-6) / 1e4 },
    psnrSRPlayed: round(psnr / played.length, 3), psnrSRPlayedPerFrame: played.filter((_, i) => i % ctx.plan.metricsStride === 0),
    reuseMargin: ctx.plan.options.reuseMargin,
  };
}
