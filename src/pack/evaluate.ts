// `dydca eval`: reads a pack folder, decodes lr.mp4 and hr.mp4, runs model.onnx with onnxruntime-node
// per shape class per frame (halo convention), and reports per-frame and mean PSNR of SR and bicubic.
// A pack is untrusted input: every file it names is read only from inside the pack folder (symbolic links
// resolved), only when it is a regular file of bounded size, and checked before anything is allocated from it.
import { readFileSync, realpathSync, statSync } from 'node:fs';
import { join, posix, sep } from 'node:path';
import { streamRgb } from './encode.js';
import { describeFsError } from './fs-errors.js';
import { InputError, probeVideo } from './ingest.js';
import { segmentSequenceCheck } from '../format/cmaf-fragment.js';
import { playlistSegments, segmentLengths } from './stream-segments.js';
import { localFileProblems, MANIFEST_LIMITS, manifestProblems, patchesProblem, patchSegmentProblem, type PackManifest, type PatchesFile, type PatchSegmentFile } from '../format/manifest.js';
import type { PatchTuple } from '../format/patch-layout.js';
import type { PatchRect } from '../format/patch.js';
import { FrameMeter, summarizeFrames, type FrameScores } from './frame-metrics.js';
import { GflopsTally, type GflopsPerFrame } from '../model/sr-cost.js';
import { mean, psnrRgb8, summarizePsnr, type PsnrSummary } from '../format/psnr.js';
import { isSegmentStart, MODE_SR, tupleMode } from '../format/patch-mode.js';
import { PlayedFrames } from './reuse-replay.js';
import { cropPicture } from './source-frames.js';

export interface EvalReport {
  pack: string;
  frames: number;
  /**
   * Extension: with `--segment-stride K` only every K-th segment is measured (all its frames, so a reuse map replays
   * as played): the frames measured, in order; every per-frame list below has one entry per measured frame. Absent
   * when every frame was measured. The GFLOP per frame always cover every frame (they need only the layout).
   */
  measuredFrames?: number[];
  /** reference: hr.mp4 as decoded (lossy; the packer's own metrics use the exact HR frames) */
  reference: 'hr.mp4';
  psnrSR: number;
  psnrBicubic: number;
  psnrSRPerFrame: number[];
  psnrBicubicPerFrame: number[];
  /** SSIM on BT.601 luma, Gaussian 11x11 sigma 1.5 (src/format/ssim.ts), same frames as the PSNR */
  ssimSR: number;
  ssimBicubic: number;
  ssimSRPerFrame: number[];
  ssimBicubicPerFrame: number[];
  /** model GFLOP of SR per frame of this layout and paths (src/model/sr-cost.ts; also for packs whose manifest predates it) */
  gflopsPerFrame: GflopsPerFrame & { executed?: GflopsPerFrame };
  /** extension: the means with frames both reproduce exactly counted apart, and PSNR of the video's MSE (format/psnr.ts) */
  summary: PsnrSummary;
  /** the packer's numbers from manifest.json, for comparison */
  packed: { psnrSR: number; psnrBicubic: number; psnrSRPlayed?: number };
  /**
   * With a reuse map (patch modes): PSNR as played, the map replayed from each segment's start (reuse-replay.ts), mean
   * and per frame, and the GFLOP SR executes per frame (mode-0 patches only). Without one: the same as full SR.
   */
  psnrSRPlayed: number;
  psnrSRPlayedPerFrame: number[];
  executedGflopsPerFrame: GflopsPerFrame;
  /**
   * With `tiers` in the manifest: every tier's model run on the same frames (tier 0 is the top-level model: the numbers
   * above), its PSNR of SR, its cost on this layout, and the packer's PSNR for it.
   */
  tiers?: TierReport[];
}

/** One tier as `dydca eval` measures it. */
export interface TierReport {
  tier: number; file: string; psnrSR: number; psnrSRPerFrame: number[]; gflopsPerFrame: GflopsPerFrame; packed: { psnrSR: number };
  /** with a reuse map: the tier's frames as played (the same map replayed on its SR) and its executed GFLOP */
  psnrSRPlayed?: number; executedGflopsPerFrame?: GflopsPerFrame;
}

