// Splitting: exact tiling for frame sizes on and off the base grid, thresholds honoured per level,
// halo compatible with the exported model's routing, and the layout validator's verdicts.
import { describe, expect, it } from 'vitest';
import { defaultPathSpecs } from '../model/wdsr-spec.js';
import { routePathId } from '../model/export-onnx.js';
import { validateLayout, type PatchTuple } from '../format/patch-layout.js';
import { levelSizes, maxHaloForRouting, splitFrame, type Rect, type SplitOptions } from './splitter.js';

/** A deterministic score per rect: depends on position and size so every level sees both outcomes. */
const fakeScore = (r: Rect): number => 20 + ((r.x * 7 + r.y * 13 + r.w * 3) % 29);
const tuples = (ps: { x: number; y: number; w: number; h: number; path: number }[]): PatchTuple[] => ps.map((p) => [p.x, p.y, p.w, p.h, p.path]);

describe('splitFrame', () => {
  it.each([
    { w: 128, h: 64, base: 32, levels: 3 },
    { w: 176, h: 88, base: 32, levels: 3 }, // not a multiple of the base
    { w: 48, h: 40, base: 64, levels: 4 }, // smaller than one base patch
    { w: 96, h: 32, base: 32, levels: 2 },
    { w: 64, h: 64, base: 64, levels: 1 },
  ])('$w x $h, base $base, $levels levels tiles exactly with honoured thresholds', ({ w, h, base, levels }) => {
    const opts: SplitOptions = { basePatch: base, levels, thresholds: [40, 30, 25] };
    const scored = new Map<string, number>();
    const patches = splitFrame(0, w, h, opts, (_f, rects) => rects.map((r) => {
      const s = fakeScore(r); scored.set(`${r.x},${r.y},${r.w}`, s); return s;
    }));
    expect(validateLayout(tuples(patches), w, h)).toBeNull();
    const sizes = levelSizes(opts);
    for (const p of patches) {
      expect([p.w, p.h]).toEqual([sizes[p.path], sizes[p.path]]); // one shape per level
      const s = scored.get(`${p.x},${p.y},${p.w}`);
      if (p.path < levels - 1) expect(s).toBeGreaterThanOrEqual(opts.thresholds[p.path]);
    }
    // every scored patch below its threshold was split: it is not in the output
    const kept = new Set(patches.map((p) => `${p.x},${p.y},${p.w}`));
    for (const [key, s] of scored) {
      const level = sizes.indexOf(Number(key.split(',')[2]));
      if (s < opts.thresholds[level]) expect(kept.has(key)).toBe(false);
    }
  });

  it('keeps every base patch when all score high and splits all the way when all score low', () => {
    const opts: SplitOptions = { basePatch: 32, levels: 3, thresholds: [40, 30] };
    expect(splitFrame(0, 64, 64, opts, (_f, r) => r.map(() => 50))).toHaveLength(4);
    expect(splitFrame(0, 64, 64, opts, (_f, r) => r.map(() => 10))).toHaveLength(64);
  });

  it('refuses frames that the finest patch does not divide', () => {
    expect(() => splitFrame(0, 100, 64, { basePatch: 32, levels: 3, thresholds: [40, 30] }, () => [])).toThrow(/multiple of the finest patch 8/);
  });
});

describe('maxHaloForRouting', () => {
  it.each([[[64, 32, 16]], [[32, 16, 8]], [[40, 20, 10]], [[64, 32]], [[64, 32, 16, 8]], [[48]]])('sizes %j route patch+2*halo to its own path', (sizes) => {
    const halo = maxHaloForRouting(sizes);
    if (sizes.length === 1) return expect(halo).toBe(4);
    const spec = defaultPathSpecs(2, sizes.map((s) => [s, s] as [number, number]));
    sizes.forEach((s, k) => expect(routePathId(spec, s + 2 * halo)).toBe(k));
    // one more pixel of halo breaks routing for some path (the halo is the largest that works), unless capped
    if (halo < 4) expect(sizes.some((s, k) => routePathId(spec, s + 2 * (halo + 1)) !== k)).toBe(true);
  });
});

describe('validateLayout', () => {
  it.each<{ name: string; patches: PatchTuple[]; want: RegExp | null }>([
    { name: 'exact tiling', patches: [[0, 0, 4, 4, 0], [4, 0, 4, 4, 0], [0, 4, 8, 4, 1]], want: null },
    { name: 'gap', patches: [[0, 0, 4, 4, 0], [0, 4, 8, 4, 1]], want: /\(4, 0\) is covered by no patch/ },
    { name: 'overlap', patches: [[0, 0, 4, 4, 0], [3, 0, 5, 4, 0], [0, 4, 8, 4, 1]], want: /overlap at \(3, 0\)/ },
    { name: 'out of bounds', patches: [[0, 0, 8, 8, 0], [8, 0, 1, 1, 0]], want: /outside the 8x8 frame/ },
    { name: 'negative size', patches: [[0, 0, -1, 8, 0]], want: /empty size/ },
    { name: 'not integers', patches: [[0, 0, 8.5, 8, 0]], want: /integers/ },
  ])('$name', ({ patches, want }) => {
    const got = validateLayout(patches, 8, 8);
    if (want === null) expect(got).toBeNull();
    else expect(got?.message).toMatch(want);
  });
});
