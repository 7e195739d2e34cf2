// The pack job graph on a real queue: a real redis-server on a free loopback port, real `dydca worker` processes
// and `dydca pack --queue`. Two workers give the same pack as the in-process runner; a worker SIGKILLed mid-job
// loses nothing (another takes the stalled job over); a job that always fails ends the pack with one line; a wrong
// or unreachable Redis is one line, exit 2.
import { execFileSync, type ChildProcess } from 'node:child_process';
import { existsSync, mkdtempSync, readFileSync, rmSync, statSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import { cutTestClip, runDydca, spawnDydca, type CliRun } from '../cli-runner.test-helper.js';
import type { PackManifest } from '../../format/manifest.js';
import { startRedis, type TestRedis } from './redis-server.test-helper.js';

let dir: string;
let clip: string;
let redis: TestRedis;
const workers: { child: ChildProcess; done: Promise<CliRun>; lines: string[] }[] = [];

/** tiny x2 packs: 10 frames of 128x72 (LR 64x48 padded), two paths */
const PACK = ['--scale', '2', '--max-width', '128', '--paths', '2', '--patch', '32', '--batch', '4'];

beforeAll(async () => {
  dir = mkdtempSync(join(tmpdir(), 'dydca-queue-'));
  clip = cutTestClip(join(dir, 'clip.mp4'), 256, 144, 0.5);
  redis = await startRedis();
}, 60_000);

afterEach(async () => {
  for (const w of workers.splice(0)) {
    try { process.kill(-w.child.pid!, 'SIGKILL'); } catch { /* gone */ }
    await w.done;
  }
});

afterAll(async () => {
  await redis?.stop();
  rmSync(dir, { recursive: true, force: true });
});

function startWorker(): (typeof workers)[number] {
  const run = spawnDydca('worker', ['--queue', redis.url, '--stalled-seconds', '2']);
  const w = { ...run, lines: [] as string[] };
  run.child.stdout!.on('data', (d: Buffer) => w.lines.push(...d.toString().split('\n').filter((l) => l.trim() !== '')));
  workers.push(w);
  return w;
}

async function until(what: string, cond: () => boolean, seconds = 60): Promise<void> {
  for (let i = 0; i < seconds * 10; i++) {
    if (cond()) return;
    await new Promise((r) => setTimeout(r, 100));
  }
  throw new Error(`timed out waiting for ${what}`);
}

const manifestOf = (out: string): PackManifest => JSON.parse(readFileSync(join(out, 'manifest.json'), 'utf8')) as PackManifest;

describe('dydca pack --queue with dydca worker', () => {
  it('two workers pack a clip as the in-process runner does; each job is one [job] line', async () => {
    const local = join(dir, 'local');
    const r1 = await runDydca('pack', [clip, '--out', local, ...PACK, '--steps', '30']);
    expect(r1.code, r1.stderr).toBe(0);
    const a = startWorker(), b = startWorker();
    await until('both workers ready', () => [a, b].every((w) => w.lines.some((l) => l.startsWith('[worker] taking jobs'))));
    const queued = join(dir, 'queued');
    const r2 = await runDydca('pack', [clip, '--out', queued, ...PACK, '--steps', '30', '--queue', redis.url]);
    expect(r2.code, r2.stderr).toBe(0);
    expect(r2.stderr).toMatch(/\[chunks\] .* on the queue dydca-pack/);
    // the same [time] lines as in process: per frame of the chunk jobs, then each stage's wall time
    expect(r2.stderr).toMatch(/\[time\] chunks per frame \(\d+ frames\): decode \d+ ms, downscale \d+ ms/);
    expect(r2.stderr).toMatch(/\[time\] chunks [\d.]+ s, .*finish [\d.]+ s/);
    const started = [...a.lines, ...b.lines].filter((l) => /^\[job\] \w+ \S+ started/.test(l)).map((l) => l.split(' ')[2]).sort();
    expect(started).toEqual(['chunk-0', 'finish', 'metrics-0', 'reuse-0', 'tier-1', 'train-0']);
    const [m1, m2] = [manifestOf(local), manifestOf(queued)];
    // the same plan, split and training in another process: equal up to float noise
    // the split is the same; the reuse map's modes follow the model (float noise may move a patch at the margin)
    const rects = (d: string) => (JSON.parse(readFileSync(join(d, 'patches.json'), 'utf8')) as { frames: number[][][] }).frames.map((f) => f.map((t) => t.slice(0, 5)));
    expect(rects(queued)).toEqual(rects(local));
    expect(Math.abs(m2.metrics.psnrSRPlayed! - m1.metrics.psnrSRPlayed!)).toBeLessThan(0.02);
    expect(m2.training.steps).toBe(m1.training.steps);
    expect(Math.abs(m2.metrics.psnrSR - m1.metrics.psnrSR)).toBeLessThan(0.02);
    expect(m2.metrics.psnrBicubic).toBe(m1.metrics.psnrBicubic);
    // the phone tier trained on a worker too (its own job), the same model
    expect(Math.abs(m2.tiers![1].metrics.psnrSR - m1.tiers![1].metrics.psnrSR)).toBeLessThan(0.02);
    expect(existsSync(`${queued}.dydca-work`)).toBe(false);
  }, 240_000);

  it('--ladder 4,2: the rungs\' jobs run on the workers beside the top level\'s; the same pack as in process', async () => {
    const LADDER = ['--max-width', '128', '--paths', '2', '--patch', '16', '--batch', '4', '--steps', '5', '--ladder', '4,2'];
    const local = join(dir, 'ladder-local');
    const r1 = await runDydca('pack', [clip, '--out', local, ...LADDER]);
    expect(r1.code, r1.stderr).toBe(0);
    const a = startWorker(), b = startWorker();
    await until('both workers ready', () => [a, b].every((w) => w.lines.some((l) => l.startsWith('[worker] taking jobs'))));
    const queued = join(dir, 'ladder-queued');
    const r2 = await runDydca('pack', [clip, '--out', queued, ...LADDER, '--queue', redis.url]);
    expect(r2.code, r2.stderr).toBe(0);
    const started = [...a.lines, ...b.lines].filter((l) => /^\[job\] \w+ \S+ started/.test(l)).map((l) => l.split(' ')[2]).sort();
    // the top level's reuse map (default --reuse-margin) is decided on the workers too; rungs have none
    expect(started).toEqual(['chunk-0', 'chunk-r4-0', 'finish', 'finish-r4', 'metrics-0', 'metrics-r4-0', 'reuse-0', 'train-0', 'train-r4-0']);
    const [m1, m2] = [manifestOf(local), manifestOf(queued)];
    expect(m2.renditions!.map((r) => [r.scale, r.lr.segments.bytes, r.lr.bitrate])).toEqual(m1.renditions!.map((r) => [r.scale, r.lr.segments.bytes, r.lr.bitrate]));
    expect(readFileSync(join(queued, 'master.m3u8'), 'utf8')).toBe(readFileSync(join(local, 'master.m3u8'), 'utf8'));
    expect(readFileSync(join(queued, 'r4/patches.json'), 'utf8')).toBe(readFileSync(join(local, 'r4/patches.json'), 'utf8'));
    expect(existsSync(`${queued}.dydca-work`)).toBe(false);
  }, 240_000);

  it('a worker SIGKILLed mid-job: another worker takes the stalled job over and the pack completes', async () => {
    const a = startWorker(), b = startWorker();
    await until('both workers ready', () => [a, b].every((w) => w.lines.some((l) => l.startsWith('[worker] taking jobs'))));
    const out = join(dir, 'killed');
    const pack = spawnDydca('pack', [clip, '--out', out, ...PACK, '--steps', '200', '--queue', redis.url]);
    await until('training to start on a worker', () => [a, b].some((w) => w.lines.some((l) => / train-0 started/.test(l))), 120);
    const victim = [a, b].find((w) => w.lines.some((l) => / train-0 started/.test(l)))!;
    const other = victim === a ? b : a;
    await new Promise((r) => setTimeout(r, 1500));
    process.kill(-victim.child.pid!, 'SIGKILL');
    const r = await pack.done;
    expect(r.code, r.stderr).toBe(0);
    expect(other.lines.some((l) => / train-0 started/.test(l))).toBe(true);
    expect(other.lines.some((l) => / finish done/.test(l))).toBe(true);
    expect(manifestOf(out).training.steps).toBe(200);
  }, 300_000);

  it('a job that always fails is retried, then ends the pack with one clear line', async () => {
    startWorker();
    // moov first, so ffprobe reads its header, but no frame decodes: the chunk job fails on every attempt
    const whole = join(dir, 'faststart.mp4');
    execFileSync('ffmpeg', ['-v', 'error', '-i', clip, '-c', 'copy', '-movflags', '+faststart', '-y', whole]);
    const bytes = readFileSync(whole);
    const cut = join(dir, 'cut20.mp4');
    writeFileSync(cut, bytes.subarray(0, Math.floor(bytes.length * 0.2)));
    const r = await runDydca('pack', [cut, '--out', join(dir, 'never'), ...PACK, '--steps', '5', '--queue', redis.url]);
    expect(r.code).toBe(1);
    expect(r.stderr.split('\n').filter((l) => l.startsWith('dydca pack:'))).toEqual([
      expect.stringMatching(/^dydca pack: job chunk-0 failed after 3 attempts: cut20\.mp4: .*truncated or damaged/),
    ]);
    expect(existsSync(join(dir, 'never'))).toBe(false);
  }, 120_000);

  it('several videos with --out-dir share the workers; dydca status lists them while they run', async () => {
    startWorker();
    const second = join(dir, 'other.mp4');
    writeFileSync(second, readFileSync(clip));
    const outDir = join(dir, 'many');
    const pack = spawnDydca('pack', [clip, second, '--out-dir', outDir, ...PACK, '--steps', '20', '--queue', redis.url]);
    // one status run at a time, until it lists both packs in flight
    let listed = '';
    for (let i = 0; i < 120 && listed.split('\n').filter((l) => l.includes(outDir)).length < 2; i++) {
      listed = (await runDydca('status', ['--queue', redis.url])).stdout;
    }
    expect(listed).toMatch(/many\/clip {2}(chunks|train|metrics|finish) \[/);
    const r = await pack.done;
    expect(r.code, r.stderr).toBe(0);
    for (const name of ['clip', 'other']) expect(statSync(join(outDir, name, 'manifest.json')).isFile()).toBe(true);
  }, 300_000);

  it.each([
    ['a URL that is not redis://', 'http://127.0.0.1:6379', /--queue http:\/\/127\.0\.0\.1:6379: expected a redis:\/\/ URL/],
    ['nothing listening there', 'redis://127.0.0.1:1', /cannot reach Redis at redis:\/\/127\.0\.0\.1:1 \(.*\); is redis-server running there\?/],
  ])('%s: one line, exit 2', async (_name, url, want) => {
    for (const [command, args] of [['pack', [clip, '--out', join(dir, 'x'), '--queue', url]], ['worker', ['--queue', url]], ['status', ['--queue', url]]] as const) {
      const r = await runDydca(command, [...args]);
      expect(r.code, `${command}: ${r.stderr}`).toBe(2);
      expect(r.stderr.trim().split('\n').filter((l) => !l.startsWith('npm warn'))).toEqual([expect.stringMatching(want)]);
    }
  }, 60_000);
});
