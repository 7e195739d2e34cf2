// `dydca pack`: ingest -> LR by bicubic -> content-aware split -> train -> export -> encode -> metrics,
// all written into a temp folder beside --out and renamed at the end (atomic-output.ts).
import { statSync, writeFileSync } from 'node:fs';
import { basename, dirname, join } from 'node:path';
import { exportDynamicSR } from '../model/export-onnx.js';
import { defaultPathSpecs } from '../model/wdsr-spec.js';
import { gflopsPerFrame } from '../model/sr-cost.js';
import { assertBudgetReachable, BudgetError, specForBudget } from '../model/spec-for-budget.js';
import type { DynamicSRSpec } from '../model/spec.js';
import { writeModel } from '../onnx/model-io.js';
import type { PatchRect } from '../format/patch.js';
import { trainDynamicSR, type TrainerKind, type TrainProgress } from '../train/trainer.js';
import { errorSamplingWeights } from '../train/crop-sampler.js';
import type { TrainingLoss } from '../train/training-graph.js';
import { openAtomicDir } from './atomic-output.js';
import { planNas, planStdo, type MethodPlan } from './baselines.js';
import { fittedStartWeights } from './bicubic-skip.js';
import { downscaleBicubic, upscaleBicubic, type RgbImage } from './bicubic.js';
import { decodeToRgb, encodeH264, readCodecString } from './encode.js';
import { killFfmpegChildren } from './ffmpeg-process.js';
import { checkFreeSpace, diskFullError, packBytesEstimate } from './free-space.js';
import { ingestVideo, InputError, localVideoFile, pictureOf } from './ingest.js';
import { hashSource } from './source-identity.js';
import { PATCH_SEGMENT_SECONDS, segmentPatches, type PackManifest, type PatchesFile } from '../format/manifest.js';
import { loadPatchModel, superResolveFrame, type PatchModel } from './patch-inference.js';
import { mean, psnrRgb8 } from '../format/psnr.js';
import { SsimReference } from '../format/ssim.js';
import { regionPsnr } from './region-psnr.js';
import { levelSizes, maxHaloForRouting, splitFrame, type PatchScorer, type SplitOptions } from './splitter.js';
import type { ProgressReporter } from './progress.js';

export interface PackOptions {
  input: string;
  out: string;
  scale: 2 | 3 | 4;
  start: number;
  seconds: number | null;
  maxWidth: number | null;
  /** number of paths = split levels */
  paths: number;
  /** training steps; with `trainSeconds`, the most steps */
  steps: number;
  /** wall-clock training budget in seconds (shared equally by the models of nas/stdo), or null for `steps` */
  trainSeconds: number | null;
  /** 'ort' (onnxruntime-node, the default: several times faster) or 'tfjs-wasm' */
  trainer: TrainerKind;
  batchSize: number;
  /** Adam base learning rate (cosine-decayed by the trainer) */
  learningRate: number;
  /** training loss (PACK_LOSS by default) */
  loss: TrainingLoss;
  /** Dy-DCA's training crops: 'error' (by each patch's share of its frame's bicubic error, the default) or 'uniform' */
  cropSampling: 'error' | 'uniform';
  method: 'dydca' | 'nas' | 'stdo';
  /** number of models of the nas/stdo baselines (chunks / texture groups) */
  models: number;
  scorer: 'bicubic' | 'trained';
  /** level-0 patch side in LR px */
  basePatch: number;
  thresholds: number[];
  /** x264 CRF of lr.mp4 and hr.mp4 */
  crf: number;
  seed: number;
  /** replace whatever stands at `out` (never the input video nor a folder holding it) */
  force: boolean;
  /** GFLOP of SR per frame the paths are sized to (the costliest frame), or null for the default paths; dydca only */
  maxGflopsPerFrame: number | null;
}

/**
 * Training loss of packs: mean squared error, what the pack's PSNR measures. L1 (the trainer's own default) spends
 * as much gradient on the near-zero residuals of flat regions as on edges; measured on the x2 demo clip at 300 steps,
 * L2 gained +0.45 dB over bicubic where L1 gained +0.35 (docs/packager.md, "Recipe at x2").
 */
