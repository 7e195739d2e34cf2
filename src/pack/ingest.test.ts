// The ingest's planning (stream choice, rotation, frame timing, the padded frame, ffmpeg's filters), its checks
// (frames a container declares for a range, the memory bound, frames too small or too large, URLs refused), and
// what ffmpeg really decodes from tiny videos made here: rotated, anamorphic, with a cover picture, variable rate, padded.
import { execFileSync } from 'node:child_process';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { readRawFrames } from './ffmpeg-process.js';
import {
  checkFrame, chooseVideoStream, completeFrameTimes, expectedFrames, frameTiming, ingestFfmpegArgs, ingestFilters, ingestVideo, localVideoFile, memoryProblem,
   planFrame, probeVideo, streamRotation, type FramePlan, type ProbedStream, type VideoProbe,
} from './ingest.js';

const declared = (frameCount: number | null, durationS: number | null): Pick<VideoProbe, 'fps' | 'frameCount' | 'durationS'> => ({ fps: 10, frameCount, durationS });

/** A probe of a `width x height` stream, square pixels, 25 fps, unless `over` says otherwise. */
const probeOf = (width: number, height: number, over: Partial<VideoProbe> = {}): VideoProbe => ({
  width, height, fps: 25, frameCount: null, codec: 'h264', durationS: 1, streamIndex: 0, rotation: 0, sar: { num: 1, den: 1 },
  timing: { rate: '25/1', fps: 25, variable: false, intervalsMs: null, from: 'r_frame_rate' },
  source: { path: '/v.mp4', size: 1, mtimeMs: 0, ffmpegInput: 'subfile,,start,0,end,1,,:file:/v.mp4' }, ...over,
});

