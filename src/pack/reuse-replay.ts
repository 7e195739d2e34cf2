// Frames as played with the reuse map, one after another from a segment's start: the packer decides each frame's modes
// on it (against the HR frame) and `dydca eval` replays a pack's modes on it. It remembers the last played frame and,
// per rect, the LR frame its output was computed from (the LR-change guard compares against that one, so slow drift
// over a long run of reuse is caught too).
import { MODE_REUSE, MODE_SR, rectKey, type PatchMode } from '../format/patch-mode.js';
import type { PatchRect } from '../format/patch.js';
import { chooseModes, composePlayed, lrChange, patchSquaredError, REUSE_MAX_LR_CHANGE, type HrGeometry } from './reuse-decision.js';

export interface ReplayGeometry extends HrGeometry { lrWidth: number; lrHeight: number; halo: number }

/** One frame's images: decoded LR, fresh SR of every patch, bicubic, and (to decide) the HR reference; RGB8. */
export interface FrameImages { lr: Uint8Array; sr: Uint8Array; bicubic: Uint8Array; hr?: Uint8Array }

export class PlayedFrames {
  private prev: { played: Uint8Array; sourceLr: Map<string, Uint8Array> } | null = null;

  constructor(private readonly g: ReplayGeometry) {}

  /**
   * The modes the packer gives frame `patches` (the map off at `marginDb` 0): reuse only where the previous frame has
   * the same rect, this is not a segment's first frame (`start`), and the LR under the rect moved little since its
   * output was computed. `gflop(p)`: SR cost of patch p.
   */
  decide(patches: readonly PatchRect[], f: FrameImages, start: boolean, marginDb: number, gflop: (p: PatchRect) => number): PatchMode[] {
    if (!f.hr) throw new Error('deciding modes needs the HR frame');
    const hr = f.hr, prev = start ? null : this.prev;
    return chooseModes(patches.map((p) => {
      const source = prev?.sourceLr.get(rectKey(p.x, p.y, p.w, p.h));
      const reusable = prev && source && lrChange(f.lr, source, this.g.lrWidth, this.g.lrHeight, p, this.g.halo) <= REUSE_MAX_LR_CHANGE;
      return {
        sr: patchSquaredError(f.sr, hr, p, this.g), bicubic: patchSquaredError(f.bicubic, hr, p, this.g),
        reuse: reusable ? patchSquaredError(prev.played, hr, p, this.g) : null, gflop: gflop(p),
      };
    }), marginDb);
  }

  /** Plays the frame with its modes (`patches[k].mode`); returns the played HR frame. `start`: a segment's first frame. */
  advance(patches: readonly PatchRect[], f: FrameImages, start: boolean): Uint8Array {
    const prev = start ? null : this.prev;
    const played = composePlayed(prev?.played ?? null, f.sr, f.bicubic, patches, this.g.width, this.g.scale);
    const sourceLr = new Map<string, Uint8Array>();
    for (const p of patches) {
      const key = rectKey(p.x, p.y, p.w, p.h);
      sourceLr.set(key, (p.mode ?? MODE_SR) === MODE_REUSE ? prev!.sourceLr.get(key)! : f.lr);
    }
    this.prev = { played, sourceLr };
    return played;
  }
}
