// Free space before the long work, and a full disk met while writing, each as one line naming the folder.
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { checkFreeSpace, diskFullError, DiskFullError, formatBytes, freeBytes, packBytesEstimate } from './free-space.js';
import { InputError } from './ingest.js';

let dir: string;
beforeAll(() => { dir = mkdtempSync(join(tmpdir(), 'dydca-space-')); });
afterAll(() => rmSync(dir, { recursive: true, force: true }));

describe('checkFreeSpace', () => {
  it('refuses with the folder, the free and the needed bytes, tagged --out', () => {
    let err: unknown = null;
    try { checkFreeSpace('/data/packs/new', 3 * 2 ** 30, () => ({ folder: '/data/packs', bytes: 800 * 2 ** 20 })); } catch (e) { err = e; }
    expect(err).toBeInstanceOf(InputError);
    expect((err as Error).message).toBe('not enough free space in /data/packs: 800 MB free, the pack needs about 3.0 GB; free some space or write the pack elsewhere');
    expect((err as InputError).options).toEqual(['out']);
  });
  it('passes when there is room; statfs of a folder not made yet asks its nearest existing parent', () => {
    expect(() => checkFreeSpace(dir, 1, () => ({ folder: dir, bytes: 1 }))).not.toThrow();
    const f = freeBytes(join(dir, 'not', 'yet'));
    expect(f.folder).toBe(dir);
    expect(f.bytes).toBeGreaterThan(0);
    expect(() => checkFreeSpace(join(dir, 'not', 'yet'), 1)).not.toThrow();
    expect(() => checkFreeSpace(join(dir, 'pack'), Number.MAX_SAFE_INTEGER)).toThrow(new RegExp(`^not enough free space in ${dir}: .* free, the pack needs about \\d+\\.\\d GB`));
  });
});

describe('packBytesEstimate and formatBytes', () => {
  it('about 0.25 B per HR pixel plus the LR share and 8 MB', () => {
    expect(packBytesEstimate(280, 960, 512, 2)).toBe(Math.ceil(280 * 960 * 512 / 4 * 1.25 + 8 * 2 ** 20));
    expect([formatBytes(512), formatBytes(5 * 2 ** 20), formatBytes(1.5 * 2 ** 30)]).toEqual(['1 kB', '5 MB', '1.5 GB']);
  });
});

describe('diskFullError', () => {
  const errno = (code: string): NodeJS.ErrnoException => Object.assign(new Error(`${code}: write failed`), { code });
  it.each([
    ['ENOSPC from a write', errno('ENOSPC'), /^cannot finish writing the pack in \/x\/out: the disk is full( \(.* free now\))?; free some space or write the pack elsewhere, then run again$/],
    ['EDQUOT', errno('EDQUOT'), /^cannot finish writing the pack in \/x\/out: the disk quota is exceeded/],
    ['ffmpeg\'s message', new Error('ffmpeg failed: av_interleaved_write_frame(): No space left on device'), /^cannot finish writing the pack in \/x\/out: the disk is full/],
  ])('%s', (_name, e, want) => {
    const out = diskFullError(e, '/x/out');
    expect(out).toBeInstanceOf(DiskFullError);
    expect((out as Error).message).toMatch(want);
  });
  it('any other error is returned as it was', () => {
    const e = errno('EACCES');
    expect(diskFullError(e, '/x')).toBe(e);
  });
});