export const PACK_LOSS: TrainingLoss = 'l2';

/**
 * Dy-DCA packs draw training crops by error (crop-sampler.ts errorSamplingWeights with this mix): each patch in
 * proportion to its share of its frame's squared bicubic error, so steps go where the mean per-frame PSNR can rise.
 * Measured on the x2 demo clip: +0.03 dB (300 steps, batch 16) and +0.06 dB (600 steps, batch 8) over uniform.
 */
const ERROR_SAMPLING_MIX = 1;

/** LR patch side of the largest level: 128 HR px, a multiple of 8 LR px so 4 levels stay integral. */
export function defaultBasePatch(scale: number): number {
  return Math.max(8, Math.round(128 / scale / 8) * 8);
}

export interface PackSummary {
  out: string; manifest: PackManifest; bytes: Record<string, number>; seconds: number;
  /** problems that did not stop the pack (a truncated input), also reported through `progress.warn` */
  warnings: string[];
}

/** `signal` stops the pack between steps (SIGINT/SIGTERM in the CLI): the temp folder is removed and its reason thrown. */
export async function pack(opts: PackOptions, progress: ProgressReporter, signal?: AbortSignal): Promise<PackSummary> {
  const t0 = performance.now();
  // wall-clock seconds per stage, shown at the end: where a pack's time goes
  const stageSeconds: Record<string, number> = {};
  let lapStart = t0;
  const lap = (name: string): void => {
    const now = performance.now();
    stageSeconds[name] = round((stageSeconds[name] ?? 0) + (now - lapStart) / 1000, 1);
    lapStart = now;
  };
  const input = localVideoFile(opts.input).path;
  const split: SplitOptions = { basePatch: opts.basePatch, levels: opts.paths, thresholds: opts.thresholds.slice(0, opts.paths - 1) };
  const sizes = levelSizes(split);
  const finest = sizes[sizes.length - 1];
  const s = opts.scale;

  // checked and created before the long work, so a bad or unwritable output path fails in a second
  const atomic = openAtomicDir(opts.out, { force: opts.force, protect: [input] });
  // killed ffmpeg children end their pipes, so an interrupted decode or encode returns at once
  signal?.addEventListener('abort', killFfmpegChildren);
  try {
    progress.stage('ingest', `${basename(opts.input)}`);
    const src = await ingestVideo(opts.input, {
      start: opts.start, seconds: opts.seconds, maxWidth: opts.maxWidth, scale: s, multiple: s * finest, minLrSize: opts.basePatch,
    }, (n) => progress.count('decoded frames', n));
    signal?.throwIfAborted();
    // the bytes ffmpeg read (the file's size at probe time), hashed now, before the file can change much more
    const sourceHash = await hashSource(src.probe.source);
    const warnings = sourceHash.changed ? [...src.warnings, sourceHash.changed] : src.warnings;
    for (const w of warnings) progress.warn(w);
    const hrFrames = src.frames;
    const lrFrames = hrFrames.map((f) => downscaleBicubic(f, s));
    const lrW = src.crop.width / s, lrH = src.crop.height / s;
    const { pictureWidth: pw, pictureHeight: ph } = src.plan;
    progress.stage('ingest', `${hrFrames.length} frames at ${src.fps} fps, HR ${src.crop.width}x${src.crop.height}` +
      `${pw !== src.crop.width || ph !== src.crop.height ? ` (picture ${pw}x${ph}, edges repeated right and bottom)` : ''} -> LR ${lrW}x${lrH}`);
    checkFreeSpace(dirname(atomic.temp), packBytesEstimate(hrFrames.length, src.crop.width, src.crop.height, s));
    lap('ingest');
    const gflopBudget = opts.maxGflopsPerFrame;
    // a budget no layout can meet fails now, before the scorer or the model trains
    if (gflopBudget !== null) budgetInput(() => assertBudgetReachable(defaultPathSpecs(s, sizes.map((v) => [v, v])), lrW, lrH, sizes[0], maxHaloForRouting(sizes), gflopBudget));

    // Train (and fit the skip convs) on what the player will decode, not on the clean downscale, so the
    // model is fitted to the codec's artefacts it will see (a small effect at CRF 12: +0.07 dB measured).
    progress.stage('encode', 'lr.mp4');
    const lrFile = join(atomic.temp, 'lr.mp4'), hrFile = join(atomic.temp, 'hr.mp4');
    await encodeH264(lrFrames, lrFile, { fps: src.fps, crf: opts.crf });
    signal?.throwIfAborted();
    const decodedLr = await decodeToRgb(lrFile, lrW, lrH);
    signal?.throwIfAborted();
    if (decodedLr.length !== lrFrames.length) throw new Error(`lr.mp4 decodes to ${decodedLr.length} frames; expected ${lrFrames.length}`);
    const psnrLrStream = mean(decodedLr.map((f, i) => psnrRgb8(f.data, lrFrames[i].data)));
    const frames = decodedLr.map((lr, i) => ({ lr: lr.data, hr: hrFrames[i].data }));
    lap('encode');
    progress.stage('split', `method ${opts.method}, scorer ${opts.scorer}, patches ${sizes.join('/')} px, thresholds ${split.thresholds.join('/')} dB`);
    const scorer = opts.scorer === 'bicubic' || opts.method === 'nas'
      ? bicubicScorer(decodedLr, hrFrames, s)
      : await trainedScorer(decodedLr, hrFrames, s, finest, Math.max(20, Math.round(opts.steps / 10)), opts, progress, signal);
    let plan: MethodPlan;
    let patchWeights: number[][] | undefined;
    if (opts.method === 'nas') plan = planNas(frames, lrW, lrH, s, opts.models, opts.steps);
    else if (opts.method === 'stdo') plan = planStdo(frames, lrW, lrH, s, opts.models, opts.steps, sizes[Math.min(1, sizes.length - 1)], scorer, maxHaloForRouting([sizes[0]]));
    else {
      let spec = defaultPathSpecs(s, sizes.map((v) => [v, v] as [number, number]));
      const patches: PatchRect[][] = [];
      const weights = lrFrames.map((_, i) => {
        const ps = splitFrame(i, lrW, lrH, split, scorer);
        patches.push(ps);
        // scored right after the split, while the scorer still holds this frame's upscale
        return opts.cropSampling === 'error' ? errorSamplingWeights(ps, scorer(i, ps), ERROR_SAMPLING_MIX) : null;
      });
      if (opts.cropSampling === 'error') patchWeights = weights as number[][];
      const halo = maxHaloForRouting(sizes);
      if (gflopBudget !== null) spec = budgetedSpec(spec, patches, halo, gflopBudget, progress);
      plan = { halo, patches, models: [{ spec, steps: opts.steps, set: { lrWidth: lrW, lrHeight: lrH, scale: s, frames, patches } }] };
    }
    const { halo, patches } = plan;
    const pathCount = Math.max(...patches.flat().map((p) => p.path)) + 1;
    const perPath = Array.from({ length: pathCount }, (_, k) => patches.reduce((n, ps) => n + ps.filter((p) => p.path === k).length, 0));
    progress.stage('split', `patches per path ${perPath.join(' / ')} (${(perPath.reduce((a, b) => a + b, 0) / patches.length).toFixed(1)} per frame)`);

    lap('split');
    const tTrain = performance.now();
    const onnxFiles: Uint8Array[] = [];
    let stepsDone = 0;
    for (const [m, model] of plan.models.entries()) {
      const budget = opts.trainSeconds === null ? null : opts.trainSeconds / plan.models.length;
      progress.stage('train', `${plan.models.length > 1 ? `model ${m + 1}/${plan.models.length}: ` : ''}${budget === null ? `${model.steps} steps` : `${round(budget, 1)} s`}, batch ${opts.batchSize}, halo ${halo}, trainer ${opts.trainer}`);
      const start = fittedStartWeights(model.spec, model.set, opts.seed + m);
      signal?.throwIfAborted();
      lap('skip fit');
      progress.stage('train', `skip convs: least-squares fit on ${start.samples} LR pixels`);
      const trained = await trainDynamicSR(model.set, {
        spec: model.spec, steps: model.steps, batchSize: opts.batchSize, learningRate: opts.learningRate, seed: opts.seed + m, halo, loss: opts.loss,
        trainer: opts.trainer, ...(budget === null ? {} : { trainSeconds: budget }),
        initial: start.weights, signal, patchWeights,
        onProgress: (p: TrainProgress) => progress.training(p),
      });
      stepsDone += trained.stepsDone;
      onnxFiles.push(writeModel(exportDynamicSR(model.spec, trained.weights)));
      lap('train');
    }
    const trainSeconds = (performance.now() - tTrain) / 1000;
    const modelFiles = onnxFiles.length === 1 ? ['model.onnx'] : onnxFiles.map((_, m) => `model-${m}.onnx`);
    onnxFiles.forEach((bytes, m) => writeFileSync(join(atomic.temp, modelFiles[m]), bytes));
    const manifestModelPaths = plan.models.length === 1
      ? manifestPaths(plan.models[0].spec)
      : plan.models.map((model, m) => ({ ...manifestPaths(model.spec)[0], id: m }));

    progress.stage('encode', 'hr.mp4');
    await encodeH264(hrFrames, hrFile, { fps: src.fps, crf: opts.crf });
    signal?.throwIfAborted();
    lap('encode');

    progress.stage('metrics', 'SR of the decoded LR frames with onnxruntime-node');
    const metrics = await measureFrames(onnxFiles, s, halo, decodedLr, hrFrames, patches,
      { width: src.plan.pictureWidth, height: src.plan.pictureHeight }, (n) => { signal?.throwIfAborted(); progress.count('evaluated frames', n); });
    lap('metrics');

    const patchesFile: PatchesFile = { frames: patches.map((ps) => ps.map((p) => [p.x, p.y, p.w, p.h, p.path])) };
    writeFileSync(join(atomic.temp, 'patches.json'), JSON.stringify(patchesFile));
    // the same layout in segments of PATCH_SEGMENT_SECONDS: a player fetches the part it plays, not the whole video's
    const segmented = segmentPatches(patchesFile, Math.max(1, Math.round(src.fps * PATCH_SEGMENT_SECONDS)));
    for (const [name, seg] of segmented.files) writeFileSync(join(atomic.temp, name), JSON.stringify(seg));
    const manifest: PackManifest = {
      format: 'dydca-pack/1',
      source: { file: basename(opts.input), sha256: sourceHash.sha256 },
      fps: src.fps, frames: hrFrames.length, scale: s, halo, crop: src.crop,
      lr: { width: lrW, height: lrH, file: 'lr.mp4', codec: readCodecString(lrFile) },
      hr: { width: src.crop.width, height: src.crop.height, file: 'hr.mp4', codec: readCodecString(hrFile), lossless: false },
      method: opts.method,
      model: { file: modelFiles[0], ...(modelFiles.length > 1 ? { files: modelFiles } : {}), paths: manifestModelPaths, ...(gflopBudget === null ? {} : { budget: { maxGflopsPerFrame: gflopBudget } }) },
      patches: { file: 'patches.json', segments: segmented.segments },
      gflopsPerFrame: gflopsPerFrame(patches, manifestModelPaths, s, halo),
      split: { scorer: opts.scorer, basePatch: opts.basePatch, levels: opts.paths, thresholds: split.thresholds },
      training: {
        steps: stepsDone, batchSize: opts.batchSize, learningRate: opts.learningRate, seconds: round(trainSeconds, 1),
        trainer: opts.trainer, budgetSeconds: opts.trainSeconds, loss: opts.loss,
        ...(opts.method === 'dydca' ? { cropSampling: opts.cropSampling } : {}),
      },
      metrics: { ...metrics, psnrLrStream: round(psnrLrStream, 3) },
    };
    writeFileSync(join(atomic.temp, 'manifest.json'), JSON.stringify(manifest, null, 2) + '\n');
    const bytes: Record<string, number> = {};
    for (const f of ['lr.mp4', 'hr.mp4', ...modelFiles, 'patches.json', 'manifest.json']) bytes[f] = statSync(join(atomic.temp, f)).size;
    bytes[`patches-*.json (${segmented.segments.files.length} segments)`] = segmented.segments.files.reduce((n, f) => n + statSync(join(atomic.temp, f)).size, 0);
    atomic.commit();
    lap('write');
    progress.stage('time', `${Object.entries(stageSeconds).map(([k, v]) => `${k} ${v} s`).join(', ')}; total ${round((performance.now() - t0) / 1000, 1)} s`);
    return { out: opts.out, manifest, bytes, seconds: round((performance.now() - t0) / 1000, 1), warnings };
  } catch (e) {
    killFfmpegChildren();
    atomic.abort();
    // an interrupted step fails in whatever way a killed child or an abort makes it fail: report the interrupt
    throw signal?.aborted ? signal.reason : diskFullError(e, dirname(atomic.temp));
  } finally {
    signal?.removeEventListener('abort', killFfmpegChildren);
  }
}