/** The real path of `name` inside pack folder `dir`; refuses what leaves the folder, is not a regular file, or exceeds `maxBytes`. */
export function packFile(dir: string, name: string, maxBytes = Infinity): string {
  const shown = join(dir, name);
  let real: string;
  try { real = realpathSync(shown); } catch (e) {
    throw new InputError(`${describeFsError(e, shown)}; the pack is incomplete or damaged`);
  }
  const root = realpathSync(dir);
  if (!real.startsWith(root + sep)) throw new InputError(`${shown} leads outside the pack folder (a symbolic link); refusing to read it`);
  const st = statSync(real);
  if (!st.isFile()) throw new InputError(`${shown} is not a regular file`);
  if (st.size > maxBytes) throw new InputError(`${shown} is ${st.size} bytes; a pack's ${name} is at most ${maxBytes}`);
  return real;
}

/** JSON of a pack file; a parse error is reported without quoting the file (it may not be what it claims). */
function readJson(dir: string, name: string, maxBytes: number): unknown {
  const file = packFile(dir, name, maxBytes);
  try { return JSON.parse(readFileSync(file, 'utf8')); } catch {
    throw new InputError(`${join(dir, name)} is not valid JSON`);
  }
}

export function readPack(dir: string): { manifest: PackManifest; patches: PatchesFile } {
  const manifest = readManifest(dir);
  return { manifest, patches: readPatches(dir, manifest) };
}

/** The pack's manifest.json, checked (schema, bounds, plain file names). */
export function readManifest(dir: string): PackManifest {
  let st;
  try { st = statSync(dir); } catch (e) { throw new InputError(`${describeFsError(e, dir)}; expected a pack folder`); }
  if (!st.isDirectory()) throw new InputError(`${dir} is not a folder; expected a pack folder (made by dydca pack)`);
  try { packFile(dir, 'manifest.json'); } catch { throw new InputError(`${dir}: no manifest.json; is it a pack folder?`); }
  const manifest = readJson(dir, 'manifest.json', MANIFEST_LIMITS.maxManifestBytes);
  const problems = manifestProblems(manifest);
  if (problems.length === 0) problems.push(...localFileProblems(manifest as PackManifest));
  if (problems.length > 0) throw new InputError(`${join(dir, 'manifest.json')}: ${problems.join('; ')}`);
  return manifest as PackManifest;
}

/** The pack's patches.json, checked against its manifest. */
export function readPatches(dir: string, m: PackManifest): PatchesFile {
  const patches = readJson(dir, m.patches.file, MANIFEST_LIMITS.maxPatchesFileBytes);
  const problem = patchesProblem(patches, m);
  if (problem) throw new InputError(`${join(dir, m.patches.file)}: ${problem}`);
  return patches as PatchesFile;
}

/** Size and frame count of a pack's video as ffprobe reads it, against the manifest, before decoding allocates from them. */
async function checkStream(dir: string, name: string, width: number, height: number, frames: number): Promise<string> {
  const file = packFile(dir, name);
  const probe = await probeVideo(file).catch((e: unknown) => { throw new InputError(`${join(dir, name)}: ${(e as Error).message}`); });
  if (probe.width !== width || probe.height !== height) {
    throw new InputError(`${join(dir, name)} is ${probe.width}x${probe.height}; the manifest says ${width}x${height}`);
  }
  if (probe.frameCount !== null && probe.frameCount !== frames) {
    throw new InputError(`${join(dir, name)} holds ${probe.frameCount} frames; the manifest says ${frames}`);
  }
  return file;
}

/**
 * The LR and HR segments (when the manifest lists them) against the manifest, from their boxes alone: the playlist
 * lists them, each file is there with the size the manifest gives, holds its segment's frames, starts with a key frame,
 * and its decode time follows the segment before. Throws the first problem as one line naming the file.
 */
export function checkStreamSegments(dir: string, m: PackManifest): void {
  for (const key of ['lr', 'hr'] as const) {
    const { playlist, segments: seg } = m[key];
    if (!seg) continue;
    if (playlist !== undefined) {
      const listed = playlistSegments(readFileSync(packFile(dir, playlist, MANIFEST_LIMITS.maxManifestBytes), 'utf8'));
      // a playlist's URIs are relative to it, the manifest's paths to the pack folder
      const inPack = (uri: string | null): string | null => uri === null ? null : posix.join(posix.dirname(playlist), uri);
      if (inPack(listed.init) !== seg.init || listed.files.length !== seg.files.length || listed.files.some((f, k) => inPack(f) !== seg.files[k])) {
        throw new InputError(`${join(dir, playlist)} does not list the segments ${key}.segments names (${listed.files.length} listed, ${seg.files.length} in the manifest)`);
      }
    }
    packFile(dir, seg.init);
    const lengths = segmentLengths(m.frames, seg.frames);
    const check = segmentSequenceCheck();
    seg.files.forEach((f, k) => {
      const where = `${join(dir, f)} (${key} segment ${k} of ${seg.files.length})`;
      const bytes = readFileSync(packFile(dir, f));
      if (bytes.length !== seg.bytes[k]) throw new InputError(`${where} is ${bytes.length} bytes; the manifest says ${seg.bytes[k]} (truncated or replaced)`);
      const problem = check(bytes, lengths[k]);
      if (problem) throw new InputError(`${where} ${problem}`);
    });
  }
}

