// Every kernel's declared bindings are exactly what its WGSL declares (slot and name), for every generated
// kernel family; and the declaration writer refuses a slot used twice.
import { describe, expect, it } from 'vitest';
import { convKernel } from './conv-kernel.js';
import { bindingDeclarations, storage, uniform, wgslDeclaredBindings, type GeneratedKernel } from './kernel-contract.js';
import { directConvKernel } from './direct-conv-kernel.js';
import { depthToSpaceKernel, elementwiseKernel, gatherLRKernel, storeHRKernel } from './unfused-kernels.js';
import { srTailKernel } from './sr-tail-kernel.js';

const tail = (output: 'texture' | 'float') => srTailKernel({
  features: 8, scale: 2, patchH: 6, patchW: 5, halo: 1, tailK: 3, skipK: 5, lrShift: [0.4, 0.45, 0.5], outBias: [0.4, 0.45, 0.5], precision: 'f32', output,
});

const kernels: [string, GeneratedKernel][] = [
  ['conv from the arena', convKernel({ cin: 8, cout: 16, k: 3, pad: 1, inH: 8, inW: 7, relu: true, residual: true, shift: null, input: { kind: 'arena' }, precision: 'f32' })],
  ['conv from the LR frame', convKernel({ cin: 3, cout: 8, k: 3, pad: 1, inH: 8, inW: 7, relu: false, residual: false, shift: [0.4, 0.45, 0.5], input: { kind: 'lr', halo: 1 }, precision: 'f32' })],
  ['SR tail to texture', tail('texture')],
  ['SR tail to float', tail('float')],
  ['direct conv from the arena', directConvKernel({ cin: 8, cout: 16, k: 3, pad: 1, inH: 8, inW: 7, relu: true, residual: true, shift: null, input: { kind: 'arena' }, precision: 'f16-packed' })],
  ['direct conv from the LR frame', directConvKernel({ cin: 3, cout: 8, k: 5, pad: 2, inH: 8, inW: 7, relu: false, residual: false, shift: [0.4, 0.45, 0.5], input: { kind: 'lr', halo: 1 }, precision: 'f32' })],
  ['unfused Sub', elementwiseKernel({ op: 'sub-constant', constant: [0.4, 0.45, 0.5] }, 3, 8, 8, 'f32')],
  ['unfused Relu', elementwiseKernel({ op: 'relu' }, 8, 8, 8, 'f16')],
  ['unfused Add', elementwiseKernel({ op: 'add' }, 8, 8, 8, 'f32')],
  ['unfused DepthToSpace', depthToSpaceKernel(3, 2, 4, 4, 'f32')],
  ['unfused gather', gatherLRKernel(1, 6, 6, 'f32')],
  ['unfused store to texture', storeHRKernel(2, 1, 4, 4, 'f32', 'texture')],
  ['unfused store to float', storeHRKernel(2, 1, 4, 4, 'f32', 'float')],
];

describe('kernel contract', () => {
  it.each(kernels)('%s: declared bindings = WGSL declarations', (_, k) => {
    const declared = new Map(k.bindings.map((b) => [b.slot, b.name]));
    expect(wgslDeclaredBindings(k.code)).toEqual(declared);
    expect(declared.size).toBe(k.bindings.length);
  });

  it('writes one declaration per binding and refuses a slot used twice', () => {
    expect(bindingDeclarations([storage('a', 0, 'array<f32>', 'read_write'), uniform('p', 1, 'Params')]))
      .toBe('@group(0) @binding(0) var<storage, read_write> a: array<f32>;\n@group(0) @binding(1) var<uniform> p: Params;');
    expect(() => bindingDeclarations([storage('a', 0, 'array<f32>'), storage('b', 0, 'array<f32>')])).toThrow(/slot 0 is declared twice/);
  });
});
