// Pack output: checks what stands at the output path before anything is written (the input video is never
// replaced, and nothing but an earlier pack or an empty folder unless `force`), writes everything into a temp
// folder beside it and renames that over the output at the end. A watchdog process removes the temp folder
// if the packer dies without cleaning up (SIGKILL, or a crash).
import { spawn } from 'node:child_process';
import { chmodSync, lstatSync, mkdirSync, mkdtempSync, readdirSync, readFileSync, realpathSync, renameSync, rmSync, type Stats } from 'node:fs';
import { homedir } from 'node:os';
import { basename, dirname, join, resolve, sep } from 'node:path';
import { describeFsError } from './fs-errors.js';
import { InputError } from './ingest.js';

/** Longest file name most file systems allow (bytes). */
const NAME_MAX = 255;
/** Bytes of the output name kept in the temp name, so `.<name>.partial-XXXXXX.old` stays within NAME_MAX. */
const TEMP_NAME_KEEP = NAME_MAX - 32;
/** Files a pack folder holds; a folder with anything else is not replaced without `force`. */
// every file the packer writes, the patch layout's segment files (patches-00000.json, ...) included
const PACK_ENTRY = /^(manifest\.json|patches\.json|patches-\d{5}\.json|lr\.mp4|hr\.mp4|lr\.m3u8|hr\.m3u8|model(-\d+)?\.onnx)$/;
/** The stream segment folders of a pack (`lr/`, `hr/`), and what they hold: nothing else in them is ours to remove. */
const SEGMENT_FOLDER = /^(lr|hr)$/;
const SEGMENT_ENTRY = /^(init\.mp4|\d{5}\.m4s)$/;

export interface OutputPolicy {
  /** replace whatever stands at the output path (never a protected path) */
  force: boolean;
  /** paths that must survive even with `force` (the input video): the output may not be one or hold one */
  protect: readonly string[];
}

/** The output path cannot be used; `options` name what the user can change (the CLI maps them to its flags). */
export class OutputError extends InputError {}

export interface AtomicDir { temp: string; commit(): void; abort(): void }

/**
 * Refuses an output path that would destroy anything but an earlier pack (or an empty folder), or that
 * is, or holds, a protected path, the current folder, the home folder or `/` (these even with `force`).
 */
export function checkOutputPath(out: string, policy: OutputPolicy): void {
  const target = canonical(out);
  if (Buffer.byteLength(basename(target)) > NAME_MAX) {
    throw new OutputError(`output folder name '${basename(target).slice(0, 40)}...' is ${Buffer.byteLength(basename(target))} bytes; file systems allow at most ${NAME_MAX}`, ['out']);
  }
  const holds = (p: string): boolean => p === target || p.startsWith(target + sep);
  for (const p of policy.protect) {
    const real = realOrNull(p);
    if (holds(canonical(p)) || (real !== null && holds(real))) {
      const what = canonical(p) === target || real === target ? 'is the input video' : `holds the input video ${basename(p)}`;
      throw new OutputError(`output path ${out} ${what}; it is never replaced`, ['out']);
    }
  }
  if (target === sep || target === homedir() || holds(canonical(process.cwd()))) {
    throw new OutputError(`output path ${out} is ${target === sep ? 'the root folder' : target === homedir() ? 'the home folder' : 'the current folder or holds it'}; it is never replaced`, ['out']);
  }
  let st: Stats;
  try { st = lstatSync(target); } catch (e) {
    if ((e as NodeJS.ErrnoException).code === 'ENOENT') return;
    throw new OutputError(`cannot write the pack at ${describeFsError(e, out)}`, ['out']);
  }
  if (policy.force) return;
  const found = describeExisting(target, st);
  if (found !== null) throw new OutputError(`${out} already exists and is ${found}; nothing was changed`, ['out', 'force']);
}

