// Fetches and checks a pack for playback: manifest (schema from src/pack/manifest.ts), patches.json (every frame
// must tile the LR frame exactly: src/pack/patch-layout.ts) and model.onnx; errors say which file and what is wrong.
import { manifestProblems, type PackManifest } from '../pack/manifest.js';
import { validateLayout, type PatchTuple } from '../pack/patch-layout.js';
import type { EngineModel, PatchRect } from '../runtime/engine.js';

export interface LoadedPack {
  manifestUrl: string;
  manifest: PackManifest;
  /** per frame, the patches in LR px */
  layouts: PatchRect[][];
  model: EngineModel;
  lrUrl: string;
  hrUrl: string;
}

export class PackError extends Error {}

async function fetchOk(url: string, what: string): Promise<Response> {
  let response: Response;
  try { response = await fetch(url); } catch (e) {
    throw new PackError(`Could not fetch the ${what} at ${url}: ${(e as Error).message}`);
  }
  if (!response.ok) throw new PackError(`Could not load the ${what} at ${url}: HTTP ${response.status}${response.status === 404 ? ' (not found; check the pack URL)' : ''}`);
  return response;
}

async function fetchJson(url: string, what: string): Promise<unknown> {
  const text = await (await fetchOk(url, what)).text();
  try { return JSON.parse(text); } catch {
    throw new PackError(`The ${what} at ${url} is not valid JSON`);
  }
}

/** Checks patches.json against the manifest; returns the per-frame layouts. */
export function parsePatches(json: unknown, manifest: PackManifest): PatchRect[][] {
  const frames = (json as { frames?: unknown } | null)?.frames;
  if (!Array.isArray(frames)) throw new PackError('Malformed patches.json: expected {"frames": [[[x, y, w, h, path], ...], ...]}');
  if (frames.length !== manifest.frames) throw new PackError(`Malformed patches.json: ${frames.length} frames listed, the manifest says ${manifest.frames}`);
  const pathCount = manifest.model.paths.length;
  return frames.map((frame: unknown, i) => {
    if (!Array.isArray(frame)) throw new PackError(`Bad patch layout in frame ${i}: not a list of patches`);
    const problem = validateLayout(frame as PatchTuple[], manifest.lr.width, manifest.lr.height);
    if (problem) throw new PackError(`Bad patch layout in frame ${i}: ${problem.message}`);
    return (frame as PatchTuple[]).map(([x, y, w, h, path]) => {
      if (path < 0 || path >= pathCount) throw new PackError(`Bad patch layout in frame ${i}: path ${path} is not one of the model's ${pathCount} paths`);
      return { x, y, w, h, path };
    });
  });
}

export async function loadPack(manifestUrl: string, onProgress: (message: string) => void): Promise<LoadedPack> {
  const absolute = new URL(manifestUrl, location.href).href;
  onProgress('loading manifest');
  const json = await fetchJson(absolute, 'pack manifest');
  const problems = manifestProblems(json);
  if (problems.length > 0) throw new PackError(`Malformed manifest ${manifestUrl}: ${problems.join('; ')}`);
  const manifest = json as PackManifest;
  const at = (file: string): string => new URL(file, absolute).href;
  onProgress('loading patch layout');
  const layouts = parsePatches(await fetchJson(at(manifest.patches.file), 'patch layout'), manifest);
  onProgress('loading model');
  const onnx = new Uint8Array(await (await fetchOk(at(manifest.model.file), 'model')).arrayBuffer());
  return {
    manifestUrl, manifest, layouts,
    model: { onnx, scale: manifest.scale, halo: manifest.halo, paths: manifest.model.paths.map((p) => ({ id: p.id, patch: p.patch })) },
    lrUrl: at(manifest.lr.file), hrUrl: at(manifest.hr.file),
  };
}
