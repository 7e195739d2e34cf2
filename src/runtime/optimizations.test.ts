import { describe, expect, it } from 'vitest';
import { ablationConfigurations, formatOptimizations, OPTIMIZATION_NAMES, OPTIMIZATION_PRESETS, OPTIMIZATIONS, parseOptimizations } from './optimizations.js';

describe('optimization names', () => {
  it.each([
    { text: 'all', want: [...OPTIMIZATION_NAMES] },
    { text: 'none', want: [] },
    { text: '', want: [] },
    { text: ' gemm , fusion ', want: ['fusion', 'gemm'] },
    { text: 'f16,winograd,f16', want: ['winograd', 'f16'] },
  ])("parses '$text'", ({ text, want }) => {
    expect(OPTIMIZATION_NAMES.filter((n) => parseOptimizations(text).has(n))).toEqual(want);
  });

  it('names an unknown optimization and lists the valid ones', () => {
    expect(() => parseOptimizations('fusion,fast')).toThrow(/unknown optimization 'fast'; expected all, none or a comma list of fusion, static-plan/);
  });

  it('formats back to what it parses', () => {
    for (const text of ['all', 'none', 'fusion,gemm', 'static-memory,one-submit']) expect(formatOptimizations(parseOptimizations(text))).toBe(text);
    expect(formatOptimizations(parseOptimizations('gemm,fusion'))).toBe('fusion,gemm');
  });

  it('has one line per optimization and presets within the set', () => {
    for (const o of OPTIMIZATIONS) expect(o.description.length).toBeGreaterThan(20);
    for (const preset of Object.values(OPTIMIZATION_PRESETS)) for (const n of preset) expect(OPTIMIZATION_NAMES).toContain(n);
    expect(OPTIMIZATION_PRESETS['compiled-naive']).toEqual([]);
  });

  it('the ablation: all on, all off, each off alone, each on alone', () => {
    const configs = ablationConfigurations();
    const n = OPTIMIZATION_NAMES.length;
    expect(configs).toHaveLength(2 + 2 * n);
    expect(configs[0]).toEqual([...OPTIMIZATION_NAMES]);
    expect(configs[1]).toEqual([]);
    expect(configs.filter((c) => c.length === n - 1)).toHaveLength(n);
    expect(configs.filter((c) => c.length === 1).map((c) => c[0])).toEqual([...OPTIMIZATION_NAMES]);
  });
});
