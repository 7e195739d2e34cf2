// Atomic pack output: everything is written into a temp folder beside --out and renamed over it at the
// end; on failure or SIGINT/SIGTERM the temp folder is removed, so no half-written pack is ever visible.
import { existsSync, mkdirSync, mkdtempSync, renameSync, rmSync } from 'node:fs';
import { basename, dirname, join, resolve } from 'node:path';

export interface AtomicDir { temp: string; commit(): void; abort(): void }

export function openAtomicDir(out: string, onSignal?: () => void): AtomicDir {
  const target = resolve(out);
  mkdirSync(dirname(target), { recursive: true });
  // same parent folder, so the final rename never crosses file systems
  const temp = mkdtempSync(join(dirname(target), `.${basename(target)}.partial-`));
  const cleanup = (): void => { rmSync(temp, { recursive: true, force: true }); };
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
