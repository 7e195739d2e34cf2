// The pack job graph on BullMQ: each stage is a flow (a parent job waiting for its children, the stage's jobs),
// submitted when the stage before is done; jobs retry with exponential backoff and a failed job fails its stage.
// The packs in flight are listed in one Redis hash for `dydca status`.
import { FlowProducer, Queue, QueueEvents } from 'bullmq';
import { Redis } from 'ioredis';
import { createHash, randomUUID } from 'node:crypto';
import { packStages, type StageName } from '../job-graph.js';
import type { PackPlan } from '../pack-plan.js';
import type { ProgressReporter } from '../progress.js';
import type { PackSummary } from '../stages/finish-stage.js';
import { chunkStepTimes, finishedSummary, openPackWork, stageSecondsLine } from '../run-in-process.js';
import { connectionOf, type RedisTarget } from './redis-url.js';

export const QUEUE_NAME = 'dydca-pack';
/** Redis hash of packs in flight: pack id -> PackStatus JSON. */
export const PACKS_KEY = 'dydca:packs';
/** Attempts of a job before it fails its pack. */
export const JOB_ATTEMPTS = 3;

/**
 * BullMQ priority of a stage's jobs (1 is taken first): the further along the graph, the sooner. Without it the
 * queue is FIFO across packs, so with several packs on the same workers the first pack's training waited behind the
 * second pack's whole chunk stage (measured: two 10-minute packs, docs/packager.md); with it a pack that has got
 * further finishes first, and the chunks of the others fill the workers in between.
 */
export const STAGE_PRIORITY: Record<StageName, number> = { finish: 1, ladder: 2, metrics: 3, reuse: 4, train: 5, tiers: 6, layout: 7, chunks: 8 };

/** What a queued job carries: the work folder holds the plan and every result. */
export interface QueuedJob { packId: string; workDir: string; job: string; stage: string; barrier?: boolean }

/** One pack in flight, as `dydca status` lists it. */
export interface PackStatus { packId: string; out: string; input: string; stage: string; done: number; total: number; since: string; updated: string }

export const packIdOf = (workDir: string): string => createHash('sha256').update(workDir).digest('hex').slice(0, 12);

/** The plan a worker reads (written by the coordinator into the work folder). */
export const PLAN_FILE = 'pack-plan.json';

export class PackJobFailed extends Error {}

/**
 * Runs `plan` on the queue's workers: stage by stage, the unfinished jobs of a stage as one flow, waiting for it.
 * Resumes as the in-process runner does (the work folder records what is done).
 */
export async function runPackOnQueue(plan: PackPlan, workDir: string, target: RedisTarget, progress: ProgressReporter, signal?: AbortSignal): Promise<PackSummary> {
  const work = openPackWork(plan, workDir, progress);
  work.writeJson(PLAN_FILE, plan);
  const connection = connectionOf(target);
  const flows = new FlowProducer({ connection });
  const queue = new Queue(QUEUE_NAME, { connection });
  const events = new QueueEvents(QUEUE_NAME, { connection });
  const packId = packIdOf(workDir);
  const since = new Date().toISOString();
  const client = new Redis(connection);
  const setStatus = async (stage: string, done: number, total: number): Promise<void> => {
    const s: PackStatus = { packId, out: plan.out, input: plan.input.path, stage, done, total, since, updated: new Date().toISOString() };
    await client.hset(PACKS_KEY, packId, JSON.stringify(s));
  };
  // wall time of each stage on the workers, as the in-process runner reports it
  const seconds: Record<string, number> = {};
  try {
    await events.waitUntilReady();
    for (const stage of packStages(plan)) {
      const pending = stage.jobs.filter((j) => !work.isDone(j));
      if (pending.length === 0) continue;
      signal?.throwIfAborted();
      const t0 = performance.now();
      progress.stage(stage.name, `${stage.what}: ${pending.length} job${pending.length > 1 ? 's' : ''} on the queue ${QUEUE_NAME}${pending.length < stage.jobs.length ? ` (${stage.jobs.length - pending.length} done before)` : ''}`);
      // ids of this run's jobs: <pack>-<run>-<job>; the stage's parent is <pack>-<run>-stage-<stage>
      const prefix = `${packId}-${randomUUID().slice(0, 8)}-`;
      const data = (job: string, barrier = false): QueuedJob => ({ packId, workDir, job, stage: stage.name, ...(barrier ? { barrier } : {}) });
      const tree = await flows.add({
        name: `${stage.name}`, queueName: QUEUE_NAME, data: data(`stage-${stage.name}`, true), opts: { jobId: `${prefix}stage-${stage.name}`, priority: STAGE_PRIORITY[stage.name], removeOnComplete: true },
        children: pending.map((job) => ({
          name: job, queueName: QUEUE_NAME, data: data(job),
          opts: { jobId: `${prefix}${job}`, priority: STAGE_PRIORITY[stage.name], attempts: JOB_ATTEMPTS, backoff: { type: 'exponential', delay: 1000 }, failParentOnFailure: true, removeOnComplete: true, removeOnFail: 100 },
        })),
      });
      const total = stage.jobs.length;
      let shown = -1;
      const poll = setInterval(() => {
        const done = stage.jobs.filter((j) => work.isDone(j)).length;
        if (done !== shown) { shown = done; if (total > 1) progress.jobs(stage.name, done, total); void setStatus(stage.name, done, total).catch(() => undefined); }
      }, 500);
      try {
        await setStatus(stage.name, total - pending.length, total);
        await waitForStage(tree.job.id!, prefix, queue, events, signal);
      } finally {
        clearInterval(poll);
      }
      const missing = stage.jobs.filter((j) => !work.isDone(j));
      if (missing.length > 0) throw new PackJobFailed(`stage ${stage.name} ended with ${missing.join(', ')} not done (was the work folder ${workDir} shared with the workers?)`);
      if (total > 1) progress.jobs(stage.name, total, total);
      seconds[stage.name] = Math.round((performance.now() - t0) / 100) / 10;
      // per frame summed over the jobs, whichever worker ran them: the stage's wall time above is what the workers shared
      if (stage.name === 'chunks') progress.stage('time', chunkStepTimes({ plan, work }));
    }
    if (Object.keys(seconds).length > 0) progress.stage('time', stageSecondsLine(seconds));
    const summary = finishedSummary(plan, work);
    work.remove();
    return summary;
  } finally {
    await client.hdel(PACKS_KEY, packId).catch(() => undefined);
    client.disconnect();
    await Promise.allSettled([events.close(), queue.close(), flows.close()]);
  }
}

