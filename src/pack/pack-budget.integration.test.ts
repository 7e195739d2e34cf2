// `dydca pack --max-gflops-per-frame` end to end: a tiny real pack sized to a budget that the default paths exceed;
// the manifest's cost fits the budget and matches its layout (and `dydca eval --json`), and model.onnx holds the chosen channels and blocks.
import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { cutTestClip, runDydca } from './cli-runner.test-helper.js';
import { manifestProblems, type PackManifest, type PatchesFile } from '../format/manifest.js';
import { gflopsPerFrame } from '../model/sr-cost.js';
import { readModel } from '../onnx/model-io.js';

let dir: string;
let clip: string;

beforeAll(() => {
  dir = mkdtempSync(join(tmpdir(), 'dydca-budget-'));
  clip = cutTestClip(join(dir, 'cut.mp4'), 256, 144, 0.5);
}, 60_000);
afterAll(() => rmSync(dir, { recursive: true, force: true }));

describe('dydca pack --max-gflops-per-frame', () => {
  it('sizes the paths so every frame fits, and says so in the manifest and the model', async () => {
    const out = join(dir, 'pack');
    const budget = 0.8;
    const r = await runDydca('pack', [clip, '--out', out, '--steps', '3', '--batch', '4', '--max-gflops-per-frame', String(budget)]);
    expect(r.code, r.stderr).toBe(0);
    expect(r.stderr).toMatch(/\[train\] budget 0\.8 GFLOP per frame: \d+ channels, blocks \d\/\d\/\d \(max [\d.]+, mean [\d.]+ GFLOP per frame; default paths [\d.]+\/[\d.]+; best of 98\)/);
    const m = JSON.parse(readFileSync(join(out, 'manifest.json'), 'utf8')) as PackManifest;
    expect(manifestProblems(m)).toEqual([]);
    expect(m.model.budget).toEqual({ maxGflopsPerFrame: budget });
    expect(m.gflopsPerFrame!.max).toBeLessThanOrEqual(budget);
    expect(m.gflopsPerFrame!.mean).toBeLessThanOrEqual(m.gflopsPerFrame!.max);

    // the manifest's cost is its layout's; the default paths would not have fit that layout
    const layout = (JSON.parse(readFileSync(join(out, 'patches.json'), 'utf8')) as PatchesFile).frames.map((f) => f.map(([, , w, h, path]) => ({ w, h, path })));
    const { executed, ...full } = m.gflopsPerFrame!;
    expect(gflopsPerFrame(layout, m.model.paths, m.scale, m.halo)).toEqual(full);
    // the reuse map (default margin) runs SR on fewer patches: within the budget too
    expect(executed!.max).toBeLessThanOrEqual(full.max);
    const defaults = m.model.paths.map((p, k) => ({ blocks: [2, 3, 4][k], channels: 32 }));
    expect(gflopsPerFrame(layout, defaults, m.scale, m.halo).max).toBeGreaterThan(2 * budget);

    // model.onnx was exported with the chosen spec: channels of every conv, blocks per path
    const init = readModel(readFileSync(join(out, 'model.onnx'))).graph.initializers;
    for (const p of m.model.paths) {
      expect(p.channels).toBeLessThanOrEqual(32);
      expect(init.get(`p${p.id}.head.w`)!.dims).toEqual([p.channels, 3, 3, 3]);
      expect(init.get(`p${p.id}.b0.c1.w`)!.dims).toEqual([2 * p.channels, p.channels, 3, 3]);
      expect(init.get(`p${p.id}.tail.w`)!.dims).toEqual([12, p.channels, 3, 3]);
      expect([...init.keys()].filter((k) => k.startsWith(`p${p.id}.b`) && k.endsWith('.c1.w'))).toHaveLength(p.blocks);
    }

    const evaluated = await runDydca('eval', [out, '--json']);
    expect(evaluated.code, evaluated.stderr).toBe(0);
    expect((JSON.parse(evaluated.stdout) as { gflopsPerFrame: unknown }).gflopsPerFrame).toEqual(m.gflopsPerFrame);
  }, 170_000);
});
