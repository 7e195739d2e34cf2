// Checks that a frame's patch list tiles it exactly (no gaps, no overlaps, nothing out of bounds).
// Pure and dependency-free so the player can reuse it on patches.json.

/** [x, y, w, h, path] in LR pixels, as stored in patches.json */
export type PatchTuple = [number, number, number, number, number];

export interface LayoutProblem { message: string }

/** Returns null when `patches` tile the `width x height` frame exactly, else the first problem found. */
export function validateLayout(patches: readonly PatchTuple[], width: number, height: number): LayoutProblem | null {
  const owner = new Int32Array(width * height).fill(-1);
  for (let i = 0; i < patches.length; i++) {
    const p = patches[i];
    if (!Array.isArray(p) || p.length !== 5 || !p.every((v) => Number.isInteger(v))) {
      return { message: `patch ${i} is not [x, y, w, h, path] of integers: ${JSON.stringify(p)}` };
    }
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
