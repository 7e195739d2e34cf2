// --ladder 4,2 on a 32-frame clip at 10 fps (--max-width 128, segments of 20 frames: 20 + 12), packed through the real
// CLI: the master playlist's text and ffprobe reading every variant through it, each rung's segments decoding to its own
// frames, segment k of every rung starting on the same frame with a key frame, the manifest's renditions (checked by
// manifestProblems, bitrates rising, files present), `dydca eval` on the top rung, and
// manifestProblems refusing broken renditions; the rungs' jobs in the same graph, resumed.
import { execFileSync } from 'node:child_process';
import { createHash } from 'node:crypto';
import { existsSync, mkdtempSync, readFileSync, rmSync, statSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { runDydca } from './cli-runner.test-helper.js';
import { evaluatePack } from './evaluate.js';
import { manifestProblems, type PackManifest, type Rendition } from '../format/manifest.js';
import { masterPlaylist, perSegment, segmentBitrates } from './ladder.js';
import { openPackWork, runPackInProcess } from './run-in-process.js';
import { packStages, runPackJob } from './job-graph.js';
import { ladderPatch, type PackOptions } from './pack-options.js';
import { ladderMultiple, planPack } from './pack-plan.js';
import type { ProgressReporter } from './progress.js';

let dir: string, clip: string, pack: string;
let m: PackManifest;
const FRAMES = 32, PER = 20, FPS = 10;
const lengths = [20, 12];
const ARGS = ['--max-width', '128', '--steps', '5', '--patch', '16', '--ladder', '4,2'];

beforeAll(async () => {
  dir = mkdtempSync(join(tmpdir(), 'dydca-ladder-'));
  clip = join(dir, 'clip.mp4');
  execFileSync('ffmpeg', ['-v', 'error', '-f', 'lavfi', '-i', `testsrc2=size=256x144:rate=${FPS}:duration=3.2`, '-pix_fmt', 'yuv420p', '-c:v', 'libx264', '-crf', '12', clip]);
  pack = join(dir, 'pack');
  const r = await runDydca('pack', [clip, '--out', pack, ...ARGS, '--quiet']);
  expect(r.stderr).toBe('');
  expect(r.code).toBe(0);
  m = JSON.parse(readFileSync(join(pack, 'manifest.json'), 'utf8')) as PackManifest;
}, 240_000);
afterAll(() => rmSync(dir, { recursive: true, force: true }));

const probe = (args: string[]): string => execFileSync('ffprobe', ['-v', 'error', ...args], { cwd: pack, encoding: 'utf8' });
const rgbMd5 = (input: string, vf?: string): string =>
  createHash('md5').update(execFileSync('ffmpeg', ['-v', 'error', '-i', input, ...(vf ? ['-vf', vf] : []), '-fps_mode', 'passthrough', '-f', 'rawvideo', '-pix_fmt', 'rgb24', 'pipe:1'],
    { cwd: pack, maxBuffer: 1 << 28 })).digest('hex');
/** init + segment k of a rendition as one file, as a player appends them. */
const joined = (r: Rendition, k: number): string => {
  const file = join(dir, `x${r.scale}-${k}.mp4`);
  writeFileSync(file, Buffer.concat([readFileSync(join(pack, r.lr.segments.init)), readFileSync(join(pack, r.lr.segments.files[k]))]));
  return file;
};

describe('dydca pack --ladder 4,2', () => {
  it('the top level is the x2 pack as without a ladder; renditions list both rungs in rising bitrate, files present', () => {
    expect(manifestProblems(m)).toEqual([]);
    expect(m.scale).toBe(2);
    expect(m.lr.playlist).toBe('lr.m3u8');
    expect(m.playlist).toBe('master.m3u8');
    const rs = m.renditions!;
    expect(rs.map((r) => r.scale)).toEqual([4, 2]);
    expect(rs[0].lr.bitrate).toBeLessThan(rs[1].lr.bitrate);
    const [x4, x2] = rs;
    expect(x2.lr).toMatchObject({ width: m.lr.width, height: m.lr.height, file: 'lr.mp4', playlist: 'lr.m3u8', segments: m.lr.segments });
    expect(x2.model).toEqual({ file: m.model.file, paths: m.model.paths });
    expect(x2.metrics).toMatchObject({ psnrSR: m.metrics.psnrSR, psnrBicubic: m.metrics.psnrBicubic });
    expect(x4.lr).toMatchObject({ width: m.lr.width / 2, height: m.lr.height / 2, playlist: 'r4/lr.m3u8', file: 'r4/lr.mp4' });
    expect(x4.lr.segments.files).toEqual(['r4/lr/00000.m4s', 'r4/lr/00001.m4s']);
    expect(x4.patches.segments.files).toEqual(['r4/patches-00000.json', 'r4/patches-00001.json']);
    expect(x4.model.file).toBe('r4/model.onnx');
    for (const r of rs) {
      expect(r.lr.segments.frames).toBe(PER);
      expect(r.lr.segments.bytes).toEqual(r.lr.segments.files.map((f) => statSync(join(pack, f)).size));
      const total = r.lr.segments.bytes.reduce((a, b) => a + b, 0);
      expect(r.lr.bitrate).toBe(Math.round((total * 8 * FPS) / FRAMES));
      expect(r.lr.peakBitrate).toBe(Math.round(Math.max(...r.lr.segments.bytes.map((b, k) => (b * 8 * FPS) / lengths[k]))));
      for (const f of [r.model.file, r.patches.file, r.lr.file, r.lr.playlist, r.lr.segments.init]) expect(existsSync(join(pack, f)), f).toBe(true);
      expect(r.metrics.psnrSRPerSegment).toHaveLength(2);
      expect(r.metrics.psnrBicubicPerSegment).toHaveLength(2);
      expect(r.metrics.psnrSR).toBeGreaterThan(10);
    }
    // the work folder, rungs included, is gone once the pack is written
    expect(existsSync(`${pack}.dydca-work`)).toBe(false);
  });

  it('master.m3u8 lists each rung\'s LR playlist with its bandwidths, resolution and codec, in rising bandwidth', () => {
    const [x4, x2] = m.renditions!;
    const inf = (r: Rendition): string => `#EXT-X-STREAM-INF:BANDWIDTH=${r.lr.peakBitrate},AVERAGE-BANDWIDTH=${r.lr.bitrate},RESOLUTION=${r.lr.width}x${r.lr.height},CODECS="${r.lr.codec}"`;
    expect(readFileSync(join(pack, 'master.m3u8'), 'utf8')).toBe(['#EXTM3U', '#EXT-X-VERSION:7', '#EXT-X-INDEPENDENT-SEGMENTS',
      inf(x4), 'r4/lr.m3u8', inf(x2), 'lr.m3u8', ''].join('\n'));
  });

  it('ffprobe reads every variant through master.m3u8, each to every frame', () => {
    const rows = probe(['-count_frames', '-show_entries', 'stream=width,height,nb_read_frames', '-of', 'csv=p=0', 'master.m3u8'])
      .split('\n').map((l) => l.trim()).filter((l) => l !== '');
    const sizes = new Set(rows);
    for (const r of m.renditions!) expect(sizes.has(`${r.lr.width},${r.lr.height},${FRAMES}`), rows.join(' | ')).toBe(true);
    expect(sizes.size).toBe(m.renditions!.length);
  });

  it('segment k of every rung starts on frame k * F with a key frame and decodes to the rung\'s own frames', () => {
    for (const r of m.renditions!) {
      lengths.forEach((n, k) => {
        const file = joined(r, k);
        const packets = probe(['-show_entries', 'packet=pts_time,flags', '-of', 'csv=p=0', file]).trim().split('\n').map((l) => l.split(','));
        expect(packets.length, `x${r.scale} segment ${k}`).toBe(n);
        expect(packets[0][1]).toMatch(/^K/);
        expect(Number(packets[0][0])).toBe((k * PER) / FPS);
        expect(rgbMd5(file), `x${r.scale} segment ${k}`).toBe(rgbMd5(r.lr.file, `select=between(n\\,${k * PER}\\,${k * PER + n - 1})`));
      });
      const size = probe(['-show_entries', 'stream=width,height', '-of', 'csv=p=0', r.lr.file]).trim();
      expect(size).toBe(`${r.lr.width},${r.lr.height}`);
    }
  });

  it('dydca eval passes on the top rung', async () => {
    expect((await evaluatePack(pack)).frames).toBe(FRAMES);
  }, 120_000);

  it('manifestProblems refuses broken renditions', () => {
    const broken = (f: (rs: Rendition[]) => void): string[] => {
      const c = JSON.parse(JSON.stringify(m)) as PackManifest;
      f(c.renditions!);
      return manifestProblems(c);
    };
    expect(broken((rs) => rs.reverse()).join('\n')).toMatch(/renditions must be in rising lr\.bitrate/);
    expect(broken((rs) => { rs[0].scale = 5 as 4; }).join('\n')).toMatch(/renditions\[0\]\.scale must be 2, 3 or 4/);
    expect(broken((rs) => { rs[0].scale = 2; }).join('\n')).toMatch(/renditions\[1\]\.scale 2 is listed twice/);
    expect(broken((rs) => { rs[0].lr.segments.frames = 10; }).join('\n')).toMatch(/renditions\[0\]\.lr\.segments must/);
    expect(broken((rs) => { rs[0].lr.segments.files[1] = '../x.m4s'; }).join('\n')).toMatch(/renditions\[0\]\.lr\.segments\.files\[1\] must be a path inside the pack/);
    expect(broken((rs) => { rs[0].model.file = 'http://evil/model.onnx'; }).join('\n')).toMatch(/renditions\[0\]\.model must be/);
    expect(broken((rs) => { rs[0].metrics.psnrSRPerSegment.pop(); }).join('\n')).toMatch(/renditions\[0\]\.metrics\.psnrSRPerSegment must list one PSNR per LR segment \(2\)/);
    expect(broken((rs) => { rs.splice(1, 1); }).join('\n')).toMatch(/renditions must include the top-level pack \(scale 2\)/);
  });
});

describe('ladder rungs resume', () => {
  it('the rungs\' jobs are jobs of the same graph; a rerun reuses the finished ones and runs only what is left', async () => {
    const workDir = join(dir, 'resume.dydca-work');
    const opts: PackOptions = {
      input: clip, out: join(dir, 'resume'), scale: 2, start: 0, seconds: null, maxWidth: 128, paths: 3, steps: 2, trainSeconds: null, trainer: 'ort', batchSize: 4,
      learningRate: 1e-3, loss: 'l2', cropSampling: 'error', method: 'dydca', models: 3, scorer: 'bicubic', basePatch: 16, thresholds: [40, 30], crf: 12, seed: 1,
      force: false, maxGflopsPerFrame: null, reuseMargin: 0, tiers: 1, ladder: [{ scale: 2, basePatch: 16 }, { scale: 4, basePatch: 16 }],
    };
    const plan = await planPack(opts);
    expect(plan.rungs!.map((r) => [r.scale, r.lrWidth, r.lrHeight, r.segmentFrames, r.chunkFrames, r.lrOnly])).toEqual([[4, plan.lrWidth / 2, plan.lrHeight / 2, plan.segmentFrames, plan.chunkFrames, true]]);
    expect(plan.rungs![0].geometry).toEqual(plan.geometry);
    const stages = packStages(plan);
    expect(stages.map((s) => [s.name, s.jobs])).toEqual([['chunks', ['chunk-0', 'chunk-r4-0']], ['train', ['train-0', 'train-r4-0']],
      ['metrics', ['metrics-0', 'metrics-r4-0']], ['ladder', ['finish-r4']], ['finish', ['finish']]]);
    const lines: string[] = [];
    const progress: ProgressReporter = { stage: () => {}, count: () => {}, jobs: () => {}, training: () => {}, line: (t) => { lines.push(t); }, warn: () => {} };
    // a first run stopped after the rungs' train jobs (and the top level's chunk)
    const work = openPackWork(plan, workDir, progress);
    for (const job of ['chunk-0', 'chunk-r4-0', 'train-r4-0']) work.markDone(job, await runPackJob({ plan, work, progress }, job));
    // the rung's work is in r4/ and its chunk encodes LR only (the pack's HR is the top level's)
    expect(existsSync(join(workDir, 'r4', 'lr-00000.mp4'))).toBe(true);
    expect(existsSync(join(workDir, 'r4', 'hr-00000.mp4'))).toBe(false);
    expect(existsSync(join(workDir, 'hr-00000.mp4'))).toBe(true);
    const s = await runPackInProcess(plan, workDir, progress);
    expect(lines.some((l) => /^\[resume\] .*reusing chunks 2\/2, train 1\/2; redoing only what is unfinished/.test(l)), lines.join('\n')).toBe(true);
    expect(s.manifest.renditions!.map((r) => r.scale)).toEqual([4, 2]);
    expect(manifestProblems(s.manifest)).toEqual([]);
    expect(existsSync(workDir)).toBe(false);
  }, 120_000);
});

describe('ladder helpers and flags', () => {
  it('perSegment: the mean of the sampled frames in each segment, the nearest sampled frame where none is', () => {
    expect(perSegment([10, 20, 30, 40], 1, 4, 2)).toEqual([15, 35]);
    // every 5th frame of 12 (0, 5, 10), segments of 2: segments 1, 3 and 4 hold none and take the sampled frame nearest
    // their middle (2.5 -> 5, 6.5 -> 5, 8.5 -> 10)
    expect(perSegment([1, 2, 3], 5, 12, 2)).toEqual([1, 2, 2, 2, 3, 3]);
  });

  it('segmentBitrates: average over the frames, peak of the largest segment by its own length', () => {
    expect(segmentBitrates({ frames: 10, init: 'i', files: ['a', 'b'], bytes: [1000, 500] }, 15, 10)).toEqual({ bitrate: 8000, peakBitrate: 8000 });
    expect(segmentBitrates({ frames: 10, init: 'i', files: ['a', 'b'], bytes: [1000, 900] }, 15, 10)).toEqual({ bitrate: 10133, peakBitrate: 14400 });
  });

  it('ladderMultiple: the HR frame padded to every rung\'s grid; x3 beside x2 and x4 gets patch 32 (lcm 96, not 480)', () => {
    const patches = [2, 3, 4].map((s) => ladderPatch(s as 2 | 3 | 4, [2, 3, 4]));
    expect(patches).toEqual([64, 32, 32]);
    expect(ladderMultiple({ paths: 3, ladder: [2, 3, 4].map((s, k) => ({ scale: s as 2 | 3 | 4, basePatch: patches[k] })) }, 32)).toBe(96);
    expect(ladderMultiple({ paths: 3, ladder: [{ scale: 2, basePatch: 64 }, { scale: 3, basePatch: 40 }] }, 32)).toBe(480);
    expect(ladderMultiple({ paths: 3, ladder: null }, 32)).toBe(32);
    expect(ladderPatch(3, [3])).toBe(40);
  });

  it('masterPlaylist of no rungs is a bare header', () => {
    expect(masterPlaylist([])).toBe('#EXTM3U\n#EXT-X-VERSION:7\n#EXT-X-INDEPENDENT-SEGMENTS\n');
  });

  it.each([
    [['--ladder', '4,4'], /--ladder must be distinct scales among 2, 3, 4/],
    [['--ladder', '5,2'], /--ladder must be distinct scales among 2, 3, 4/],
    [['--ladder', '4,2', '--scale', '4'], /with --ladder the top-level pack is its smallest scale \(2\)/],
    [['--ladder', '4,2', '--method', 'nas'], /--ladder packs --method dydca only/],
    [['--ladder', '3,4', '--max-width', '64'], /too small for one 32x32 LR patch at x3/],
  ])('dydca pack %s: one line, exit 2', async (args, want) => {
    const r = await runDydca('pack', [clip, '--out', join(dir, 'bad'), ...args]);
    expect(r.code).toBe(2);
    expect(r.stderr.trim().split('\n')).toEqual([expect.stringMatching(want)]);
  }, 60_000);
});
