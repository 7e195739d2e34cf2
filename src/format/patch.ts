// Patches, the unit every part of a pack shares: the rectangle type, the halo convention, grouping by shape
// class, and the CPU gather (halo-grown region -> NCHW float) and centre crop that define SR of a patch.

/** One patch of an LR frame, in LR pixels; `path` is the model path (shape class) that serves it. */
export interface PatchRect {
  x: number; y: number; w: number; h: number; path: number;
  /** what the player does with it (patch-mode.ts): 0 or absent SR, 1 keep the previous frame's output, 2 bicubic */
  mode?: 0 | 1 | 2;
}

/**
 * The halo convention, the same for every engine, the packer and `dydca eval`: the model runs on the LR
 * region grown by `halo` pixels on each side (pixels outside the frame clamp to the nearest edge pixel),
 * and the patch's SR is the centre `scale*h x scale*w` of the output. All patches of one shape class
 * therefore share one input shape and batch into one run.
 */
export const patchShapeKey = (p: Pick<PatchRect, 'path' | 'w' | 'h'>): string => `${p.path}:${p.w}x${p.h}`;

/** Groups a frame's patches by shape class (path, w, h), in first-seen order: one model run per group. */
export function groupPatchesByShape<P extends PatchRect>(patches: readonly P[]): Map<string, P[]> {
  const groups = new Map<string, P[]>();
  for (const p of patches) {
    const key = patchShapeKey(p);
    const list = groups.get(key);
    if (list) list.push(p); else groups.set(key, [p]);
  }
  return groups;
}

/** An 8-bit frame in memory, `channels` bytes per pixel (3 for RGB, 4 for RGBA), RGB first. */
export interface Frame8 { width: number; height: number; data: Uint8Array; channels: 3 | 4 }

/**
 * Writes the `w x h` region at (x0, y0) of `frame`, edge-clamped, as NCHW float RGB in [0,1] into `out` at
 * `offset` (one [3, h, w] item). With x0 = patch.x - halo and w = patch.w + 2*halo this is the model input.
 */
export function gatherRegionNCHW(frame: Frame8, x0: number, y0: number, w: number, h: number, out: Float32Array, offset: number): void {
  const plane = w * h, ch = frame.channels;
  for (let y = 0; y < h; y++) {
    const sy = Math.min(frame.height - 1, Math.max(0, y0 + y));
    for (let x = 0; x < w; x++) {
      const sx = Math.min(frame.width - 1, Math.max(0, x0 + x));
      const p = (sy * frame.width + sx) * ch;
      const o = offset + y * w + x;
      out[o] = frame.data[p] / 255;
      out[o + plane] = frame.data[p + 1] / 255;
      out[o + 2 * plane] = frame.data[p + 2] / 255;
    }
  }
}

/** The NCHW batch of model inputs for patches of one shape class (their halo-grown regions). */
export function gatherPatchBatch(frame: Frame8, patches: readonly Pick<PatchRect, 'x' | 'y' | 'w' | 'h'>[], halo: number): Float32Array {
  if (patches.length === 0) return new Float32Array(0);
  const w = patches[0].w + 2 * halo, h = patches[0].h + 2 * halo;
  const out = new Float32Array(patches.length * 3 * w * h);
  patches.forEach((p, n) => gatherRegionNCHW(frame, p.x - halo, p.y - halo, w, h, out, n * 3 * w * h));
  return out;
}

/** Centre crop [3, s*h, s*w] of one model output [3, s*(h+2*halo), s*(w+2*halo)] starting at `offset`. */
export function cropCentre(out: Float32Array, offset: number, patchH: number, patchW: number, halo: number, s: number): Float32Array {
  const IH = s * (patchH + 2 * halo), IW = s * (patchW + 2 * halo), OH = s * patchH, OW = s * patchW;
  const crop = new Float32Array(3 * OH * OW);
  for (let c = 0; c < 3; c++) for (let y = 0; y < OH; y++) for (let x = 0; x < OW; x++) {
    crop[(c * OH + y) * OW + x] = out[offset + (c * IH + y + s * halo) * IW + x + s * halo];
  }
  return crop;
}
