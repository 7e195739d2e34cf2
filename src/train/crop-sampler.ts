// Draws training batches: random crops from inside the patches of one path, with `halo` px of
// clamped LR context around each crop (as inference sees it) and the matching HR centre.
import { SeededRandom } from '../model/seeded-random.js';
import type { PatchRect } from '../format/patch.js';
import { trainingWindow, type TrainingSet } from './training-set.js';

export interface CropBatch {
  pathId: number;
  count: number;
  /** crop size in LR pixels, without the halo */
  cropH: number;
  cropW: number;
  halo: number;
  /** NHWC float32 in [0,1]: [count, cropH+2*halo, cropW+2*halo, 3] */
  input: Float32Array;
  /** NHWC float32 in [0,1]: [count, s*cropH, s*cropW, 3] */
  target: Float32Array;
}

interface PatchRef { frame: number; rect: PatchRect }

/**
 * Sampling weight of each patch of one frame from its score (PSNR in dB of a baseline such as bicubic against HR):
 * `mix` x the patch's share of the frame's squared error + (1 - mix) x 1/(patches in the frame). Every frame's
 * weights sum to 1, so frames count equally, as they do in the mean per-frame PSNR; within a frame a patch counts
 * by the error it holds (squared error = area x 10^(-PSNR/10)), as the frame's PSNR does: flat patches already
 * at 45 dB have almost nothing to give. `mix` 0 is uniform over patches.
 */
export function errorSamplingWeights(rects: PatchRect[], psnrDb: number[], mix: number): number[] {
  if (rects.length !== psnrDb.length) throw new Error(`${rects.length} patches but ${psnrDb.length} scores`);
  if (!(mix >= 0 && mix <= 1)) throw new Error(`error sampling mix must be in [0, 1]; got ${mix}`);
  const sse = rects.map((r, i) => r.w * r.h * 10 ** (-psnrDb[i] / 10));
  const total = sse.reduce((a, b) => a + b, 0);
  const n = rects.length;
  return sse.map((e) => (1 - mix) / n + mix * (total > 0 ? e / total : 1 / n));
}

export class CropSampler {
  private readonly byPath = new Map<number, PatchRef[]>();
  /** per path, cumulative patch weights (absent: patches drawn uniformly) */
  private readonly patchCumulative = new Map<number, Float64Array>();
  private readonly pathIds: number[];
  private readonly cumulative: number[];

  /**
   * `patchWeights` (per frame, per patch, as `set.patches`; e.g. errorSamplingWeights): paths are drawn in
   * proportion to their patches' total weight and patches within a path by weight. Without it, paths are drawn
   * in proportion to their patch counts and patches uniformly.
   */
  constructor(private readonly set: TrainingSet, pathIds: number[], patchWeights?: number[][]) {
    if (patchWeights && (patchWeights.length !== set.patches.length || patchWeights.some((w, f) => w.length !== set.patches[f].length))) {
      throw new Error('patch weights must give one weight per patch of every frame (as the training set\'s patches)');
    }
    const weightsByPath = new Map<number, number[]>();
    set.patches.forEach((rects, frame) => {
      rects.forEach((rect, i) => {
        const list = this.byPath.get(rect.path) ?? [];
        list.push({ frame, rect });
        this.byPath.set(rect.path, list);
        if (patchWeights) {
          const w = patchWeights[frame][i];
          if (!(w >= 0 && Number.isFinite(w))) throw new Error(`patch weight ${w} (frame ${frame}, patch ${i}) must be finite and >= 0`);
          const ws = weightsByPath.get(rect.path) ?? [];
          ws.push(w);
          weightsByPath.set(rect.path, ws);
        }
      });
    });
    const mass = (id: number): number => (patchWeights ? (weightsByPath.get(id) ?? []).reduce((a, b) => a + b, 0) : this.byPath.get(id)?.length ?? 0);
    this.pathIds = pathIds.filter((id) => mass(id) > 0);
    if (this.pathIds.length === 0) throw new Error(`no patch in the training set belongs to any path of the spec (${pathIds.join(', ')})${patchWeights ? ' with a weight above 0' : ''}`);
    let acc = 0;
    this.cumulative = this.pathIds.map((id) => (acc += mass(id)));
    for (const [id, ws] of weightsByPath) {
      let c = 0;
      this.patchCumulative.set(id, Float64Array.from(ws, (w) => (c += w)));
    }
  }

  /** How many patches each path serves (without patch weights, paths are drawn in this proportion). */
  patchCounts(): Map<number, number> {
    return new Map(this.pathIds.map((id) => [id, this.byPath.get(id)!.length]));
  }

  /** A path id drawn in proportion to the number of patches it serves (or their total weight). */
  drawPath(rng: SeededRandom): number {
    const r = rng.next() * this.cumulative[this.cumulative.length - 1];
    const k = this.cumulative.findIndex((c) => r < c);
    return this.pathIds[k];
  }

