// The pack plan: `dydca pack`'s options and the probed input resolved once into everything the stages read
// (frame geometry, chunks, strides, training recipe). Jobs get the plan, never raw options; the plan is JSON so a
// queue worker on another machine runs a job from it alone.
import { basename, resolve } from 'node:path';
import { defaultPathSpecs } from '../model/wdsr-spec.js';
import { assertBudgetReachable } from '../model/spec-for-budget.js';
import { segmentFrames } from '../format/manifest.js';
import { levelSizes, maxHaloForRouting, type SplitOptions } from './splitter.js';
import { totalmem } from 'node:os';
import { videoStartOffset } from './source-frames.js';
import { checkFrame, expectedFrames, InputError, memoryProblem, planFrame, probeVideo, timingNote, type FramePlan, type VideoProbe } from './ingest.js';
import { budgetInput, type LadderRung, type PackOptions } from './pack-options.js';
import type { WorkKey } from './work-folder.js';
import { packBytesEstimate } from './free-space.js';

/** Seconds of video per chunk at most (fewer when its HR frames would exceed CHUNK_HR_BYTES). */
export const CHUNK_SECONDS = 10;
/** HR bytes of one chunk's frames at most: bounds every per-chunk stage's memory whatever the frame size. */
export const CHUNK_HR_BYTES = 384 * 2 ** 20;
/** Frames the training store keeps at most (evenly spaced); below it every frame is kept. */
export const TRAIN_FRAMES = 600;
/**
 * HR pixels the packer's metrics evaluate at most (every k-th frame, evenly spaced): SR of a 1080p frame on a CPU takes
 * seconds. 300 megapixels: every frame of the demo (280 frames of 960x544), 1 frame in 84 of a 10-minute 1080p video.
 */
export const METRIC_PIXELS = 300e6;

export interface PackPlan {
  input: { path: string; name: string; size: number; mtimeMs: number };
  out: string;
  /** replace what stands at `out` (never the input) */
  force: boolean;
  method: PackOptions['method'];
  scale: 2 | 3 | 4;
  probe: VideoProbe;
  fps: number;
  /** seconds from the container's start to the video's first frame (source-frames.ts) */
  videoStartOffset: number;
  /** index of the first source frame packed (--start, on the source's frame grid) */
  firstFrame: number;
  /** frames packed, as the container declares them (a truncated file may hold fewer; the chunks find out) */
  frames: number;
  geometry: FramePlan;
  /** one line when the source's frame timing is variable (it is read at a constant rate) */
  timingNote: string | null;
  lrWidth: number;
  lrHeight: number;
  split: SplitOptions;
  sizes: number[];
  halo: number;
  /** frames per LR/HR/layout segment (2 s; fewer when one chunk's HR bound holds fewer); every segment starts with a key frame */
  segmentFrames: number;
  /** frames per chunk: whole segments, so a segment never straddles two chunks */
  chunkFrames: number;
  chunks: number;
  /** every trainStride-th frame goes into the training store */
  trainStride: number;
  /** every metricsStride-th frame is evaluated by the packer's metrics */
  metricsStride: number;
  /** the layout needs every frame at once (baselines, the trained scorer): one in-memory job after the chunks */
  layoutInMemory: boolean;
  options: Omit<PackOptions, 'input' | 'out' | 'force'>;
  /**
   * --ladder (top-level plan only): the plans of the other rungs, in rising scale. Their jobs are jobs of this graph
   * (`chunk-r4-0`, `train-r4-0`, `metrics-r4-0`, `finish-r4`; job-graph.ts); [] for a ladder of one rung.
   */
  rungs?: PackPlan[];
  /** a ladder rung's plan: its chunks encode no HR and its finish job writes no HR stream (the pack's is the top level's) */
  lrOnly?: boolean;
}

/**
 * Probes the input and resolves the options into a plan (input problems throw InputError before any work); with
 * --ladder, also every other rung's plan (`rungs`: the same options at its scale and patch, so the same geometry).
 */
