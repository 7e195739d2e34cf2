import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { cropPicture, readSourceChunk, videoStartOffset } from './source-frames.js';
import { readRawFrames, runTool } from './ffmpeg-process.js';
import { ingestFfmpegArgs, planFrame, probeVideo, type VideoProbe } from './ingest.js';

describe('cropPicture', () => {
  it('keeps the top-left picture of a padded frame', () => {
    const padded = Uint8Array.from({ length: 4 * 3 * 3 }, (_, i) => i);
    expect(Array.from(cropPicture(padded, 4, 2, 2))).toEqual([0, 1, 2, 3, 4, 5, 12, 13, 14, 15, 16, 17]);
  });
});

describe('readSourceChunk', () => {
  let dir = '';
  const clips: Record<string, string> = {};
  beforeAll(async () => {
    dir = mkdtempSync(join(tmpdir(), 'dydca-chunks-'));
    // B-frames, a GOP longer than a chunk, an audio track: seeks must still land on the exact frame
    clips.cfr = join(dir, 'cfr.mp4');
    let r = await runTool('ffmpeg', ['-v', 'error', '-f', 'lavfi', '-i', 'testsrc2=size=96x60:rate=25:duration=2.4', '-f', 'lavfi', '-i', 'sine=frequency=440:duration=2.6',
      '-c:v', 'libx264', '-bf', '3', '-g', '30', '-pix_fmt', 'yuv420p', '-c:a', 'aac', '-y', clips.cfr]);
    expect(r.code, r.stderr).toBe(0);
    // variable rate: 1 s at 25 fps, then 1 s at 5 fps
    clips.vfr = join(dir, 'vfr.mkv');
    r = await runTool('ffmpeg', ['-v', 'error', '-f', 'lavfi', '-i', 'testsrc2=size=96x60:rate=25:duration=1', '-f', 'lavfi', '-i', 'testsrc2=size=96x60:rate=5:duration=1',
      '-filter_complex', '[1:v]setpts=PTS+1/TB[b];[0:v][b]concat=n=2:v=1[v]', '-map', '[v]', '-fps_mode', 'vfr', '-c:v', 'libx264', '-pix_fmt', 'yuv420p', '-y', clips.vfr]);
    expect(r.code, r.stderr).toBe(0);
  }, 60_000);
  afterAll(() => rmSync(dir, { recursive: true, force: true }));

  const whole = async (probe: VideoProbe, plan: ReturnType<typeof planFrame>): Promise<Uint8Array[]> =>
    (await readRawFrames(ingestFfmpegArgs(probe, plan, { start: 0, seconds: null }), plan.paddedWidth * plan.paddedHeight * 3)).frames;

  it.each(['cfr', 'vfr'])('chunks read separately equal one decode of the whole %s clip, frame for frame (padded)', async (kind) => {
    const probe = await probeVideo(clips[kind]);
    // a 16 px grid pads 96x60 to 96x64: the padding comes with every chunk
    const plan = planFrame(probe, null, 16);
    expect([plan.paddedWidth, plan.paddedHeight]).toEqual([96, 64]);
    const all = await whole(probe, plan);
    expect(all.length).toBeGreaterThan(40);
    const offset = await videoStartOffset(probe);
    for (const size of [7, 16]) {
      const got: Uint8Array[] = [];
      for (let first = 0; first < all.length; first += size) {
        const frames = Math.min(size, all.length - first);
        const r = await readSourceChunk({ probe, frame: plan, firstSourceFrame: first, frames, videoStartOffset: offset });
        expect(r.frames.length, `${kind} chunk at ${first}`).toBe(frames);
        got.push(...r.frames.map((f) => f.data));
      }
      got.forEach((f, i) => expect(Buffer.compare(Buffer.from(f), Buffer.from(all[i])), `${kind} frame ${i} (chunks of ${size})`).toBe(0));
    }
  }, 120_000);
});
