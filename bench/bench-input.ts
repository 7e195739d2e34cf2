// What the engine benches run on (shared by bench/run.ts in Chromium and bench/gpu.ts in Node + Dawn): a pack's
// LR frames (decoded by ffmpeg) and patches, optionally cut to a region; or a generated model and frames; the
// onnxruntime-node reference outputs; and the model's multiply-accumulates per frame (halo included, as run).
import { execFileSync } from 'node:child_process';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import * as ort from 'onnxruntime-node';
import { compileShapeClass, packWeights, shapeClassKey } from '../src/compiler/compile-shape-class.js';
import { cropCentre, gatherPatchBatch, groupPatchesByShape } from '../src/format/patch.js';
import { assertRoutableWithHalo, exportDynamicSR } from '../src/model/export-onnx.js';
import { defaultPathSpecs } from '../src/model/wdsr-spec.js';
import { readModel, writeModel } from '../src/onnx/model-io.js';
import { seededBytes } from '../src/runtime/engine-check.js';
import type { PatchRect } from '../src/runtime/engine.js';
import { randomWeights } from '../src/runtime/test-sr-model.js';

export interface BenchFrame { width: number; height: number; rgba: Uint8Array; patches: PatchRect[] }
export interface BenchInput {
  name: string; onnx: Uint8Array; scale: number; halo: number;
  paths: { id: number; patch: [number, number] }[];
  frames: BenchFrame[];
}

/** `auto`, `full`, or `WxH[@X,Y]` in LR pixels. */
export type Region = 'auto' | 'full' | { w: number; h: number; x: number; y: number };

export function parseRegion(s: string): Region {
  if (s === 'auto' || s === 'full') return s;
  const m = /^(\d+)x(\d+)(?:@(\d+),(\d+))?$/.exec(s);
  if (!m) throw new Error(`--region '${s}': expected auto, full, or WxH[@X,Y] (LR pixels)`);
  return { w: Number(m[1]), h: Number(m[2]), x: Number(m[3] ?? 0), y: Number(m[4] ?? 0) };
}

const inside = (p: PatchRect, r: { w: number; h: number; x: number; y: number }) => p.x >= r.x && p.y >= r.y && p.x + p.w <= r.x + r.w && p.y + p.h <= r.y + r.h;

/**
 * `auto`: the 32x32-aligned window of the first frame whose patches cover the most shape classes, then cost
 * the least (pixels grown by the halo), else the 64x64 one: one small window of SR keeps every engine's 20+
 * frames within minutes on SwiftShader.
 */
function autoRegion(first: PatchRect[], width: number, height: number, halo: number): { w: number; h: number; x: number; y: number } {
  let best: { r: { w: number; h: number; x: number; y: number }; classes: number; cost: number } | null = null;
  for (const size of [32, 64]) for (let y = 0; y + size <= height; y += size) for (let x = 0; x + size <= width; x += size) {
    if (best && size === 64) break;
    const r = { w: size, h: size, x, y };
    const ps = first.filter((p) => inside(p, r));
    if (!ps.length) continue;
    const classes = new Set(ps.map((p) => `${p.path}:${p.w}x${p.h}`)).size;
    const cost = ps.reduce((s, p) => s + (p.w + 2 * halo) * (p.h + 2 * halo), 0);
    if (!best || classes > best.classes || (classes === best.classes && cost < best.cost)) best = { r, classes, cost };
  }
  if (!best) throw new Error('no 32x32 or 64x64 window of the first frame holds a whole patch; pass --region WxH@X,Y or full');
  return best.r;
}

