// Atomic output: a pack killed mid-run (SIGTERM, and SIGKILL which no handler sees) leaves neither the
// pack folder nor a temp folder, only its work folder to resume from (pack-resume.integration.test.ts); commit replaces an older pack in one rename; what stands at the output path
// is replaced only when it is an earlier pack (or with force), and never when it is or holds the input video.
import { execFileSync, type ChildProcess } from 'node:child_process';
import { existsSync, mkdirSync, mkdtempSync, readdirSync, readFileSync, rmSync, statSync, symlinkSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { basename, join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { checkOutputPath, openAtomicDir, OutputError } from './atomic-output.js';
import { spawnBin, spawnDydca } from './cli-runner.test-helper.js';

let dir: string;
beforeAll(() => {
  dir = mkdtempSync(join(tmpdir(), 'dydca-atomic-'));
  execFileSync('ffmpeg', ['-v', 'error', '-f', 'lavfi', '-i', 'testsrc2=size=256x128:rate=10', '-t', '1', '-pix_fmt', 'yuv420p', join(dir, 'clip.mp4')]);
});
afterAll(() => rmSync(dir, { recursive: true, force: true }));

const leftovers = (): string[] => readdirSync(dir).filter((f) => f !== 'clip.mp4');
/**
 * What an interrupted pack at `out` may leave: its work folder, and after SIGKILL (which no handler sees) its lock,
 * stale once the process is gone (the next run takes it over). Removed here, so each case starts clean.
 */
const onlyWorkFolder = (out: string, staleLock = false): void => {
  expect(leftovers()).toEqual([...(staleLock ? [`${basename(out)}.dydca-lock`] : []), `${basename(out)}.dydca-work`]);
  expect(existsSync(join(`${out}.dydca-work`, 'plan.json'))).toBe(true);
  rmSync(`${out}.dydca-work`, { recursive: true, force: true });
  rmSync(`${out}.dydca-lock`, { force: true });
};

/** Live (not zombie) processes descended from `pid`, read from /proc. */
function descendants(pid: number): number[] {
  const parentOf = new Map<number, number>();
  for (const e of readdirSync('/proc')) {
    if (!/^\d+$/.test(e)) continue;
    try {
      const stat = readFileSync(`/proc/${e}/stat`, 'utf8');
      const [state, ppid] = stat.slice(stat.lastIndexOf(')') + 2).split(' ');
      if (state !== 'Z') parentOf.set(Number(e), Number(ppid));
    } catch { /* gone meanwhile */ }
  }
  const found: number[] = [];
  const visit = (p: number): void => { for (const [c, pp] of parentOf) if (pp === p) { found.push(c); visit(c); } };
  visit(pid);
  return found;
}

const isLive = (pid: number): boolean => {
  try { return !readFileSync(`/proc/${pid}/stat`, 'utf8').split(') ')[1].startsWith('Z'); } catch { return false; }
};

const untilStderr = (child: ChildProcess, text: string): Promise<void> => new Promise<void>((resolve) => {
  const onData = (d: Buffer): void => { if (d.toString().includes(text)) { child.stderr!.off('data', onData); resolve(); } };
  child.stderr!.on('data', onData);
});

describe('dydca pack killed mid-run', () => {
  it('SIGTERM to bin/dydca.mjs alone (as `npx dydca` gets it) stops the packer within seconds, exit 143, only the work folder left', async () => {
    const out = join(dir, 'pack-bin');
    const run = spawnBin(['pack', join(dir, 'clip.mp4'), '--out', out, '--steps', '100000']);
    await untilStderr(run.child, '[train] skip convs');
    const children = descendants(run.child.pid!);
    expect(children.length).toBeGreaterThan(0);
    run.child.kill('SIGTERM');
    const r = await run.done;
    expect(r.code).toBe(143);
    expect(r.stderr).toMatch(/dydca pack: interrupted by SIGTERM; nothing was written to /);
    // generous: one training step plus the watchdog's 250 ms poll
    for (let i = 0; i < 100 && children.some(isLive); i++) await new Promise((res) => setTimeout(res, 100));
    expect(children.filter(isLive)).toEqual([]);
    expect(existsSync(out)).toBe(false);
    onlyWorkFolder(out);
  }, 90_000);


  it('SIGTERM while the chunks encode says interrupted, exit 143 (was "encoding ... failed: no message", exit 1)', async () => {
    const clip = join(dir, 'long-clip.mp4');
    execFileSync('ffmpeg', ['-v', 'error', '-f', 'lavfi', '-i', 'testsrc2=size=512x256:rate=10', '-t', '60', '-pix_fmt', 'yuv420p', clip]);
    const out = join(dir, 'pack-chunks');
    const run = spawnBin(['pack', clip, '--out', out, '--steps', '1']);
    await untilStderr(run.child, '[chunks]');
    // inside the first chunk job (6 of 100 frames each): its ffmpeg children die with the signal
    await new Promise((res) => setTimeout(res, 1500));
    run.child.kill('SIGTERM');
    const r = await run.done;
    expect(r.stderr).toMatch(/dydca pack: interrupted by SIGTERM; nothing was written to /);
    expect(r.code).toBe(143);
    rmSync(clip);
    onlyWorkFolder(out);
  }, 90_000);

  it.each(['SIGINT', 'SIGTERM', 'SIGKILL'] as const)('%s during training leaves no pack and no temp folder, only the work folder', async (signal) => {
    const out = join(dir, 'pack');
    const run = spawnDydca('pack', [join(dir, 'clip.mp4'), '--out', out, '--steps', '100000']);
    await untilStderr(run.child, '[train]');
    expect(leftovers()).toEqual(['pack.dydca-lock', 'pack.dydca-work']); // lock and work folder, no pack or temp folder, while it trains
    // the whole process group, as a terminal's Ctrl-C does: the packer and its ffmpeg and watchdog children
    process.kill(-run.child.pid!, signal);
    const r = await run.done;
    expect(r.code).not.toBe(0);
    if (signal !== 'SIGKILL') {
      // handled: the training loop yields between steps, so the packer stops, cleans up and says so
      expect(r.code).toBe(signal === 'SIGINT' ? 130 : 143);
      expect(r.stderr).toMatch(new RegExp(`dydca pack: interrupted by ${signal}; nothing was written to `));
    }
    onlyWorkFolder(out, signal === 'SIGKILL');
  }, 60_000);
});

const packLike = (folder: string): void => {
  mkdirSync(folder, { recursive: true });
  writeFileSync(join(folder, 'manifest.json'), JSON.stringify({ format: 'dydca-pack/1' }));
  writeFileSync(join(folder, 'lr.mp4'), 'old');
};

describe('openAtomicDir', () => {
  it('commit replaces an earlier pack of the same name; abort leaves it alone', () => {
    const out = join(dir, 'commit-me');
    const a = openAtomicDir(out);
    writeFileSync(join(a.temp, 'manifest.json'), JSON.stringify({ format: 'dydca-pack/1', n: 1 }));
    a.commit();
    const b = openAtomicDir(out);
    writeFileSync(join(b.temp, 'manifest.json'), JSON.stringify({ format: 'dydca-pack/1', n: 2 }));
    b.commit();
    expect(JSON.parse(readFileSync(join(out, 'manifest.json'), 'utf8')).n).toBe(2);
    const c = openAtomicDir(out);
    writeFileSync(join(c.temp, 'manifest.json'), 'third');
    c.abort();
    expect(existsSync(c.temp)).toBe(false);
    expect(JSON.parse(readFileSync(join(out, 'manifest.json'), 'utf8')).n).toBe(2);
    rmSync(out, { recursive: true });
  });

  it('a committed pack is readable by other users: folder 0777 and files 0666 less the umask (0755/0644 at umask 022)', () => {
    const out = join(dir, 'modes');
    const a = openAtomicDir(out);
    writeFileSync(join(a.temp, 'manifest.json'), '{}');
    a.commit();
    const umask = process.umask();
    expect(statSync(out).mode & 0o777).toBe(0o777 & ~umask);
    expect(statSync(join(out, 'manifest.json')).mode & 0o777).toBe(0o666 & ~umask);
    if (umask === 0o022) expect(statSync(out).mode & 0o777).toBe(0o755);
    rmSync(out, { recursive: true });
  });

  it('an output name that fits the file system works although the temp name adds to it; a longer one is refused up front', () => {
    const fits = join(dir, 'p'.repeat(250));
    const a = openAtomicDir(fits);
    expect(basename(a.temp).length).toBeLessThanOrEqual(255 - 4);
    writeFileSync(join(a.temp, 'manifest.json'), '{}');
    a.commit();
    expect(existsSync(join(fits, 'manifest.json'))).toBe(true);
    rmSync(fits, { recursive: true });
    expect(() => openAtomicDir(join(dir, 'q'.repeat(256)))).toThrow(/256 bytes; file systems allow at most 255/);
  });

  it('an unwritable output place is one line naming the path and the cause', () => {
    writeFileSync(join(dir, 'a-file'), 'x');
    expect(() => openAtomicDir(join(dir, 'a-file', 'pack'))).toThrow(OutputError);
    expect(() => openAtomicDir(join(dir, 'a-file', 'pack'))).toThrow(/a-file.*(ENOTDIR|EEXIST)/);
    rmSync(join(dir, 'a-file'));
  });
});

describe('checkOutputPath', () => {
  const input = (): string => join(dir, 'clip.mp4');
  it.each<[string, () => string, boolean, RegExp | null]>([
    ['nothing there', () => join(dir, 'new-pack'), false, null],
    ['an empty folder', () => { mkdirSync(join(dir, 'empty'), { recursive: true }); return join(dir, 'empty'); }, false, null],
    ['an earlier pack', () => { packLike(join(dir, 'earlier')); return join(dir, 'earlier'); }, false, null],
    ['an earlier pack with segmented patch layout files (a rebuilt demo pack)', () => {
      packLike(join(dir, 'segmented'));
      for (const f of ['patches.json', 'patches-00000.json', 'patches-00001.json', 'model.onnx', 'hr.mp4']) writeFileSync(join(dir, 'segmented', f), 'old');
      return join(dir, 'segmented');
    }, false, null],
    ['an earlier pack with stream segments', () => {
      packLike(join(dir, 'streamed'));
      for (const d of ['lr', 'hr']) {
        mkdirSync(join(dir, 'streamed', d));
        for (const f of ['init.mp4', '00000.m4s', '00001.m4s']) writeFileSync(join(dir, 'streamed', d, f), 'old');
        writeFileSync(join(dir, 'streamed', `${d}.m3u8`), 'old');
      }
      return join(dir, 'streamed');
    }, false, null],
    ['a pack folder whose lr/ holds a user file', () => {
      packLike(join(dir, 'lr-mixed'));
      mkdirSync(join(dir, 'lr-mixed', 'lr'));
      writeFileSync(join(dir, 'lr-mixed', 'lr', 'notes.txt'), 'x');
      return join(dir, 'lr-mixed');
    }, false, /not part of a dydca pack \(lr\/\)/],
    ['a pack folder with a file named lr (not a folder)', () => { packLike(join(dir, 'lr-file')); writeFileSync(join(dir, 'lr-file', 'lr'), 'x'); return join(dir, 'lr-file'); },
      false, /not part of a dydca pack \(lr\/\)/],
    ['a pack folder with a file only named like a segment', () => { packLike(join(dir, 'near')); writeFileSync(join(dir, 'near', 'patches-1.json'), 'x'); return join(dir, 'near'); },
      false, /patches-1\.json/],
    ['a folder of the user\'s files', () => { mkdirSync(join(dir, 'mine'), { recursive: true }); writeFileSync(join(dir, 'mine', 'thesis.tex'), 'x'); return join(dir, 'mine'); },
      false, /mine already exists and is a folder with files that are not part of a dydca pack \(thesis\.tex\); nothing was changed/],
    ['a pack folder with a user file added', () => { packLike(join(dir, 'mixed')); writeFileSync(join(dir, 'mixed', 'notes.txt'), 'x'); return join(dir, 'mixed'); },
      false, /notes\.txt/],
    ['a folder named like a pack without a manifest', () => { mkdirSync(join(dir, 'fake'), { recursive: true }); writeFileSync(join(dir, 'fake', 'lr.mp4'), 'x'); return join(dir, 'fake'); },
      false, /without a dydca manifest\.json/],
    ['a regular file', () => { writeFileSync(join(dir, 'report.pdf'), 'x'); return join(dir, 'report.pdf'); }, false, /report\.pdf already exists and is a file \(1 bytes\)/],
    ['a symbolic link', () => { symlinkSync(dir, join(dir, 'link')); return join(dir, 'link'); }, false, /a symbolic link/],
    ['a user folder with force', () => join(dir, 'mine'), true, null],
    ['the input video', input, false, /is the input video; it is never replaced/],
    ['the input video, even with force', input, true, /is the input video; it is never replaced/],
    ['the input by another spelling', () => join(dir, '.', 'x', '..', 'clip.mp4'), true, /is the input video/],
    ['the folder holding the input, even with force', () => dir, true, /holds the input video clip\.mp4; it is never replaced/],
    ['the current folder, even with force', () => process.cwd(), true, /the current folder or holds it/],
    ['the root folder, even with force', () => '/', true, /root folder|current folder/],
  ])('%s', (_name, target, force, want) => {
    const check = (): void => checkOutputPath(target(), { force, protect: [input()] });
    if (want === null) expect(check).not.toThrow();
    else expect(check).toThrow(want);
  });

  it('refusal and force leave the user\'s files untouched until a pack is committed', () => {
    const mine = join(dir, 'keep');
    mkdirSync(mine, { recursive: true });
    writeFileSync(join(mine, 'thesis.tex'), 'precious');
    expect(() => openAtomicDir(mine, { force: false, protect: [] })).toThrow(OutputError);
    expect(readFileSync(join(mine, 'thesis.tex'), 'utf8')).toBe('precious');
    const a = openAtomicDir(mine, { force: true, protect: [] });
    a.abort();
    expect(readFileSync(join(mine, 'thesis.tex'), 'utf8')).toBe('precious');
    rmSync(mine, { recursive: true });
  });
});
