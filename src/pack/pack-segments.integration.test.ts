// The pack's streaming segments, checked with ffmpeg itself: a 62-frame clip at 5 fps (segments of 10 frames, chunks of
// 50, so 2 chunks and 7 segments, the last of 2 frames) with a hard scene cut off the segment grid is packed through the
// real CLI; ffprobe reads the playlists, every segment starts with a key frame and decodes on its own to the frames of
// lr.mp4 / hr.mp4 it covers; `dydca eval` refuses a missing, truncated or wrong segment naming the file.
import { execFileSync } from 'node:child_process';
import { copyFileSync, cpSync, mkdtempSync, readFileSync, rmSync, statSync, truncateSync, writeFileSync } from 'node:fs';
import { createHash } from 'node:crypto';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { runDydca } from './cli-runner.test-helper.js';
import { evaluatePack } from './evaluate.js';
import { InputError } from './ingest.js';
import { manifestProblems, type PackManifest, type PatchSegmentFile } from '../format/manifest.js';

let dir: string;
let pack: string;
let m: PackManifest;
const FRAMES = 62, PER = 10, FPS = 5;
const lengths = [10, 10, 10, 10, 10, 10, 2];

beforeAll(async () => {
  dir = mkdtempSync(join(tmpdir(), 'dydca-segments-'));
  const clip = join(dir, 'clip.mp4');
  // a hard cut at frame 31: an encoder left to itself puts a key frame there, inside segment 3
  execFileSync('ffmpeg', ['-v', 'error', '-filter_complex', `testsrc2=size=128x128:rate=${FPS}:duration=6.2[a];mandelbrot=size=128x128:rate=${FPS}:end_pts=6.2[b];` +
    '[b]trim=end_frame=31[c];[a][c]concat=n=2:v=1:a=0[v]', '-map', '[v]', '-pix_fmt', 'yuv420p', '-c:v', 'libx264', '-crf', '10', clip]);
  // a '%' in the path: ffmpeg's segment names are a pattern
  pack = join(dir, 'pack 100%05d');
  const r = await runDydca('pack', [clip, '--out', pack, '--steps', '1', '--quiet']);
  expect(r.stderr).toBe('');
  expect(r.code).toBe(0);
  m = JSON.parse(readFileSync(join(pack, 'manifest.json'), 'utf8')) as PackManifest;
}, 180_000);
afterAll(() => rmSync(dir, { recursive: true, force: true }));

const probe = (args: string[], cwd = pack): string => execFileSync('ffprobe', ['-v', 'error', ...args], { cwd, encoding: 'utf8' });
/** md5 of the raw RGB frames ffmpeg decodes from `input` (with `vf` applied). */
const rgbMd5 = (input: string, vf?: string): string =>
  createHash('md5').update(execFileSync('ffmpeg', ['-v', 'error', '-i', input, ...(vf ? ['-vf', vf] : []), '-fps_mode', 'passthrough', '-f', 'rawvideo', '-pix_fmt', 'rgb24', 'pipe:1'],
    { cwd: pack, maxBuffer: 1 << 28 })).digest('hex');
/** init + segment k of a stream as one file, as a player appends them. */
const joined = (key: 'lr' | 'hr', k: number): string => {
  const seg = m[key].segments!;
  const file = join(dir, `${key}-${k}.mp4`);
  writeFileSync(file, Buffer.concat([readFileSync(join(pack, seg.init)), readFileSync(join(pack, seg.files[k]))]));
  return file;
};

