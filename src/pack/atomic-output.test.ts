// Atomic output: a pack killed mid-run (SIGTERM, and SIGKILL which no handler sees) leaves neither the
// pack folder nor a temp folder; commit replaces an older pack in one rename.
import { execFileSync } from 'node:child_process';
import { existsSync, mkdtempSync, readdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { openAtomicDir } from './atomic-output.js';
import { spawnDydca } from './cli-runner.test-helper.js';

let dir: string;
beforeAll(() => {
  dir = mkdtempSync(join(tmpdir(), 'dydca-atomic-'));
  execFileSync('ffmpeg', ['-v', 'error', '-f', 'lavfi', '-i', 'testsrc2=size=256x128:rate=10', '-t', '1', '-pix_fmt', 'yuv420p', join(dir, 'clip.mp4')]);
});
afterAll(() => rmSync(dir, { recursive: true, force: true }));

const leftovers = (): string[] => readdirSync(dir).filter((f) => f !== 'clip.mp4');

describe('dydca pack killed mid-run', () => {
  it.each(['SIGTERM', 'SIGKILL'] as const)('%s during training leaves nothing', async (signal) => {
    const out = join(dir, 'pack');
    const run = spawnDydca('pack', [join(dir, 'clip.mp4'), '--out', out, '--steps', '100000']);
    await new Promise<void>((resolve) => {
      const onData = (d: Buffer): void => { if (d.toString().includes('[train]')) { run.child.stderr!.off('data', onData); resolve(); } };
      run.child.stderr!.on('data', onData);
    });
    expect(leftovers().some((f) => f.includes('partial'))).toBe(true); // the temp folder exists while it runs
    // signal the whole process group: tsx runs the packer in a child process
    process.kill(-run.child.pid!, signal);
    const r = await run.done;
    expect(r.code).not.toBe(0);
    // the watchdog polls every 250 ms
    for (let i = 0; i < 40 && leftovers().length > 0; i++) await new Promise((res) => setTimeout(res, 100));
    expect(leftovers()).toEqual([]);
  }, 60_000);
});

describe('openAtomicDir', () => {
  it('commit replaces an older folder of the same name; abort leaves it alone', () => {
    const out = join(dir, 'commit-me');
    const a = openAtomicDir(out);
    writeFileSync(join(a.temp, 'x.txt'), 'first');
    a.commit();
    const b = openAtomicDir(out);
    writeFileSync(join(b.temp, 'x.txt'), 'second');
    b.commit();
    expect(readFileSync(join(out, 'x.txt'), 'utf8')).toBe('second');
    const c = openAtomicDir(out);
    writeFileSync(join(c.temp, 'x.txt'), 'third');
    c.abort();
    expect(existsSync(c.temp)).toBe(false);
    expect(readFileSync(join(out, 'x.txt'), 'utf8')).toBe('second');
    rmSync(out, { recursive: true });
  });
});
