// The BullMQ processor a worker runs in a sandboxed child process (one per job: a crash or out-of-memory kills only
// that job): reads the plan from the job's work folder, runs the job and records it done there.
import type { Job } from 'bullmq';
import { runPackJob } from '../job-graph.js';
import type { PackPlan } from '../pack-plan.js';
import type { ProgressReporter } from '../progress.js';
import { WorkFolder } from '../work-folder.js';
import { diskFullError } from '../free-space.js';
import { PLAN_FILE, type QueuedJob } from './pack-queue.js';

// a worker killed with SIGKILL cannot stop its children: this one stops when its parent is gone
process.on('disconnect', () => process.exit(1));

/** Progress of a job: nothing on a terminal (the worker prints one line per job), training as job progress. */
function jobProgress(job: Job): ProgressReporter {
  let last = 0;
  return {
    stage() {}, count() {}, jobs() {}, line() {}, warn() {},
    training(p) {
      const now = Date.now();
      if (now - last < 2000 && p.step < p.steps) return;
      last = now;
      void job.updateProgress({ step: p.step, steps: p.steps, etaSec: Math.round(p.etaSec) }).catch(() => undefined);
    },
  };
}

export default async function processPackJob(job: Job<QueuedJob>): Promise<object> {
  const { workDir, job: name, barrier } = job.data;
  // a stage's parent job: its children are the work; it completes when they have
  if (barrier) return {};
  const work = new WorkFolder(workDir);
  if (work.isDone(name)) return { reused: true };
  const plan = work.readJson<PackPlan>(PLAN_FILE);
  let record: object;
  try {
    record = await runPackJob({ plan, work, progress: jobProgress(job) }, name);
  } catch (e) {
    throw diskFullError(e, workDir);
  }
  work.markDone(name, record);
  return { done: name };
}
