// Compares training recipes at x2 on the bundled clip (docs/packager.md, "Recipe at x2"): prepares the data once as
// the packer does (every 5th frame of all 14 s at 960 px wide: 56 frames, HR 960x512, LR 480x256; lr.mp4 encoded at
// CRF 12 and decoded; bicubic split 64/32/16, halo 3; least-squares skip start), then trains each recipe from the same
// start with the ort trainer and prints one JSON line per recipe: steps, train seconds, path draws, and the mean
// per-frame PSNR of SR and its gain over MATLAB-style bicubic on those frames (exact HR), with the load average.
//   npx tsx scripts/train-recipe.ts '[{"name": "l2-b8-err", "steps": 600, "batchSize": 8, "loss": "l2", "errorMix": 1}]'
// A recipe holds trainDynamicSR options (steps, batchSize, learningRate, loss, threads, ...) plus `errorMix` (crops by
// errorSamplingWeights of the patches' bicubic PSNR) and `tailFit` (start from fitTailLeastSquares with these options).
// EVAL_START=1 first reports the start itself (least-squares skip, no training); EVERY=k takes every k-th frame.
import { loadavg } from 'node:os';
import { join } from 'node:path';
import { execFileSync } from 'node:child_process';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { ingestVideo } from '../src/pack/ingest.js';
import { downscaleBicubic, upscaleBicubic } from '../src/pack/bicubic.js';
import { decodeToRgb, encodeH264 } from '../src/pack/encode.js';
import { levelSizes, maxHaloForRouting, splitFrame } from '../src/pack/splitter.js';
import { regionPsnr } from '../src/pack/region-psnr.js';
import { fittedStartWeights } from '../src/pack/bicubic-skip.js';
import { loadPatchModel, superResolveFrame } from '../src/pack/patch-inference.js';
import { defaultPathSpecs } from '../src/model/wdsr-spec.js';
import { exportDynamicSR } from '../src/model/export-onnx.js';
import type { Weights } from '../src/model/spec.js';
import { writeModel } from '../src/onnx/model-io.js';
import { errorSamplingWeights } from '../src/train/crop-sampler.js';
import { fitTailLeastSquares, type TailFitOptions } from '../src/train/least-squares-tail.js';
import { trainDynamicSR, type TrainOptions } from '../src/train/trainer.js';
import { mean, psnrRgb8 } from '../src/format/psnr.js';

type Recipe = Partial<TrainOptions> & { name: string; errorMix?: number; tailFit?: TailFitOptions };
const recipes = JSON.parse(process.argv[2] ?? '[]') as Recipe[];
const s = 2 as const;
const every = Number(process.env.EVERY ?? 5);
const clip = execFileSync(process.execPath, [join(import.meta.dirname, 'fetch-demo-clip.mjs')], { encoding: 'utf8', stdio: ['ignore', 'pipe', 'inherit'] }).trim();
const round = (v: number, d = 3): number => Math.round(v * 10 ** d) / 10 ** d;

const t0 = performance.now();
const src = await ingestVideo(clip, { start: 0, seconds: null, maxWidth: 960, scale: s, multiple: s * 16, minLrSize: 64 });
const hr = src.frames.filter((_, i) => i % every === 0);
const lrClean = hr.map((f) => downscaleBicubic(f, s));
const lrW = lrClean[0].width, lrH = lrClean[0].height;
const dir = mkdtempSync(join(tmpdir(), 'train-recipe-'));
await encodeH264(lrClean, join(dir, 'lr.mp4'), { fps: src.fps, crf: 12 });
const lr = await decodeToRgb(join(dir, 'lr.mp4'), lrW, lrH);
rmSync(dir, { recursive: true });
const split = { basePatch: 64, levels: 3, thresholds: [40, 30] };
const sizes = levelSizes(split);
const ups = lr.map((f) => upscaleBicubic(f, s));
const score = (i: number, rects: { x: number; y: number; w: number; h: number }[]): number[] =>
  rects.map((r) => regionPsnr(ups[i].data, hr[i].data, hr[i].width, r.x * s, r.y * s, r.w * s, r.h * s));
const patches = lr.map((_, i) => splitFrame(i, lrW, lrH, split, (frame, rects) => score(frame, rects)));
const halo = maxHaloForRouting(sizes);
const spec = defaultPathSpecs(s, sizes.map((v) => [v, v] as [number, number]));
const set = { lrWidth: lrW, lrHeight: lrH, scale: s, frames: lr.map((f, i) => ({ lr: f.data, hr: hr[i].data })), patches };
const bicubic = mean(ups.map((u, i) => psnrRgb8(u.data, hr[i].data)));
const tPrep = performance.now();
const start = fittedStartWeights(spec, set, 1);
console.log(JSON.stringify({
  frames: hr.length, patchesPerPath: sizes.map((_, k) => patches.flat().filter((p) => p.path === k).length), bicubic: round(bicubic),
  prepSeconds: round((tPrep - t0) / 1000, 1), skipFitSeconds: round((performance.now() - tPrep) / 1000, 1),
}));

async function evaluate(weights: Weights): Promise<{ sr: number; gain: number; evalSeconds: number }> {
  const te = performance.now();
  const model = await loadPatchModel(writeModel(exportDynamicSR(spec, weights)), s, halo);
  const psnrs: number[] = [];
  for (let i = 0; i < lr.length; i++) psnrs.push(psnrRgb8((await superResolveFrame(() => model, lr[i], patches[i])).data, hr[i].data));
  await model.session.release();
  const sr = mean(psnrs);
  return { sr: round(sr), gain: round(sr - bicubic), evalSeconds: round((performance.now() - te) / 1000, 1) };
}

if (process.env.EVAL_START) console.log(JSON.stringify({ name: 'least-squares skip start', ...(await evaluate(start.weights)), load: round(loadavg()[0], 2) }));
for (const { name, errorMix, tailFit, ...opts } of recipes) {
  const load0 = loadavg()[0];
  const tf = performance.now();
  const initial = tailFit ? (await fitTailLeastSquares(set, spec, start.weights, { seed: 1, ...tailFit })).weights : start.weights;
  const tailFitSeconds = round((performance.now() - tf) / 1000, 1);
  const patchWeights = errorMix === undefined ? undefined : patches.map((ps, i) => errorSamplingWeights(ps, score(i, ps), errorMix));
  const tt = performance.now();
  const r = await trainDynamicSR(set, { spec, steps: 700, batchSize: 16, learningRate: 1e-3, seed: 1, halo, trainer: 'ort', initial, patchWeights, ...opts });
  const trainSeconds = (performance.now() - tt) / 1000;
  console.log(JSON.stringify({
    name, steps: r.stepsDone, trainSeconds: round(trainSeconds, 1), stepsPerSecond: round(r.stepsDone / trainSeconds, 2),
    pathDraws: spec.paths.map((p) => r.history.filter((h) => h.path === p.id).length), ...(tailFit ? { tailFitSeconds } : {}),
    ...(await evaluate(r.weights)), load: [load0, loadavg()[0]].map((v) => round(v, 2)), recipe: { ...opts, errorMix, tailFit },
  }));
}
