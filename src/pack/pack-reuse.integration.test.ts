// The reuse map end to end through the CLI: pack a slideshow (runs of equal frames) with the default --reuse-margin,
// check the layout's modes and rules and the manifest's numbers, then `dydca eval` replays the map to the same result.
import { execFileSync } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { runDydca } from './cli-runner.test-helper.js';
import { manifestProblems, patchesProblem, type PackManifest, type PatchesFile } from '../format/manifest.js';
import { tupleMode } from '../format/patch-mode.js';

let dir: string;
let clip: string;

beforeAll(() => {
  dir = mkdtempSync(join(tmpdir(), 'dydca-reuse-'));
  clip = join(dir, 'slides.mp4');
  // two pictures a second at 20 fps: frames 0-9, 10-19 equal
  execFileSync('ffmpeg', ['-v', 'error', '-y', '-f', 'lavfi', '-i', 'testsrc2=s=128x72:r=2', '-t', '1', '-vf', 'fps=20', '-pix_fmt', 'yuv420p', '-c:v', 'libx264', '-crf', '10', clip]);
}, 60_000);
afterAll(() => rmSync(dir, { recursive: true, force: true }));

describe('dydca pack with a reuse map, and eval', () => {
  it('reuses runs of equal frames within the margin, and eval replays it', async () => {
    const out = join(dir, 'pack');
    const packed = await runDydca('pack', [clip, '--out', out, '--steps', '20', '--batch', '4', '--paths', '2', '--patch', '32']);
    expect(packed.code).toBe(0);
    expect(packed.stderr).toMatch(/\[reuse\]/);
    expect(packed.stderr).toMatch(/\[reuse\] as played with the reuse map: SR [\d.]+ dB \(full SR [\d.]+\), [\d.]+ GFLOP per frame executed \(full SR [\d.]+\)\n/);
    const m = JSON.parse(readFileSync(join(out, 'manifest.json'), 'utf8')) as PackManifest;
    expect(manifestProblems(m)).toEqual([]);
    const patches = JSON.parse(readFileSync(join(out, 'patches.json'), 'utf8')) as PatchesFile;
    expect(patchesProblem(patches, m)).toBeNull();
    const modes = patches.frames.map((f) => f.map(tupleMode));
    expect(modes[0]).not.toContain(1);
    // a frame inside a run reuses most of its patches
    expect(modes[5].filter((x) => x === 1).length).toBeGreaterThan(modes[5].length / 2);
    expect(m.metrics.reuseMargin).toBe(0.1);
    expect(m.gflopsPerFrame!.executed!.mean).toBeLessThan(m.gflopsPerFrame!.mean / 3);
    // the bound holds frame by frame (every frame is measured at this length), so for the mean too
    m.metrics.psnrSRPlayedPerFrame!.forEach((p, i) => expect(p).toBeGreaterThanOrEqual(m.metrics.psnrSRPerFrame[i] - 0.1 - 1e-3));

    const evaluated = await runDydca('eval', [out, '--json']);
    expect(evaluated.code).toBe(0);
    const report = JSON.parse(evaluated.stdout) as { psnrSR: number; psnrSRPlayed: number; psnrSRPlayedPerFrame: number[]; executedGflopsPerFrame: { mean: number } };
    expect(report.psnrSRPlayedPerFrame).toHaveLength(20);
    expect(report.executedGflopsPerFrame.mean).toBe(m.gflopsPerFrame!.executed!.mean);
    // against the lossy hr.mp4 rather than the exact frames: the loss as played is of the same size
    expect(report.psnrSR - report.psnrSRPlayed).toBeLessThan(0.3);
    expect(Math.abs((report.psnrSR - report.psnrSRPlayed) - (m.metrics.psnrSR - m.metrics.psnrSRPlayed!))).toBeLessThan(0.15);
  }, 240_000);
});
