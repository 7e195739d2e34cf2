// Super-resolves whole frames with onnxruntime-node by the engine's patch convention: each patch's LR
// region grown by `halo` (edge-clamped), one batched run per shape class, centre of each output kept.
import * as ort from 'onnxruntime-node';
import { gatherRegionNCHW, groupPatchesByShape, type PatchRect } from '../format/patch.js';
import type { RgbImage } from './bicubic.js';
import { InputError } from './ingest.js';

/** Patches per onnxruntime run: bounds memory for frames with many small patches. */
const MAX_BATCH = 128;

export interface PatchModel { session: ort.InferenceSession; scale: number; halo: number }

/**
 * Loads an SR model and checks its interface (docs/pack-format.md, model.onnx: one float32 input [N, 3, h, w], one output
 * [N, 3, h*s, w*s]) before anything is allocated from it; `name` is the file named in errors.
 */
export async function loadPatchModel(onnx: Uint8Array, scale: number, halo: number, name = 'model.onnx'): Promise<PatchModel> {
  let session: ort.InferenceSession;
  try {
    // idle threads sleep instead of spinning: on a shared machine spinning takes the cores the working threads wait for
    session = await ort.InferenceSession.create(onnx, { intraOpNumThreads: 2, graphOptimizationLevel: 'all', extra: { session: { intra_op: { allow_spinning: '0' } } } });
  } catch (e) {
    // onnxruntime's own message names no file ("protobuf parsing failed")
    throw new InputError(`${name} is not a model onnxruntime can load (${(e as Error).message.split('\n')[0].replace(/^Error: /, '')})`);
  }
  const problem = interfaceProblem(session) ?? await scaleProblem(session, scale);
  if (problem) {
    await session.release();
    throw new InputError(`${name} ${problem}`);
  }
  return { session, scale, halo };
}

/** Runs the model once on a small patch: a model for another scale (another pack's) is named before any work. */
async function scaleProblem(session: ort.InferenceSession, scale: number): Promise<string | null> {
  const side = 8;
  let dims: number[];
  try {
    const out = await session.run({ [session.inputNames[0]]: new ort.Tensor('float32', new Float32Array(3 * side * side).fill(0.5), [1, 3, side, side]) });
    dims = out[session.outputNames[0]].dims as number[];
  } catch (e) {
    return `does not run on a 1x3x${side}x${side} input (${(e as Error).message.split('\n')[0]})`;
  }
  const [, , oh, ow] = dims;
  if (oh === side * scale && ow === side * scale) return null;
  const found = oh / side === ow / side ? `x${+(oh / side).toFixed(3)}` : `${+(oh / side).toFixed(3)} x ${+(ow / side).toFixed(3)}`;
  return `upscales ${found} (a 1x3x${side}x${side} input gave ${dims.join('x')}); the manifest says scale ${scale} (expected ` +
    `1x3x${side * scale}x${side * scale}): the model belongs to another pack, or the manifest's scale is wrong`;
}

function interfaceProblem(session: ort.InferenceSession): string | null {
  const io = [['input', session.inputMetadata], ['output', session.outputMetadata]] as const;
  for (const [kind, list] of io) {
    if (list.length !== 1) return `has ${list.length} ${kind}s; expected one`;
    const v = list[0];
    if (!v.isTensor || v.type !== 'float32') return `${kind} '${v.name}' is not a float32 tensor`;
    if (v.shape.length !== 4) return `${kind} '${v.name}' has rank ${v.shape.length}; expected 4 (N, 3, h, w)`;
    if (v.shape[1] !== 3) return `${kind} '${v.name}' has ${String(v.shape[1])} channels; expected 3`;
  }
  return null;
}

/** Crop [y0, y0+h) x [x0, x0+w) of an RGB8 frame with edge clamping into NCHW float [0,1] at `offset`. */
export function extractClampedNCHW(frame: RgbImage, x0: number, y0: number, w: number, h: number, out: Float32Array, offset: number): void {
  gatherRegionNCHW({ ...frame, channels: 3 }, x0, y0, w, h, out, offset);
}

/**
 * Super-resolve every patch of `lr` (which must tile it) into a new HR RGB8 frame. `modelFor(path)` gives
 * the model serving a path id: one dynamic model for all paths (Dy-DCA) or one model per path (baselines).
 */
export async function superResolveFrame(modelFor: (path: number) => PatchModel, lr: RgbImage, patches: PatchRect[]): Promise<RgbImage> {
  const s = modelFor(patches[0]?.path ?? 0).scale;
  const hrW = lr.width * s, hrH = lr.height * s;
  const hr = new Uint8Array(hrW * hrH * 3);
  for (const group of groupPatchesByShape(patches).values()) {
    const { w, h } = group[0];
    const model = modelFor(group[0].path);
    const halo = model.halo;
    const iw = w + 2 * halo, ih = h + 2 * halo;
    for (let start = 0; start < group.length; start += MAX_BATCH) {
      const batch = group.slice(start, start + MAX_BATCH);
      const input = new Float32Array(batch.length * 3 * iw * ih);
      batch.forEach((p, i) => extractClampedNCHW(lr, p.x - halo, p.y - halo, iw, ih, input, i * 3 * iw * ih));
      const result = await model.session.run({ [model.session.inputNames[0]]: new ort.Tensor('float32', input, [batch.length, 3, ih, iw]) });
      const out = result[model.session.outputNames[0]];
      const [, c, oh, ow] = out.dims as number[];
      if (c !== 3 || oh !== ih * s || ow !== iw * s) throw new Error(`model output ${out.dims.join('x')} for input ${ih}x${iw}; expected 3x${ih * s}x${iw * s}`);
      const data = out.data as Float32Array;
      const plane = oh * ow;
      batch.forEach((p, i) => {
        const base = i * 3 * plane;
        for (let y = 0; y < h * s; y++) {
          const srcRow = (y + halo * s) * ow + halo * s;
          const dstRow = ((p.y * s + y) * hrW + p.x * s) * 3;
          for (let x = 0; x < w * s; x++) {
            const d = dstRow + x * 3;
            for (let ch = 0; ch < 3; ch++) hr[d + ch] = toByte(data[base + ch * plane + srcRow + x]);
          }
        }
      });
      out.dispose?.();
    }
  }
  return { width: hrW, height: hrH, data: hr };
}

function toByte(v: number): number {
  const b = Math.round(v * 255);
  return b < 0 ? 0 : b > 255 ? 255 : b;
}
