// The ingest's pure checks: frames a container declares for a range (truncation is measured against it)
// and the up-front memory bound; localVideoFile's refusal of URLs and its ffmpeg argument.
import { describe, expect, it } from 'vitest';
import { expectedFrames, localVideoFile, memoryProblem, type VideoProbe } from './ingest.js';

const probe = (frameCount: number | null, durationS: number | null): VideoProbe => ({ width: 256, height: 128, fps: 10, frameCount, codec: 'h264', durationS });

describe('expectedFrames', () => {
  it.each<[string, VideoProbe, number, number | null, { count: number; exact: boolean } | null]>([
    ['whole file with nb_frames: exact', probe(10, 1), 0, null, { count: 10, exact: true }],
    ['a range longer than the file: still exact', probe(10, 1), 0, 5, { count: 10, exact: true }],
    ['cut by --seconds: estimated', probe(10, 1), 0, 0.5, { count: 5, exact: false }],
    ['cut by --start: estimated', probe(10, 1), 0.3, null, { count: 7, exact: false }],
    ['duration only (mkv): estimated', probe(null, 2), 0, null, { count: 20, exact: false }],
    ['nothing declared', probe(null, null), 0, null, null],
  ])('%s', (_name, p, start, seconds, want) => expect(expectedFrames(p, start, seconds)).toEqual(want));
});

describe('memoryProblem', () => {
  it('passes a clip that fits in half the memory, refuses one that does not, with sizes and what to change', () => {
    expect(memoryProblem(280, 960, 512, 2, 8 * 2 ** 30)).toBeNull();
    expect(memoryProblem(36_000, 3840, 2160, 2, 8 * 2 ** 30)).toMatch(/^36000 frames of 3840x2160 need about 1\d{3}\.\d GB of memory and this machine has 8\.0 GB: pack a shorter range or a smaller width$/);
    expect(memoryProblem(null, 8192, 8192, 2, 1)).toBeNull();
  });
});

describe('localVideoFile', () => {
  it.each(['http://example.com/a.mp4', 'rtmp://host/live', 'concat:a.mp4|b.mp4', 'pipe:0'])('refuses %s as a URL', (u) => {
    expect(() => localVideoFile(u)).toThrow(/only local files can be packed \(this looks like a URL\)/);
  });
  it('a local file becomes file:<absolute path> for ffmpeg; a file: URL is its path', () => {
    const self = new URL(import.meta.url);
    expect(localVideoFile(self.pathname).ffmpegArg).toBe(`file:${self.pathname}`);
    expect(localVideoFile(self.href).path).toBe(self.pathname);
  });
});
