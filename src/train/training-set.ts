// What the trainer learns from: LR/HR frame pairs of one video and, per frame, the patches
// (with their path) that the packager's splitter assigned.
import type { PatchRect } from '../format/patch.js';

export interface TrainingFrame {
  /** RGB interleaved HWC 8-bit, lrWidth x lrHeight */
  lr: Uint8Array;
  /** RGB interleaved HWC 8-bit, (scale*lrWidth) x (scale*lrHeight) */
  hr: Uint8Array;
}

export interface TrainingSet {
  lrWidth: number;
  lrHeight: number;
  scale: 2 | 3 | 4;
  frames: TrainingFrame[];
  /** per frame; `path` is the path id that serves the patch */
  patches: PatchRect[][];
}

/** Checks sizes and patch bounds, so a bad set fails with a clear message before training starts. */
export function validateTrainingSet(set: TrainingSet): void {
  const { lrWidth: w, lrHeight: h, scale: s } = set;
  if (set.frames.length === 0) throw new Error('training set has no frames');
  if (set.patches.length !== set.frames.length) throw new Error(`training set has ${set.frames.length} frames but ${set.patches.length} patch lists`);
  set.frames.forEach((f, i) => {
    if (f.lr.length !== w * h * 3) throw new Error(`frame ${i}: lr has ${f.lr.length} bytes; expected ${w}x${h}x3`);
    if (f.hr.length !== w * h * 3 * s * s) throw new Error(`frame ${i}: hr has ${f.hr.length} bytes; expected ${w * s}x${h * s}x3`);
    for (const p of set.patches[i]) {
      if (p.x < 0 || p.y < 0 || p.w < 1 || p.h < 1 || p.x + p.w > w || p.y + p.h > h) {
        throw new Error(`frame ${i}: patch ${JSON.stringify(p)} is outside the ${w}x${h} frame`);
      }
    }
  });
}
