// Baseline plans: NAS chunks cover every frame once; STDO groups tile each frame, have near-equal sizes,
// and are ordered by score (group 0 = easiest); every model's training patches are its own, relabelled to path 0.
import { describe, expect, it } from 'vitest';
import { planNas, planStdo, temporalChunks } from './baselines.js';
import { validateLayout, type PatchTuple } from '../format/patch-layout.js';

const frames = (n: number, w: number, h: number) => Array.from({ length: n }, () => ({ lr: new Uint8Array(w * h * 3), hr: new Uint8Array(w * h * 12) }));
const tuples = (ps: { x: number; y: number; w: number; h: number; path: number }[]): PatchTuple[] => ps.map((p) => [p.x, p.y, p.w, p.h, p.path]);

describe('temporalChunks', () => {
  it.each([[10, 3, [[0, 3], [3, 6], [6, 10]]], [2, 3, [[0, 1], [1, 2]]], [5, 1, [[0, 5]]]])('%i frames in %i chunks', (n, k, want) => {
    expect(temporalChunks(n, k)).toEqual(want);
  });
});

describe('planNas', () => {
  it('one whole-frame patch per frame, path = chunk, steps split evenly', () => {
    const plan = planNas(frames(7, 32, 16), 32, 16, 2, 3, 90);
    expect(plan.patches.map((ps) => ps.map((p) => p.path))).toEqual([[0], [0], [1], [1], [2], [2], [2]]);
    expect(plan.models.map((m) => [m.set.frames.length, m.steps, m.spec.paths[0].patch])).toEqual([[2, 30, [16, 32]], [2, 30, [16, 32]], [3, 30, [16, 32]]]);
    for (const ps of plan.patches) expect(validateLayout(tuples(ps), 32, 16)).toBeNull();
  });
});

describe('planStdo', () => {
  it('texture groups tile every frame, sizes within one, ordered by score', () => {
    const score = (f: number, rects: { x: number; y: number }[]) => rects.map((r) => 20 + ((r.x * 3 + r.y * 5 + f * 7) % 23));
    const plan = planStdo(frames(3, 64, 32), 64, 32, 2, 3, 60, 16, score, 4);
    for (const ps of plan.patches) expect(validateLayout(tuples(ps), 64, 32)).toBeNull();
    const all = plan.patches.flatMap((ps, f) => ps.map((p) => ({ ...p, s: score(f, [p])[0] })));
    const sizes = [0, 1, 2].map((g) => all.filter((p) => p.path === g).length);
    expect(Math.max(...sizes) - Math.min(...sizes)).toBeLessThanOrEqual(1);
    const minOf = (g: number) => Math.min(...all.filter((p) => p.path === g).map((p) => p.s));
    const maxOf = (g: number) => Math.max(...all.filter((p) => p.path === g).map((p) => p.s));
    expect(minOf(0)).toBeGreaterThanOrEqual(maxOf(1));
    expect(minOf(1)).toBeGreaterThanOrEqual(maxOf(2));
    plan.models.forEach((m, g) => {
      const own = m.set.patches.flat();
      expect(own.length).toBe(sizes[g]);
      expect(own.every((p) => p.path === 0)).toBe(true);
    });
  });

  it('cuts edge cells to a frame the patch does not divide, and trains each group on its whole cells', () => {
    // 56x40 LR (an x4 frame cropped to multiples of 8) with 16 px cells: the last column and row are 8 px
    const score = (f: number, rects: { x: number; y: number }[]) => rects.map((r) => 20 + ((r.x * 3 + r.y * 5 + f * 7) % 23));
    const plan = planStdo(frames(2, 56, 40), 56, 40, 4, 2, 10, 16, score, 4);
    for (const ps of plan.patches) {
      expect(validateLayout(tuples(ps), 56, 40)).toBeNull();
      expect(ps).toHaveLength(4 * 3);
      expect(ps.filter((p) => p.w === 8 || p.h === 8)).toHaveLength(4 + 3 - 1);
    }
    for (const m of plan.models) {
      expect(m.set.patches.flat().length).toBeGreaterThan(0);
      expect(m.set.patches.flat().every((p) => p.w === 16 && p.h === 16)).toBe(true);
    }
  });
});
