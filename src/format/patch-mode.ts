// The reuse map: what a player does with each patch of a frame (the optional 6th field of a layout tuple), and the
// rules a layout with modes must keep so that every frame can be rebuilt from its segment's start (docs/pack-format.md).

/** 0: run SR on the patch; 1: keep the previous frame's output in its rect; 2: show bicubic in its rect. */
export type PatchMode = 0 | 1 | 2;
export const MODE_SR: PatchMode = 0;
export const MODE_REUSE: PatchMode = 1;
export const MODE_BICUBIC: PatchMode = 2;

type Tuple = readonly number[];

/** A tuple's mode (absent = 0). */
export const tupleMode = (t: Tuple): PatchMode => (t.length > 5 ? t[5] : 0) as PatchMode;

/** `[x, y, w, h, path]`, or with the mode when it is not 0 (0 is left out: keeps layout files small). */
export function withMode(t: Tuple, mode: PatchMode): [number, number, number, number, number] | [number, number, number, number, number, number] {
  const [x, y, w, h, path] = t;
  return mode === MODE_SR ? [x, y, w, h, path] : [x, y, w, h, path, mode];
}

/** The key of a rectangle's place and size (the path is not part of it: a reused rect's pixels are copied, not recomputed). */
export const rectKey = (x: number, y: number, w: number, h: number): string => `${x},${y},${w},${h}`;

/** Whether frame `index` starts a segment: its output is computed in full (no mode 1), so a seek can start there. */
export function isSegmentStart(index: number, segmentFrames: number | null): boolean {
  return index === 0 || (segmentFrames !== null && index % segmentFrames === 0);
}

/**
 * The reuse rule between consecutive frames: a mode-1 patch must have the very same rect (x, y, w, h) in the previous
 * frame, so its output is that rect's output there, traced back to the frame that computed it; and a segment's first
 * frame has no mode 1. Returns the first problem, or null. `prev` is null at a segment's start.
 */
export function reuseProblem(prev: readonly Tuple[] | null, cur: readonly Tuple[]): string | null {
  const keys = prev ? new Set(prev.map((t) => rectKey(t[0], t[1], t[2], t[3]))) : null;
  for (const [k, t] of cur.entries()) {
    if (tupleMode(t) !== MODE_REUSE) continue;
    if (!keys) return `patch ${k} ${JSON.stringify(t)} reuses the previous frame's output on a segment's first frame (it must be computed in full so a seek can start there)`;
    if (!keys.has(rectKey(t[0], t[1], t[2], t[3]))) return `patch ${k} ${JSON.stringify(t)} reuses a rect the previous frame does not have`;
  }
  return null;
}
