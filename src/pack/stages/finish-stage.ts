// Finish job: joins the chunks into the pack (LR and HR streams concatenated without re-encoding and cut into CMAF
// segments behind HLS playlists by stream copy, the patch layout as segment files aligned with them and one
// patches.json written piece by piece, the models, the metrics) and writes the manifest, all into a temp folder
// renamed over --out at the end (atomic-output.ts).
import { closeSync, copyFileSync, mkdirSync, openSync, statSync, writeFileSync, writeSync } from 'node:fs';
import { hashSource } from '../source-identity.js';
import { dirname, join } from 'node:path';
import { gflopsPerFrame, type CostedPatch } from '../../model/sr-cost.js';
import { segmentId, type PackManifest, type PackTier, type PatchSegmentFile } from '../../format/manifest.js';
import { MODE_SR, tupleMode } from '../../format/patch-mode.js';
import { tierPackFile } from '../tiers.js';
import { openAtomicDir } from '../atomic-output.js';
import { readCodecString } from '../encode.js';
import { lastErrorLine, runTool } from '../ffmpeg-process.js';
import { summarizeFrames, type FrameScores } from '../frame-metrics.js';
import { mean } from '../../format/psnr.js';
import { cutStreamSegments } from '../stream-segments.js';
import { addRenditions } from '../ladder.js';
import { chunkFiles, packedChunks, rungPackDir, type ChunkRecord, type JobContext } from './job-context.js';
import type { ChunkMetrics } from './metrics-stage.js';
import { modelCount, tierRecords, type TierRecord, type TrainRecord } from './train-stage.js';
import { packedLayout, reuseManifestFields } from './reuse-stage.js';

export interface PackSummary {
  out: string; manifest: PackManifest; bytes: Record<string, number>;
  /** problems that did not stop the pack (a truncated input), also reported through `progress.warn` */
  warnings: string[];
}

/** Joins MP4 chunks (each starting with a key frame, same encoder settings) into one file without re-encoding. */
async function concatStreams(files: string[], out: string, listFile: string): Promise<void> {
  writeFileSync(listFile, files.map((f) => `file '${f.replace(/'/g, "'\\''")}'\n`).join(''));
  const r = await runTool('ffmpeg', ['-v', 'error', '-nostdin', '-y', '-f', 'concat', '-safe', '0', '-i', `file:${listFile}`, '-map', '0:v:0', '-c', 'copy', '-movflags', '+faststart', `file:${out}`]);
  if (r.code !== 0) throw new Error(`joining ${files.length} chunks into ${out} failed: ${lastErrorLine(r.stderr)}`);
}

/**
 * Copies each trained tier's model into the pack being written at `dir` (tierPackFile) and adds `tiers` to `manifest`:
 * tier 0 the top level's model, cost and PSNR, then every tier not omitted, with its cost on the same layout (`costs`;
 * `executed`: the patches SR runs with the reuse map, or null without one) and its PSNR on the metrics' frames. Returns
 * the bytes copied; nothing when the pack has no tiers (or every cheaper one was omitted).
 */
function addTiers(ctx: JobContext, dir: string, manifest: PackManifest, costs: CostedPatch[][], executed: CostedPatch[][] | null, chunks: readonly number[]): Record<string, number> {
  const records = tierRecords(ctx).filter((r): r is Exclude<TierRecord, { omitted: string }> => !('omitted' in r));
  if (records.length === 0) return {};
  const { plan, work } = ctx;
  const psnr: number[][] = records.map(() => []);
  for (const k of chunks) {
    const tiers = work.readJson<ChunkMetrics>(chunkFiles(k).metrics).tiers ?? [];
    records.forEach((r, i) => psnr[i].push(...(tiers[r.tier - 1] ?? [])));
  }
  const top = manifest.gflopsPerFrame!;
  const round3 = (v: number): number => Math.round(v * 1000) / 1000;
  const training = manifest.training;
  const tiers: PackTier[] = [{ model: { file: manifest.model.file, paths: manifest.model.paths }, halo: manifest.halo, gflopsPerFrame: top,
    metrics: { psnrSR: manifest.metrics.psnrSR, psnrBicubic: manifest.metrics.psnrBicubic }, training: { steps: training.steps, seconds: training.seconds } }];
  const bytes: Record<string, number> = {};
  for (const [i, r] of records.entries()) {
    const file = tierPackFile(r.tier);
    mkdirSync(join(dir, dirname(file)), { recursive: true });
    copyFileSync(work.path(r.file), join(dir, file));
    bytes[`${file} (tier ${r.tier})`] = statSync(join(dir, file)).size;
    const paths = r.spec.paths.map((p) => ({ id: p.id, patch: p.patch, blocks: p.blocks, channels: p.channels }));
    tiers.push({
      model: { file, paths }, halo: plan.halo,
      gflopsPerFrame: { ...gflopsPerFrame(costs, paths, plan.scale, plan.halo), ...(executed ? { executed: gflopsPerFrame(executed, paths, plan.scale, plan.halo) } : {}) },
      metrics: { psnrSR: round3(mean(psnr[i])), psnrBicubic: manifest.metrics.psnrBicubic }, training: { steps: r.stepsDone, seconds: r.seconds },
    });
  }
  manifest.tiers = tiers;
  return bytes;
}