/** The default spec resized to fit `budget` GFLOP on every frame of the layout (specForBudget), the choice printed. */
function budgetedSpec(spec: DynamicSRSpec, patches: PatchRect[][], halo: number, budget: number, progress: ProgressReporter): DynamicSRSpec {
  const full = gflopsPerFrame(patches, spec.paths, spec.scale, halo);
  const choice = budgetInput(() => specForBudget(spec, patches, halo, budget));
  progress.stage('split', `budget ${budget} GFLOP per frame: ${choice.spec.paths[0].channels} channels, blocks ${choice.spec.paths.map((p) => p.blocks).join('/')} ` +
    `(max ${choice.cost.max}, mean ${choice.cost.mean} GFLOP per frame; default paths ${full.max}/${full.mean}; best of ${choice.candidates})`);
  return choice.spec;
}

/** A budget no model fits is bad input (exit 2), not a failure of the packer. */
function budgetInput<T>(f: () => T): T {
  try {
    return f();
  } catch (e) {
    throw e instanceof BudgetError ? new InputError(`dydca pack: ${e.message}`) : e;
  }
}

function manifestPaths(spec: DynamicSRSpec): PackManifest['model']['paths'] {
  return spec.paths.map((p) => ({ id: p.id, patch: p.patch, blocks: p.blocks, channels: p.channels }));
}

