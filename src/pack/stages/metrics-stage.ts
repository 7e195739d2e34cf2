// Metrics job (one per chunk, in parallel): SR of the chunk's decoded LR frames with the trained model(s), PSNR and
// SSIM of SR and bicubic against the exact HR frames (read from the source again), over the picture only. Every
// metricsStride-th frame is measured: SR of a 1080p frame takes seconds on a CPU.
import { readFileSync } from 'node:fs';
import type { PatchSegmentFile } from '../../format/manifest.js';
import { decodeToRgb } from '../encode.js';
import { FrameMeter, type FrameScores } from '../frame-metrics.js';
import { chunkRange } from '../pack-plan.js';
import { readChunkHr } from './chunk-stage.js';
import { chunkFiles, type JobContext } from './job-context.js';
import { modelCount, modelFile, tierRecords } from './train-stage.js';

/**
 * What a metrics job writes: the pack frame index of each measured frame and its scores; with tiers, `tiers[t - 1]`
 * is tier t's PSNR of SR on the same frames (null: the tier is omitted).
 */
export interface ChunkMetrics { frames: number[]; scores: FrameScores[]; tiers?: (number[] | null)[] }

export async function runMetricsJob(ctx: JobContext, k: number): Promise<ChunkMetrics> {
  const { plan, work } = ctx;
  const [a] = chunkRange(plan, k);
  const layout = work.readJson<PatchSegmentFile>(chunkFiles(k).layout);
  const measured = layout.frames.map((_, i) => i).filter((i) => (a + i) % plan.metricsStride === 0);
  const result: ChunkMetrics = { frames: [], scores: [] };
  // a chunk shorter than the stride may hold no measured frame: its file says so (the finish job reads every chunk's)
  if (measured.length === 0) {
    work.writeJson(chunkFiles(k).metrics, result);
    return result;
  }
  const hr = (await readChunkHr(plan, k)).frames;
  ctx.signal?.throwIfAborted();
  const lr = await decodeToRgb(work.path(chunkFiles(k).lr), plan.lrWidth, plan.lrHeight);
  if (hr.length !== layout.frames.length || lr.length !== layout.frames.length) {
    throw new Error(`chunk ${k}: ${hr.length} HR and ${lr.length} LR frames decoded; its layout has ${layout.frames.length} (the input video changed during the pack?)`);
  }
  const files = Array.from({ length: modelCount(plan) }, (_, m) => modelFile(plan, m));
  const meter = await FrameMeter.open(files.map((f) => readFileSync(work.path(f))), plan.scale, plan.halo, files);
  // every tier's model on the same frames (tiers.ts); an omitted tier has no model
  const tierMeters: (FrameMeter | null)[] = [];
  try {
    for (const rec of tierRecords(ctx)) tierMeters.push('omitted' in rec ? null : await FrameMeter.open([readFileSync(work.path(rec.file))], plan.scale, plan.halo, [rec.file]));
    if (tierMeters.length > 0) result.tiers = tierMeters.map((m) => (m === null ? null : []));
    const picture = { width: plan.geometry.pictureWidth, height: plan.geometry.pictureHeight };
    for (const i of measured) {
      ctx.signal?.throwIfAborted();
      const patches = layout.frames[i].map(([x, y, w, h, path]) => ({ x, y, w, h, path }));
      const { sr, up } = await meter.render(lr[i], patches);
      result.scores.push(meter.score(sr, up, hr[i], picture));
      result.frames.push(a + i);
      for (const [t, m] of tierMeters.entries()) {
        if (m !== null) result.tiers![t]!.push(m.psnr(await m.renderSR(lr[i], patches), hr[i], picture));
      }
    }
  } finally {
    await meter.release();
    for (const m of tierMeters) await m?.release();
  }
  work.writeJson(chunkFiles(k).metrics, result);
  return result;
}