/** Whether `folder` is a pack's segment folder: named lr or hr, a real folder, holding segments only. */
function isSegmentFolder(folder: string): boolean {
  if (!SEGMENT_FOLDER.test(basename(folder))) return false;
  try {
    return lstatSync(folder).isDirectory() && readdirSync(folder).every((f) => SEGMENT_ENTRY.test(f));
  } catch { return false; }
}

/** null when replacing `target` loses nothing (an earlier pack or an empty folder), else what stands there. */
function describeExisting(target: string, st: Stats): string | null {
  if (st.isSymbolicLink()) return 'a symbolic link';
  if (st.isFile()) return `a file (${st.size} bytes)`;
  if (!st.isDirectory()) return 'not a folder';
  let entries: string[];
  try { entries = readdirSync(target); } catch (e) { return `a folder that cannot be listed (${describeFsError(e)})`; }
  if (entries.length === 0) return null;
  const foreign = entries.filter((f) => !PACK_ENTRY.test(f) && !isSegmentFolder(join(target, f))).map((f) => (SEGMENT_FOLDER.test(f) ? `${f}/` : f));
  if (foreign.length > 0) return `a folder with files that are not part of a dydca pack (${foreign.slice(0, 3).join(', ')}${foreign.length > 3 ? ', ...' : ''})`;
  try {
    const m = JSON.parse(readFileSync(join(target, 'manifest.json'), 'utf8')) as { format?: unknown };
    if (m.format === 'dydca-pack/1') return null;
  } catch { /* no or unreadable manifest: not a pack */ }
  return 'a folder without a dydca manifest.json';
}

export function openAtomicDir(out: string, policy: OutputPolicy = { force: false, protect: [] }): AtomicDir {
  checkOutputPath(out, policy);
  const target = resolve(out);
  let temp: string;
  try {
    mkdirSync(dirname(target), { recursive: true });
    // same parent folder, so the final rename never crosses file systems
    temp = mkdtempSync(join(dirname(target), `.${truncateBytes(basename(target), TEMP_NAME_KEEP)}.partial-`));
  } catch (e) {
    throw new OutputError(`cannot write the pack beside ${describeFsError(e, out)}`, ['out']);
  }
  const cleanup = (): void => { rmSync(temp, { recursive: true, force: true }); };
  startWatchdog(process.pid, temp);
  return {
    temp,
    commit() {
      // anything may have appeared there since the check at the start
      checkOutputPath(out, policy);
      // mkdtemp makes the folder 0700; a pack is served by web servers running as other users
      chmodSync(temp, 0o777 & ~process.umask());
      // replace an older pack of the same name: move it aside first, then delete it
      let old: string | null = `${temp}.old`;
      try { renameSync(target, old); } catch (e) {
        if ((e as NodeJS.ErrnoException).code !== 'ENOENT') throw new OutputError(`cannot replace ${describeFsError(e, out)}`, ['out']);
        old = null;
      }
      renameSync(temp, target);
      if (old) rmSync(old, { recursive: true, force: true });
    },
    abort: cleanup,
  };
}

/** The absolute path with its folder's symbolic links resolved (the last part kept as named). */
function canonical(p: string): string {
  const abs = resolve(p);
  const parent = realOrNull(dirname(abs));
  return parent === null ? abs : join(parent, basename(abs));
}

function realOrNull(p: string): string | null {
  try { return realpathSync(p); } catch { return null; }
}

function truncateBytes(s: string, max: number): string {
  let out = s;
  while (Buffer.byteLength(out) > max) out = out.slice(0, -1);
  return out;
}

/** A detached node process that deletes `temp` once process `pid` is gone (after commit it no longer exists). */
function startWatchdog(pid: number, temp: string): void {
  const script = `const [pid, dir] = process.argv.slice(1);
const alive = () => { try { process.kill(Number(pid), 0); return true; } catch { return false; } };
const t = setInterval(() => { if (!alive()) { clearInterval(t); require('node:fs').rmSync(dir, { recursive: true, force: true }); } }, 250);`;
  spawn(process.execPath, ['-e', script, String(pid), temp], { detached: true, stdio: 'ignore' }).unref();
}