describe('dydca pack writes LR and HR as CMAF segments behind HLS playlists', () => {
  it('the manifest names the playlists and segments, sizes included; the layout is cut alike', () => {
    expect(manifestProblems(m)).toEqual([]);
    expect(m.frames).toBe(FRAMES);
    for (const key of ['lr', 'hr'] as const) {
      const seg = m[key].segments!;
      expect(m[key].playlist).toBe(`${key}.m3u8`);
      expect(seg.frames).toBe(PER);
      expect(seg.init).toBe(`${key}/init.mp4`);
      expect(seg.files).toEqual(lengths.map((_, k) => `${key}/0000${k}.m4s`));
      expect(seg.bytes).toEqual(seg.files.map((f) => statSync(join(pack, f)).size));
    }
    expect(m.patches.segments!.frames).toBe(PER);
    const layout = m.patches.segments!.files.map((f) => JSON.parse(readFileSync(join(pack, f), 'utf8')) as PatchSegmentFile);
    expect(layout.map((s) => [s.firstFrame, s.frames.length])).toEqual(lengths.map((n, k) => [k * PER, n]));
  });

  it('the playlist is an HLS VOD media playlist of the segments', () => {
    expect(readFileSync(join(pack, 'lr.m3u8'), 'utf8')).toBe(['#EXTM3U', '#EXT-X-VERSION:7', '#EXT-X-TARGETDURATION:2', '#EXT-X-MEDIA-SEQUENCE:0',
      '#EXT-X-PLAYLIST-TYPE:VOD', '#EXT-X-INDEPENDENT-SEGMENTS', '#EXT-X-MAP:URI="lr/init.mp4"',
      ...lengths.flatMap((n, k) => [`#EXTINF:${(n / FPS).toFixed(6)},`, `lr/0000${k}.m4s`]), '#EXT-X-ENDLIST', ''].join('\n'));
  });

  it.each(['lr', 'hr'] as const)('ffprobe reads %s.m3u8 to every frame, and it decodes to the frames of the progressive file', (key) => {
    // the hls demuxer shows the stream twice (in its program and alone)
    const counts = probe(['-count_frames', '-show_entries', 'stream=nb_read_frames', '-of', 'csv=p=0', `${key}.m3u8`]).split('\n').filter((l) => l.trim() !== '');
    expect(counts.length).toBeGreaterThan(0);
    expect(counts.every((c) => c.trim() === String(FRAMES)), counts.join(' ')).toBe(true);
    expect(rgbMd5(`${key}.m3u8`)).toBe(rgbMd5(`${key}.mp4`));
  });

  it.each(['lr', 'hr'] as const)('%s.mp4 has key frames at every segment start and nowhere else (not at the scene cut)', (key) => {
    const flags = probe(['-select_streams', 'v:0', '-show_entries', 'packet=flags', '-of', 'csv=p=0', `${key}.mp4`]).trim().split('\n');
    expect(flags).toHaveLength(FRAMES);
    expect(flags.map((f, n) => (f.startsWith('K') ? n : -1)).filter((n) => n >= 0)).toEqual(lengths.map((_, k) => k * PER));
  });

  it.each(['lr', 'hr'] as const)('each %s segment after init alone: its frames, key frame first, timestamps from k * F / fps, equal to the progressive file', (key) => {
    lengths.forEach((n, k) => {
      const file = joined(key, k);
      const packets = probe(['-show_entries', 'packet=pts_time,flags', '-of', 'csv=p=0', file]).trim().split('\n').map((l) => l.split(','));
      expect(packets.length, `segment ${k}`).toBe(n);
      expect(packets[0][1]).toMatch(/^K/);
      expect(packets.map((p) => Number(p[0]))).toEqual(Array.from({ length: n }, (_, i) => (k * PER + i) / FPS));
      expect(rgbMd5(file), `segment ${k}`).toBe(rgbMd5(`${key}.mp4`, `select=between(n\\,${k * PER}\\,${k * PER + n - 1})`));
    });
  });
});

