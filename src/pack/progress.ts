// Progress on stderr: a live line on a terminal, sparse plain lines otherwise (logs, tests), silent when quiet.
import type { TrainProgress } from '../train/trainer.js';

export interface ProgressReporter {
  stage(name: string, message: string): void;
  count(what: string, n: number): void;
  /** `done` of `total` jobs of a stage finished: a bar with the ETA across them */
  jobs(stage: string, done: number, total: number): void;
  training(p: TrainProgress): void;
  /** a problem that does not stop the pack; shown even when quiet */
  warn(message: string): void;
  /** a line shown even when quiet (`[resume] ...`, `[job] ...`) */
  line(text: string): void;
}

/** `[####------] 4/10` */
export function progressBar(done: number, total: number, width = 20): string {
  const filled = total > 0 ? Math.round((done / total) * width) : width;
  return `[${'#'.repeat(filled)}${'-'.repeat(width - filled)}] ${done}/${total}`;
}

export function formatSeconds(s: number): string {
  if (!Number.isFinite(s)) return '?';
  if (s < 90) return `${Math.round(s)} s`;
  if (s < 5400) return `${Math.round(s / 60)} min`;
  return `${(s / 3600).toFixed(1)} h`;
}

export function stderrProgress(quiet = false): ProgressReporter {
  const tty = process.stderr.isTTY === true;
  let live = false;
  let lastPlain = 0;
  // per stage: when its first job of this run finished and how many were done then, for the ETA
  const started = new Map<string, { t: number; done: number }>();
  const endLive = (): void => { if (live) { process.stderr.write('\n'); live = false; } };
  const liveLine = (text: string, force = false): void => {
    if (quiet) return;
    if (tty) { process.stderr.write(`\r\x1b[2K${text}`); live = true; return; }
    // without a terminal, one line every 10 s keeps logs readable
    const now = Date.now();
    if (force || now - lastPlain > 10_000) { process.stderr.write(`${text}\n`); lastPlain = now; }
  };
  return {
    stage(name, message) { if (quiet) return; endLive(); process.stderr.write(`[${name}] ${message}\n`); },
    count(what, n) { liveLine(`  ${what}: ${n}`); },
    jobs(stage, done, total) {
      const now = performance.now();
      const s = started.get(stage);
      // the runner reports each stage once before its first job: the clock of the ETA starts there
      if (!s) { started.set(stage, { t: now, done }); liveLine(`  ${stage} ${progressBar(done, total)}`); return; }
      const rate = (done - s.done) / ((now - s.t) / 1000);
      const eta = done >= total ? 'done' : `${formatSeconds((total - done) / rate)} left`;
      liveLine(`  ${stage} ${progressBar(done, total)} ${eta}`, done >= total);
    },
    warn(message) { endLive(); process.stderr.write(`warning: ${message}\n`); },
    line(text) { endLive(); process.stderr.write(`${text}\n`); },
    training(p) {
      const eta = Number.isFinite(p.etaSec) ? `${Math.round(p.etaSec)} s left` : '';
      liveLine(`  step ${p.step}/${p.steps}  loss ${p.loss.toFixed(4)}  batch PSNR ${p.psnr.toFixed(2)} dB  ${p.stepsPerSec.toFixed(2)} steps/s  ${eta}`);
    },
  };
}
