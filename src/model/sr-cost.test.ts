import { describe, expect, it } from 'vitest';
import { compileShapeClass, packWeights } from '../compiler/compile-shape-class.js';
import { readModel, writeModel } from '../onnx/model-io.js';
import { exportDynamicSR } from './export-onnx.js';
import { initWeights } from './init-weights.js';
import { frameGflop, gflopsPerFrame, patchMacs } from './sr-cost.js';
import { defaultPathSpecs } from './wdsr-spec.js';

describe('patchMacs', () => {
  // by hand: crop = (h+2*halo)(w+2*halo); head crop*C*3*9; per block 2 * crop*(2C)*C*9; tail h*w*3s^2*C*9; skip h*w*3s^2*3*25
  it.each([
    // C=32, B=2, x2, 32x32, halo 3: crop 1444: 1,247,616 + 4*26,615,808 + 3,538,944 + 921,600
    { p: { blocks: 2, channels: 32 }, scale: 2, h: 32, w: 32, halo: 3, macs: 112_171_392 },
    // no halo, one block, C=8, x4, 16x8: head 128*8*27 = 27,648; block 2*128*16*8*9 = 294,912; tail 128*48*72 = 442,368; skip 128*48*75 = 460,800
    { p: { blocks: 1, channels: 8 }, scale: 4, h: 16, w: 8, halo: 0, macs: 1_225_728 },
    // expansion 4 widens the blocks only: C=8, B=1, x2, 8x8, halo 1: crop 100: head 21,600; block 2*100*32*8*9 = 460,800; tail 64*12*72 = 55,296; skip 64*12*75 = 57,600
    { p: { blocks: 1, channels: 8, expansion: 4 }, scale: 2, h: 8, w: 8, halo: 1, macs: 595_296 },
  ])('$p.channels ch, $p.blocks blocks, x$scale, $h x $w, halo $halo: $macs MACs', ({ p, scale, h, w, halo, macs }) => {
    expect(patchMacs(p, scale, h, w, halo)).toBe(macs);
  });
});

describe('frameGflop and gflopsPerFrame', () => {
  const paths = [{ blocks: 2, channels: 32 }, { blocks: 1, channels: 8 }];
  const big = 2 * 112_171_392 / 1e9;
  const small = 2 * patchMacs(paths[1], 2, 16, 16, 3) / 1e9;
  it('sums patches by the path that serves each', () => {
    expect(frameGflop([{ w: 32, h: 32, path: 0 }, { w: 32, h: 32, path: 0 }, { w: 16, h: 16, path: 1 }], paths, 2, 3)).toBeCloseTo(2 * big + small, 12);
  });
  it('gives mean and max over frames, max rounded up', () => {
    const g = gflopsPerFrame([[{ w: 32, h: 32, path: 0 }], [{ w: 16, h: 16, path: 1 }]], paths, 2, 3);
    expect(g.mean).toBeCloseTo((big + small) / 2, 4);
    expect(g.max).toBeGreaterThanOrEqual(big);
    expect(g.max).toBeLessThan(big + 1e-4);
  });
  it('rejects a patch whose path the model lacks', () => {
    expect(() => frameGflop([{ w: 8, h: 8, path: 2 }], paths, 2, 0)).toThrow(/path 2 is not one of the model's 2 paths/);
  });
});

describe('one definition of model FLOPs', () => {
  // the bench counts MACs from the compiled graph (compileShapeClass's kernels); the cost model from the spec
  it('equals the compiled plan\'s macsPerPatch on a real exported model, every path and shape', () => {
    const spec = defaultPathSpecs(3, [[24, 24], [12, 12], [6, 6]]);
    spec.paths[1].channels = 20; // a non-multiple of 8 exercises the channel padding of the kernels (not counted)
    const model = readModel(writeModel(exportDynamicSR(spec, initWeights(spec, 1))));
    const weights = packWeights(model.graph);
    const halo = 1; // routable: 6 + 2 stays below the 9 threshold between the 12 and 6 paths
    for (const [path, patchH, patchW] of [[0, 24, 24], [0, 24, 12], [1, 12, 12], [2, 6, 6], [2, 6, 18]]) {
      const plan = compileShapeClass(model, { path, patchH, patchW }, spec.scale, halo, weights, 'f32');
      const compiled = plan.kernels.reduce((s, k) => s + k.macsPerPatch, 0);
      expect(patchMacs(spec.paths[path], spec.scale, patchH, patchW, halo), `path ${path} ${patchH}x${patchW}`).toBe(compiled);
    }
  });
});