describe('dydca eval checks the segments', () => {
  let n = 0;
  /** A fresh copy of the pack changed by `f` (the manifest as JSON, written back). */
  const tampered = (f: (p: string, manifest: PackManifest) => void): string => {
    const p = join(dir, `t${n++}`);
    cpSync(pack, p, { recursive: true });
    const man = JSON.parse(readFileSync(join(p, 'manifest.json'), 'utf8')) as PackManifest;
    f(p, man);
    writeFileSync(join(p, 'manifest.json'), JSON.stringify(man));
    return p;
  };

  it('the pack as written evaluates; --segment-stride measures whole segments, each as the full run does', async () => {
    const full = await evaluatePack(pack);
    expect(full.frames).toBe(FRAMES);
    expect(full.measuredFrames).toBeUndefined();
    const r = await runDydca('eval', [pack, '--segment-stride', '3', '--json', '--quiet']);
    expect(r.code).toBe(0);
    const part = JSON.parse(r.stdout) as typeof full;
    // segments 0, 3 and 6 (the last, 2 frames), all of their frames
    const want = [...Array.from({ length: 10 }, (_, i) => i), ...Array.from({ length: 10 }, (_, i) => 30 + i), 60, 61];
    expect(part.measuredFrames).toEqual(want);
    for (const key of ['psnrSRPerFrame', 'psnrBicubicPerFrame', 'ssimSRPerFrame', 'psnrSRPlayedPerFrame'] as const) {
      expect(part[key]).toEqual(want.map((f) => full[key][f]));
    }
    // the cost needs only the layout: every frame's
    expect(part.gflopsPerFrame).toEqual(full.gflopsPerFrame);
    expect(part.executedGflopsPerFrame).toEqual(full.executedGflopsPerFrame);
    const bad = await runDydca('eval', [pack, '--segment-stride', '0']);
    expect(bad.code).toBe(2);
    expect(bad.stderr).toMatch(/--segment-stride must be an integer in 1\.\.1000000; got 0/);
  });

  it.each<[string, (p: string, man: PackManifest) => void, RegExp]>([
    ['a missing LR segment', (p) => rmSync(join(p, 'lr/00003.m4s')), /lr\/00003\.m4s: no such file or folder \(ENOENT\); the pack is incomplete or damaged/],
    ['a truncated HR segment', (p) => truncateSync(join(p, 'hr/00001.m4s'), 1000), /hr\/00001\.m4s \(hr segment 1 of 7\) is 1000 bytes; the manifest says \d+ \(truncated or replaced\)/],
    ['an LR segment of the wrong frames (its size in the manifest matching)', (p, man) => {
      copyFileSync(join(p, 'lr/00006.m4s'), join(p, 'lr/00002.m4s'));
      man.lr.segments!.bytes[2] = statSync(join(p, 'lr/00002.m4s')).size;
    }, /lr\/00002\.m4s \(lr segment 2 of 7\) holds 2 frames; expected 10/],
    ['segments swapped (sizes matching): the decode time breaks', (p, man) => {
      copyFileSync(join(p, 'hr/00001.m4s'), join(p, 'hr/00000.m4s'));
      man.hr.segments!.bytes[0] = man.hr.segments!.bytes[1];
    }, /hr\/00000\.m4s \(hr segment 0 of 7\) starts at decode time \d+; the segments before it end at 0/],
    ['a segment that is not fMP4', (p, man) => { writeFileSync(join(p, 'lr/00000.m4s'), 'x'.repeat(100)); man.lr.segments!.bytes[0] = 100; },
      /lr\/00000\.m4s \(lr segment 0 of 7\) is not a fragmented-MP4 media segment/],
    ['a playlist listing other segments', (p) => writeFileSync(join(p, 'lr.m3u8'), readFileSync(join(p, 'lr.m3u8'), 'utf8').replace('lr/00004.m4s', 'lr/00003.m4s')),
      /lr\.m3u8 does not list the segments lr\.segments names/],
    ['a missing init segment', (p) => rmSync(join(p, 'hr/init.mp4')), /hr\/init\.mp4: no such file or folder/],
    ['layout segments not aligned with the LR segments', (_p, man) => { man.patches.segments = { frames: 50, files: ['patches-00000.json', 'patches-00001.json'] }; },
      /segments must hold the same frames each; got lr\.segments\.frames 10, hr\.segments\.frames 10, patches\.segments\.frames 50/],
  ])('%s', async (_name, change, want) => {
    const e = await evaluatePack(tampered(change)).then(() => null, (err: unknown) => err);
    expect(e).toBeInstanceOf(InputError);
    expect((e as Error).message).toMatch(want);
    expect((e as Error).message.split('\n')).toHaveLength(1);
  });

  it('through the CLI: one line naming the file, exit 2', async () => {
    const r = await runDydca('eval', [tampered((p) => rmSync(join(p, 'hr/00006.m4s')))]);
    expect(r.code).toBe(2);
    expect(r.stderr.trim().split('\n')).toEqual([expect.stringMatching(/^dydca eval: .*hr\/00006\.m4s: no such file or folder/)]);
  }, 60_000);
});
