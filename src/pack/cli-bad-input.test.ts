// Bad input through the real CLI: one clear stderr line, exit 2, and no pack folder left behind; what stood at
// --out and the input video are untouched; a truncated input is packed with a warning naming frames decoded vs declared.
import { execFileSync } from 'node:child_process';
import { copyFileSync, existsSync, mkdirSync, mkdtempSync, readdirSync, readFileSync, rmSync, statSync, writeFileSync } from 'node:fs';
import { hostname, tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { runDydca } from './cli-runner.test-helper.js';

let dir: string;
const lavfi = (source: string, seconds: string, file: string, ...extra: string[]): void => {
  execFileSync('ffmpeg', ['-v', 'error', '-f', 'lavfi', '-i', source, '-t', seconds, '-pix_fmt', 'yuv420p', ...extra, join(dir, file)]);
};
beforeAll(() => {
  dir = mkdtempSync(join(tmpdir(), 'dydca-bad-'));
  writeFileSync(join(dir, 'notes.mp4'), 'this is text, not a video\n');
  // a real but tiny video: 48x48 is smaller than one 64x64 LR patch at x2
  lavfi('testsrc2=size=48x48:rate=10', '1', 'tiny.mp4');
  copyFileSync(join(dir, 'tiny.mp4'), join(dir, '-tiny.mp4'));
  lavfi('testsrc2=size=256x128:rate=10', '1', 'ok.mp4');
  // wider than the 8192 px a WebGPU texture holds, even after cropping to whole patches
  lavfi('color=c=gray:size=8256x128:rate=10', '0.1', 'wide.mp4');
  // moov first (faststart), so a cut file still declares its 10 frames
  lavfi('testsrc2=size=256x128:rate=10', '1', 'whole.mp4', '-movflags', '+faststart');
  const whole = readFileSync(join(dir, 'whole.mp4'));
  writeFileSync(join(dir, 'cut60.mp4'), whole.subarray(0, Math.floor(whole.length * 0.6)));
  writeFileSync(join(dir, 'cut20.mp4'), whole.subarray(0, Math.floor(whole.length * 0.2)));
  mkdirSync(join(dir, 'mine'));
  writeFileSync(join(dir, 'mine', 'thesis.tex'), 'precious');
  writeFileSync(join(dir, 'a-file'), 'x');
}, 60_000);
afterAll(() => rmSync(dir, { recursive: true, force: true }));

const stderrLines = (stderr: string): string[] =>
  stderr.split('\n').filter((l) => l.trim() !== '' && !l.startsWith('[') && !l.startsWith('  ') && !l.startsWith('npm warn'));

describe('dydca pack with bad input', () => {
  it.each([
    { name: 'missing file', args: ['missing.mp4'], want: /missing\.mp4: no such file/ },
    { name: 'not a video', args: ['notes.mp4'], want: /notes\.mp4 is not a video ffmpeg can read/ },
    { name: 'too small for one patch: names --patch, not --scale', args: ['tiny.mp4'], want: /tiny\.mp4 is 48x48: too small for one 64x64 LR patch at x2 \(needs at least 128x128 px\); use a smaller patch \(see --patch\)$/ },
    { name: 'range starting after the end', args: ['ok.mp4', '--start', '30'], want: /ok\.mp4 is 1\.00 s long; the chosen range starts at 30 s \(see --start\)$/ },
    { name: 'zero frames in range', args: ['ok.mp4', '--start', '0.99'], want: /no frames in the chosen range .*\(see --start, --seconds\)$/ },
    { name: 'a start ffmpeg cannot parse (1e308)', args: ['ok.mp4', '--start', '1e308'], want: /--start must be in 0\.\.1000000 seconds; got 1e\+308/ },
    { name: 'a length ffmpeg cannot parse (1e-9)', args: ['ok.mp4', '--seconds', '1e-9'], want: /--seconds must be in 0\.001\.\.1000000; got 1e-9/ },
    { name: 'unknown option', args: ['ok.mp4', '--colour', 'red'], want: /unknown option --colour/ },
    { name: 'unsupported scale', args: ['ok.mp4', '--scale', '5'], want: /--scale must be one of 2, 3, 4/ },
    { name: 'malformed number', args: ['ok.mp4', '--steps', 'many'], want: /--steps must be a number/ },
    { name: 'a zero training budget', args: ['ok.mp4', '--train-seconds', '0'], want: /--train-seconds must be in \(0, 1000000\] seconds; got 0/ },
    { name: 'an unknown trainer', args: ['ok.mp4', '--trainer', 'gpu'], want: /--trainer must be one of ort, tfjs-wasm; got gpu/ },
    { name: 'an unknown loss', args: ['ok.mp4', '--loss', 'huber'], want: /--loss must be one of l2, l1; got huber$/ },
    { name: 'an unknown crop sampling', args: ['ok.mp4', '--crop-sampling', 'random'], want: /--crop-sampling must be one of error, uniform; got random$/ },
    { name: 'a negative reuse margin', args: ['ok.mp4', '--reuse-margin', '-1'], want: /--reuse-margin must be a number; got '-1'$|--reuse-margin must be a number of dB in 0\.\.10 \(0 turns the reuse map off\); got -1$/ },
    { name: 'a reuse margin beyond 10 dB', args: ['ok.mp4', '--reuse-margin', '11'], want: /--reuse-margin must be a number of dB in 0\.\.10 \(0 turns the reuse map off\); got 11$/ },
    { name: 'a zero GFLOP budget', args: ['ok.mp4', '--max-gflops-per-frame', '0'], want: /--max-gflops-per-frame must be a number of GFLOP in \(0, 1000000\]; got 0$/ },
    { name: 'a GFLOP budget that is not a number', args: ['ok.mp4', '--max-gflops-per-frame', 'low'], want: /--max-gflops-per-frame must be a number; got 'low'$/ },
    { name: 'a GFLOP budget for a baseline', args: ['ok.mp4', '--max-gflops-per-frame', '5', '--method', 'nas'], want: /--max-gflops-per-frame sizes the paths of --method dydca only; got --method nas$/ },
    { name: 'a GFLOP budget below the cheapest model', args: ['ok.mp4', '--max-gflops-per-frame', '0.01'],
      want: /--max-gflops-per-frame 0\.01 is below the cheapest model's 0\.\d+ GFLOP per frame at LR 128x64 \(8 channels, 1 block per path\); raise it or lower --max-width$/ },
    { name: 'a URL (ffmpeg would fetch it)', args: ['http://127.0.0.1:9/clip.mp4'], want: /^dydca pack: http:\/\/127\.0\.0\.1:9\/clip\.mp4: only local files can be packed/ },
    { name: 'a folder as the video', args: ['mine'], want: /mine: not a file \(a folder\)/ },
    { name: 'HR wider than a WebGPU texture', args: ['wide.mp4'], want: /HR frames of 8256x128; the player holds at most 8192 px a side .*\(see --max-width\)$/ },
    { name: 'nothing decodes from a file cut at 20%', args: ['cut20.mp4'], want: /cut20\.mp4: (no frame could be decoded|ffmpeg could not decode it); the file looks truncated or damaged \(ffmpeg: .+\)$/ },
    { name: '--out is a folder of the user\'s files', args: ['ok.mp4', '--out', 'mine'],
      want: /mine already exists and is a folder with files that are not part of a dydca pack \(thesis\.tex\); nothing was changed; choose another --out, or pass --force to replace it$/ },
    { name: '--out is a regular file', args: ['ok.mp4', '--out', 'a-file'], want: /a-file already exists and is a file \(1 bytes\); nothing was changed; choose another --out, or pass --force/ },
    { name: '--out is the input video, even with --force', args: ['ok.mp4', '--out', 'ok.mp4', '--force'], want: /output path .*ok\.mp4 is the input video; it is never replaced \(see --out\)$/ },
    { name: '--out holds the input video, even with --force', args: ['ok.mp4', '--out', '.', '--force'], want: /holds the input video ok\.mp4; it is never replaced/ },
    { name: '--out name longer than a file system allows', args: ['ok.mp4', '--out', 'n'.repeat(256)], want: /is 256 bytes; file systems allow at most 255 \(see --out\)$/ },
    { name: '--out under a regular file', args: ['ok.mp4', '--out', 'a-file/pack'], want: /cannot write the pack (at|beside) .*a-file\/pack: a part of the path is a file, not a folder \(ENOTDIR\)/ },
    { name: '--out where nobody may write', args: ['ok.mp4', '--out', '/sys/dydca-pack'], want: /cannot write the pack beside \/sys\/dydca-pack: .*\((EPERM|EACCES|EROFS)\)/ },
  ])('$name', async ({ args, want }) => {
    const inDir = (a: string): string => (/^(-?\w+\.mp4|mine|a-file(\/pack)?|n+|\.)$/.test(a) ? join(dir, a) : a);
    const withOut = args.includes('--out') ? args.map(inDir) : [...args.map(inDir), '--out', join(dir, 'pack-out')];
    const r = await runDydca('pack', [...withOut, '--steps', '1']);
    expect(r.code).toBe(2);
    const lines = stderrLines(r.stderr);
    expect(lines).toHaveLength(1);
    expect(lines[0]).toMatch(want);
    expect(existsSync(join(dir, 'pack-out'))).toBe(false);
    expect(readdirSync(dir).filter((f) => f.includes('partial'))).toEqual([]);
    // what stood there before is untouched
    expect(readFileSync(join(dir, 'mine', 'thesis.tex'), 'utf8')).toBe('precious');
    expect(readFileSync(join(dir, 'a-file'), 'utf8')).toBe('x');
    expect(statSync(join(dir, 'ok.mp4')).size).toBeGreaterThan(1000);
  }, 60_000);

  it('an input named like an option (-tiny.mp4) is read as a file, not as an ffmpeg option', async () => {
    const r = await runDydca('pack', ['-tiny.mp4', '--out', join(dir, 'pack-out'), '--steps', '1'], dir);
    expect(r.code).toBe(2);
    expect(stderrLines(r.stderr)).toEqual([expect.stringMatching(/-tiny\.mp4 is 48x48: too small for one 64x64 LR patch at x2/)]);
  }, 60_000);

  it('a second run into an --out another run is writing refuses, naming that run, and leaves its lock alone', async () => {
    // this test process stands for the first run: alive, on this host
    const lock = join(dir, 'busy.dydca-lock');
    writeFileSync(lock, JSON.stringify({ pid: process.pid, host: hostname(), since: '2026-12-03T08:00:00.000Z', out: join(dir, 'busy') }));
    const r = await runDydca('pack', [join(dir, 'ok.mp4'), '--out', join(dir, 'busy'), '--steps', '1']);
    expect(r.code).toBe(2);
    expect(stderrLines(r.stderr)).toEqual([expect.stringMatching(new RegExp(`busy is being written by another dydca pack \\(pid ${process.pid} on .+, since 2026-12-03T08:00:00\\.000Z\\); wait for it to end, or choose another --out\\. If that run is gone, remove .*busy\\.dydca-lock \\(see --out\\)$`))]);
    expect(existsSync(lock)).toBe(true);
    expect(readdirSync(dir).filter((f) => f.includes('partial'))).toEqual([]);
    rmSync(lock);
  }, 60_000);

  it('eval of a folder that is not a pack', async () => {
    const r = await runDydca('eval', [dir]);
    expect(r.code).toBe(2);
    expect(r.stderr.trim()).toMatch(/no manifest\.json; is it a pack folder\?/);
  }, 60_000);
});

describe('dydca pack of a truncated video', () => {
  it('packs the frames that decode, with one warning naming decoded vs declared frames (was silent, exit 0)', async () => {
    const out = join(dir, 'cut-pack');
    const r = await runDydca('pack', [join(dir, 'cut60.mp4'), '--out', out, '--steps', '1', '--quiet', '--json']);
    expect(r.code).toBe(0);
    const lines = stderrLines(r.stderr);
    expect(lines).toEqual([expect.stringMatching(/^warning: cut60\.mp4 looks truncated or damaged: decoded (\d) of the 10 frames its container declares for the chosen range \(ffmpeg: .+\); packing the \1 decoded frames$/)]);
    const summary = JSON.parse(r.stdout) as { warnings: string[]; manifest: { frames: number } };
    expect(summary.warnings).toHaveLength(1);
    expect(summary.manifest.frames).toBeLessThan(10);
  }, 120_000);
});
