// The compiler driver's switches (the compiled engine's optimizations, src/runtime/optimizations.ts), CPU only:
// what each one changes in a shape class's plan. The GPU results of every configuration:
// src/runtime/compiled-optimizations.test.ts.
import { describe, expect, it } from 'vitest';
import { isDirect, isWinograd } from './codegen/conv-variant.js';
import { compileShapeClass, packWeights, winogradWeightNames, type CompileOptions } from './compile-shape-class.js';
import { tinyModel, tinySpec } from '../runtime/test-sr-model.js';

const model = tinyModel(tinySpec(2, [[8, 8, 2]], 8, 2), 5);
const plan = (o: CompileOptions) => {
  const first = compileShapeClass(model, { path: 0, patchH: 8, patchW: 8 }, 2, 1, packWeights(model.graph), 'f32', o);
  // Winograd layers read their weights pre-transformed: plan again on the pack they need, as the engine does
  return compileShapeClass(model, { path: 0, patchH: 8, patchW: 8 }, 2, 1, packWeights(model.graph, winogradWeightNames([first])), 'f32', o);
};

describe('compile options', () => {
  it('fusion on: head, B x (conv+relu, conv+residual), tail; off: a kernel per operator between gather and store', () => {
    expect(plan({}).fusedOps).toEqual(['FusedConv(shift)', 'FusedConv(relu)', 'FusedConv(residual)', 'FusedConv(relu)', 'FusedConv(residual)', 'FusedSRTail']);
    const ops = plan({ fusion: false }).fusedOps;
    expect(ops[0]).toBe('GatherLR');
    expect(ops.at(-1)).toBe('StoreHR');
    expect(ops.filter((o) => o === 'FusedConv')).toHaveLength(1 + 2 * 2 + 2);
    expect(ops.filter((o) => o === 'Relu')).toHaveLength(2);
    expect(ops).toContain('DepthToSpace');
    expect(ops).toHaveLength(3 + 4 * 2 + 6);
    expect(plan({ fusion: false }).kernels.filter((k) => k.kind === 'tail')).toHaveLength(1);
  });

  it('memory reuse off: every tensor its own region, the arena what one buffer per tensor takes', () => {
    for (const fusion of [true, false]) {
      const on = plan({ fusion }).memory, off = plan({ fusion, memoryReuse: false }).memory;
      expect(off.arenaBytes).toBe(off.naiveBytes);
      expect(on.naiveBytes).toBe(off.naiveBytes);
      expect(on.arenaBytes).toBeLessThan(off.arenaBytes);
      const spans = [...off.offsets].map(([name, at]) => [at, at + off.lifetimes.find((t) => t.name === name)!.bytes]).sort((a, b) => a[0] - b[0]);
      spans.forEach(([, end], i) => { if (i + 1 < spans.length) expect(end).toBeLessThanOrEqual(spans[i + 1][0]); });
    }
  });

  it('conv kernels: GEMM by default, direct without it, Winograd on the 3x3 arena convs it fits', () => {
    const variants = (o: CompileOptions) => plan(o).kernels.flatMap((k) => (k.convVariant ? [k.convVariant] : []));
    expect(variants({}).some((v) => isDirect(v) || isWinograd(v))).toBe(false);
    expect(variants({ conv: 'direct' }).every(isDirect)).toBe(true);
    // 8 -> 16 channels: the widening convs (4 output blocks) fit the 4-block Winograd tilings, the narrowing (2) none
    expect(variants({ winograd: true }).map((v) => (isWinograd(v) ? 'W' : isDirect(v) ? 'D' : 'G')).join('')).toBe('GWGWG');
    expect(variants({ winograd: true, conv: 'direct' }).map((v) => (isWinograd(v) ? 'W' : isDirect(v) ? 'D' : 'G')).join('')).toBe('DWDWD');
  });

  it('without the schedule search the graph order is kept (the same here: the SR path order is already optimal)', () => {
    expect(plan({ schedule: false }).fusedOps).toEqual(plan({}).fusedOps);
    expect(plan({ fusion: false, schedule: false }).memory.arenaBytes).toBeGreaterThanOrEqual(plan({ fusion: false }).memory.arenaBytes);
  });
});
