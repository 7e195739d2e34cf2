// `dydca worker`: takes pack jobs from the queue until SIGTERM/SIGINT, each in a sandboxed child process, and prints
// one line per job: `[job] <pack id> <job> started`, then done or failed. A worker killed mid-job leaves the job
// stalled; another worker takes it over once its lock expires (BullMQ's stalled-job recovery).
import { Worker, type Job } from 'bullmq';
import { fileURLToPath } from 'node:url';
import { connectionOf, type RedisTarget } from './redis-url.js';
import { QUEUE_NAME, type QueuedJob } from './pack-queue.js';

export interface WorkerOptions { concurrency: number; /** seconds a job's lock lives without renewal: a dead worker's job restarts after about this */ stalledSeconds: number }

const processorFile = fileURLToPath(new URL('./job-processor.ts', import.meta.url));

export async function runPackWorker(target: RedisTarget, opts: WorkerOptions, signal: AbortSignal, out: (line: string) => void): Promise<void> {
  const worker = new Worker<QueuedJob>(QUEUE_NAME, processorFile, {
    connection: connectionOf(target), concurrency: opts.concurrency, useWorkerThreads: false,
    lockDuration: opts.stalledSeconds * 1000, stalledInterval: Math.max(1000, (opts.stalledSeconds * 1000) / 2), maxStalledCount: 2,
  });
  const label = (job: Job<QueuedJob> | undefined): string => (job ? `${job.data.packId} ${job.data.job}` : '?');
  worker.on('active', (job) => { if (!job.data.barrier) out(`[job] ${label(job)} started (attempt ${job.attemptsMade + 1})`); });
  worker.on('completed', (job) => { if (!job.data.barrier) out(`[job] ${label(job)} done`); });
  worker.on('failed', (job, err) => { if (!job?.data.barrier) out(`[job] ${label(job)} failed: ${err.message.split('\n')[0]}`); });
  worker.on('error', (err) => out(`[worker] ${err.message.split('\n')[0]}`));
  await worker.waitUntilReady();
  out(`[worker] taking jobs from ${target.url} (queue ${QUEUE_NAME}, concurrency ${opts.concurrency})`);
  await new Promise<void>((resolve) => {
    if (signal.aborted) resolve(); else signal.addEventListener('abort', () => resolve(), { once: true });
  });
  out('[worker] stopping: the jobs in progress finish first');
  await worker.close();
}
