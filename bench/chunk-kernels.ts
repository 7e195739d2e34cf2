// The chunk stage's compute kernels on one frame, as runChunkJob calls them: bicubic downscale, and the split
// (bicubic upscale of the LR frame, per-patch PSNR of every level, the error-sampling weights). Median ms of --reps:
//   npx tsx bench/chunk-kernels.ts [--frame raw.rgb --width 1920 --height 1088] [--scale 2] [--reps 5]
// Without --frame a random frame of the given size; a raw RGB24 frame, e.g.
//   ffmpeg -ss 10 -i clip.mp4 -frames:v 1 -vf pad=1920:1088 -f rawvideo -pix_fmt rgb24 frame.rgb
import { readFileSync } from 'node:fs';
import { loadavg } from 'node:os';
import { downscaleBicubic, type RgbImage } from '../src/pack/bicubic.js';
import { bicubicScorer } from '../src/pack/stages/chunk-stage.js';
import { splitFrame, DEFAULT_THRESHOLDS } from '../src/pack/splitter.js';
import { errorSamplingWeights } from '../src/train/crop-sampler.js';
import { defaultBasePatch, ERROR_SAMPLING_MIX } from '../src/pack/pack-options.js';

function arg(name: string, fallback: string): string {
  const i = process.argv.indexOf(`--${name}`);
  return i >= 0 ? process.argv[i + 1] : fallback;
}

const width = Number(arg('width', '1920')), height = Number(arg('height', '1088'));
const scale = Number(arg('scale', '2')), reps = Number(arg('reps', '5'));
const framePath = arg('frame', '');
const data = new Uint8Array(width * height * 3);
if (framePath) data.set(readFileSync(framePath).subarray(0, data.length));
else for (let i = 0, s = 1; i < data.length; i++) { s = (Math.imul(s, 1664525) + 1013904223) >>> 0; data[i] = s >>> 24; }
const hr: RgbImage = { width, height, data };
const split = { basePatch: defaultBasePatch(scale), levels: 3, thresholds: DEFAULT_THRESHOLDS.slice(0, 2) };

function median(values: number[]): number {
  const s = [...values].sort((a, b) => a - b);
  return s[Math.floor(s.length / 2)];
}

const down: number[] = [], splitMs: number[] = [];
let patches = 0;
for (let r = 0; r < reps; r++) {
  let t = performance.now();
  const lr = downscaleBicubic(hr, scale);
  down.push(performance.now() - t);
  t = performance.now();
  const scorer = bicubicScorer([lr], [hr], scale);
  const ps = splitFrame(0, lr.width, lr.height, split, scorer);
  errorSamplingWeights(ps, scorer(0, ps), ERROR_SAMPLING_MIX);
  splitMs.push(performance.now() - t);
  patches = ps.length;
}
console.log(`${width}x${height} x${scale}, ${patches} patches, ${reps} reps, load ${loadavg().map((l) => l.toFixed(2)).join(' ')}`);
console.log(`downscale ${median(down).toFixed(1)} ms, split ${median(splitMs).toFixed(1)} ms (median; all: ${down.map((v) => v.toFixed(0)).join(' ')} | ${splitMs.map((v) => v.toFixed(0)).join(' ')})`);
