// The reuse map's decision (issue 21): per frame and patch, run SR (mode 0), keep the previous frame's played output
// (mode 1) or show bicubic (mode 2), with a quality guarantee against the HR frame, and the replay that defines what
// a player shows with the map. Pure functions over RGB8 frames; the reuse job (stages/reuse-stage.ts) and
// `dydca eval` run them.
import { MODE_BICUBIC, MODE_REUSE, MODE_SR, type PatchMode } from '../format/patch-mode.js';
import type { PatchRect } from '../format/patch.js';

/** What a patch's choices cost in squared error over the picture (sums over its HR pixels and channels) and work. */
export interface PatchChoices {
  /** squared error of fresh SR */
  sr: number;
  /** squared error of bicubic */
  bicubic: number;
  /** squared error of the previous frame's played output in this rect, or null where reuse is not allowed */
  reuse: number | null;
  /** GFLOP of SR of this patch (what mode 1 or 2 saves) */
  gflop: number;
}

/**
 * Modes for one frame's patches: the played frame's squared error stays within `marginDb` of full SR's over the frame,
 * i.e. its PSNR at most `marginDb` below full SR's, frame by frame (so the clip's mean too). A patch where reuse or
 * bicubic is no worse than SR takes it (widening the allowance); the allowance left goes to the patches saving the
 * most GFLOP per unit of added error. `marginDb <= 0`: the map is off (every patch SR).
 */
export function chooseModes(patches: readonly PatchChoices[], marginDb: number): PatchMode[] {
  const modes: PatchMode[] = patches.map(() => MODE_SR);
  if (!(marginDb > 0)) return modes;
  let allowance = (10 ** (marginDb / 10) - 1) * patches.reduce((n, p) => n + p.sr, 0);
  const costly: { k: number; mode: PatchMode; extra: number; gflop: number }[] = [];
  patches.forEach((p, k) => {
    // reuse first on a tie: nothing to compute at all
    const [mode, err] = p.reuse !== null && p.reuse <= p.bicubic ? [MODE_REUSE, p.reuse] : [MODE_BICUBIC, p.bicubic];
    const extra = err - p.sr;
    if (extra <= 0) { modes[k] = mode; allowance -= extra; } else costly.push({ k, mode, extra, gflop: p.gflop });
  });
  costly.sort((a, b) => a.extra / Math.max(a.gflop, 1e-12) - b.extra / Math.max(b.gflop, 1e-12));
  for (const c of costly) {
    if (c.extra <= allowance) { modes[c.k] = c.mode; allowance -= c.extra; }
  }
  return modes;
}

/** An HR RGB8 frame (coded size) and the part of it that is the picture (what is shown and measured). */
export interface HrGeometry { width: number; picture: { width: number; height: number }; scale: number }

/** Squared error (0..255 units) of `a` against `b` over patch `p`'s HR rect, clipped to the picture. */
export function patchSquaredError(a: Uint8Array, b: Uint8Array, p: Pick<PatchRect, 'x' | 'y' | 'w' | 'h'>, g: HrGeometry): number {
  const s = g.scale;
  const x1 = Math.min((p.x + p.w) * s, g.picture.width), y1 = Math.min((p.y + p.h) * s, g.picture.height);
  let sum = 0;
  for (let y = p.y * s; y < y1; y++) {
    for (let k = (y * g.width + p.x * s) * 3, end = (y * g.width + x1) * 3; k < end; k++) {
      const d = a[k] - b[k];
      sum += d * d;
    }
  }
  return sum;
}

/** Largest change of any LR value in patch `p` grown by `halo` (clipped to the frame) between two LR RGB8 frames. */
export function lrChange(a: Uint8Array, b: Uint8Array, lrWidth: number, lrHeight: number, p: Pick<PatchRect, 'x' | 'y' | 'w' | 'h'>, halo: number): number {
  const x0 = Math.max(0, p.x - halo), y0 = Math.max(0, p.y - halo);
  const x1 = Math.min(lrWidth, p.x + p.w + halo), y1 = Math.min(lrHeight, p.y + p.h + halo);
  let max = 0;
  for (let y = y0; y < y1; y++) {
    for (let k = (y * lrWidth + x0) * 3, end = (y * lrWidth + x1) * 3; k < end; k++) {
      const d = Math.abs(a[k] - b[k]);
      if (d > max) max = d;
    }
  }
  return max;
}

/**
 * Reuse is refused where the LR content under a patch (with its halo) moved more than this many 8-bit levels from the
 * frame whose SR output would be kept: PSNR over a whole frame averages a small stale region away; this does not.
 */
export const REUSE_MAX_LR_CHANGE = 6;

/**
 * The frame as played with the map: each patch's HR rect from fresh SR (mode 0), the previous played frame (mode 1) or
 * bicubic (mode 2). `prev` may be null only when no patch is mode 1. All frames HR RGB8 of the coded size.
 */
export function composePlayed(prev: Uint8Array | null, sr: Uint8Array, bicubic: Uint8Array, patches: readonly PatchRect[], width: number, scale: number): Uint8Array {
  const out = new Uint8Array(sr.length);
  for (const p of patches) {
    const mode = p.mode ?? MODE_SR;
    const from = mode === MODE_SR ? sr : mode === MODE_BICUBIC ? bicubic : prev;
    if (!from) throw new Error(`patch ${JSON.stringify([p.x, p.y, p.w, p.h])} reuses the previous frame's output, but there is none (a segment's first frame)`);
    for (let y = p.y * scale; y < (p.y + p.h) * scale; y++) {
      const start = (y * width + p.x * scale) * 3;
      out.set(from.subarray(start, start + p.w * scale * 3), start);
    }
  }
  return out;
}
