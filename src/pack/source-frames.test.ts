import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { cropPicture, padEdges, readSourceChunk, videoStartOffset, type SourceChunk } from './source-frames.js';
import { readRawFrames, runTool } from './ffmpeg-process.js';

describe('padEdges / cropPicture', () => {
  it.each([[3, 2, 3, 2], [3, 2, 4, 4], [5, 3, 8, 8], [1, 1, 2, 3]])('pads %ix%i to %ix%i by repeating the last column and row', (w, h, pw, ph) => {
    const pic = Uint8Array.from({ length: w * h * 3 }, (_, i) => (i * 37 + 11) % 251);
    const out = padEdges(pic, w, h, pw, ph);
    expect(out.length).toBe(pw * ph * 3);
    for (let y = 0; y < ph; y++) for (let x = 0; x < pw; x++) for (let c = 0; c < 3; c++) {
      expect(out[(y * pw + x) * 3 + c]).toBe(pic[(Math.min(y, h - 1) * w + Math.min(x, w - 1)) * 3 + c]);
    }
    expect(cropPicture(out, pw, w, h)).toEqual(pic);
  });
});

describe('readSourceChunk', () => {
  let dir = '';
  let clip = '';
  beforeAll(async () => {
    dir = mkdtempSync(join(tmpdir(), 'dydca-chunks-'));
    clip = join(dir, 'clip.mp4');
    // B-frames, a GOP longer than a chunk, and an audio track starting before the video: seeks must still be exact
    const r = await runTool('ffmpeg', ['-v', 'error', '-f', 'lavfi', '-i', 'testsrc2=size=96x64:rate=25:duration=2.4', '-f', 'lavfi', '-i', 'sine=frequency=440:duration=2.6',
      '-filter_complex', '[1:a]adelay=0[a]', '-map', '0:v', '-map', '[a]', '-c:v', 'libx264', '-bf', '3', '-g', '30', '-pix_fmt', 'yuv420p', '-c:a', 'aac', '-y', clip]);
    expect(r.code, r.stderr).toBe(0);
  }, 60_000);
  afterAll(() => rmSync(dir, { recursive: true, force: true }));

  it('chunks read separately equal one decode of the whole clip, frame for frame', async () => {
    const whole = await readRawFrames(['-v', 'error', '-i', `file:${clip}`, '-map', '0:v:0', '-fps_mode', 'passthrough', '-vf', 'scale=96:64:flags=lanczos+accurate_rnd+full_chroma_int',
      '-f', 'rawvideo', '-pix_fmt', 'rgb24', '-sws_flags', 'accurate_rnd+full_chroma_int', 'pipe:1'], 96 * 64 * 3);
    expect(whole.frames.length).toBe(60);
    const offset = await videoStartOffset(clip);
    const geometry = { pictureWidth: 96, pictureHeight: 64, paddedWidth: 96, paddedHeight: 64, scaledWidth: 96, scaledHeight: 64 };
    for (const size of [7, 16]) {
      const got: Uint8Array[] = [];
      for (let first = 0; first < 60; first += size) {
        const chunk: SourceChunk = { file: clip, firstSourceFrame: first, frames: Math.min(size, 60 - first), fps: 25, videoStartOffset: offset, geometry };
        const r = await readSourceChunk(chunk);
        expect(r.frames.length, `chunk at ${first}`).toBe(chunk.frames);
        got.push(...r.frames.map((f) => f.data));
      }
      got.forEach((f, i) => expect(Buffer.compare(Buffer.from(f), Buffer.from(whole.frames[i])), `frame ${i} (chunks of ${size})`).toBe(0));
    }
  }, 60_000);

  it('pads each frame to the plan\'s frame with the edge repeated', async () => {
    const geometry = { pictureWidth: 96, pictureHeight: 64, paddedWidth: 112, paddedHeight: 80, scaledWidth: 96, scaledHeight: 64 };
    const r = await readSourceChunk({ file: clip, firstSourceFrame: 3, frames: 2, fps: 25, videoStartOffset: await videoStartOffset(clip), geometry });
    expect(r.frames.map((f) => [f.width, f.height])).toEqual([[112, 80], [112, 80]]);
    const f = r.frames[0].data;
    expect(Array.from(f.subarray((79 * 112 + 111) * 3, (79 * 112 + 111) * 3 + 3))).toEqual(Array.from(f.subarray((63 * 112 + 95) * 3, (63 * 112 + 95) * 3 + 3)));
  }, 30_000);
});
