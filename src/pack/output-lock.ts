// One pack run per output: `<out>.dydca-lock` beside the output, created exclusively (O_EXCL) and holding who made
// it, so a second `dydca pack` into the same --out refuses instead of both printing [done] and one result vanishing.
import { createHash } from 'node:crypto';
import { closeSync, linkSync, mkdirSync, openSync, readFileSync, renameSync, rmSync, unlinkSync, writeSync } from 'node:fs';
import { hostname } from 'node:os';
import { basename, dirname, join, resolve } from 'node:path';
import { OutputError } from './atomic-output.js';
import { describeFsError } from './fs-errors.js';

/** What the lock file holds (JSON). */
export interface LockHolder { pid: number; host: string; since: string; out: string }

export interface OutputLock { path: string; holder: LockHolder; release(): void }

/** Longest output name kept whole in the lock name; longer ones are cut and told apart by a hash. */
const LOCK_NAME_KEEP = 200;

/** `<out>.dydca-lock` in the output's folder (`<cut name>-<hash>.dydca-lock` for names too long to add to). */
export function lockPath(out: string): string {
  const target = resolve(out);
  const name = basename(target);
  const short = Buffer.byteLength(name) <= LOCK_NAME_KEEP ? name
    : `${Buffer.from(name).subarray(0, LOCK_NAME_KEEP).toString().replace(/\uFFFD+$/, '')}-${createHash('sha256').update(name).digest('hex').slice(0, 12)}`;
  return join(dirname(target), `${short}.dydca-lock`);
}

/** Whether process `pid` exists on this machine (EPERM: it exists, owned by someone else). */
function alive(pid: number): boolean {
  try { process.kill(pid, 0); return true; } catch (e) { return (e as NodeJS.ErrnoException).code === 'EPERM'; }
}

function readHolder(path: string): LockHolder | null {
  try {
    const h = JSON.parse(readFileSync(path, 'utf8')) as Partial<LockHolder>;
    return typeof h.pid === 'number' && typeof h.host === 'string' && typeof h.since === 'string' ? { pid: h.pid, host: h.host, since: h.since, out: String(h.out ?? '') } : null;
  } catch { return null; }
}

/** A lock left by a run that is gone: its process on this host is dead. A lock from another host is never stale here. */
export function isStale(holder: LockHolder | null, host = hostname()): boolean {
  return holder !== null && holder.host === host && !alive(holder.pid);
}

/**
 * Takes the output's lock or refuses with one line naming the run holding it (pid, host, since when). A stale lock
 * (its pid dead on this host) is taken over: renamed aside first, so of two runs taking it over only one wins.
 * Released by `release()`, and on process exit if the caller could not. Errors creating it name the output like
 * atomic-output's (`cannot write the pack beside <out>: ...`).
 */
export function lockOutput(out: string): OutputLock {
  const path = lockPath(out);
  const holder: LockHolder = { pid: process.pid, host: hostname(), since: new Date().toISOString(), out: resolve(out) };
  try { mkdirSync(dirname(path), { recursive: true }); } catch (e) {
    // a file where the folder should be: creating the lock below says ENOTDIR, the clearer reason
    if ((e as NodeJS.ErrnoException).code !== 'EEXIST') throw new OutputError(`cannot write the pack beside ${describeFsError(e, out)}`, ['out']);
  }
  for (let attempt = 0; ; attempt++) {
    let fd: number;
    try {
      fd = openSync(path, 'wx', 0o644);
    } catch (e) {
      if ((e as NodeJS.ErrnoException).code !== 'EEXIST') throw new OutputError(`cannot write the pack beside ${describeFsError(e, out)}`, ['out']);
      const other = readHolder(path);
      if (attempt === 0 && takeOverStale(path, other)) continue;
      throw new OutputError(other
        ? `${out} is being written by another dydca pack (pid ${other.pid} on ${other.host}, since ${other.since}); wait for it to end, or choose another --out. ` +
          `If that run is gone, remove ${path}`
        : `${out} is locked by ${path} (unreadable: being written, or not dydca's); if no dydca pack is writing ${out}, remove it`, ['out']);
    }
    try { writeSync(fd, JSON.stringify(holder) + '\n'); } finally { closeSync(fd); }
    break;
  }
  let held = true;
  const release = (): void => {
    if (!held) return;
    held = false;
    process.removeListener('exit', release);
    // only our own lock: never one a later run took over
    const now = readHolder(path);
    if (now && now.pid === holder.pid && now.host === holder.host && now.since === holder.since) rmSync(path, { force: true });
  };
  process.on('exit', release);
  return { path, holder, release };
}

/** Moves a stale lock aside; true when it was ours to remove (still the stale one), so the caller may create its own. */
function takeOverStale(path: string, seen: LockHolder | null): boolean {
  if (!isStale(seen)) return false;
  const aside = `${path}.stale-${process.pid}`;
  try { renameSync(path, aside); } catch { return true; /* gone already: try to create it */ }
  const moved = readHolder(aside);
  if (moved && seen && moved.pid === seen.pid && moved.since === seen.since) { unlinkSync(aside); return true; }
  // another run took it over between our read and our rename: put its lock back
  try { linkSync(aside, path); } catch { /* a third run made one meanwhile: that one holds it */ }
  rmSync(aside, { force: true });
  return false;
}
