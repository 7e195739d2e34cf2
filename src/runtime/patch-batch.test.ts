// Grouping of a frame's patches into shape classes (one model run each).
import { describe, expect, it } from 'vitest';
import { groupPatchesByShape } from './patch-batch.js';

describe('groupPatchesByShape', () => {
  it.each([
    { patches: [[0, 0, 4, 4, 0], [4, 0, 4, 4, 0], [0, 4, 2, 2, 1]], groups: { '0:4x4': 2, '1:2x2': 1 } },
    { patches: [[0, 0, 4, 4, 0], [4, 0, 2, 4, 0]], groups: { '0:4x4': 1, '0:2x4': 1 } },
  ])('groups $patches', ({ patches, groups }) => {
    const got = groupPatchesByShape(patches.map(([x, y, w, h, path]) => ({ x, y, w, h, path })));
    expect(Object.fromEntries([...got].map(([k, v]) => [k, v.length]))).toEqual(groups);
  });
});

// The GPU kernels are checked end to end in the browser (e2e/engines.spec.ts: ort engine vs onnxruntime-node):
// Dawn/SwiftShader in Node aborts nondeterministically ('futex facility returned an unexpected error code') on them.