/** The pack's layout one segment at a time (its segment files, or patches.json for packs without them), each checked. */
async function* layoutFrames(dir: string, m: PackManifest): AsyncGenerator<PatchRect[]> {
  const seg = m.patches.segments;
  // read or not, the layout file the manifest names must be a plain file inside the pack
  packFile(dir, m.patches.file);
  const toRects = (ps: PatchTuple[]): PatchRect[] => ps.map((t) => ({ x: t[0], y: t[1], w: t[2], h: t[3], path: t[4], mode: tupleMode(t) }));
  if (!seg) {
    for (const ps of readPatches(dir, m).frames) yield toRects(ps);
    return;
  }
  for (const [i, name] of seg.files.entries()) {
    const json = readJson(dir, name, MANIFEST_LIMITS.maxPatchesFileBytes);
    const problem = patchSegmentProblem(json, m, i);
    if (problem) throw new InputError(`${join(dir, name)} (patch segment ${i} of ${seg.files.length}): ${problem}`);
    for (const ps of (json as PatchSegmentFile).frames) yield toRects(ps);
  }
}

/**
 * Streams the pack: LR and HR frames decoded side by side, the layout a segment at a time, one frame measured at a
 * time (memory independent of the video's length). The HR reference is hr.mp4 as coded (LR x scale, the picture
 * padded); scores cover the picture only.
 */
export interface EvalOptions {
  /** measure every this-many-th segment only (1: every frame); needs a segmented pack when above 1 */
  segmentStride?: number;
  /** after each frame: frames read, and frames measured (SR run and scored) so far */
  onFrame?: (n: number, measured: number) => void;
}

/** Whether `--segment-stride` measures frame `n`: a segment is measured whole or not at all (a reuse map replays from its start). */
export function isMeasuredFrame(n: number, segmentFrames: number | null, stride: number): boolean {
  return stride === 1 || (segmentFrames !== null && Math.floor(n / segmentFrames) % stride === 0);
}

