// What the trainer learns from: LR/HR frame pairs of one video and, per frame, the patches
// (with their path) that the packager's splitter assigned. Frames are held in memory (short clips, tests)
// or read on demand from the packer's on-disk training store (src/pack/training-store.ts).
import type { PatchRect } from '../format/patch.js';

export interface TrainingFrame {
  /** RGB interleaved HWC 8-bit, lrWidth x lrHeight */
  lr: Uint8Array;
  /** RGB interleaved HWC 8-bit, (scale*lrWidth) x (scale*lrHeight) */
  hr: Uint8Array;
}

/** A rectangle of a frame's pixels: pixel (x, y) of the frame is `data[((y - y0) * rowPixels + (x - x0)) * 3 + c]`. */
export interface PixelWindow { data: Uint8Array; x0: number; y0: number; rowPixels: number }

/** Frames read on demand (the packer's training store): whole frames, or just the window a crop needs. */
export interface FrameSource {
  readonly length: number;
  frame(i: number): TrainingFrame;
  /** pixels [x, x+w) x [y, y+h) of frame i's LR (`lr`) or HR (`hr`) image, inside the frame */
  window(i: number, image: 'lr' | 'hr', x: number, y: number, w: number, h: number): PixelWindow;
}

export type TrainingFrames = readonly TrainingFrame[] | FrameSource;

export interface TrainingSet {
  lrWidth: number;
  lrHeight: number;
  scale: 2 | 3 | 4;
  frames: TrainingFrames;
  /** per frame; `path` is the path id that serves the patch */
  patches: PatchRect[][];
}

function isSource(frames: TrainingFrames): frames is FrameSource {
  return typeof (frames as FrameSource).frame === 'function';
}

/** Frame i of a set, whole. */
export function trainingFrame(set: TrainingSet, i: number): TrainingFrame {
  return isSource(set.frames) ? set.frames.frame(i) : set.frames[i];
}

/** The window of frame i's LR or HR image a crop reads (in memory: the whole frame, no copy). */
export function trainingWindow(set: TrainingSet, i: number, image: 'lr' | 'hr', x: number, y: number, w: number, h: number): PixelWindow {
  if (isSource(set.frames)) return set.frames.window(i, image, x, y, w, h);
  const f = set.frames[i];
  return { data: image === 'lr' ? f.lr : f.hr, x0: 0, y0: 0, rowPixels: image === 'lr' ? set.lrWidth : set.lrWidth * set.scale };
}

/** Checks sizes and patch bounds, so a bad set fails with a clear message before training starts. */
export function validateTrainingSet(set: TrainingSet): void {
  const { lrWidth: w, lrHeight: h, scale: s } = set;
  if (set.frames.length === 0) throw new Error('training set has no frames');
  if (set.patches.length !== set.frames.length) throw new Error(`training set has ${set.frames.length} frames but ${set.patches.length} patch lists`);
  for (let i = 0; i < set.frames.length; i++) {
    // a frame source checks its own sizes as it reads (reading every frame here would read the whole store)
    if (!isSource(set.frames)) {
      const f = set.frames[i];
      if (f.lr.length !== w * h * 3) throw new Error(`frame ${i}: lr has ${f.lr.length} bytes; expected ${w}x${h}x3`);
      if (f.hr.length !== w * h * 3 * s * s) throw new Error(`frame ${i}: hr has ${f.hr.length} bytes; expected ${w * s}x${h * s}x3`);
    }
    for (const p of set.patches[i]) {
      if (p.x < 0 || p.y < 0 || p.w < 1 || p.h < 1 || p.x + p.w > w || p.y + p.h > h) {
        throw new Error(`frame ${i}: patch ${JSON.stringify(p)} is outside the ${w}x${h} frame`);
      }
    }
  }
}
