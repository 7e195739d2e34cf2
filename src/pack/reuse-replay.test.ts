// Deciding and replaying frame after frame: segment starts, the LR-change guard measured from the frame a reused
// output was computed in, and the played frame as the next frame's reuse source.
import { describe, expect, it } from 'vitest';
import { PlayedFrames } from './reuse-replay.js';
import type { PatchRect } from '../format/patch.js';

// LR 2x1 at scale 1, two one-pixel patches; HR = LR
const g = { width: 2, picture: { width: 2, height: 1 }, scale: 1, lrWidth: 2, lrHeight: 1, halo: 0 };
const rects = (): PatchRect[] => [{ x: 0, y: 0, w: 1, h: 1, path: 0 }, { x: 1, y: 0, w: 1, h: 1, path: 0 }];
const px = (a: number, b: number) => new Uint8Array([a, a, a, b, b, b]);
/** a frame whose SR is off by 2 from HR and bicubic by 20 */
const frame = (a: number, b: number) => ({ lr: px(a, b), hr: px(a, b), sr: px(a + 2, b + 2), bicubic: px(a + 20, b + 20) });

function play(frames: { f: ReturnType<typeof frame>; start: boolean }[], margin = 0.5): number[][] {
  const r = new PlayedFrames(g);
  return frames.map(({ f, start }) => {
    const ps = rects();
    const modes = r.decide(ps, f, start, margin, () => 1);
    ps.forEach((p, k) => { p.mode = modes[k]; });
    r.advance(ps, f, start);
    return modes;
  });
}

describe('PlayedFrames', () => {
  it('reuses unchanged patches, never on a segment start', () => {
    expect(play([{ f: frame(100, 50), start: true }, { f: frame(100, 50), start: false }, { f: frame(100, 50), start: true }])).toEqual([[0, 0], [1, 1], [0, 0]]);
  });
  it('recomputes a patch whose LR moved beyond the guard, and counts drift from the frame that computed it', () => {
    // patch 0 creeps by 4 levels a frame: 4 from its source passes the guard (6), 8 does not
    const modes = play([{ f: frame(100, 50), start: true }, { f: frame(104, 50), start: false }, { f: frame(108, 50), start: false }], 10);
    expect(modes[1][0]).toBe(1);
    expect(modes[2][0]).toBe(0);
    expect(modes[2][1]).toBe(1);
  });
  it('at margin 0 plays full SR', () => {
    expect(play([{ f: frame(100, 50), start: true }, { f: frame(100, 50), start: false }], 0)).toEqual([[0, 0], [0, 0]]);
  });
});
