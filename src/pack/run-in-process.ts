// Runs a pack's job graph in this process, stage by stage, skipping the jobs the work folder records as done:
// the embedded default (no Redis). A rerun after a crash or a kill resumes here and says what it reuses.
import { existsSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import type { PackManifest } from '../format/manifest.js';
import { packStages, runPackJob } from './job-graph.js';
import { WORK_KEY_LABELS, workBytesEstimate, workKey, type PackPlan } from './pack-plan.js';
import { checkFreeSpace, diskFullError } from './free-space.js';
import type { ProgressReporter } from './progress.js';
import type { PackSummary } from './stages/finish-stage.js';
import type { ChunkRecord } from './stages/job-context.js';
import { openWorkFolder, type WorkFolder } from './work-folder.js';
import { OutputError } from './atomic-output.js';
import { describeFsError, fsErrorCode } from './fs-errors.js';

/** Default work folder of an output: beside it, `<out>.dydca-work`. */
export const defaultWorkDir = (out: string): string => `${out.replace(/[\\/]+$/, '')}.dydca-work`;

/** Opens the work folder for `plan` and prints the `[resume] ` line when earlier work is found. */
export function openPackWork(plan: PackPlan, workDir: string, progress: ProgressReporter): WorkFolder {
  let opening;
  try {
    opening = openWorkFolder(workDir, workKey(plan), WORK_KEY_LABELS);
  } catch (e) {
    if (fsErrorCode(e) === null) throw e;
    throw new OutputError(`cannot write the pack beside ${describeFsError(e, plan.out)} (its work folder ${workDir}); choose another --out or --work`, ['out']);
  }
  // before the long work: a disk that cannot hold it fails now, naming the folder
  if (opening.state !== 'resumed') checkFreeSpace(workDir, workBytesEstimate(plan));
  if (plan.timingNote) progress.stage('ingest', plan.timingNote);
  if (opening.state === 'restarted') progress.line(`[resume] not resuming the earlier work in ${workDir}: ${opening.reason}; starting over`);
  if (opening.state === 'resumed') {
    const done = new Set(opening.work.doneJobs());
    const parts = packStages(plan).map((s) => {
      const n = s.jobs.filter((j) => done.has(j)).length;
      return n === 0 ? null : `${s.name} ${n}/${s.jobs.length}`;
    }).filter((p) => p !== null);
    const ckpt = packStages(plan).find((s) => s.name === 'train')!.jobs.filter((j) => !done.has(j) && existsSync(opening.work.path(`${j}.ckpt`)));
    progress.line(`[resume] ${workDir}: reusing ${parts.length > 0 ? parts.join(', ') : 'nothing finished yet'}` +
      `${ckpt.length > 0 ? `; training resumes from its checkpoint (${ckpt.join(', ')})` : ''}; redoing only what is unfinished`);
  }
  return opening.work;
}

export async function runPackInProcess(plan: PackPlan, workDir: string, progress: ProgressReporter, signal?: AbortSignal): Promise<PackSummary> {
  const work = openPackWork(plan, workDir, progress);
  const ctx = { plan, work, progress, signal };
  const seconds: Record<string, number> = {};
  for (const stage of packStages(plan)) {
    const pending = stage.jobs.filter((j) => !work.isDone(j));
    if (pending.length === 0) continue;
    const t0 = performance.now();
    progress.stage(stage.name, `${stage.what}: ${pending.length} job${pending.length > 1 ? 's' : ''}${pending.length < stage.jobs.length ? ` (${stage.jobs.length - pending.length} done before)` : ''}`);
    let done = stage.jobs.length - pending.length;
    if (stage.jobs.length > 1) progress.jobs(stage.name, done, stage.jobs.length);
    for (const job of pending) {
      signal?.throwIfAborted();
      try {
        work.markDone(job, await runPackJob(ctx, job));
      } catch (e) {
        throw diskFullError(e, workDir);
      }
      done++;
      if (stage.jobs.length > 1) progress.jobs(stage.name, done, stage.jobs.length);
    }
    seconds[stage.name] = Math.round((performance.now() - t0) / 100) / 10;
    if (stage.name === 'chunks') progress.stage('time', chunkStepTimes(ctx));
  }
  if (Object.keys(seconds).length > 0) progress.stage('time', stageSecondsLine(seconds));
  const summary = finishedSummary(plan, work);
  work.remove();
  return summary;
}

/** `chunks 47.7 s, train 8.5 s, ...`: the wall time of each stage this run ran. */
export function stageSecondsLine(seconds: Record<string, number>): string {
  return Object.entries(seconds).map(([k, v]) => `${k} ${v} s`).join(', ');
}

/** Milliseconds per frame of each step of the chunk jobs (their records), e.g. `decode 21 ms, downscale 95 ms, ...`. */
export function chunkStepTimes(ctx: { plan: PackPlan; work: WorkFolder }): string {
  const total: Record<string, number> = {};
  let frames = 0;
  for (let k = 0; k < ctx.plan.chunks; k++) {
    const rec = ctx.work.doneRecord<ChunkRecord>(`chunk-${k}`);
    frames += rec.frames;
    for (const [name, s] of Object.entries(rec.seconds ?? {})) total[name] = (total[name] ?? 0) + s;
  }
  const perFrame = Object.entries(total).map(([name, s]) => `${name} ${Math.round((s * 1000) / Math.max(1, frames))} ms`);
  return `chunks per frame (${frames} frames): ${perFrame.join(', ')}`;
}

/** The summary of a pack whose finish job is done (read back from its record and the pack's manifest). */
export function finishedSummary(plan: PackPlan, work: WorkFolder): PackSummary {
  const rec = work.doneRecord<{ out: string; bytes: Record<string, number>; warnings: string[] }>('finish');
  const manifest = JSON.parse(readFileSync(join(plan.out, 'manifest.json'), 'utf8')) as PackManifest;
  return { out: rec.out, bytes: rec.bytes, warnings: rec.warnings, manifest };
}
