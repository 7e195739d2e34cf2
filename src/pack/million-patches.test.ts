// A layout of a million patches (a long video at a fine split) through every function that walks per-frame or
// per-patch data: nothing may spread such lists into a call's arguments or recurse per item (the pack of a
// 2.5-minute 1080p video died with "Maximum call stack size exceeded" on `Math.max(...patches.flat()...)`).
import { describe, expect, it } from 'vitest';
import { patchesProblem, segmentPatches, type PackManifest, type PatchesFile } from '../format/manifest.js';
import type { PatchTuple } from '../format/patch-layout.js';
import { gflopsPerFrame } from '../model/sr-cost.js';
import { specForBudget } from '../model/spec-for-budget.js';
import { defaultPathSpecs } from '../model/wdsr-spec.js';
import { CropSampler, errorSamplingWeights } from '../train/crop-sampler.js';
import { SeededRandom } from '../model/seeded-random.js';
import { summarizeFrames } from './frame-metrics.js';

// 128x128 LR frames of 8x8 patches (256 a frame), half of them on path 0 and half on path 1: 3907 frames = 1,000,192 patches
const FRAMES = 3907, W = 128, H = 128, P = 8;
const frame: PatchTuple[] = [];
for (let y = 0; y < H; y += P) for (let x = 0; x < W; x += P) frame.push([x, y, P, P, (x / P) % 2]);
const layout: PatchesFile = { frames: Array.from({ length: FRAMES }, () => frame) };

describe('a layout of a million patches', () => {
  it('has a million patches', () => expect(layout.frames.length * frame.length).toBeGreaterThanOrEqual(1_000_000));

  it('is checked against a manifest (every frame tiles the LR frame)', () => {
    const m = {
      frames: FRAMES, lr: { width: W, height: H }, model: { paths: [{ id: 0, patch: [P, P] }, { id: 1, patch: [P, P] }] },
    } as unknown as PackManifest;
    expect(patchesProblem(layout, m)).toBeNull();
    const seg = segmentPatches(layout, 250);
    expect(seg.segments.files).toHaveLength(Math.ceil(FRAMES / 250));
  });

  it('costs its frames and sizes a model to a budget over all of them', () => {
    const costed = layout.frames.map((f) => f.map(([, , w, h, path]) => ({ w, h, path })));
    const spec = defaultPathSpecs(2, [[2 * P, 2 * P], [P, P]]);
    const cost = gflopsPerFrame(costed, spec.paths, 2, 1);
    expect(cost.max).toBeGreaterThan(0);
    expect(cost.mean).toBeCloseTo(cost.max, 3);
    expect(specForBudget(spec, costed, 1, cost.max).cost.max).toBeLessThanOrEqual(cost.max);
  });

  it('is sampled for training (crop shapes, weighted draws) and its per-frame metrics summarised', () => {
    const rects = layout.frames.map((f) => f.map(([x, y, w, h, path]) => ({ x, y, w, h, path })));
    const pixels = { lr: new Uint8Array(W * H * 3).fill(100), hr: new Uint8Array(W * H * 12).fill(120) };
    const set = { lrWidth: W, lrHeight: H, scale: 2 as const, frames: Array.from({ length: FRAMES }, () => pixels), patches: rects };
    const weights = rects.map((ps) => errorSamplingWeights(ps, ps.map((p) => 30 + p.path), 1));
    const sampler = new CropSampler(set, [0, 1], weights);
    expect(sampler.cropShape(0, 48)).toEqual([P, P]);
    const batch = sampler.sample(sampler.drawPath(new SeededRandom(1)), 4, 48, 1, new SeededRandom(2), true);
    expect(batch.input.length).toBe(4 * (P + 2) * (P + 2) * 3);
    const scores = Array.from({ length: 200_000 }, (_, i) => ({ psnrSR: 30 + (i % 7), psnrBicubic: 29, ssimSR: 0.9, ssimBicubic: 0.8 }));
    expect(summarizeFrames(scores).psnrSRPerFrame).toHaveLength(200_000);
  });
});
