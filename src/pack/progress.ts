// Progress on stderr: a live line on a terminal, sparse plain lines otherwise (logs, tests), silent when quiet.
import type { TrainProgress } from '../train/trainer.js';

export interface ProgressReporter {
  stage(name: string, message: string): void;
  count(what: string, n: number): void;
  training(p: TrainProgress): void;
  /** a problem that does not stop the pack; shown even when quiet */
  warn(message: string): void;
}

export function stderrProgress(quiet = false): ProgressReporter {
  const tty = process.stderr.isTTY === true;
  let live = false;
  let lastPlain = 0;
  const endLive = (): void => { if (live) { process.stderr.write('\n'); live = false; } };
  const liveLine = (text: string): void => {
    if (quiet) return;
    if (tty) { process.stderr.write(`\r\x1b[2K${text}`); live = true; return; }
    // without a terminal, one line every 10 s keeps logs readable
    const now = Date.now();
    if (now - lastPlain > 10_000) { process.stderr.write(`${text}\n`); lastPlain = now; }
  };
  return {
    stage(name, message) { if (quiet) return; endLive(); process.stderr.write(`[${name}] ${message}\n`); },
    count(what, n) { liveLine(`  ${what}: ${n}`); },
    warn(message) { endLive(); process.stderr.write(`warning: ${message}\n`); },
    training(p) {
      const eta = Number.isFinite(p.etaSec) ? `${Math.round(p.etaSec)} s left` : '';
      liveLine(`  step ${p.step}/${p.steps}  loss ${p.loss.toFixed(4)}  batch PSNR ${p.psnr.toFixed(2)} dB  ${p.stepsPerSec.toFixed(2)} steps/s  ${eta}`);
    },
  };
}
