// Codegen pieces that need no GPU: the blocked weight layout, the conv tilings, and what the emitted WGSL
// declares (the GPU compile and numbers: src/runtime/compiled-engine.test.ts in Node, bench/engines.test.ts in Chromium).
import { describe, expect, it } from 'vitest';
import { chooseConvTiling, convKernel, convOutputSize, convTilingCandidates, tilingBytes } from './conv-kernel.js';
import { srTailKernel } from './sr-tail-kernel.js';
import { blockedWeights, outputBlocks } from './weight-layout.js';
import { winogradCandidates, winogradFlops, winogradTilingBytes, winogradWeights } from './winograd-conv-kernel.js';

describe('blockedWeights', () => {
  it.each([
    { dims: [5, 2, 1, 1], o: 4, i: 1 }, { dims: [8, 3, 3, 3], o: 6, i: 2 }, { dims: [12, 1, 5, 5], o: 11, i: 0 },
  ])('OIHW $dims: element (o=$o, i=$i) lands in block o/4, lane o%4', ({ dims, o, i }) => {
    const [O, I, KH, KW] = dims;
    const data = Float32Array.from({ length: O * I * KH * KW }, (_, k) => k + 1);
    const out = blockedWeights(dims, data);
    expect(out.length).toBe(outputBlocks(O) * 4 * I * KH * KW);
    const inner = I * KH * KW;
    expect(out[(Math.floor(o / 4) * inner + i * KH * KW) * 4 + (o % 4)]).toBe(data[o * inner + i * KH * KW]);
    // padding lanes of the last block are zero, and every input value appears once
    expect(out.filter((v) => v !== 0).length).toBe(data.length);
  });
});

describe('conv tilings', () => {
  it.each([[64, 3], [32, 3], [12, 3], [4, 3], [8, 5]])('%i output channels, %ix%i kernel: every candidate has 64 invocations and fits 16 KiB', (cout, k) => {
    const candidates = convTilingCandidates(cout, k);
    expect(candidates.length).toBeGreaterThan(0);
    for (const t of candidates) {
      expect(t.tc * t.tx * t.ty).toBe(64);
      expect(outputBlocks(cout) % (t.tc * t.g)).toBe(0);
      expect(tilingBytes(t, k)).toBeLessThanOrEqual(16384);
    }
    expect(candidates).toContainEqual(chooseConvTiling(cout, k));
  });

  it('the default covers all 16 blocks of 64 channels in one workgroup, 4x4 vec4 outputs per invocation', () => {
    expect(chooseConvTiling(64, 3)).toEqual({ tc: 4, g: 4, tx: 2, ty: 8, px: 4 });
  });
});

describe('generated WGSL', () => {
  it.each([
    { relu: true, residual: false, lr: false }, { relu: false, residual: true, lr: false }, { relu: false, residual: false, lr: true },
  ])('conv relu=$relu residual=$residual lr=$lr declares what it binds', ({ relu, residual, lr }) => {
    const k = convKernel({ cin: lr ? 3 : 8, cout: 16, k: 3, pad: 1, inH: 12, inW: 12, relu, residual, shift: lr ? [0.5, 0.5, 0.5] : null, input: lr ? { kind: 'lr', halo: 2 } : { kind: 'arena' }, precision: 'f32' });
    expect(k.code.includes('max(v,')).toBe(relu);
    expect(k.code.includes('params.resOff')).toBe(residual);
    expect(k.code.includes('texture_2d<f32>')).toBe(lr);
    expect(k.code).toContain('var<workgroup> xt');
    expect(k.code).toContain('var<workgroup> wt');
    expect(k.code).toContain('@workgroup_size(64, 1, 1)');
    const [oh, ow] = convOutputSize({ inH: 12, inW: 12, k: 3, pad: 1 });
    const [x, y, z] = k.workgroups(3);
    expect(z % 3).toBe(0);
    expect(x * y).toBeGreaterThanOrEqual(1);
    expect([oh, ow]).toEqual([12, 12]);
  });

  it.each([2, 3, 4])('x%i tail keeps 3*s*s outputs in vec4 registers and writes HR pixels', (s) => {
    const base = { features: 8, scale: s, patchH: 5, patchW: 7, halo: 1, tailK: 3, skipK: 5, lrShift: [0.5, 0.5, 0.5], outBias: [0.5, 0.5, 0.5], precision: 'f32' as const };
    const tex = srTailKernel({ ...base, output: 'texture' });
    expect(tex.code.match(/var acc_\d+ =/g)!.length).toBe(outputBlocks(3 * s * s));
    expect(tex.code.match(/textureStore\(hr/g)!.length).toBe(s * s);
    // patch sizes come from Params: one pipeline for every patch shape of the path
    expect(srTailKernel({ ...base, patchH: 9, patchW: 3, output: 'texture' }).code).toBe(tex.code);
    expect(tex.workgroups(4)).toEqual([1, 1, 4]);
    expect(srTailKernel({ ...base, output: 'float' }).code).toContain('debugOut');
  });
});

describe('Winograd F(2x2,3x3) codegen', () => {
  const arena = { kind: 'arena' as const };
  it.each([64, 32, 16])('%i output channels: every candidate divides the blocks and fits 16 KiB; none for the LR head or 5x5', (cout) => {
    const candidates = winogradCandidates({ k: 3, cout, input: arena });
    expect(candidates.length).toBeGreaterThan(0);
    for (const t of candidates) {
      expect(outputBlocks(cout) % t.obw).toBe(0);
      expect(winogradTilingBytes(t)).toBeLessThanOrEqual(16384);
    }
    expect(winogradCandidates({ k: 3, cout, input: { kind: 'lr', halo: 2 } })).toEqual([]);
    expect(winogradCandidates({ k: 5, cout, input: arena })).toEqual([]);
  });

  it('pre-transforms weights as U = G g G^T in the blocked 4x4 layout', () => {
    // g = all ones: G's row sums are [1, 1.5, 0.5, 1], so U[i][j] is their outer product
    const u = winogradWeights([1, 1, 3, 3], new Float32Array(9).fill(1));
    const rows = [1, 1.5, 0.5, 1];
    // one output block (4 lanes, only lane 0 used) x 1 input channel x 16 positions
    expect(Array.from({ length: 16 }, (_, k) => u[k * 4])).toEqual(rows.flatMap((a) => rows.map((b) => a * b)));
  });

  it('counts about 2x fewer FLOPs than direct on a 70x70 32->64 layer', () => {
    const t = winogradCandidates({ k: 3, cout: 64, input: arena })[0];
    const direct = 2 * 70 * 70 * 32 * 64 * 9;
    const ratio = direct / winogradFlops({ cin: 32, cout: 64 }, 70, 70, t);
    expect(ratio).toBeGreaterThan(1.9);
    expect(ratio).toBeLessThan(2.25);
  });
});
