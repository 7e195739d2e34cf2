// Codegen pieces that need no GPU: the blocked weight layout, the tile chooser, and what the emitted
// WGSL declares (the GPU compile and numbers are checked in Chromium by bench/engines.test.ts).
import { describe, expect, it } from 'vitest';
import { chooseConvTiling, convKernel, convOutputSize } from './conv-kernel.js';
import { srTailKernel } from './sr-tail-kernel.js';
import { blockedWeights, outputBlocks } from './weight-layout.js';

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

describe('chooseConvTiling', () => {
  it.each([[36, 36, 64], [20, 20, 32], [10, 22, 12], [6, 6, 4]])('%ix%i out, %i channels: 32..64 invocations, cover the output', (oh, ow, cout) => {
    const t = chooseConvTiling(oh, ow, cout);
    expect(t.wgX * t.wgY).toBeGreaterThanOrEqual(32);
    expect(t.wgX * t.wgY).toBeLessThanOrEqual(64);
    expect(outputBlocks(cout) % t.groups).toBe(0);
    // never worse than the plain 16x8 tile
    const padded = (tw: number, th: number) => Math.ceil(ow / tw) * tw * Math.ceil(oh / th) * th;
    expect(padded(t.wgX * t.px, t.wgY)).toBeLessThanOrEqual(padded(16, 8));
  });
});

describe('generated WGSL', () => {
  it.each([
    { relu: true, residual: false, lr: false }, { relu: false, residual: true, lr: false }, { relu: false, residual: false, lr: true },
  ])('conv relu=$relu residual=$residual lr=$lr declares what it binds', ({ relu, residual, lr }) => {
    const k = convKernel({ cin: 8, cout: 16, k: 3, pad: 1, inH: 12, inW: 12, relu, residual, shift: lr ? [0.5, 0.5, 0.5] : null, input: lr ? { kind: 'lr', halo: 2 } : { kind: 'arena' }, precision: 'f32' });
    expect(k.code.includes('max(v,')).toBe(relu);
    expect(k.code.includes('params.resOff')).toBe(residual);
    expect(k.code.includes('texture_2d<f32>')).toBe(lr);
    expect(k.code).toContain('var<workgroup> tile');
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
    expect(tex.workgroups(4)).toEqual([1, 1, 4]);
    expect(srTailKernel({ ...base, output: 'float' }).code).toContain('debugOut');
  });
});