export async function planPack(opts: PackOptions): Promise<PackPlan> {
  const plan = await planOne(opts);
  if (opts.ladder) {
    plan.rungs = [];
    for (const r of opts.ladder.slice(1)) plan.rungs.push({ ...await planOne({ ...opts, scale: r.scale, basePatch: r.basePatch, force: true, reuseMargin: 0, tiers: 1 }), lrOnly: true });
  }
  return plan;
}

async function planOne(opts: PackOptions): Promise<PackPlan> {
  const path = resolve(opts.input);
  const probe = await probeVideo(opts.input, { start: opts.start, seconds: opts.seconds });
  const split: SplitOptions = { basePatch: opts.basePatch, levels: opts.paths, thresholds: opts.thresholds.slice(0, opts.paths - 1) };
  const sizes = levelSizes(split);
  const finest = sizes[sizes.length - 1];
  const s = opts.scale;
  // a ladder's rungs share the HR frame: padded to every rung's patch grid, so each rung's plan has the same geometry
  const geometry = planFrame(probe, opts.maxWidth, ladderMultiple(opts, s * finest));
  checkFrame(opts.input, probe, geometry, { scale: s, minLrSize: opts.basePatch, maxWidth: opts.maxWidth });
  const lrWidth = geometry.paddedWidth / s, lrHeight = geometry.paddedHeight / s;
  if (probe.durationS !== null && opts.start >= probe.durationS) {
    throw new InputError(`${basename(opts.input)} is ${probe.durationS.toFixed(2)} s long; the chosen range starts at ${opts.start} s`, ['start']);
  }
  const firstFrame = Math.ceil(opts.start * probe.fps - 1e-6);
  const expected = expectedFrames(probe, opts.start, opts.seconds);
  if (expected === null) throw new InputError(`${basename(opts.input)}: its container states neither a frame count nor a duration; remux it (ffmpeg -i in -c copy out.mp4) and try again`);
  if (expected.count < 1) throw new InputError(`${basename(opts.input)}: no frames in the chosen range (start ${opts.start} s${opts.seconds !== null ? `, ${opts.seconds} s` : ''})`, ['start', 'seconds']);
  const frames = expected.count;
  const halo = opts.method === 'nas' ? 0 : opts.method === 'stdo' ? maxHaloForRouting([sizes[0]]) : maxHaloForRouting(sizes);
  if (opts.maxGflopsPerFrame !== null) {
    const budget = opts.maxGflopsPerFrame;
    budgetInput(() => assertBudgetReachable(defaultPathSpecs(s, sizes.map((v) => [v, v])), lrWidth, lrHeight, sizes[0], maxHaloForRouting(sizes), budget));
  }
  const hrFrameBytes = geometry.paddedWidth * geometry.paddedHeight * 3;
  const { segment, chunk } = chunkAndSegmentFrames(probe.fps, hrFrameBytes);
  const layoutInMemory = opts.method !== 'dydca' || opts.scorer === 'trained';
  if (layoutInMemory) {
    const memory = memoryProblem(frames, geometry.paddedWidth, geometry.paddedHeight, s, totalmem());
    if (memory) throw new InputError(`${basename(opts.input)}: --method ${opts.method}${opts.scorer === 'trained' ? ' with --scorer trained' : ''} holds every frame in memory (the paper's comparisons on short clips); ${memory}`, ['seconds', 'maxWidth']);
  }
  const { input: _input, out: _out, force: _force, ...options } = opts;
  return {
    input: { path, name: basename(opts.input), size: probe.source.size, mtimeMs: probe.source.mtimeMs }, timingNote: timingNote(opts.input, probe),
    out: resolve(opts.out), force: opts.force, method: opts.method, scale: s, probe, fps: probe.fps, videoStartOffset: await videoStartOffset(probe), firstFrame, frames, geometry, lrWidth, lrHeight,
    split, sizes, halo, segmentFrames: segment, chunkFrames: chunk, chunks: Math.ceil(frames / chunk),
    // the in-memory layouts (baselines, trained scorer) see every frame, as they always have
    trainStride: layoutInMemory ? 1 : Math.ceil(frames / TRAIN_FRAMES),
    metricsStride: Math.ceil(frames / Math.max(1, Math.floor(METRIC_PIXELS / (geometry.paddedWidth * geometry.paddedHeight)))),
    layoutInMemory, options,
  };
}

