// Checks that a frame's patch list tiles it exactly (no gaps, no overlaps, nothing out of bounds).
// Pure and dependency-free so the player can reuse it on patches.json.

/**
 * [x, y, w, h, path] in LR pixels, as stored in patches.json, with an optional 6th field `mode` (patch-mode.ts:
 * 0 SR, 1 reuse the previous frame's output, 2 bicubic; absent = 0).
 */
export type PatchTuple = [number, number, number, number, number] | [number, number, number, number, number, number];

export interface LayoutProblem { message: string }

/** Largest frame side (px) anywhere in a pack: WebGPU's default maxTextureDimension2D, which every player can hold. */
export const MAX_FRAME_SIDE = 8192;
/** Most patches in one frame (the finest split of a 4096x4096 LR frame at 16 px); bounds work per frame. */
export const MAX_PATCHES_PER_FRAME = 65_536;

/** Returns null when `patches` tile the `width x height` frame exactly, else the first problem found. */
export function validateLayout(patches: readonly PatchTuple[], width: number, height: number): LayoutProblem | null {
  // bounded before the per-pixel owner map below is allocated from them
  if (!Number.isInteger(width) || !Number.isInteger(height) || width < 1 || height < 1 || width > MAX_FRAME_SIDE || height > MAX_FRAME_SIDE) {
    return { message: `frame size ${width}x${height} is not within 1..${MAX_FRAME_SIDE} px a side` };
  }
  if (!Array.isArray(patches)) return { message: 'not a list of patches' };
  if (patches.length > Math.min(MAX_PATCHES_PER_FRAME, width * height)) {
    return { message: `${patches.length} patches cannot tile a ${width}x${height} frame (at most ${Math.min(MAX_PATCHES_PER_FRAME, width * height)})` };
  }
  const owner = new Int32Array(width * height).fill(-1);
  for (let i = 0; i < patches.length; i++) {
    const p = patches[i];
    if (!Array.isArray(p) || (p.length !== 5 && p.length !== 6) || !p.every((v) => Number.isInteger(v))) {
      const text = JSON.stringify(p) ?? String(p);
      return { message: `patch ${i} is not [x, y, w, h, path] or [x, y, w, h, path, mode] of integers: ${text.length > 60 ? `${text.slice(0, 57)}...` : text}` };
    }
    if (p.length === 6 && (p[5] < 0 || p[5] > 2)) return { message: `patch ${i} ${JSON.stringify(p)} has mode ${p[5]}; expected 0 (SR), 1 (reuse) or 2 (bicubic)` };
    const [x, y, w, h] = p;
    if (w <= 0 || h <= 0) return { message: `patch ${i} ${JSON.stringify(p)} has an empty size` };
    if (x < 0 || y < 0 || x + w > width || y + h > height) {
      return { message: `patch ${i} ${JSON.stringify(p)} lies outside the ${width}x${height} frame` };
    }
    for (let yy = y; yy < y + h; yy++) {
      for (let xx = x; xx < x + w; xx++) {
        const k = yy * width + xx;
        if (owner[k] >= 0) return { message: `patches ${owner[k]} and ${i} overlap at (${xx}, ${yy})` };
        owner[k] = i;
      }
    }
  }
  const gap = owner.indexOf(-1);
  if (gap >= 0) return { message: `pixel (${gap % width}, ${Math.floor(gap / width)}) is covered by no patch` };
  return null;
}
