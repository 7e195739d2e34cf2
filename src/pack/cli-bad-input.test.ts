// Bad input through the real CLI: one clear stderr line, a non-zero exit, and no pack folder left behind.
import { execFileSync } from 'node:child_process';
import { existsSync, mkdtempSync, readdirSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { runDydca } from './cli-runner.test-helper.js';

let dir: string;
beforeAll(() => {
  dir = mkdtempSync(join(tmpdir(), 'dydca-bad-'));
  writeFileSync(join(dir, 'notes.mp4'), 'this is text, not a video\n');
  // a real but tiny video: 48x48 is smaller than one 64x64 LR patch at x2
  execFileSync('ffmpeg', ['-v', 'error', '-f', 'lavfi', '-i', 'testsrc2=size=48x48:rate=10', '-t', '1', '-pix_fmt', 'yuv420p', join(dir, 'tiny.mp4')]);
  execFileSync('ffmpeg', ['-v', 'error', '-f', 'lavfi', '-i', 'testsrc2=size=256x128:rate=10', '-t', '1', '-pix_fmt', 'yuv420p', join(dir, 'ok.mp4')]);
});
afterAll(() => rmSync(dir, { recursive: true, force: true }));

describe('dydca pack with bad input', () => {
  it.each([
    { name: 'missing file', args: ['missing.mp4'], want: /missing\.mp4: no such file/ },
    { name: 'not a video', args: ['notes.mp4'], want: /notes\.mp4 is not a video ffmpeg can read/ },
    { name: 'too small for the scale', args: ['tiny.mp4'], want: /too small for scale x2/ },
    { name: 'zero frames in range', args: ['ok.mp4', '--start', '30'], want: /no frames in the chosen range/ },
    { name: 'unknown option', args: ['ok.mp4', '--colour', 'red'], want: /unknown option --colour/ },
    { name: 'unsupported scale', args: ['ok.mp4', '--scale', '5'], want: /--scale must be one of 2, 3, 4/ },
    { name: 'malformed number', args: ['ok.mp4', '--steps', 'many'], want: /--steps must be a number/ },
  ])('$name', async ({ args, want }) => {
    const out = join(dir, 'pack-out');
    const r = await runDydca('pack', [...args.map((a) => (a.endsWith('.mp4') ? join(dir, a) : a)), '--out', out, '--steps', '1']);
    expect(r.code).not.toBe(0);
    const lines = r.stderr.split('\n').filter((l) => l.trim() !== '' && !l.startsWith('[') && !l.startsWith('  ') && !l.startsWith('npm warn'));
    expect(lines).toHaveLength(1);
    expect(lines[0]).toMatch(want);
    expect(existsSync(out)).toBe(false);
    expect(readdirSync(dir).filter((f) => f.includes('partial'))).toEqual([]);
  });

  it('eval of a folder that is not a pack', async () => {
    const r = await runDydca('eval', [dir]);
    expect(r.code).not.toBe(0);
    expect(r.stderr.trim()).toMatch(/no manifest\.json; is it a pack folder\?/);
  });
});
