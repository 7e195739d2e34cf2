// Content-aware splitting (Dy-DCA 2.2): a grid of large patches, each scored by the PSNR of an SR
// estimate; patches below a level's threshold split 2x2, down to the finest level. One level = one shape = one path.
import type { PatchRect } from '../format/patch.js';

export interface SplitOptions {
  /** side of the level-0 (largest) square patch, LR px; must be divisible by 2^(levels-1) */
  basePatch: number;
  /** number of levels = number of model paths (2..4) */
  levels: number;
  /** thresholds[k]: a level-k patch scoring >= thresholds[k] dB is kept; else split (levels-1 values) */
  thresholds: number[];
}

export interface Rect { x: number; y: number; w: number; h: number }

/** Scores patches of one frame: PSNR (dB) of an SR estimate of each rect against HR. */
export type PatchScorer = (frame: number, rects: Rect[]) => number[];

/** The paper's thresholds (40 dB, 30 dB); a fourth level, which the paper does not have, splits below 25 dB. */
export const DEFAULT_THRESHOLDS = [40, 30, 25];

/** Patch side per level: base, base/2, base/4, ... */
export function levelSizes(opts: SplitOptions): number[] {
  if (opts.levels < 1 || opts.levels > 4) throw new Error(`split levels must be 1..4; got ${opts.levels}`);
  const div = 2 ** (opts.levels - 1);
  if (opts.basePatch % div !== 0) throw new Error(`base patch ${opts.basePatch} is not divisible by ${div} for ${opts.levels} levels`);
  if (opts.thresholds.length < opts.levels - 1) throw new Error(`${opts.levels} levels need ${opts.levels - 1} thresholds; got ${opts.thresholds.length}`);
  return Array.from({ length: opts.levels }, (_, k) => opts.basePatch / 2 ** k);
}

/** The frame size must be a multiple of the finest patch so the finest level tiles any remainder. */
export function finestPatch(opts: SplitOptions): number {
  const sizes = levelSizes(opts);
  return sizes[sizes.length - 1];
}

/**
 * Split one frame. Level-0 cells that stick out of the frame (when its size is not a multiple of the
 * base) are split without scoring; their parts outside the frame are dropped. Scores for a level are
 * requested in one call so a scorer can batch them.
 */
export function splitFrame(frame: number, width: number, height: number, opts: SplitOptions, score: PatchScorer): PatchRect[] {
  const sizes = levelSizes(opts);
  const fin = sizes[sizes.length - 1];
  if (width % fin !== 0 || height % fin !== 0) {
    throw new Error(`frame ${width}x${height} is not a multiple of the finest patch ${fin}; crop it first`);
  }
  const out: PatchRect[] = [];
  let pending: Rect[] = [];
  for (let y = 0; y < height; y += sizes[0]) for (let x = 0; x < width; x += sizes[0]) pending.push({ x, y, w: sizes[0], h: sizes[0] });
  for (let level = 0; level < sizes.length; level++) {
    const inside = pending.filter((r) => r.x + r.w <= width && r.y + r.h <= height);
    const partial = pending.filter((r) => r.x + r.w > width || r.y + r.h > height);
    const last = level === sizes.length - 1;
    const scores = last || inside.length === 0 ? [] : score(frame, inside);
    const next: Rect[] = [];
    inside.forEach((r, i) => {
      if (last || scores[i] >= opts.thresholds[level]) out.push({ ...r, path: level });
      else next.push(r);
    });
    next.push(...partial);
    pending = [];
    const half = sizes[Math.min(level + 1, sizes.length - 1)];
    for (const r of next) {
      for (let dy = 0; dy < r.h; dy += half) for (let dx = 0; dx < r.w; dx += half) {
        const c = { x: r.x + dx, y: r.y + dy, w: half, h: half };
        if (c.x < width && c.y < height) pending.push(c);
      }
    }
  }
  return out;
}

/** The largest halo (LR px) for which the height routing of `exportDynamicSR` still picks each patch's path. */
export function maxHaloForRouting(sizes: number[], cap = 4): number {
  let halo = cap;
  for (let k = 1; k < sizes.length; k++) {
    const threshold = Math.ceil((sizes[k - 1] + sizes[k]) / 2);
    // an input of height sizes[k] + 2*halo must stay below the threshold
    halo = Math.min(halo, Math.floor((threshold - 1 - sizes[k]) / 2));
  }
  return Math.max(0, halo);
}