const gcd = (a: number, b: number): number => (b === 0 ? a : gcd(b, a % b));

/** HR px the padded frame is a multiple of: scale x the finest patch, of every rung of a ladder (their lcm). */
export function ladderMultiple(opts: Pick<PackOptions, 'ladder' | 'paths'>, own: number): number {
  let m = own;
  for (const r of opts.ladder ?? []) {
    const g = r.scale * (r.basePatch / 2 ** (opts.paths - 1));
    m = (m * g) / gcd(m, g);
  }
  return m;
}

/**
 * Frames per segment and per chunk at `fps`: a segment is 2 s (segmentFrames), a chunk 10 s, both fewer when the
 * chunk's HR frames would exceed CHUNK_HR_BYTES; a chunk is whole segments, so segments are cut inside one chunk job.
 */
export function chunkAndSegmentFrames(fps: number, hrFrameBytes: number): { segment: number; chunk: number } {
  const most = Math.max(1, Math.min(Math.round(fps * CHUNK_SECONDS), Math.floor(CHUNK_HR_BYTES / hrFrameBytes)));
  const segment = Math.min(segmentFrames(fps), most);
  return { segment, chunk: Math.floor(most / segment) * segment };
}

/**
 * Disk the work folder and the pack need at most: the chunks' LR and HR streams, then the same joined into the pack
 * twice, as lr.mp4/hr.mp4 and as their segments (packBytesEstimate each), and the training store's raw frames.
 */
export function workBytesEstimate(plan: PackPlan): number {
  const g = plan.geometry;
  const stored = Math.ceil(plan.frames / plan.trainStride) * g.paddedWidth * g.paddedHeight * 3 * (1 + 1 / (plan.scale * plan.scale));
  return 3 * packBytesEstimate(plan.frames, g.paddedWidth, g.paddedHeight, plan.scale) + stored + (plan.rungs ?? []).reduce((n, r) => n + workBytesEstimate(r), 0);
}

/** Frames of chunk k: [first, end) in pack frame indices (0 = the first packed frame). */
export function chunkRange(plan: PackPlan, k: number): [number, number] {
  const first = k * plan.chunkFrames;
  return [first, Math.min(plan.frames, first + plan.chunkFrames)];
}

/** What the work folder's results depend on: the input file and every option that changes a result. */
export function workKey(plan: PackPlan): WorkKey {
  const key: WorkKey = { input: plan.input.path, inputSize: plan.input.size, inputTime: plan.input.mtimeMs };
  for (const [k, v] of Object.entries(plan.options)) {
    if (k === 'quiet' || k === 'json' || k === 'work' || k === 'queue') continue;
    // absent without --ladder, so the work of packs made before it still resumes
    if (k === 'ladder') { if (v) key.ladder = (v as LadderRung[]).map((r) => `${r.scale}:${r.basePatch}`).join(','); continue; }
    key[k] = Array.isArray(v) ? v.join(',') : (v as string | number | boolean | null);
  }
  // not options, but the chunks' files depend on them (a packer that cut chunks otherwise left other files)
  key.chunkFrames = plan.chunkFrames;
  key.segmentFrames = plan.segmentFrames;
  return key;
}

/** Labels of workKey's fields as the user typed them, for "[resume] ... changed" lines. */
export const WORK_KEY_LABELS: Record<string, string> = {
  input: 'the input video', inputSize: 'the input video (its size)', inputTime: 'the input video (its modification time)',
  scale: '--scale', start: '--start', seconds: '--seconds', maxWidth: '--max-width', paths: '--paths', steps: '--steps', trainSeconds: '--train-seconds',
  trainer: '--trainer', batchSize: '--batch', learningRate: '--lr', loss: '--loss', cropSampling: '--crop-sampling', method: '--method', models: '--models',
  chunkFrames: 'the frames per chunk (this packer cuts chunks otherwise)', segmentFrames: 'the frames per segment (this packer cuts segments otherwise)',
  scorer: '--scorer', basePatch: '--patch', thresholds: '--thresholds', crf: '--crf', seed: '--seed', maxGflopsPerFrame: '--max-gflops-per-frame', reuseMargin: '--reuse-margin', ladder: '--ladder', tiers: '--tiers',
};
