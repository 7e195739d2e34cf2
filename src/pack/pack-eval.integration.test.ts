// End to end through the real CLI: pack a 1-second 256x144 cut of a real clip (the demo clip when it can be
// fetched, else ffmpeg's mandelbrot source) with a tiny step budget, check the folder, then eval it: SR > bicubic.
import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { cutTestClip, runDydca } from './cli-runner.test-helper.js';
import { manifestProblems, type PackManifest, type PatchesFile } from '../format/manifest.js';
import { validateLayout } from '../format/patch-layout.js';

let dir: string;
let clip: string;

beforeAll(() => {
  dir = mkdtempSync(join(tmpdir(), 'dydca-e2e-'));
  clip = cutTestClip(join(dir, 'cut.mp4'), 256, 144, 1);
}, 60_000);
afterAll(() => rmSync(dir, { recursive: true, force: true }));

describe('dydca pack + eval', () => {
  it('packs a 1 s clip and SR beats bicubic', async () => {
    const out = join(dir, 'pack');
    const packed = await runDydca('pack', [clip, '--out', out, '--steps', '80', '--batch', '8', '--lr', '0.003', '--json']);
    expect(packed.stderr).toMatch(/\[done\]/);
    expect(packed.code).toBe(0);
    const summary = JSON.parse(packed.stdout) as { manifest: PackManifest };
    const m = JSON.parse(readFileSync(join(out, 'manifest.json'), 'utf8')) as PackManifest;
    expect(summary.manifest).toEqual(m);
    expect(manifestProblems(m)).toEqual([]);
    expect([m.lr.width, m.lr.height, m.hr.width, m.hr.height, m.frames]).toEqual([128, 80, 256, 160, 20]); // 256x144 padded to whole 32 px (x2, finest patch 16)
    const patches = JSON.parse(readFileSync(join(out, 'patches.json'), 'utf8')) as PatchesFile;
    expect(patches.frames).toHaveLength(20);
    for (const f of patches.frames) expect(validateLayout(f, 128, 80)).toBeNull();
    expect(m.metrics.psnrLrStream).toBeGreaterThan(38);
    expect(m.metrics.psnrSR).toBeGreaterThan(m.metrics.psnrBicubic);
    expect(m.metrics.ssimSRPerFrame).toHaveLength(20);
    for (const v of [...m.metrics.ssimSRPerFrame!, ...m.metrics.ssimBicubicPerFrame!]) expect(v > 0 && v < 1).toBe(true);
    expect(m.training).toMatchObject({ trainer: 'ort', budgetSeconds: null, steps: 80 });

    const evaluated = await runDydca('eval', [out, '--json']);
    expect(evaluated.code).toBe(0);
    const report = JSON.parse(evaluated.stdout) as { psnrSR: number; psnrBicubic: number; psnrSRPerFrame: number[]; ssimSR: number; ssimBicubic: number; ssimSRPerFrame: number[] };
    expect(report.psnrSRPerFrame).toHaveLength(20);
    expect(report.ssimSRPerFrame).toHaveLength(20);
    // the same frames as the packer's, against the lossy hr.mp4: close, not equal
    expect(Math.abs(report.ssimSR - m.metrics.ssimSR!)).toBeLessThan(0.02);
    expect(Math.abs(report.ssimBicubic - m.metrics.ssimBicubic!)).toBeLessThan(0.02);
    expect(report.psnrSR).toBeGreaterThan(report.psnrBicubic);
    // eval's reference is the lossy hr.mp4, so it is close to, not equal to, the packer's numbers
    expect(Math.abs(report.psnrSR - m.metrics.psnrSR)).toBeLessThan(2);
  }, 170_000);

  it('packs with --scorer trained (the split follows a briefly trained network) and SR beats bicubic', async () => {
    const out = join(dir, 'pack-trained-scorer');
    const packed = await runDydca('pack', [clip, '--out', out, '--seconds', '0.5', '--steps', '20', '--batch', '4', '--scorer', 'trained', '--json']);
    expect(packed.stderr).toMatch(/training the scorer/);
    expect(packed.code).toBe(0);
    const m = JSON.parse(readFileSync(join(out, 'manifest.json'), 'utf8')) as PackManifest;
    expect(m.split.scorer).toBe('trained');
    expect(m.metrics.psnrSR).toBeGreaterThan(m.metrics.psnrBicubic);
  }, 120_000);
});
