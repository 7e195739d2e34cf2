// The packer's [done] line and `dydca eval` on a clip opening with black frames: frames reproduced exactly score the
// 100 dB cap, so both report the PSNR of the video's mean squared error and say why (it read "SR 24.07 dB, bicubic
// 67.47 dB" before: the black frames' 100 dB for bicubic swamped the mean of per-frame PSNR).
import { execFileSync } from 'node:child_process';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, expect, it } from 'vitest';
import { runDydca } from './cli-runner.test-helper.js';

let dir: string;
beforeAll(() => {
  dir = mkdtempSync(join(tmpdir(), 'dydca-black-'));
  execFileSync('ffmpeg', ['-v', 'error', '-f', 'lavfi', '-i', 'color=black:size=128x128:rate=10:duration=0.3', '-f', 'lavfi', '-i', 'testsrc2=size=128x128:rate=10:duration=0.5',
    '-filter_complex', '[0][1]concat=n=2:v=1[v]', '-map', '[v]', '-pix_fmt', 'yuv420p', join(dir, 'clip.mp4')]);
});
afterAll(() => rmSync(dir, { recursive: true, force: true }));

it('a clip opening with black frames: [done] and eval report PSNR of the video\'s MSE and say which frames were exact', async () => {
  const packed = await runDydca('pack', [join(dir, 'clip.mp4'), '--out', join(dir, 'pack'), '--steps', '1']);
  expect(packed.code).toBe(0);
  const done = packed.stderr.split('\n').find((l) => l.startsWith('[done] '))!;
  console.log(done);
  expect(done).toMatch(/: SR \d+\.\d\d dB, bicubic \d+\.\d\d dB \([+-]\d+\.\d\d\), PSNR of the mean squared error over all 8 frames \(frames reproduced exactly, e\.g\. black ones: 3 bicubic.*; they score the 100 dB cap, so the mean of per-frame PSNR, .* would mislead\), [\d.]+ s$/);
  const evaluated = await runDydca('eval', [join(dir, 'pack'), '--json']);
  expect(evaluated.code).toBe(0);
  const report = JSON.parse(evaluated.stdout) as { summary: { frames: number; exactBicubic: number; reported: string; videoSR: number; videoBicubic: number } };
  expect(report.summary).toMatchObject({ frames: 8, exactBicubic: 3, reported: 'video-mse' });
  expect(report.summary.videoBicubic).toBeLessThan(60); // the black frames no longer dominate
}, 180_000);
