// chunkAndSegmentFrames: 2 s segments, 10 s chunks of whole segments, both bounded by the HR bytes of a chunk.
import { describe, expect, it } from 'vitest';
import { CHUNK_HR_BYTES, chunkAndSegmentFrames } from './pack-plan.js';

describe('chunkAndSegmentFrames', () => {
  const frame = (w: number, h: number): number => w * h * 3;
  it.each<[string, number, number, { segment: number; chunk: number }]>([
    ['the demo, 20 fps 960x544', 20, frame(960, 544), { segment: 40, chunk: 200 }],
    ['25 fps 640x360', 25, frame(640, 360), { segment: 50, chunk: 250 }],
    ['29.97 fps 640x360', 30000 / 1001, frame(640, 360), { segment: 60, chunk: 300 }],
    // 64 HR frames fit the bound: one segment a chunk
    ['24 fps 1920x1088', 24, frame(1920, 1088), { segment: 48, chunk: 48 }],
    ['30 fps 1920x1088', 30, frame(1920, 1088), { segment: 60, chunk: 60 }],
    // fewer frames fit a chunk than a segment holds: segments shrink to the chunk
    ['60 fps 1920x1088', 60, frame(1920, 1088), { segment: 64, chunk: 64 }],
    ['24 fps 3840x2176', 24, frame(3840, 2176), { segment: 16, chunk: 16 }],
    ['a frame larger than the bound', 24, CHUNK_HR_BYTES + 1, { segment: 1, chunk: 1 }],
    ['10 fps, a chunk of 5 segments', 10, frame(64, 64), { segment: 20, chunk: 100 }],
    ['0.3 fps', 0.3, frame(64, 64), { segment: 1, chunk: 3 }],
  ])('%s', (_name, fps, bytes, want) => {
    const got = chunkAndSegmentFrames(fps, bytes);
    expect(got).toEqual(want);
    expect(got.chunk % got.segment).toBe(0);
    expect(got.chunk * bytes <= CHUNK_HR_BYTES || got.chunk === 1).toBe(true);
  });
});
