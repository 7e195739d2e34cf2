// A metrics job on a chunk with no measured frame (a 10-minute 1080p pack measures 1 frame in 84 with 40-frame
// chunks, so every other chunk has none) still writes its file: the finish job reads every chunk's, and before
// this a 10-minute pack failed at its very end with `ENOENT ... metrics-00001.json`.
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import type { PackPlan } from '../pack-plan.js';
import { WorkFolder } from '../work-folder.js';
import { chunkFiles } from './job-context.js';
import { runMetricsJob } from './metrics-stage.js';

const dir = mkdtempSync(join(tmpdir(), 'dydca-metrics-'));
afterAll(() => rmSync(dir, { recursive: true, force: true }));

describe('runMetricsJob', () => {
  it('writes an empty result for a chunk none of whose frames the stride measures', async () => {
    const work = new WorkFolder(dir);
    // chunk 1 holds frames 40..79; the stride measures 0, 84, 168, ...
    const plan = { frames: 200, chunkFrames: 40, metricsStride: 84 } as PackPlan;
    work.writeJson(chunkFiles(1).layout, { firstFrame: 40, frames: Array.from({ length: 40 }, () => [[0, 0, 8, 8, 0]]) });
    const progress = { stage() {}, count() {}, jobs() {}, line() {}, warn() {}, training() {} };
    const result = await runMetricsJob({ plan, work, progress }, 1);
    expect(result).toEqual({ frames: [], scores: [] });
    expect(work.readJson(chunkFiles(1).metrics)).toEqual({ frames: [], scores: [] });
  });
});
