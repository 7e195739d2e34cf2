// Stopping a pack on SIGINT/SIGTERM/SIGHUP: the signal aborts an AbortSignal that the packer and the trainer
// check between steps, so the pack stops at the next step, removes its temp folder and the CLI exits 128+n.
import { constants } from 'node:os';

export class InterruptedError extends Error {
  constructor(readonly signal: NodeJS.Signals) { super(`interrupted by ${signal}`); this.name = 'InterruptedError'; }
  /** The shell's exit status for a process ended by this signal: 130 for SIGINT, 143 for SIGTERM. */
  get exitCode(): number { return 128 + (constants.signals[this.signal] ?? 15); }
}

export interface Interrupt { signal: AbortSignal; dispose(): void }

const SIGNALS: NodeJS.Signals[] = ['SIGINT', 'SIGTERM', 'SIGHUP'];

/**
 * Turns the first of SIGINT/SIGTERM/SIGHUP into `signal.abort(new InterruptedError(sig))` and runs `onFirst`
 * (e.g. kill ffmpeg children so their pipes end now). A repeat more than a second later (a user pressing
 * Ctrl-C again) runs `onForce` instead of waiting any longer; repeats within the second are the same
 * keypress relayed by a parent process (npx, tsx) and are ignored.
 */
export function interruptOnSignals(onFirst: (sig: NodeJS.Signals) => void, onForce: (e: InterruptedError) => void): Interrupt {
  const controller = new AbortController();
  let first = 0;
  const handler = (sig: NodeJS.Signals): void => {
    if (!controller.signal.aborted) {
      first = Date.now();
      onFirst(sig);
      controller.abort(new InterruptedError(sig));
    } else if (Date.now() - first > 1000) {
      onForce(controller.signal.reason as InterruptedError);
    }
  };
  for (const s of SIGNALS) process.on(s, handler);
  return { signal: controller.signal, dispose: () => { for (const s of SIGNALS) process.off(s, handler); } };
}