export async function evaluatePack(dir: string, opts: EvalOptions = {}): Promise<EvalReport> {
  const m = readManifest(dir);
  const stride = opts.segmentStride ?? 1;
  const segmentFrames = m.patches.segments?.frames ?? null;
  if (stride > 1 && segmentFrames === null) {
    throw new InputError(`${dir}: --segment-stride measures whole segments, and this pack has none (made before segments); run without it`);
  }
  const modelNames = m.model.files ?? [m.model.file];
  const onnxFiles = modelNames.map((f) => readFileSync(packFile(dir, f, MANIFEST_LIMITS.maxModelBytes)));
  // each model loads up front, so a broken one fails before minutes of decoding
  const meter = await FrameMeter.open(onnxFiles, m.scale, m.halo, modelNames.map((f) => join(dir, f)));
  // tiers 1.. (tier 0 is the model above), loaded up front too: a missing or broken tier fails first
  const tierMeters: FrameMeter[] = [];
  try {
    for (const t of (m.tiers ?? []).slice(1)) {
      tierMeters.push(await FrameMeter.open([readFileSync(packFile(dir, t.model.file, MANIFEST_LIMITS.maxModelBytes))], m.scale, m.halo, [join(dir, t.model.file)]));
    }
    const tierPsnr: number[][] = tierMeters.map(() => []);
    const tierPlayed: number[][] = tierMeters.map(() => []);
    const codedW = m.lr.width * m.scale, codedH = m.lr.height * m.scale;
    const lrFile = await checkStream(dir, m.lr.file, m.lr.width, m.lr.height, m.frames);
    const hrFile = await checkStream(dir, m.hr.file, codedW, codedH, m.frames);
    checkStreamSegments(dir, m);
    const lr = streamRgb(lrFile, m.lr.width, m.lr.height)[Symbol.asyncIterator]();
    const hr = streamRgb(hrFile, codedW, codedH)[Symbol.asyncIterator]();
    const scores: FrameScores[] = [];
    // per frame only numbers are kept (a long video's layout is never held whole)
    const tally = (paths: typeof m.model.paths): { all: GflopsTally; executed: GflopsTally } =>
      ({ all: new GflopsTally(paths, m.scale, m.halo), executed: new GflopsTally(paths, m.scale, m.halo) });
    const cost = tally(m.model.paths);
    const tierCosts = (m.tiers ?? []).map((t) => tally(t.model.paths));
    const measuredFrames: number[] = [];
    const played: number[] = [];
    const picture = { width: m.hr.width, height: m.hr.height };
    const geometry = { width: codedW, picture, scale: m.scale, lrWidth: m.lr.width, lrHeight: m.lr.height, halo: m.halo };
    const replay = new PlayedFrames(geometry);
    // every tier plays the same map (decided on tier 0's SR): each replayed on its own SR
    const tierReplays = tierMeters.map(() => new PlayedFrames(geometry));
    const playedPsnr = (frame: Uint8Array, hrFrame: Uint8Array) =>
      Math.round(psnrRgb8(cropPicture(frame, codedW, picture.width, picture.height), cropPicture(hrFrame, codedW, picture.width, picture.height)) * 1000) / 1000;
    let n = 0, withModes = false;
    for await (const patches of layoutFrames(dir, m)) {
      withModes ||= patches.some((p) => (p.mode ?? MODE_SR) !== MODE_SR);
      const [l, h] = await Promise.all([lr.next(), hr.next()]);
      if (l.done || h.done) throw new InputError(`${dir}: ${l.done ? m.lr.file : m.hr.file} ends after ${n} frames; the manifest says ${m.frames}`);
      const costed = patches.map((p) => ({ w: p.w, h: p.h, path: p.path }));
      const run = patches.filter((p) => (p.mode ?? MODE_SR) === MODE_SR).map((p) => ({ w: p.w, h: p.h, path: p.path }));
      for (const c of [cost, ...tierCosts]) { c.all.add(costed); c.executed.add(run); }
      if (!isMeasuredFrame(n, segmentFrames, stride)) {
        n++;
        opts.onFrame?.(n, measuredFrames.length);
        continue;
      }
      measuredFrames.push(n);
      const { sr, up } = await meter.render(l.value, patches);
      scores.push(meter.score(sr, up, h.value, picture));
      const start = isSegmentStart(n, segmentFrames);
      for (const [i, tm] of tierMeters.entries()) {
        const tierSr = await tm.renderSR(l.value, patches);
        tierPsnr[i].push(tm.psnr(tierSr, h.value, picture));
        tierPlayed[i].push(playedPsnr(tierReplays[i].advance(patches, { lr: l.value.data, sr: tierSr.data, bicubic: up.data }, start), h.value.data));
      }
      played.push(playedPsnr(replay.advance(patches, { lr: l.value.data, sr: sr.data, bicubic: up.data }, start), h.value.data));
      n++;
      opts.onFrame?.(n, measuredFrames.length);
    }
    await lr.return?.(undefined);
    await hr.return?.(undefined);
    if (n !== m.frames) throw new InputError(`${dir}: the layout lists ${n} frames; the manifest says ${m.frames}`);
    return {
      pack: dir, frames: m.frames, ...(stride > 1 ? { measuredFrames } : {}), reference: 'hr.mp4', ...summarizeFrames(scores), summary: summarizePsnr(scores.map((x) => x.psnrSR), scores.map((x) => x.psnrBicubic)),
      // as the manifest has it: `executed` only where the layout has a reuse map
      gflopsPerFrame: { ...cost.all.result(), ...(withModes ? { executed: cost.executed.result() } : {}) },
      packed: { psnrSR: m.metrics.psnrSR, psnrBicubic: m.metrics.psnrBicubic, ...(m.metrics.psnrSRPlayed !== undefined ? { psnrSRPlayed: m.metrics.psnrSRPlayed } : {}) },
      psnrSRPlayed: Math.round(mean(played) * 1000) / 1000, psnrSRPlayedPerFrame: played, executedGflopsPerFrame: cost.executed.result(),
      ...(m.tiers ? { tiers: m.tiers.map((t, i): TierReport => {
        const perFrame = i === 0 ? scores.map((x) => x.psnrSR) : tierPsnr[i - 1];
        return { tier: i, file: t.model.file, psnrSR: Math.round(mean(perFrame) * 1000) / 1000, psnrSRPerFrame: perFrame,
          gflopsPerFrame: tierCosts[i].all.result(), packed: { psnrSR: t.metrics.psnrSR },
          ...(withModes ? { psnrSRPlayed: Math.round(mean(i === 0 ? played : tierPlayed[i - 1]) * 1000) / 1000,
            executedGflopsPerFrame: tierCosts[i].executed.result() } : {}) };
      }) } : {}),
    };
  } finally {
    await meter.release();
    for (const tm of tierMeters) await tm.release();
  }
}