describe('expectedFrames', () => {
  it.each<[string, Pick<VideoProbe, 'fps' | 'frameCount' | 'durationS'>, number, number | null, { count: number; exact: boolean } | null]>([
    ['whole file with nb_frames: exact', declared(10, 1), 0, null, { count: 10, exact: true }],
    ['a range longer than the file: still exact', declared(10, 1), 0, 5, { count: 10, exact: true }],
    ['cut by --seconds: estimated', declared(10, 1), 0, 0.5, { count: 5, exact: false }],
    ['cut by --start: estimated', declared(10, 1), 0.3, null, { count: 7, exact: false }],
    ['duration only (mkv, or a variable rate): estimated', declared(null, 2), 0, null, { count: 20, exact: false }],
    ['nothing declared', declared(null, null), 0, null, null],
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

describe('chooseVideoStream', () => {
  const video = (index: number, def: number, pic = 0): ProbedStream => ({ index, codec_type: 'video', width: 64, height: 48, disposition: { default: def, attached_pic: pic } });
  const audio: ProbedStream = { index: 0, codec_type: 'audio', disposition: { default: 1 } };
  it.each<[string, ProbedStream[], number | null]>([
    ['one video stream', [video(0, 1)], 0],
    ['a cover picture first (MP4/MKV cover art) is never chosen', [video(0, 1, 1), video(1, 0)], 1],
    ['the default stream of several', [video(0, 0), video(1, 1)], 1],
    ['no default: the first video stream', [audio, video(1, 0), video(2, 0)], 1],
    ['only a cover picture: none', [audio, video(1, 0, 1)], null],
  ])('%s', (_name, streams, want) => expect(chooseVideoStream(streams)?.index ?? null).toBe(want));
});

describe('streamRotation', () => {
  it.each<[string, ProbedStream, number]>([
    ['none', { index: 0 }, 0],
    ['display matrix 90 (counter-clockwise)', { index: 0, side_data_list: [{ rotation: 90 }] }, 90],
    ['display matrix -90', { index: 0, side_data_list: [{}, { rotation: -90 }] }, 270],
    ['display matrix 180.4 rounds to a quarter turn', { index: 0, side_data_list: [{ rotation: 180.4 }] }, 180],
    ['older rotate tag 90 (clockwise)', { index: 0, tags: { rotate: '90' } }, 270],
  ])('%s', (_name, s, want) => expect(streamRotation(s)).toBe(want));
});

describe('frameTiming', () => {
  const every = (n: number, dt: number, t0 = 0): number[] => Array.from({ length: n }, (_, i) => t0 + i * dt);
  it.each<[string, string | undefined, string | undefined, number[], Partial<ReturnType<typeof frameTiming>>]>([
    ['constant 25 fps', '25/1', '25/1', every(50, 0.04), { rate: '25/1', fps: 25, variable: false, from: 'r_frame_rate' }],
    ['29.97 fps in a millisecond time base (33/34 ms) keeps 30000/1001', '30000/1001', '30000/1001',
      every(60, 1001 / 30000).map((t) => Math.round(t * 1000) / 1000), { rate: '30000/1001', variable: false, from: 'r_frame_rate' }],
    ['packets out of order (B-frames)', '10/1', '10/1', [0, 0.4, 0.2, 0.1, 0.3], { rate: '10/1', variable: false }],
    ['1 s at 2 fps then 1 s at 25 fps: variable, read at 25', '25/1', '27/2', [0, 0.5, ...every(25, 0.04, 1)],
      { rate: '25/1', variable: true, intervalsMs: { min: 40, max: 500 }, from: 'r_frame_rate' }],
    ['an r_frame_rate the intervals contradict: the most common interval', '90000/1', '12/1', every(20, 1 / 12), { rate: '12000/1000', fps: 12, variable: false, from: 'frame intervals' }],
    ['no timestamps: r_frame_rate', '24/1', '0/0', [], { rate: '24/1', variable: false, from: 'r_frame_rate' }],
    ['no timestamps nor r_frame_rate: avg_frame_rate', '0/0', '15/1', [], { rate: '15/1', from: 'avg_frame_rate' }],
    ['nothing at all: 25', undefined, undefined, [], { rate: '25/1', fps: 25, from: 'default' }],
  ])('%s', (_name, r, avg, pts, want) => expect(frameTiming(r, avg, pts)).toMatchObject(want));
});

describe('completeFrameTimes', () => {
  it.each<[string, string[], number[]]>([
    ['no B-frames: every packet', ['0.000000,0.000000', '0.100000,0.100000', '0.200000,0.200000'], [0, 0.1, 0.2]],
    ['a scan cut after reordered B-frames keeps the frames sure to be read (pts <= last dts)',
      ['0.000000,-0.200000', '0.300000,-0.100000', '0.100000,0.000000', '0.200000,0.100000', '0.500000,0.200000'], [0, 0.1, 0.2]],
    ['no dts (some MKV): every packet', ['0.000000,N/A', '0.040000,N/A', ''], [0, 0.04]],
  ])('%s', (_name, lines, want) => expect(completeFrameTimes(lines)).toEqual(want));
});

describe('planFrame: the whole picture, padded right and bottom to the patch multiple', () => {
  it.each<[string, VideoProbe, number | null, number, FramePlan]>([
    ['1920x1080 keeps every row (was cropped to 1056)', probeOf(1920, 1080), null, 32,
      { scaledWidth: 1920, scaledHeight: 1080, pictureWidth: 1920, pictureHeight: 1080, paddedWidth: 1920, paddedHeight: 1088 }],
    ['100x70 pads to 128x96', probeOf(100, 70), null, 32,
      { scaledWidth: 100, scaledHeight: 70, pictureWidth: 100, pictureHeight: 70, paddedWidth: 128, paddedHeight: 96 }],
    ['an odd size is kept, not resampled', probeOf(101, 71), null, 16,
      { scaledWidth: 101, scaledHeight: 71, pictureWidth: 101, pictureHeight: 71, paddedWidth: 112, paddedHeight: 80 }],
    ['rotated 90: a portrait picture', probeOf(64, 48, { rotation: 90 }), null, 16,
      { scaledWidth: 64, scaledHeight: 48, pictureWidth: 48, pictureHeight: 64, paddedWidth: 48, paddedHeight: 64 }],
    ['SAR 4/3: widened to square pixels', probeOf(72, 48, { sar: { num: 4, den: 3 } }), null, 32,
      { scaledWidth: 96, scaledHeight: 48, pictureWidth: 96, pictureHeight: 48, paddedWidth: 96, paddedHeight: 64 }],
    ['--max-width on the shown (rotated) width', probeOf(1920, 1080, { rotation: 270 }), 540, 32,
      { scaledWidth: 960, scaledHeight: 540, pictureWidth: 540, pictureHeight: 960, paddedWidth: 544, paddedHeight: 960 }],
    ['--max-width wider than the picture: unscaled', probeOf(640, 360), 1000, 32,
      { scaledWidth: 640, scaledHeight: 360, pictureWidth: 640, pictureHeight: 360, paddedWidth: 640, paddedHeight: 384 }],
    ['SAR and --max-width together', probeOf(720, 576, { sar: { num: 16, den: 11 } }), 524, 8,
      { scaledWidth: 524, scaledHeight: 288, pictureWidth: 524, pictureHeight: 288, paddedWidth: 528, paddedHeight: 288 }],
  ])('%s', (_name, probe, maxWidth, multiple, want) => expect(planFrame(probe, maxWidth, multiple)).toEqual(want));
});

describe('ingestFilters and ingestFfmpegArgs', () => {
  it('a plain frame already a multiple: constant rate only', () => {
    const p = probeOf(128, 64);
    expect(ingestFilters(p, planFrame(p, null, 32))).toEqual(['fps=25/1', 'setsar=1']);
  });
  it('rotated, anamorphic and padded: rate, scale (stored orientation), transpose, then the edge-smearing pad', () => {
    const p = probeOf(72, 48, { rotation: 90, sar: { num: 4, den: 3 }, timing: { rate: '30000/1001', fps: 29.97, variable: false, intervalsMs: null, from: 'r_frame_rate' } });
    expect(ingestFilters(p, planFrame(p, null, 32))).toEqual([
      'fps=30000/1001', 'scale=96:48:flags=lanczos+accurate_rnd+full_chroma_int', 'transpose=cclock',
      'format=gbrp', 'pad=64:96:0:0', 'fillborders=left=0:right=16:top=0:bottom=0:mode=smear', 'setsar=1']);
    const upsideDown = { ...p, rotation: 180 as const, sar: { num: 1, den: 1 } };
    expect(ingestFilters(upsideDown, planFrame(upsideDown, null, 8))).toEqual(['fps=30000/1001', 'hflip', 'vflip', 'setsar=1']);
  });
  it('argv: no autorotation, the probed bytes only, the chosen stream, fixed-notation times', () => {
    const p = probeOf(128, 64, { streamIndex: 2 });
    const args = ingestFfmpegArgs(p, planFrame(p, null, 32), { start: 1.5, seconds: 2 });
    expect(args.slice(0, 10)).toEqual(['-v', 'error', '-nostdin', '-noautorotate', '-ss', '1.500000', '-i', 'subfile,,start,0,end,1,,:file:/v.mp4', '-t', '2.000000']);
    expect(args.slice(10, 12)).toEqual(['-map', '0:2']);
    expect(args.slice(-7)).toEqual(['-f', 'rawvideo', '-pix_fmt', 'rgb24', '-sws_flags', 'accurate_rnd+full_chroma_int', 'pipe:1']);
    expect(ingestFfmpegArgs(p, planFrame(p, null, 32), { start: 0, seconds: null })).not.toContain('-ss');
  });
});

describe('checkFrame: what to change, with the size as shown', () => {
  const opts = { scale: 2, minLrSize: 64, maxWidth: null };
  it.each<[string, VideoProbe, number | null, RegExp, string[]]>([
    ['too small: --patch, not --scale', probeOf(48, 48), null, /^v\.mp4 is 48x48: too small for one 64x64 LR patch at x2 \(needs at least 128x128 px\); use a smaller patch$/, ['basePatch']],
    ['rotated: the shown size', probeOf(200, 100, { rotation: 90 }), null, /^v\.mp4 is 100x200 \(after rotation\): too small/, ['basePatch']],
    ['shrunk by --max-width: also --max-width', probeOf(640, 360), 200, /^v\.mp4 is 640x360, 200x112 at --max-width 200: too small .*; use a smaller patch or a larger width$/, ['basePatch', 'maxWidth']],
    ['wider than a WebGPU texture', probeOf(8200, 200), null, /gives HR frames of 8224x224; the player holds at most 8192 px a side/, ['maxWidth']],
  ])('%s', (_name, probe, maxWidth, message, options) => {
    let err: unknown = null;
    try { checkFrame('dir/v.mp4', probe, planFrame(probe, maxWidth, 32), { ...opts, maxWidth }); } catch (e) { err = e; }
    expect((err as Error).message).toMatch(message);
    expect((err as { options: string[] }).options).toEqual(options);
  });
  it('a frame that holds one patch passes', () => expect(() => checkFrame('v.mp4', probeOf(128, 128), planFrame(probeOf(128, 128), null, 32), opts)).not.toThrow());
});

describe('what ffmpeg decodes (videos made here)', () => {
  let dir: string;
  const ff = (...args: string[]): void => { execFileSync('ffmpeg', ['-v', 'error', '-y', ...args]); };
  const at = (f: string): string => join(dir, f);
  beforeAll(() => {
    dir = mkdtempSync(join(tmpdir(), 'dydca-ingest-'));
    ff('-f', 'lavfi', '-i', 'testsrc2=size=64x48:rate=10', '-t', '1', '-pix_fmt', 'yuv420p', at('plain.mp4'));
    // ffmpeg 5.1 has no -display_rotation; the rotate tag writes the same display matrix (ffprobe: rotation 90)
    ff('-i', at('plain.mp4'), '-c', 'copy', '-metadata:s:v:0', 'rotate=90', at('rot.mp4'));
    ff('-f', 'lavfi', '-i', 'testsrc2=size=72x48:rate=10', '-t', '1', '-vf', 'setsar=4/3', '-pix_fmt', 'yuv420p', at('sar.mp4'));
    // a still picture as the first track (not default) and a cover attachment; old code read stream v:0, the picture
    ff('-f', 'lavfi', '-i', 'testsrc2=size=32x32:rate=1', '-frames:v', '1', at('cover.png'));
    ff('-i', at('cover.png'), '-i', at('plain.mp4'), '-map', '0', '-map', '1', '-c:v:0', 'png', '-c:v:1', 'copy', '-disposition:v:0', '0',
      '-disposition:v:1', 'default', '-attach', at('cover.png'), '-metadata:s:t', 'mimetype=image/png', '-metadata:s:t', 'filename=cover.png', at('cover.mkv'));
    // 1 s at 2 fps, then 1 s at 25 fps: 27 frames over 2 s
    ff('-f', 'lavfi', '-i', 'testsrc2=size=64x48:rate=2:duration=1[a];testsrc2=size=64x48:rate=25:duration=1[b];[a][b]concat=n=2:v=1:a=0[out0]',
      '-fps_mode', 'vfr', '-bf', '0', '-pix_fmt', 'yuv420p', at('vfr.mp4'));
    ff('-f', 'lavfi', '-i', 'testsrc2=size=100x70:rate=10', '-t', '0.3', '-pix_fmt', 'yuv420p', at('odd.mp4'));
  }, 60_000);
  afterAll(() => rmSync(dir, { recursive: true, force: true }));

  const opts = (multiple = 16): Parameters<typeof ingestVideo>[1] => ({ start: 0, seconds: null, maxWidth: null, scale: 2, multiple, minLrSize: 8 });
  const raw = async (args: string[], bytes: number): Promise<Uint8Array[]> => (await readRawFrames(args, bytes)).frames;

  it('rotation metadata gives a portrait frame, as ffmpeg\'s own autorotation shows it', async () => {
    const src = await ingestVideo(at('rot.mp4'), opts());
    expect(src.probe.rotation).toBe(90);
    expect(src.plan).toMatchObject({ pictureWidth: 48, pictureHeight: 64, paddedWidth: 48, paddedHeight: 64 });
    expect(src.frames).toHaveLength(10);
    const auto = await raw(['-v', 'error', '-i', at('rot.mp4'), '-f', 'rawvideo', '-pix_fmt', 'rgb24', '-sws_flags', 'accurate_rnd+full_chroma_int', 'pipe:1'], 48 * 64 * 3);
    expect(Buffer.from(src.frames[3].data).equals(Buffer.from(auto[3]))).toBe(true);
  }, 60_000);

  it('SAR 4/3 gives square pixels: 72x48 stored is 96x48', async () => {
    const src = await ingestVideo(at('sar.mp4'), opts());
    expect(src.probe.sar).toEqual({ num: 4, den: 3 });
    expect(src.plan).toMatchObject({ pictureWidth: 96, pictureHeight: 48, paddedWidth: 96, paddedHeight: 48 });
    expect(src.frames[0]).toMatchObject({ width: 96, height: 48 });
  }, 60_000);

  it('an MKV with a still picture first and a cover attachment reads the default video stream', async () => {
    const src = await ingestVideo(at('cover.mkv'), opts());
    expect(src.probe.streamIndex).toBe(1);
    expect(src.probe).toMatchObject({ width: 64, height: 48 });
    expect(src.frames).toHaveLength(10);
  }, 60_000);

  it('a variable frame rate becomes constant at the nominal rate: 1 s at 2 fps + 1 s at 25 fps -> 50 frames at 25 fps', async () => {
    const src = await ingestVideo(at('vfr.mp4'), opts());
    // the encoder's 1/25 s time base puts the second 2 fps frame at 0.52 s
    expect(src.probe.timing).toMatchObject({ rate: '25/1', variable: true, intervalsMs: { min: 40, max: 520 } });
    expect(src.fps).toBe(25);
    expect(src.frames).toHaveLength(50);
    // each output frame is the source frame shown at its time: the first 2 fps frame 13 times (0-0.52 s), the second
    // 12 times, then the 25 fps frames one each
    const source = await raw(['-v', 'error', '-i', at('vfr.mp4'), '-fps_mode', 'passthrough', '-f', 'rawvideo', '-pix_fmt', 'rgb24', '-sws_flags', 'accurate_rnd+full_chroma_int', 'pipe:1'], 64 * 48 * 3);
    expect(source).toHaveLength(27);
    const want = [...Array(13).fill(0), ...Array(12).fill(1), ...Array.from({ length: 25 }, (_, i) => i + 2)] as number[];
    expect(src.frames.map((f, k) => Buffer.from(f.data).equals(Buffer.from(source[want[k]])) ? want[k] : `frame ${k} differs`)).toEqual(want);
    expect(src.warnings).toEqual([expect.stringMatching(/^vfr\.mp4 has a variable frame rate \(frame intervals 40-520 ms\); packed at a constant 25 fps, its nominal rate \(r_frame_rate 25\/1\), repeating or dropping frames to keep their timing$/)]);
  }, 60_000);

  it('100x70 is packed whole: picture 100x70, frames 128x96 whose right and bottom pad repeats the edge', async () => {
    const src = await ingestVideo(at('odd.mp4'), opts(32));
    expect(src.plan).toMatchObject({ pictureWidth: 100, pictureHeight: 70, paddedWidth: 128, paddedHeight: 96 });
    const plain = await raw(['-v', 'error', '-i', at('odd.mp4'), '-f', 'rawvideo', '-pix_fmt', 'rgb24', '-sws_flags', 'accurate_rnd+full_chroma_int', 'pipe:1'], 100 * 70 * 3);
    expect(src.frames).toHaveLength(plain.length);
    for (const [i, f] of src.frames.entries()) {
      const px = (x: number, y: number): string => Array.from(f.data.subarray((y * 128 + x) * 3, (y * 128 + x) * 3 + 3)).join(',');
      const srcPx = (x: number, y: number): string => Array.from(plain[i].subarray((y * 100 + x) * 3, (y * 100 + x) * 3 + 3)).join(',');
      let picture = 0, pad = 0;
      for (let y = 0; y < 96; y++) for (let x = 0; x < 128; x++) {
        if (x < 100 && y < 70) picture += px(x, y) === srcPx(x, y) ? 0 : 1;
        else pad += px(x, y) === srcPx(Math.min(x, 99), Math.min(y, 69)) ? 0 : 1;
      }
      expect({ frame: i, picture, pad }).toEqual({ frame: i, picture: 0, pad: 0 });
    }
  }, 60_000);

  it('probeVideo of a plain clip: stream 0, no rotation, square pixels, constant 10 fps, the file\'s size', async () => {
    const p = await probeVideo(at('plain.mp4'));
    expect(p).toMatchObject({ width: 64, height: 48, streamIndex: 0, rotation: 0, sar: { num: 1, den: 1 }, fps: 10, frameCount: 10 });
    expect(p.timing).toMatchObject({ rate: '10/1', variable: false });
    expect(p.source.ffmpegInput).toBe(`subfile,,start,0,end,${p.source.size},,:file:${at('plain.mp4')}`);
  }, 60_000);
});