export type FrameMetrics = Pick<PackManifest['metrics'], 'psnrSR' | 'psnrBicubic' | 'psnrSRPerFrame' | 'psnrBicubicPerFrame'>
  & Required<Pick<PackManifest['metrics'], 'ssimSR' | 'ssimBicubic' | 'ssimSRPerFrame' | 'ssimBicubicPerFrame'>>;

/**
 * Per-frame and mean PSNR and SSIM (luma, src/format/ssim.ts) of SR (the model on `lr`, composed from patches)
 * and bicubic against `hr`, over the `picture` (HR px, top left; the padding's replicated edges would flatter both).
 * `onnxFiles`: one file serving every path, or (baselines) one file per path id.
 */
export async function measureFrames(onnxFiles: Uint8Array[], scale: number, halo: number, lr: RgbImage[], hr: RgbImage[], patches: PatchRect[][],
  picture: { width: number; height: number }, onFrame?: (n: number) => void): Promise<FrameMetrics> {
  const models = await Promise.all(onnxFiles.map((f) => loadPatchModel(f, scale, halo)));
  const modelFor = (path: number): PatchModel => {
    const m = models.length === 1 ? models[0] : models[path];
    if (!m) throw new Error(`patch path ${path} has no model (${models.length} model files)`);
    return m;
  };
  const sr: number[] = [], bic: number[] = [], ssimSr: number[] = [], ssimBic: number[] = [];
  for (let i = 0; i < lr.length; i++) {
    const out = pictureOf(await superResolveFrame(modelFor, lr[i], patches[i]), picture.width, picture.height);
    const up = pictureOf(upscaleBicubic(lr[i], scale), picture.width, picture.height);
    const truth = pictureOf(hr[i], picture.width, picture.height);
    sr.push(round(psnrRgb8(out.data, truth.data), 3));
    bic.push(round(psnrRgb8(up.data, truth.data), 3));
    const ref = SsimReference.ofRgb8(truth.data, truth.width, truth.height);
    ssimSr.push(round(ref.ssimRgb8(out.data), 5));
    ssimBic.push(round(ref.ssimRgb8(up.data), 5));
    onFrame?.(i + 1);
  }
  for (const m of models) await m.session.release();
  return {
    psnrSR: round(mean(sr), 3), psnrBicubic: round(mean(bic), 3), psnrSRPerFrame: sr, psnrBicubicPerFrame: bic,
    ssimSR: round(mean(ssimSr), 5), ssimBicubic: round(mean(ssimBic), 5), ssimSRPerFrame: ssimSr, ssimBicubicPerFrame: ssimBic,
  };
}

