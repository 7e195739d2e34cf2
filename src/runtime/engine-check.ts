// Shared by the Node and browser correctness checks: runs an engine's float output on random frames and
// compares it with onnxruntime's output on the same patches (centre crop), per shape class.
export interface PatchCase { frameW: number; frameH: number; patches: { x: number; y: number; w: number; h: number; path: number }[] }

/** Patches tiling a frame of `cols x rows` patches of one shape (all of one path). */
export function tiledPatches(path: number, patchW: number, patchH: number, cols: number, rows: number, x0 = 0, y0 = 0): PatchCase['patches'] {
  const out: PatchCase['patches'] = [];
  for (let r = 0; r < rows; r++) for (let c = 0; c < cols; c++) out.push({ x: x0 + c * patchW, y: y0 + r * patchH, w: patchW, h: patchH, path });
  return out;
}

export function maxAbsDiff(a: Float32Array, b: Float32Array): number {
  if (a.length !== b.length) return Infinity;
  let m = 0;
  for (let i = 0; i < a.length; i++) m = Math.max(m, Math.abs(a[i] - b[i]));
  return m;
}

/** Deterministic pseudo-random bytes (the same LCG as the Node test helpers), usable in the browser too. */
export function seededBytes(n: number, seed: number): Uint8Array {
  let s = seed >>> 0;
  return Uint8Array.from({ length: n }, () => { s = (Math.imul(s, 1664525) + 1013904223) >>> 0; return s >>> 24; });
}