/** The first `count` frames of a pack, patches restricted to `region`. */
export function loadPack(dir: string, count: number, region: Region): BenchInput {
  const m = JSON.parse(readFileSync(join(dir, 'manifest.json'), 'utf8'));
  const onnx = new Uint8Array(readFileSync(join(dir, m.model.file ?? m.model.files?.[0])));
  const { width, height } = m.lr;
  const raw = execFileSync('ffmpeg', ['-v', 'error', '-i', join(dir, m.lr.file), '-frames:v', String(count), '-f', 'rawvideo', '-pix_fmt', 'rgba', '-'], { maxBuffer: 1 << 30 });
  const all = (JSON.parse(readFileSync(join(dir, m.patches.file), 'utf8')).frames as number[][][]).map((f) => f.map(([x, y, w, h, path]) => ({ x, y, w, h, path })));
  const r = region === 'auto' ? autoRegion(all[0], width, height, m.halo) : region;
  const frames = Array.from({ length: Math.min(count, raw.length / (width * height * 4)) }, (_, i) => ({
    width, height, rgba: new Uint8Array(raw.subarray(i * width * height * 4, (i + 1) * width * height * 4)),
    patches: r === 'full' ? all[i] : all[i].filter((p) => inside(p, r)),
  }));
  if (frames.some((f) => !f.patches.length)) throw new Error(`a frame has no whole patch inside the region ${JSON.stringify(r)}; choose another --region`);
  const where = r === 'full' ? 'full frames' : `patches inside ${r.w}x${r.h}@${r.x},${r.y}`;
  return {
    name: `${dir} (${m.model.file}, ${width}x${height} LR x${m.scale}, ${where})`, onnx, scale: m.scale, halo: m.halo,
    paths: m.model.paths.map((p: { id: number; patch: [number, number] }) => ({ id: p.id, patch: p.patch })), frames,
  };
}

/** No pack: the default two-path x2 network (C=32, B=2 and 4) with random weights on synthetic frames. */
export function generatedInput(count: number, width: number, height: number): BenchInput {
  const spec = defaultPathSpecs(2, [[32, 32], [16, 16]]);
  const halo = 2;
  assertRoutableWithHalo(spec, halo);
  const onnx = writeModel(exportDynamicSR(spec, randomWeights(spec, 1)));
  const frames = Array.from({ length: count }, (_, f) => {
    // 32x32 tiles; every other tile split into four 16x16 (the finer path), as the content-aware splitter would
    const patches: PatchRect[] = [];
    for (let y = 0; y < height; y += 32) for (let x = 0; x < width; x += 32) {
      if (((x + y) / 32 + f) % 2 === 0) patches.push({ x, y, w: 32, h: 32, path: 0 });
      else for (const [dx, dy] of [[0, 0], [16, 0], [0, 16], [16, 16]]) patches.push({ x: x + dx, y: y + dy, w: 16, h: 16, path: 1 });
    }
    return { width, height, rgba: seededBytes(width * height * 4, 100 + f), patches };
  });
  return { name: `generated: x2, paths 32x32 (B=2) + 16x16 (B=4), C=32, ${width}x${height} LR`, onnx, scale: 2, halo, paths: spec.paths.map((p) => ({ id: p.id, patch: p.patch })), frames };
}

/** onnxruntime-node's float outputs (centre crops [3, s*h, s*w]) for a frame's patches, in patch order. */
export async function referenceOutputs(input: BenchInput, frame: BenchFrame): Promise<Float32Array[]> {
  const { halo, scale } = input;
  const session = await ort.InferenceSession.create(input.onnx);
  const out = new Map<PatchRect, Float32Array>();
  for (const g of groupPatchesByShape(frame.patches).values()) {
    const { w, h } = g[0];
    const data = gatherPatchBatch({ width: frame.width, height: frame.height, data: frame.rgba, channels: 4 }, g, halo);
    const res = (await session.run({ lr: new ort.Tensor('float32', data, [g.length, 3, h + 2 * halo, w + 2 * halo]) })).hr.data as Float32Array;
    const per = 3 * scale * scale * (h + 2 * halo) * (w + 2 * halo);
    g.forEach((p, i) => out.set(p, cropCentre(res, i * per, h, w, halo, scale)));
  }
  await session.release();
  return frame.patches.map((p) => out.get(p)!);
}

/** Multiply-accumulates of one frame as the model defines them (every patch grown by the halo; the tail on the centre). */
export function macsPerFrame(input: BenchInput, frame: BenchFrame): number {
  const model = readModel(input.onnx);
  const weights = packWeights(model.graph);
  const perClass = new Map<string, number>();
  let total = 0;
  for (const p of frame.patches) {
    const cls = { path: p.path, patchH: p.h, patchW: p.w };
    const key = shapeClassKey(cls);
    if (!perClass.has(key)) perClass.set(key, compileShapeClass(model, cls, input.scale, input.halo, weights, 'f32').kernels.reduce((s, k) => s + k.macsPerPatch, 0));
    total += perClass.get(key)!;
  }
  return total;
}
