// `dydca eval`: reads a pack folder, decodes lr.mp4 and hr.mp4, runs model.onnx with onnxruntime-node
// per shape class per frame (halo convention), and reports per-frame and mean PSNR of SR and bicubic.
// A pack is untrusted input: every file it names is read only from inside the pack folder (symbolic links
// resolved), only when it is a regular file of bounded size, and checked before anything is allocated from it.
import { readFileSync, realpathSync, statSync } from 'node:fs';
import { totalmem } from 'node:os';
import { join, sep } from 'node:path';
import { decodeToRgb } from './encode.js';
import { describeFsError } from './fs-errors.js';
import { InputError, probeVideo } from './ingest.js';
import { localFileProblems, MANIFEST_LIMITS, manifestProblems, patchesProblem, type PackManifest, type PatchesFile } from '../format/manifest.js';
import { loadPatchModel } from './patch-inference.js';
import { measureFrames } from './packer.js';
import { gflopsPerFrame, type GflopsPerFrame } from '../model/sr-cost.js';
import { summarizePsnr, type PsnrSummary } from '../format/psnr.js';

export interface EvalReport {
  pack: string;
  frames: number;
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
  gflopsPerFrame: GflopsPerFrame;
  /** extension: the means with frames both reproduce exactly counted apart, and PSNR of the video's MSE (format/psnr.ts) */
  summary: PsnrSummary;
  /** the packer's numbers from manifest.json, for comparison */
  packed: { psnrSR: number; psnrBicubic: number };
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

export async function evaluatePack(dir: string, onFrame?: (n: number) => void): Promise<EvalReport> {
  const m = readManifest(dir);
  // eval holds every decoded LR and HR frame: refuse up front what this machine cannot hold
  const need = m.frames * m.hr.width * m.hr.height * 3 * (1 + 1 / (m.scale * m.scale));
  if (need > totalmem() / 2) {
    throw new InputError(`${dir}: evaluating ${m.frames} frames of ${m.hr.width}x${m.hr.height} needs about ${(need / 2 ** 30).toFixed(1)} GB of memory; this machine has ${(totalmem() / 2 ** 30).toFixed(1)} GB`);
  }
  const patches = readPatches(dir, m);
  const modelNames = m.model.files ?? [m.model.file];
  const onnxFiles = modelNames.map((f) => readFileSync(packFile(dir, f, MANIFEST_LIMITS.maxModelBytes)));
  // load each model once up front, so a broken one fails before minutes of decoding
  for (const [i, bytes] of onnxFiles.entries()) await (await loadPatchModel(bytes, m.scale, m.halo, join(dir, modelNames[i]))).session.release();
  const lrFile = await checkStream(dir, m.lr.file, m.lr.width, m.lr.height, m.frames);
  const hrFile = await checkStream(dir, m.hr.file, m.hr.width, m.hr.height, m.frames);
  const lr = await decodeToRgb(lrFile, m.lr.width, m.lr.height);
  const hr = await decodeToRgb(hrFile, m.hr.width, m.hr.height);
  if (lr.length !== m.frames || hr.length !== m.frames) throw new InputError(`decoded ${lr.length} LR and ${hr.length} HR frames from ${dir}; the manifest says ${m.frames}`);
  const rects = patches.frames.map((ps) => ps.map(([x, y, w, h, path]) => ({ x, y, w, h, path })));
  const metrics = await measureFrames(onnxFiles, m.scale, m.halo, lr, hr, rects, onFrame);
  return {
    pack: dir, frames: m.frames, reference: 'hr.mp4', ...metrics, summary: summarizePsnr(metrics.psnrSRPerFrame, metrics.psnrBicubicPerFrame), gflopsPerFrame: gflopsPerFrame(rects, m.model.paths, m.scale, m.halo),
    packed: { psnrSR: m.metrics.psnrSR, psnrBicubic: m.metrics.psnrBicubic },
  };
}
