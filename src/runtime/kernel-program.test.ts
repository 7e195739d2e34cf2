// Every hand-written WGSL kernel (shaders/) declares in its TypeScript module exactly the bindings its WGSL
// declares, so the one binding helper (kernel-program.ts) builds layouts and bind groups that match the shader.
// (Generated kernels write their declarations from the list: src/compiler/codegen/kernel-contract.test.ts.)
import { describe, expect, it } from 'vitest';
import { wgslDeclaredBindings, type KernelSource } from '../compiler/codegen/kernel-contract.js';
import { frameImportKernel } from '../player/frame-importer.js';
import { presentKernel } from '../player/frame-presenter.js';
import { psnrReduceKernel } from '../player/psnr-meter.js';
import { bicubicUpscaleKernel } from './bicubic-engine.js';
import { patchGatherKernel, patchScatterKernel } from './patch-batch.js';

const handWritten: KernelSource[] = [bicubicUpscaleKernel, patchGatherKernel, patchScatterKernel, psnrReduceKernel, frameImportKernel, presentKernel];

describe('hand-written kernels declare the bindings their WGSL declares', () => {
  it.each(handWritten.map((k) => [k.label, k] as const))('%s', (_, k) => {
    expect(wgslDeclaredBindings(k.code)).toEqual(new Map(k.bindings.map((b) => [b.slot, b.name])));
    expect(k.code).toContain(`@binding(${k.bindings[0].slot})`);
  });
});