  /** Crop size for a path: `cropSize` but never larger than the path's smallest patch side. */
  cropShape(pathId: number, cropSize: number): [number, number] {
    // a loop, not Math.min(...refs): a path of a long video serves millions of patches (beyond the argument limit)
    let minH = Infinity, minW = Infinity;
    for (const r of this.byPath.get(pathId) ?? []) { minH = Math.min(minH, r.rect.h); minW = Math.min(minW, r.rect.w); }
    return [Math.min(cropSize, minH), Math.min(cropSize, minW)];
  }

  /** Index of a patch of `pathId`: by weight when weights were given, else uniform. */
  private drawPatch(pathId: number, refs: PatchRef[], rng: SeededRandom): number {
    const cum = this.patchCumulative.get(pathId);
    if (!cum) return rng.int(refs.length);
    const r = rng.next() * cum[cum.length - 1];
    let lo = 0, hi = cum.length - 1;
    while (lo < hi) {
      const mid = (lo + hi) >> 1;
      if (r < cum[mid]) hi = mid; else lo = mid + 1;
    }
    return lo;
  }

  sample(pathId: number, count: number, cropSize: number, halo: number, rng: SeededRandom, augment: boolean): CropBatch {
    const refs = this.byPath.get(pathId);
    if (!refs) throw new Error(`path ${pathId} serves no patch in the training set`);
    const { lrWidth: W, lrHeight: H, scale: s } = this.set;
    const [ch, cw] = this.cropShape(pathId, cropSize);
    // rot90 swaps height and width, so only square crops rotate
    const canTranspose = ch === cw;
    const ih = ch + 2 * halo;
    const iw = cw + 2 * halo;
    const input = new Float32Array(count * ih * iw * 3);
    const target = new Float32Array(count * ch * s * cw * s * 3);
    const inTile = new Float32Array(ih * iw * 3);
    const outTile = new Float32Array(ch * s * cw * s * 3);
    for (let n = 0; n < count; n++) {
      const { frame, rect } = refs[this.drawPatch(pathId, refs, rng)];
      const y0 = rect.y + rng.int(rect.h - ch + 1);
      const x0 = rect.x + rng.int(rect.w - cw + 1);
      // only the pixels this crop reads: from a training store on disk, a window instead of two whole frames
      const ly0 = Math.max(0, y0 - halo), lx0 = Math.max(0, x0 - halo);
      const lr = trainingWindow(this.set, frame, 'lr', lx0, ly0, Math.min(W, x0 + cw + halo) - lx0, Math.min(H, y0 + ch + halo) - ly0);
      const hr = trainingWindow(this.set, frame, 'hr', x0 * s, y0 * s, cw * s, ch * s);
      for (let y = 0; y < ih; y++) {
        const sy = Math.min(H - 1, Math.max(0, y0 - halo + y)) - lr.y0;
        for (let x = 0; x < iw; x++) {
          const sx = Math.min(W - 1, Math.max(0, x0 - halo + x)) - lr.x0;
          for (let c = 0; c < 3; c++) inTile[(y * iw + x) * 3 + c] = lr.data[(sy * lr.rowPixels + sx) * 3 + c] / 255;
        }
      }
      for (let y = 0; y < ch * s; y++) {
        const row = ((y0 * s + y - hr.y0) * hr.rowPixels + x0 * s - hr.x0) * 3;
        for (let i = 0; i < cw * s * 3; i++) outTile[y * cw * s * 3 + i] = hr.data[row + i] / 255;
      }
      const t = augment ? { flipX: rng.next() < 0.5, flipY: rng.next() < 0.5, transpose: canTranspose && rng.next() < 0.5 }
        : { flipX: false, flipY: false, transpose: false };
      writeTransformed(inTile, ih, iw, t, input, n * ih * iw * 3);
      writeTransformed(outTile, ch * s, cw * s, t, target, n * ch * s * cw * s * 3);
    }
    return { pathId, count, cropH: ch, cropW: cw, halo, input, target };
  }
}

/** One of the 8 dihedral transforms (flips, and transpose which with a flip is a rot90) of an HWC tile. */
function writeTransformed(src: Float32Array, h: number, w: number, t: { flipX: boolean; flipY: boolean; transpose: boolean },
  dst: Float32Array, offset: number): void {
  for (let y = 0; y < h; y++) {
    for (let x = 0; x < w; x++) {
      let ty = t.flipY ? h - 1 - y : y;
      let tx = t.flipX ? w - 1 - x : x;
      if (t.transpose) [ty, tx] = [tx, ty];
      const d = offset + (ty * w + tx) * 3; // square when transposed, so w is the row length either way
      const sIdx = (y * w + x) * 3;
      dst[d] = src[sIdx]; dst[d + 1] = src[sIdx + 1]; dst[d + 2] = src[sIdx + 2];
    }
  }
}