/** Resolves when the stage's parent job completes; a failed child (after its retries) fails it with the child's reason. */
async function waitForStage(parentId: string, prefix: string, queue: Queue, events: QueueEvents, signal?: AbortSignal): Promise<void> {
  await new Promise<void>((resolve, reject) => {
    let settled = false;
    const finish = (e?: Error): void => {
      if (settled) return;
      settled = true;
      events.off('completed', onCompleted);
      events.off('failed', onFailed);
      signal?.removeEventListener('abort', onAbort);
      clearInterval(check);
      if (e) reject(e); else resolve();
    };
    const onCompleted = ({ jobId }: { jobId: string }): void => { if (jobId === parentId) finish(); };
    const onFailed = ({ jobId, failedReason }: { jobId: string; failedReason: string }): void => {
      // a child's failure counts once its attempts are used up (each failed attempt emits 'failed')
      if (jobId.startsWith(prefix)) {
        void queue.getJob(jobId).then((j) => {
          if (jobId === parentId || !j || j.attemptsMade >= (j.opts.attempts ?? 1)) {
            const name = jobId.slice(prefix.length);
            finish(new PackJobFailed(`job ${name} failed${jobId === parentId ? '' : ` after ${JOB_ATTEMPTS} attempts`}: ${failedReason.split('\n')[0]}`));
          }
        }, () => undefined);
      }
    };
    const onAbort = (): void => finish(signal!.reason as Error);
    // events can be missed while reconnecting: look at the parent's state now and then too
    const check = setInterval(() => {
      void queue.getJob(parentId).then(async (j) => {
        if (!j) { finish(); return; } // removed on completion
        const state = await j.getState();
        if (state === 'completed') finish();
        else if (state === 'failed') finish(new PackJobFailed(`stage failed: ${j.failedReason}`));
      }, () => undefined);
    }, 2000);
    events.on('completed', onCompleted);
    events.on('failed', onFailed);
    signal?.addEventListener('abort', onAbort);
  });
}

/** Packs in flight, from the status hash. */
export async function listPacks(target: RedisTarget): Promise<{ packs: PackStatus[]; counts: Record<string, number> }> {
  const queue = new Queue(QUEUE_NAME, { connection: connectionOf(target) });
  const client = new Redis(connectionOf(target));
  try {
    const raw = await client.hgetall(PACKS_KEY);
    const packs = Object.values(raw).map((v) => JSON.parse(v) as PackStatus).sort((a, b) => a.since.localeCompare(b.since));
    const counts = await queue.getJobCounts('active', 'waiting', 'waiting-children', 'delayed', 'failed');
    return { packs, counts };
  } finally {
    client.disconnect();
    await queue.close();
  }
}

