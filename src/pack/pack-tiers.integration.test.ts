// Model tiers end to end (issue 21 item 3) on a tiny clip (2 s at 10 fps, 128 px wide): the default pack carries two
// tiers in falling cost, tier 0 being the top level, tier 1's model under tier1/ running in onnxruntime-node with its
// PSNR in the manifest and in `dydca eval`; `--tiers 1` packs no tier; a --train-seconds pack splits the time by
// measured step times in its tier-split job and resumes after the tier jobs; --tiers with --ladder or a baseline is
// refused in one line; a tier no model is cheaper than is omitted.
import { execFileSync } from 'node:child_process';
import { existsSync, mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import * as ort from 'onnxruntime-node';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { runDydca } from './cli-runner.test-helper.js';
import { evaluatePack } from './evaluate.js';
import { manifestProblems, type PackManifest } from '../format/manifest.js';
import { packStages, runPackJob } from './job-graph.js';
import type { PackOptions } from './pack-options.js';
import { planPack } from './pack-plan.js';
import type { ProgressReporter } from './progress.js';
import { openPackWork, runPackInProcess } from './run-in-process.js';
import type { TierSplitRecord } from './stages/train-stage.js';

let dir: string, clip: string, pack: string;
let m: PackManifest;
const FRAMES = 20;
const ARGS = ['--max-width', '128', '--steps', '8', '--paths', '2', '--patch', '32', '--batch', '4'];

beforeAll(async () => {
  dir = mkdtempSync(join(tmpdir(), 'dydca-tiers-'));
  clip = join(dir, 'clip.mp4');
  execFileSync('ffmpeg', ['-v', 'error', '-f', 'lavfi', '-i', 'testsrc2=size=256x144:rate=10:duration=2', '-pix_fmt', 'yuv420p', '-c:v', 'libx264', '-crf', '12', clip]);
  pack = join(dir, 'pack');
  const r = await runDydca('pack', [clip, '--out', pack, ...ARGS, '--quiet']);
  expect(r.stderr).toBe('');
  expect(r.code).toBe(0);
  m = JSON.parse(readFileSync(join(pack, 'manifest.json'), 'utf8')) as PackManifest;
}, 240_000);
afterAll(() => rmSync(dir, { recursive: true, force: true }));

describe('dydca pack: model tiers', () => {
  it('two tiers by default, in falling cost; tier 0 is the top level, tier 1 under tier1/ on the same paths\' patches', () => {
    expect(manifestProblems(m)).toEqual([]);
    const [t0, t1] = m.tiers!;
    expect(m.tiers).toHaveLength(2);
    expect(t0).toMatchObject({ model: { file: 'model.onnx', paths: m.model.paths }, halo: m.halo, gflopsPerFrame: m.gflopsPerFrame,
      metrics: { psnrSR: m.metrics.psnrSR, psnrBicubic: m.metrics.psnrBicubic } });
    expect(t1.model.file).toBe('tier1/model.onnx');
    expect(existsSync(join(pack, t1.model.file))).toBe(true);
    expect(t1.model.paths.map((p) => [p.id, p.patch])).toEqual(m.model.paths.map((p) => [p.id, p.patch]));
    expect(t1.gflopsPerFrame.max).toBeLessThanOrEqual(t0.gflopsPerFrame.max / 2);
    // the reuse map is the layout's: tier 1 runs the same patches
    expect(t1.gflopsPerFrame.executed).toBeDefined();
    expect(t1.metrics.psnrBicubic).toBe(m.metrics.psnrBicubic);
    expect(t1.metrics.psnrSR).toBeGreaterThan(10);
    expect(t1.training).toEqual({ steps: 8, seconds: expect.any(Number) });
    expect(existsSync(`${pack}.dydca-work`)).toBe(false);
  });

  it('tier 1\'s model runs in onnxruntime-node: [N, 3, h, w] to [N, 3, 2h, 2w] on every path\'s patch', async () => {
    const session = await ort.InferenceSession.create(readFileSync(join(pack, m.tiers![1].model.file)));
    try {
      for (const p of m.tiers![1].model.paths) {
        const [h, w] = [p.patch[0] + 2 * m.halo, p.patch[1] + 2 * m.halo];
        const input = Float32Array.from({ length: 2 * 3 * h * w }, (_, i) => (Math.sin(i * 12.9898) + 1) / 2);
        const out = await session.run({ lr: new ort.Tensor('float32', input, [2, 3, h, w]) });
        expect(out.hr.dims).toEqual([2, 3, h * 2, w * 2]);
        expect((out.hr.data as Float32Array).every(Number.isFinite)).toBe(true);
      }
    } finally {
      await session.release();
    }
  }, 60_000);

  it('dydca eval runs every tier and reports its PSNR and cost', async () => {
    const report = await evaluatePack(pack);
    expect(report.tiers!.map((t) => [t.tier, t.file])).toEqual([[0, 'model.onnx'], [1, 'tier1/model.onnx']]);
    expect(report.tiers![0].psnrSR).toBe(report.psnrSR);
    expect(report.tiers![1].psnrSRPerFrame).toHaveLength(FRAMES);
    expect(report.tiers![1].gflopsPerFrame).toEqual({ mean: m.tiers![1].gflopsPerFrame.mean, max: m.tiers![1].gflopsPerFrame.max });
    expect(report.tiers![1].packed.psnrSR).toBe(m.tiers![1].metrics.psnrSR);
    // with the pack's reuse map: tier 0 as played is eval's played; each tier plays the same map on its own SR
    expect(report.gflopsPerFrame.executed).toBeDefined(); // testsrc2's still background: the default margin reuses
    expect(report.tiers![0].psnrSRPlayed).toBe(report.psnrSRPlayed);
    expect(report.tiers![1].psnrSRPlayed).toBeGreaterThan(10);
    expect(report.tiers![1].executedGflopsPerFrame!.mean).toBeLessThanOrEqual(report.tiers![1].gflopsPerFrame.mean);
    expect(report.tiers![1].executedGflopsPerFrame!.mean).toBeLessThan(report.tiers![0].executedGflopsPerFrame!.mean);
  }, 120_000);

  it('dydca eval names a missing tier model in one line', async () => {
    const broken = join(dir, 'broken');
    execFileSync('cp', ['-r', pack, broken]);
    rmSync(join(broken, 'tier1'), { recursive: true });
    const r = await runDydca('eval', [broken]);
    expect(r.code).toBe(2);
    expect(r.stderr).toMatch(/tier1\/model\.onnx/);
  }, 60_000);

  it('--tiers 1: no tiers field and no tier1/', async () => {
    const out = join(dir, 'one');
    const r = await runDydca('pack', [clip, '--out', out, ...ARGS, '--tiers', '1', '--quiet']);
    expect(r.code, r.stderr).toBe(0);
    const one = JSON.parse(readFileSync(join(out, 'manifest.json'), 'utf8')) as PackManifest;
    expect(one.tiers).toBeUndefined();
    expect(existsSync(join(out, 'tier1'))).toBe(false);
    expect(manifestProblems(one)).toEqual([]);
  }, 240_000);

  it('a tier no model is cheaper than is omitted: the top model at the cheapest spec packs without tiers', async () => {
    const out = join(dir, 'cheapest');
    // 0.041 GFLOP per frame: 8 channels, one block per path (0.0402 on this clip's layout), the cheapest candidate
    const r = await runDydca('pack', [clip, '--out', out, ...ARGS, '--max-gflops-per-frame', '0.041']);
    expect(r.code, r.stderr).toBe(0);
    expect(r.stderr).toMatch(/\[train\] tier 1: omitted \(no model is cheaper than tier 0 \(0\.0402 GFLOP per frame at most\)\)/);
    const c = JSON.parse(readFileSync(join(out, 'manifest.json'), 'utf8')) as PackManifest;
    expect(c.model.paths.map((p) => [p.channels, p.blocks])).toEqual([[8, 1], [8, 1]]);
    expect(c.tiers).toBeUndefined();
    expect(existsSync(join(out, 'tier1'))).toBe(false);
  }, 240_000);

  it.each([
    [['--tiers', '2', '--ladder', '4,2'], /--tiers 2 with --ladder: a ladder's rungs carry one model each/],
    [['--tiers', '2', '--method', 'nas'], /--tiers 2 needs --method dydca/],
    [['--tiers', '0'], /--tiers must be an integer in 1\.\.4; got 0/],
    [['--tiers', '5'], /--tiers must be an integer in 1\.\.4; got 5/],
  ])('dydca pack %s: one line, exit 2', async (args, want) => {
    const r = await runDydca('pack', [clip, '--out', join(dir, 'bad'), ...args]);
    expect(r.code).toBe(2);
    expect(r.stderr.trim().split('\n')).toEqual([expect.stringMatching(want)]);
  }, 60_000);
});

describe('tiers with --train-seconds: the split by measured step times, resumed after the tier jobs', () => {
  it('tier-split runs first; a rerun reuses it and the tier job and trains only tier 0', async () => {
    const workDir = join(dir, 'timed.dydca-work');
    const opts: PackOptions = {
      input: clip, out: join(dir, 'timed'), scale: 2, start: 0, seconds: null, maxWidth: 128, paths: 2, steps: 10_000_000, trainSeconds: 4, trainer: 'ort', batchSize: 4,
      learningRate: 1e-3, loss: 'l2', cropSampling: 'error', method: 'dydca', models: 3, scorer: 'bicubic', basePatch: 32, thresholds: [40], crf: 12, seed: 1,
      force: false, maxGflopsPerFrame: null, reuseMargin: 0, tiers: 2,
    };
    const plan = await planPack(opts);
    expect(packStages(plan).map((s) => [s.name, s.jobs])).toEqual([['chunks', ['chunk-0']], ['tiers', ['tier-split']], ['train', ['train-0', 'tier-1']],
      ['metrics', ['metrics-0']], ['finish', ['finish']]]);
    const lines: string[] = [];
    const progress: ProgressReporter = { stage: () => {}, count: () => {}, jobs: () => {}, training: () => {}, line: (t) => { lines.push(t); }, warn: () => {} };
    // a first run stopped after the split and tier 1's training
    const work = openPackWork(plan, workDir, progress);
    for (const job of ['chunk-0', 'tier-split', 'tier-1']) work.markDone(job, await runPackJob({ plan, work, progress }, job));
    const split = work.doneRecord<TierSplitRecord>('tier-split');
    expect(split.timings.every((s) => s !== null && s.perStep > 0 && s.setup >= 0)).toBe(true);
    expect(split.seconds[0] + split.seconds[1]).toBeCloseTo(4, 1);
    // as many steps each, after each model's setup
    const [a, b] = split.timings as { perStep: number; setup: number }[];
    const n = (4 - a.setup - b.setup) / (a.perStep + b.perStep);
    if (n > 0) expect(split.seconds[0]).toBeCloseTo(a.setup + n * a.perStep, 1);
    const s = await runPackInProcess(plan, workDir, progress);
    expect(lines.some((l) => /^\[resume\] .*reusing chunks 1\/1, tiers 1\/1, train 1\/2; redoing only what is unfinished/.test(l)), lines.join('\n')).toBe(true);
    expect(manifestProblems(s.manifest)).toEqual([]);
    expect(s.manifest.tiers).toHaveLength(2);
    expect(s.manifest.training.budgetSeconds).toBe(4);
    expect(existsSync(join(s.out, 'tier1', 'model.onnx'))).toBe(true);
    expect(existsSync(workDir)).toBe(false);
  }, 240_000);
});
