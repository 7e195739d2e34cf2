// `dydca eval`: reads a pack folder, decodes lr.mp4 and hr.mp4, runs model.onnx with onnxruntime-node
// per shape class per frame (halo convention), and reports per-frame and mean PSNR of SR and bicubic.
import { existsSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { decodeToRgb } from './encode.js';
import { InputError } from './ingest.js';
import { manifestProblems, type PackManifest, type PatchesFile } from './manifest.js';
import { validateLayout } from './patch-layout.js';
import { measureFrames } from './packer.js';

export interface EvalReport {
  pack: string;
  frames: number;
  /** reference: hr.mp4 as decoded (lossy; the packer's own metrics use the exact HR frames) */
  reference: 'hr.mp4';
  psnrSR: number;
  psnrBicubic: number;
  psnrSRPerFrame: number[];
  psnrBicubicPerFrame: number[];
  /** the packer's numbers from manifest.json, for comparison */
  packed: { psnrSR: number; psnrBicubic: number };
}

export function readPack(dir: string): { manifest: PackManifest; patches: PatchesFile } {
  const mf = join(dir, 'manifest.json');
  if (!existsSync(mf)) throw new InputError(`${dir}: no manifest.json; is it a pack folder?`);
  let manifest: unknown;
  try { manifest = JSON.parse(readFileSync(mf, 'utf8')); } catch (e) { throw new InputError(`${mf}: not JSON (${(e as Error).message})`); }
  const problems = manifestProblems(manifest);
  if (problems.length > 0) throw new InputError(`${mf}: ${problems.join('; ')}`);
  const m = manifest as PackManifest;
  const patches = JSON.parse(readFileSync(join(dir, m.patches.file), 'utf8')) as PatchesFile;
  if (patches.frames?.length !== m.frames) throw new InputError(`${m.patches.file} lists ${patches.frames?.length} frames; manifest says ${m.frames}`);
  patches.frames.forEach((ps, i) => {
    const bad = validateLayout(ps, m.lr.width, m.lr.height);
    if (bad) throw new InputError(`${m.patches.file} frame ${i}: ${bad.message}`);
  });
  return { manifest: m, patches };
}

export async function evaluatePack(dir: string, onFrame?: (n: number) => void): Promise<EvalReport> {
  const { manifest: m, patches } = readPack(dir);
  const lr = await decodeToRgb(join(dir, m.lr.file), m.lr.width, m.lr.height);
  const hr = await decodeToRgb(join(dir, m.hr.file), m.hr.width, m.hr.height);
  if (lr.length !== m.frames || hr.length !== m.frames) throw new Error(`decoded ${lr.length} LR and ${hr.length} HR frames; manifest says ${m.frames}`);
  const onnxFiles = (m.model.files ?? [m.model.file]).map((f) => readFileSync(join(dir, f)));
  const rects = patches.frames.map((ps) => ps.map(([x, y, w, h, path]) => ({ x, y, w, h, path })));
  const metrics = await measureFrames(onnxFiles, m.scale, m.halo, lr, hr, rects, onFrame);
  return { pack: dir, frames: m.frames, reference: 'hr.mp4', ...metrics, packed: { psnrSR: m.metrics.psnrSR, psnrBicubic: m.metrics.psnrBicubic } };
}
