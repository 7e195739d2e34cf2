// Grouping of a frame's patches into shape classes (one model run each), and the CPU gather / centre crop.
import { describe, expect, it } from 'vitest';
import { cropCentre, gatherPatchBatch, groupPatchesByShape } from './patch.js';

describe('groupPatchesByShape', () => {
  it.each([
    { patches: [[0, 0, 4, 4, 0], [4, 0, 4, 4, 0], [0, 4, 2, 2, 1]], groups: { '0:4x4': 2, '1:2x2': 1 } },
    { patches: [[0, 0, 4, 4, 0], [4, 0, 2, 4, 0]], groups: { '0:4x4': 1, '0:2x4': 1 } },
  ])('groups $patches', ({ patches, groups }) => {
    const got = groupPatchesByShape(patches.map(([x, y, w, h, path]) => ({ x, y, w, h, path })));
    expect(Object.fromEntries([...got].map(([k, v]) => [k, v.length]))).toEqual(groups);
  });
});

describe('gatherPatchBatch and cropCentre (the halo convention on the CPU)', () => {
  // a 3x2 RGBA frame whose red channel is 10*y + x, green 100 + that, blue 200 + that
  const frame = { width: 3, height: 2, channels: 4 as const, data: Uint8Array.from({ length: 24 }, (_, i) => { const px = i >> 2, c = i & 3; return c === 3 ? 255 : c * 100 + 10 * Math.floor(px / 3) + (px % 3); }) };
  it('grows the patch by the halo and clamps outside pixels to the frame edge', () => {
    const batch = gatherPatchBatch(frame, [{ x: 2, y: 0, w: 1, h: 1 }], 1);
    expect(batch.length).toBe(3 * 3 * 3);
    // red plane, rows y=-1..1 (clamped to 0,0,1), cols x=1..3 (clamped to 1,2,2)
    expect(Array.from(batch.subarray(0, 9), (v) => Math.round(v * 255))).toEqual([1, 2, 2, 1, 2, 2, 11, 12, 12]);
    expect(Math.round(batch[9 + 4] * 255)).toBe(102); // green centre
  });
  it('RGB and RGBA frames give the same batch', () => {
    const rgb = { ...frame, channels: 3 as const, data: frame.data.filter((_, i) => (i & 3) !== 3) };
    expect(gatherPatchBatch(rgb, [{ x: 0, y: 0, w: 2, h: 2 }, { x: 1, y: 0, w: 2, h: 2 }], 1)).toEqual(gatherPatchBatch(frame, [{ x: 0, y: 0, w: 2, h: 2 }, { x: 1, y: 0, w: 2, h: 2 }], 1));
  });
  it('cropCentre keeps the s*h x s*w centre of each item', () => {
    const s = 2, halo = 1, h = 1, w = 2, IH = s * (h + 2), IW = s * (w + 2);
    const out = Float32Array.from({ length: 2 * 3 * IH * IW }, (_, i) => i);
    const crop = cropCentre(out, 3 * IH * IW, h, w, halo, s);
    expect(crop.length).toBe(3 * s * h * s * w);
    expect(crop[0]).toBe(3 * IH * IW + s * halo * IW + s * halo);
  });
});

// The GPU kernels are checked end to end in the browser (e2e/engines.spec.ts: ort engine vs onnxruntime-node):
// Dawn/SwiftShader in Node aborts nondeterministically ('futex facility returned an unexpected error code') on them.
