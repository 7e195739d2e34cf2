// Room to write a pack: refuse before the long work when the output's file system has too little free space, and
// word a full disk met while writing (ENOSPC, EDQUOT, or ffmpeg's "No space left on device") as one line naming the folder.
import { existsSync, statfsSync } from 'node:fs';
import { dirname, resolve } from 'node:path';
import { InputError } from './ingest.js';
import { fsErrorCode } from './fs-errors.js';

/** `1.5 GB`, `820 MB`, `12 kB` (powers of 1024, one decimal from GB on). */
export function formatBytes(bytes: number): string {
  if (bytes >= 2 ** 30) return `${(bytes / 2 ** 30).toFixed(1)} GB`;
  if (bytes >= 2 ** 20) return `${Math.round(bytes / 2 ** 20)} MB`;
  return `${Math.max(0, Math.round(bytes / 2 ** 10))} kB`;
}

/** Bytes an unprivileged writer may still use on the file system holding `dir` (or its nearest existing parent). */
export function freeBytes(dir: string): { folder: string; bytes: number } {
  let folder = resolve(dir);
  while (!existsSync(folder) && dirname(folder) !== folder) folder = dirname(folder);
  const fs = statfsSync(folder);
  return { folder, bytes: fs.bavail * fs.bsize };
}

/**
 * Refuses (InputError, `--out`) when the file system holding `dir` has less than `neededBytes` free, naming the
 * folder, the free and the needed bytes. `free` is for tests (defaults to statfs).
 */
export function checkFreeSpace(dir: string, neededBytes: number, free: (dir: string) => { folder: string; bytes: number } = freeBytes): void {
  const { folder, bytes } = free(dir);
  if (bytes >= neededBytes) return;
  throw new InputError(`not enough free space in ${folder}: ${formatBytes(bytes)} free, the pack needs about ${formatBytes(neededBytes)}; ` +
    'free some space or write the pack elsewhere', ['out']);
}

/**
 * Bytes a pack of `frames` HR frames of `width x height` at `scale` writes, with a margin: hr.mp4 and lr.mp4 at CRF 12
 * (estimated at 0.25 bytes per pixel, about 5x what the demo packs measure: hr.mp4 0.05 B/px, so grainy sources fit too), the
 * models and the patch layout (a few MB). The temp folder and the old pack it replaces exist together for a moment,
 * but the old one is on the same disk already.
 */
export function packBytesEstimate(frames: number, width: number, height: number, scale: number): number {
  const hr = (frames * width * height) / 4;
  return Math.ceil(hr * (1 + 1 / (scale * scale)) + 8 * 2 ** 20);
}

/** A full disk met while writing into `folder`, as a one-line error (exit 1, not bad input); other errors as they were. */
export class DiskFullError extends Error {}

export function diskFullError(e: unknown, folder: string): unknown {
  const code = fsErrorCode(e);
  const text = e instanceof Error ? e.message : String(e);
  if (code !== 'ENOSPC' && code !== 'EDQUOT' && !/No space left on device|Disk quota exceeded/i.test(text)) return e;
  const why = code === 'EDQUOT' || /quota/i.test(text) ? 'the disk quota is exceeded' : 'the disk is full';
  let free = '';
  try { free = ` (${formatBytes(freeBytes(folder).bytes)} free now)`; } catch { /* statfs failing too: say what we know */ }
  return new DiskFullError(`cannot finish writing the pack in ${folder}: ${why}${free}; free some space or write the pack elsewhere, then run again`);
}
