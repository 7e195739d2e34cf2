// Resumable packs through the real CLI: `dydca pack` SIGKILLed at stage boundaries and mid-training, rerun with
// the same command, says `[resume] ` and what it reuses, redoes only the rest (training from its checkpoint) and
// ends with the same pack as an uninterrupted run; changed options or a changed input start over, saying why.
import { type ChildProcess } from 'node:child_process';
import { existsSync, mkdtempSync, readFileSync, rmSync, utimesSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { cutTestClip, runDydca, spawnDydca } from './cli-runner.test-helper.js';
import type { PackManifest, PatchesFile } from '../format/manifest.js';

let dir: string;
let clip: string;
const ARGS = ['--scale', '2', '--max-width', '128', '--paths', '2', '--patch', '32', '--batch', '4', '--steps', '120'];

beforeAll(() => {
  dir = mkdtempSync(join(tmpdir(), 'dydca-resume-'));
  clip = cutTestClip(join(dir, 'clip.mp4'), 256, 144, 0.5);
}, 60_000);
afterAll(() => rmSync(dir, { recursive: true, force: true }));

/** Runs `dydca pack` and SIGKILLs it (and its children) as soon as `when` holds for its stderr so far; returns that stderr. */
async function packKilledWhen(out: string, args: string[], when: (stderr: string) => boolean): Promise<string> {
  const run = spawnDydca('pack', [clip, '--out', out, ...args]);
  let stderr = '';
  await new Promise<void>((resolve, reject) => {
    const child: ChildProcess = run.child;
    const check = (): void => {
      if (!when(stderr)) return;
      clearInterval(timer);
      process.kill(-child.pid!, 'SIGKILL');
      resolve();
    };
    child.stderr!.on('data', (d: Buffer) => { stderr += d.toString(); check(); });
    const timer = setInterval(check, 50);
    child.on('close', () => { clearInterval(timer); reject(new Error(`the pack ended before it could be killed:\n${stderr}`)); });
  });
  await run.done;
  return stderr;
}

const manifestOf = (out: string): PackManifest => JSON.parse(readFileSync(join(out, 'manifest.json'), 'utf8')) as PackManifest;

describe('dydca pack resumes after SIGKILL', () => {
  it('at each stage boundary and mid-training, with the same result as an uninterrupted pack', async () => {
    const reference = join(dir, 'reference');
    const r0 = await runDydca('pack', [clip, '--out', reference, ...ARGS]);
    expect(r0.code, r0.stderr).toBe(0);
    expect(r0.stderr).not.toMatch(/\[resume\]/);

    const out = join(dir, 'pack');
    const work = `${out}.dydca-work`;
    // 1: killed as training starts (the chunks are done)
    await packKilledWhen(out, ARGS, (e) => /\n\[train\] train the model/.test(e));
    expect(existsSync(out)).toBe(false);
    // 2: resumes with the chunks; killed mid-training, once a checkpoint is written
    let e = await packKilledWhen(out, ARGS, () => existsSync(join(work, 'train-0.ckpt')));
    expect(e).toMatch(new RegExp(`\\[resume\\] ${work}: reusing chunks 1/1; redoing only what is unfinished`));
    // 3: training resumes from its checkpoint; killed as the metrics start
    e = await packKilledWhen(out, ARGS, (s) => /\n\[metrics\]/.test(s));
    expect(e).toMatch(/\[resume\] .*: reusing chunks 1\/1; training resumes from its checkpoint \(train-0\)/);
    expect(e).toMatch(/resuming from its checkpoint/);
    // the top model fits no start weights again (tier 1, trained after it from scratch, does)
    expect(e.split('[train] tier 1:')[0]).not.toMatch(/skip convs: least-squares fit/);
    // 4: only the metrics and the finish are left (the reuse map was decided before the metrics; both tiers trained)
    const r = await runDydca('pack', [clip, '--out', out, ...ARGS]);
    expect(r.code, r.stderr).toBe(0);
    expect(r.stderr).toMatch(/\[resume\] .*: reusing chunks 1\/1, train 2\/2, reuse 1\/1; redoing only what is unfinished/);
    expect(r.stderr).not.toMatch(/\[(chunks|train|reuse)\] (?!as played)/); // no stage ran again (the [reuse] summary line is not a stage)
    expect(existsSync(work)).toBe(false);

    const [a, b] = [manifestOf(reference), manifestOf(out)];
    // the split is the same; the reuse map's modes follow the model, which may differ in its last bits
    const rects = (dir: string) => (JSON.parse(readFileSync(join(dir, 'patches.json'), 'utf8')) as PatchesFile).frames.map((f) => f.map((t) => t.slice(0, 5)));
    expect(rects(out)).toEqual(rects(reference));
    expect(Math.abs(b.metrics.psnrSRPlayed! - a.metrics.psnrSRPlayed!)).toBeLessThan(0.02);
    expect(b.training.steps).toBe(120);
    expect(b.tiers!.map((t) => t.training!.steps)).toEqual([120, 120]);
    expect(Math.abs(b.tiers![1].metrics.psnrSR - a.tiers![1].metrics.psnrSR)).toBeLessThan(0.02);
    // the checkpoint holds weights, moments and the sampler's state: the resumed training is the same run
    expect(Math.abs(b.metrics.psnrSR - a.metrics.psnrSR)).toBeLessThan(0.02);
    expect(b.metrics.psnrBicubic).toBe(a.metrics.psnrBicubic);
  }, 400_000);

  it('changed options or a changed input start over, saying what changed', async () => {
    const out = join(dir, 'changed');
    await packKilledWhen(out, ARGS, (e) => /\n\[train\] /.test(e));
    const more = ARGS.map((v, i) => (ARGS[i - 1] === '--steps' ? '121' : v));
    let e = await packKilledWhen(out, more, (s) => /\n\[train\] /.test(s));
    expect(e).toMatch(/\[resume\] not resuming the earlier work in .*changed\.dydca-work: --steps changed \(120 -> 121\); starting over/);
    utimesSync(clip, new Date(), new Date(Date.now() + 5000));
    e = await packKilledWhen(out, more, (s) => /\[resume\]/.test(s) && /\n\[chunks\] /.test(s));
    expect(e).toMatch(/\[resume\] not resuming .*: the input video \(its modification time\) changed/);
  }, 200_000);
});