/** Scorer `bicubic`: PSNR of bicubic upscaling per patch, a cheap proxy of how hard a patch is to super-resolve. */
function bicubicScorer(lr: RgbImage[], hr: RgbImage[], scale: number): PatchScorer {
  let cached: { frame: number; up: Uint8Array } | null = null;
  return (frame, rects) => {
    if (cached?.frame !== frame) cached = { frame, up: upscaleBicubic(lr[frame], scale).data };
    const up = cached.up;
    return rects.map((r) => regionPsnr(up, hr[frame].data, hr[frame].width, r.x * scale, r.y * scale, r.w * scale, r.h * scale));
  };
}

/**
 * Scorer `trained`: the paper scores with a general SR model; here a short training of the smallest
 * path on uniform finest patches of every 4th frame, then the PSNR of its output per patch.
 */
async function trainedScorer(lr: RgbImage[], hr: RgbImage[], scale: 2 | 3 | 4, finest: number, steps: number, opts: PackOptions,
  progress: ProgressReporter, signal?: AbortSignal): Promise<PatchScorer> {
  const sample = lr.map((_, i) => i).filter((i) => i % 4 === 0);
  const w = lr[0].width, h = lr[0].height;
  const grid: PatchRect[] = [];
  for (let y = 0; y < h; y += finest) for (let x = 0; x < w; x += finest) grid.push({ x, y, w: finest, h: finest, path: 0 });
  const spec = defaultPathSpecs(scale, [[finest, finest]]);
  progress.stage('split', `training the scorer: ${steps} steps on ${sample.length} frames`);
  const set = { lrWidth: w, lrHeight: h, scale, frames: sample.map((i) => ({ lr: lr[i].data, hr: hr[i].data })), patches: sample.map(() => grid) };
  // with a time budget the scorer gets a tenth of it, as it gets a tenth of the steps otherwise
  const trained = await trainDynamicSR(set, { spec, steps, batchSize: opts.batchSize, learningRate: opts.learningRate, seed: opts.seed, signal, loss: opts.loss,
    trainer: opts.trainer, ...(opts.trainSeconds === null ? {} : { trainSeconds: opts.trainSeconds / 10 }),
    initial: fittedStartWeights(spec, set, opts.seed).weights, onProgress: (p) => progress.training(p) });
  const model = await loadPatchModel(writeModel(exportDynamicSR(spec, trained.weights)), scale, 0);
  // scores come from a whole-frame run (one patch = the frame); computed lazily per frame
  const srFrames = new Map<number, Uint8Array>();
  for (let i = 0; i < lr.length; i++) srFrames.set(i, (await superResolveFrame(() => model, lr[i], [{ x: 0, y: 0, w, h, path: 0 }])).data);
  await model.session.release();
  return (frame, rects) => rects.map((r) => regionPsnr(srFrames.get(frame)!, hr[frame].data, hr[frame].width, r.x * scale, r.y * scale, r.w * scale, r.h * scale));
}

function round(v: number, digits: number): number {
  const f = 10 ** digits;
  return Math.round(v * f) / f;
}
