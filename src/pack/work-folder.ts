// The pack's work folder (`<out>.dydca-work/` or --work): every job writes its results here atomically (temp
// file, fsync, rename) and then a done record, so a pack stopped by a crash, SIGKILL or power loss resumes with
// the finished jobs kept. `plan.json` holds what the work was made from; a changed input or changed options
// start the work over.
import { closeSync, existsSync, fsyncSync, mkdirSync, openSync, readFileSync, readdirSync, renameSync, rmSync, writeSync } from 'node:fs';
import { dirname, join } from 'node:path';

/** Writes `data` to `file` so that `file` is either absent, the old content, or all of `data` (never part). */
export function writeFileAtomic(file: string, data: string | Uint8Array | readonly Uint8Array[]): void {
  const tmp = `${file}.tmp-${process.pid}-${Math.random().toString(36).slice(2, 8)}`;
  const fd = openSync(tmp, 'w');
  try {
    const parts = typeof data === 'string' ? [Buffer.from(data)] : data instanceof Uint8Array ? [data] : data;
    for (const p of parts) {
      let off = 0;
      while (off < p.length) off += writeSync(fd, p, off, p.length - off);
    }
    fsyncSync(fd);
  } catch (e) {
    closeSync(fd);
    rmSync(tmp, { force: true });
    throw e;
  }
  closeSync(fd);
  renameSync(tmp, file);
  syncFolder(dirname(file));
}

/** Makes a rename inside `dir` durable (a power loss after it keeps the new name). */
function syncFolder(dir: string): void {
  try {
    const fd = openSync(dir, 'r');
    try { fsyncSync(fd); } finally { closeSync(fd); }
  } catch { /* some file systems cannot fsync a folder; the rename is still atomic */ }
}

/** What the work was made from: compared field by field, so a restart can say what changed. */
export type WorkKey = Record<string, string | number | boolean | null>;

export interface WorkOpening {
  work: WorkFolder;
  /** `fresh`: no earlier work; `resumed`: earlier work of the same key; `restarted`: earlier work of another key, removed */
  state: 'fresh' | 'resumed' | 'restarted';
  /** for `restarted`: what changed, one line */
  reason?: string;
}

export class WorkFolder {
  constructor(readonly dir: string) {}

  path(name: string): string { return join(this.dir, name); }

  isDone(job: string): boolean { return existsSync(this.donePath(job)); }

  /** Records `job` as done with what it reports (read back by `doneRecord`). */
  markDone(job: string, record: object = {}): void {
    writeFileAtomic(this.donePath(job), JSON.stringify({ job, at: new Date().toISOString(), ...record }));
  }

  doneRecord<T>(job: string): T {
    return JSON.parse(readFileSync(this.donePath(job), 'utf8')) as T;
  }

  /** Names of the jobs recorded as done. */
  doneJobs(): string[] {
    const dir = join(this.dir, 'done');
    if (!existsSync(dir)) return [];
    return readdirSync(dir).filter((f) => f.endsWith('.json')).map((f) => f.slice(0, -5)).sort();
  }

  writeJson(name: string, value: unknown): void { writeFileAtomic(this.path(name), JSON.stringify(value)); }

  readJson<T>(name: string): T { return JSON.parse(readFileSync(this.path(name), 'utf8')) as T; }

  remove(): void { rmSync(this.dir, { recursive: true, force: true }); }

  private donePath(job: string): string { return join(this.dir, 'done', `${job}.json`); }
}

/**
 * Opens (or creates) the work folder `dir` for work made from `key`: earlier work of the same key is resumed;
 * earlier work of another key is removed, and `reason` names the first difference.
 */
export function openWorkFolder(dir: string, key: WorkKey, labels: Record<string, string> = {}): WorkOpening {
  const work = new WorkFolder(dir);
  const planFile = join(dir, 'plan.json');
  let state: WorkOpening['state'] = 'fresh';
  let reason: string | undefined;
  if (existsSync(planFile)) {
    let old: WorkKey | null = null;
    try { old = (JSON.parse(readFileSync(planFile, 'utf8')) as { key: WorkKey }).key; } catch { /* unreadable: start over */ }
    reason = old === null ? 'its plan.json is unreadable' : keyDifference(old, key, labels) ?? undefined;
    if (reason === undefined) return { work, state: 'resumed' };
    work.remove();
    state = 'restarted';
  } else if (existsSync(dir) && readdirSync(dir).length > 0) {
    throw new Error(`${dir} exists and is not a dydca work folder (no plan.json); choose another --work folder or remove it`);
  }
  mkdirSync(join(dir, 'done'), { recursive: true });
  writeFileAtomic(planFile, JSON.stringify({ key }, null, 2));
  return { work, state, ...(reason ? { reason } : {}) };
}

/** The first field whose value differs, as "<label> changed (old -> new)", or null when the keys are equal. */
export function keyDifference(old: WorkKey, now: WorkKey, labels: Record<string, string> = {}): string | null {
  for (const k of new Set([...Object.keys(old), ...Object.keys(now)])) {
    if (old[k] !== now[k]) return `${labels[k] ?? k} changed (${String(old[k] ?? 'unset')} -> ${String(now[k] ?? 'unset')})`;
  }
  return null;
}
