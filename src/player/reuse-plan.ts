// What the player computes for a frame with the pack's reuse map (patch modes): SR of mode-0 patches, bicubic of
// mode-2 patches, nothing for mode-1 patches when the SR texture holds the previous frame as played. When it holds
// another frame (a seek, a skipped frame, an engine switch), each reused patch is traced back to the frame that
// computed it and computed there first, so the frame shown equals the replay from its segment's start, never stale.
import { MODE_BICUBIC, MODE_REUSE, rectKey } from '../format/patch-mode.js';
import type { PatchRect } from '../format/patch.js';

/** Patches to compute on one frame's LR: `sr` by the engine, `bicubic` copied from the frame's bicubic upscale. */
export interface FrameSteps { frame: number; sr: PatchRect[]; bicubic: PatchRect[] }

export interface FrameWork {
  /** earlier frames of the segment to compute first, in frame order (only the patches frame `index` reuses from them) */
  catchUp: FrameSteps[];
  /** frame `index` itself */
  own: FrameSteps;
  /** patches of frame `index` whose output the SR texture already holds (reused) */
  reused: number;
}

const key = (p: PatchRect): string => rectKey(p.x, p.y, p.w, p.h);

/** Frames whose layouts planFrameWork needs besides `index`'s: none when the SR texture holds frame index - 1 or nothing is reused. */
export function framesNeeded(index: number, patches: readonly PatchRect[], held: number, segmentStart: number): number[] {
  if (held === index - 1 || !patches.some((p) => p.mode === MODE_REUSE)) return [];
  const from = held >= segmentStart && held < index ? held + 1 : segmentStart;
  return Array.from({ length: index - from }, (_, k) => from + k);
}

/**
 * The work for frame `index` (its `patches` with modes) when the SR texture holds the output of frame `held` as
 * played (-1: nothing usable). `layoutOf(k)` gives the layouts of framesNeeded(...). A reused patch's rect is the same
 * rect in the frame before (patch-mode.ts reuseProblem), so the trace back is per rect; it stops at `held` (the texture
 * has it) or at the frame that computed the rect (mode 0 or 2).
 */
export function planFrameWork(index: number, patches: readonly PatchRect[], held: number, layoutOf: (frame: number) => readonly PatchRect[]): FrameWork {
  const own: FrameSteps = { frame: index, sr: [], bicubic: [] };
  const earlier = new Map<number, FrameSteps>();
  let reused = 0;
  const byRect = new Map<number, Map<string, PatchRect>>();
  const rectOf = (f: number, k: string): PatchRect | undefined => {
    let m = byRect.get(f);
    if (!m) { m = new Map(layoutOf(f).map((r) => [key(r), r])); byRect.set(f, m); }
    return m.get(k);
  };
  for (const p of patches) {
    if (p.mode === MODE_BICUBIC) { own.bicubic.push(p); continue; }
    if (p.mode !== MODE_REUSE) { own.sr.push(p); continue; }
    reused++;
    const k = key(p);
    for (let f = index - 1; f !== held; f--) {
      const q = f >= 0 ? rectOf(f, k) : undefined;
      if (!q) throw new Error(`frame ${index}'s patch ${k} reuses frame ${f}'s output, which has no such patch`);
      if (q.mode === MODE_REUSE) continue;
      let steps = earlier.get(f);
      if (!steps) { steps = { frame: f, sr: [], bicubic: [] }; earlier.set(f, steps); }
      (q.mode === MODE_BICUBIC ? steps.bicubic : steps.sr).push(q);
      break;
    }
  }
  return { catchUp: [...earlier.values()].sort((a, b) => a.frame - b.frame), own, reused };
}