export async function runFinishJob(ctx: JobContext): Promise<PackSummary> {
  const { plan, work, progress } = ctx;
  const { chunks, frames, warnings } = packedChunks(ctx);
  if (frames === 0) throw new Error(`${plan.input.name}: no frames in the chosen range`);
  const models = Array.from({ length: modelCount(plan) }, (_, m) => work.doneRecord<TrainRecord>(`train-${m}`));
  const atomic = openAtomicDir(plan.out, { force: plan.force, protect: [plan.input.path] });
  try {
    const dir = atomic.temp;
    progress.stage('finish', `joining ${chunks.length} chunks, cutting segments of ${plan.segmentFrames} frames`);
    await concatStreams(chunks.map((k) => work.path(chunkFiles(k).lr)), join(dir, 'lr.mp4'), work.path('lr-chunks.txt'));
    // a ladder rung (lrOnly) has no HR stream of its own: the pack's is the top level's
    if (!plan.lrOnly) await concatStreams(chunks.map((k) => work.path(chunkFiles(k).hr)), join(dir, 'hr.mp4'), work.path('hr-chunks.txt'));
    // every chunk is whole segments with a key frame at each segment's start (chunk-stage.ts), so a stream copy cuts them
    const lrSegments = await cutStreamSegments(join(dir, 'lr.mp4'), dir, 'lr', frames, plan.segmentFrames, plan.fps);
    const hrSegments = plan.lrOnly ? null : await cutStreamSegments(join(dir, 'hr.mp4'), dir, 'hr', frames, plan.segmentFrames, plan.fps);
    for (const m of models) copyFileSync(work.path(m.file), join(dir, m.file));

    // the layout: one segment file per LR segment (a chunk is whole segments), and the whole of it in patches.json
    // written a chunk at a time
    const segmentFiles: string[] = [];
    const costs: CostedPatch[][] = [];
    // the patches SR runs (mode 0) per frame: a tier's executed GFLOP (the reuse map is the layout's, shared by the tiers)
    const executed: CostedPatch[][] = [];
    const whole = openSync(join(dir, 'patches.json'), 'w');
    writeSync(whole, '{"frames":[');
    chunks.forEach((k, n) => {
      // with the reuse map's modes when the pack has one (stages/reuse-stage.ts)
      const chunk: PatchSegmentFile = packedLayout(ctx, k);
      for (let i = 0; i < chunk.frames.length; i += plan.segmentFrames) {
        const name = `patches-${segmentId(segmentFiles.length)}.json`;
        writeFileSync(join(dir, name), JSON.stringify({ firstFrame: chunk.firstFrame + i, frames: chunk.frames.slice(i, i + plan.segmentFrames) } satisfies PatchSegmentFile));
        segmentFiles.push(name);
      }
      const body = JSON.stringify(chunk.frames);
      writeSync(whole, `${n > 0 ? ',' : ''}${body.slice(1, -1)}`);
      for (const ps of chunk.frames) {
        costs.push(ps.map(([, , w, h, path]) => ({ w, h, path })));
        executed.push(ps.filter((t) => tupleMode(t) === MODE_SR).map(([, , w, h, path]) => ({ w, h, path })));
      }
    });
    writeSync(whole, ']}');
    closeSync(whole);

    const scores: FrameScores[] = [];
    for (const k of chunks) scores.push(...work.readJson<ChunkMetrics>(chunkFiles(k).metrics).scores);
    const psnrLr: number[] = [];
    for (const k of chunks) psnrLr.push(...work.doneRecord<ChunkRecord>(`chunk-${k}`).psnrLrStream);
    const paths = models.map((m) => m.spec.paths.map((p) => ({ id: p.id, patch: p.patch, blocks: p.blocks, channels: p.channels })));
    const manifestPaths = models.length === 1 ? paths[0] : paths.map((p, m) => ({ ...p[0], id: m }));
    const reuse = reuseManifestFields(ctx, chunks);
    const o = plan.options;
    const g = plan.geometry;
    const stepsDone = models.reduce((n, m) => n + m.stepsDone, 0);
    const trainSeconds = models.reduce((n, m) => n + m.seconds, 0);
    // the bytes read at the probe: what the pack was made from, even if the file grew (or changed) since
    const source = await hashSource(plan.probe.source);
    if (source.changed) warnings.push(source.changed);
    const manifest: PackManifest = {
      format: 'dydca-pack/1',
      source: { file: plan.input.name, sha256: source.sha256 },
      fps: plan.fps, frames, scale: plan.scale, halo: plan.halo,
      crop: { scaledWidth: g.scaledWidth, scaledHeight: g.scaledHeight, x: 0, y: 0, width: g.pictureWidth, height: g.pictureHeight },
      lr: { width: plan.lrWidth, height: plan.lrHeight, file: 'lr.mp4', codec: readCodecString(join(dir, 'lr.mp4')), playlist: 'lr.m3u8', segments: lrSegments },
      // a rung's pack in the work folder (lrOnly) names no HR file: ladder.ts reads only its LR, model, layout and metrics
      hr: hrSegments === null ? { width: g.pictureWidth, height: g.pictureHeight, file: '', codec: '', lossless: false }
        : { width: g.pictureWidth, height: g.pictureHeight, file: 'hr.mp4', codec: readCodecString(join(dir, 'hr.mp4')), lossless: false, playlist: 'hr.m3u8', segments: hrSegments },
      method: plan.method,
      model: { file: models[0].file, ...(models.length > 1 ? { files: models.map((m) => m.file) } : {}), paths: manifestPaths,
        ...(o.maxGflopsPerFrame === null ? {} : { budget: { maxGflopsPerFrame: o.maxGflopsPerFrame } }) },
      patches: { file: 'patches.json', segments: { frames: plan.segmentFrames, files: segmentFiles } },
      gflopsPerFrame: { ...gflopsPerFrame(costs, manifestPaths, plan.scale, plan.halo), ...(reuse ? { executed: reuse.executed } : {}) },
      split: { scorer: o.scorer, basePatch: o.basePatch, levels: o.paths, thresholds: plan.split.thresholds },
      training: {
        steps: stepsDone, batchSize: o.batchSize, learningRate: o.learningRate, seconds: Math.round(trainSeconds * 10) / 10,
        trainer: o.trainer, budgetSeconds: o.trainSeconds, loss: o.loss, ...(plan.method === 'dydca' ? { cropSampling: o.cropSampling } : {}),
      },
      metrics: { ...summarizeFrames(scores), ...(reuse ? { psnrSRPlayed: reuse.psnrSRPlayed, psnrSRPlayedPerFrame: reuse.psnrSRPlayedPerFrame, reuseMargin: reuse.reuseMargin } : {}), psnrLrStream: Math.round(mean(psnrLr) * 1000) / 1000, ...(plan.metricsStride > 1 ? { frameStride: plan.metricsStride } : {}) },
    };
    // --tiers: the cheaper models beside the top one, under tier<t>/ (tiers.ts)
    const tierBytes = addTiers(ctx, dir, manifest, costs, reuse ? executed : null, chunks);
    // --ladder: the other rungs, packed by the ladder stage's jobs into the work folder, join the pack under r<scale>/
    const rungBytes = plan.rungs !== undefined ? addRenditions(dir, manifest, plan.rungs.map((r) => ({ scale: r.scale, dir: rungPackDir(work, r.scale) }))) : {};
    writeFileSync(join(dir, 'manifest.json'), JSON.stringify(manifest, null, 2) + '\n');
    const bytes: Record<string, number> = {};
    for (const f of ['lr.mp4', ...(hrSegments ? ['hr.mp4'] : []), ...models.map((m) => m.file), 'patches.json', 'manifest.json']) bytes[f] = statSync(join(dir, f)).size;
    bytes[`patches-*.json (${segmentFiles.length} segments)`] = segmentFiles.reduce((n, f) => n + statSync(join(dir, f)).size, 0);
    for (const [name, seg] of [['lr', lrSegments], ...(hrSegments ? [['hr', hrSegments] as const] : [])] as const) {
      bytes[`${name}.m3u8 + ${name}/ (${seg.files.length} segments)`] = statSync(join(dir, `${name}.m3u8`)).size + statSync(join(dir, seg.init)).size + seg.bytes.reduce((a, b) => a + b, 0);
    }
    Object.assign(bytes, rungBytes, tierBytes);
    atomic.commit();
    return { out: plan.out, manifest, bytes, warnings };
  } catch (e) {
    atomic.abort();
    throw e;
  }
}
