// Atomic pack output: everything is written into a temp folder beside --out and renamed over it at the
// end; on failure or SIGINT/SIGTERM the temp folder is removed, and a watchdog process removes it if the
// packer dies any other way (SIGKILL, or a signal arriving while a long synchronous step blocks the event loop).
import { spawn } from 'node:child_process';
import { existsSync, mkdirSync, mkdtempSync, renameSync, rmSync } from 'node:fs';
import { basename, dirname, join, resolve } from 'node:path';

export interface AtomicDir { temp: string; commit(): void; abort(): void }

export function openAtomicDir(out: string, onSignal?: () => void): AtomicDir {
  const target = resolve(out);
  mkdirSync(dirname(target), { recursive: true });
  // same parent folder, so the final rename never crosses file systems
  const temp = mkdtempSync(join(dirname(target), `.${basename(target)}.partial-`));
  const cleanup = (): void => { rmSync(temp, { recursive: true, force: true }); };
  startWatchdog(process.pid, temp);
  const onKill = (sig: NodeJS.Signals): void => {
    onSignal?.();
    cleanup();
    process.stderr.write(`\ndydca pack: interrupted (${sig}); nothing written to ${out}\n`);
    process.exit(sig === 'SIGINT' ? 130 : 143);
  };
  process.once('SIGINT', onKill);
  process.once('SIGTERM', onKill);
  const detach = (): void => { process.off('SIGINT', onKill); process.off('SIGTERM', onKill); };
  return {
    temp,
    commit() {
      detach();
      // replace an older pack of the same name: move it aside first, then delete it
      const old = existsSync(target) ? `${temp}.old` : null;
      if (old) renameSync(target, old);
      renameSync(temp, target);
      if (old) rmSync(old, { recursive: true, force: true });
    },
    abort() { detach(); cleanup(); },
  };
}

/** A detached node process that deletes `temp` once process `pid` is gone (after commit it no longer exists). */
function startWatchdog(pid: number, temp: string): void {
  const script = `const [pid, dir] = process.argv.slice(1);
const alive = () => { try { process.kill(Number(pid), 0); return true; } catch { return false; } };
const t = setInterval(() => { if (!alive()) { clearInterval(t); require('node:fs').rmSync(dir, { recursive: true, force: true }); } }, 250);`;
  spawn(process.execPath, ['-e', script, String(pid), temp], { detached: true, stdio: 'ignore' }).unref();
}
