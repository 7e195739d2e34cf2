import { describe, expect, it } from 'vitest';
import { deviceSummary, isSoftwareAdapter } from './device-summary.js';

describe('deviceSummary: SR time per frame here, and what it means', () => {
  const gpu = { software: false, name: 'nvidia ampere' }, sw = { software: true, name: 'google swiftshader' };
  it.each<[string, { software: boolean; name: string }, number[], number, string | null]>([
    ['no SR frame yet', gpu, [], 20, null],
    ['a GPU that keeps up', gpu, [8, 9, 30], 20, 'nvidia ampere: about 9 ms per SR frame; keeps real time at 20 fps'],
    ['a GPU at half speed', gpu, [90, 100, 110], 20, 'nvidia ampere: about 100 ms per SR frame; while playing about one frame in 2 gets SR, the rest show bicubic; every frame gets SR when paused or stepping'],
    ['software WebGPU', sw, [31_000, 29_500], 20, 'software WebGPU (no GPU): about 31 s per SR frame; too slow for real time: playing shows bicubic, SR frames show when paused or stepping'],
    ['software WebGPU on a tiny frame', sw, [2214], 20, 'software WebGPU (no GPU): about 2.2 s per SR frame; too slow for real time: playing shows bicubic, SR frames show when paused or stepping'],
  ])('%s', (_, device, ms, fps, text) => expect(deviceSummary(device, ms, fps)).toBe(text));
});

describe('isSoftwareAdapter', () => {
  it.each([
    [{ vendor: 'google', architecture: 'swiftshader', description: '' }, true],
    [{ vendor: 'mesa', description: 'llvmpipe (LLVM 15.0.6, 256 bits)' }, true],
    [{ vendor: 'nvidia', architecture: 'ampere', isFallbackAdapter: false }, false],
    [{ vendor: 'intel', isFallbackAdapter: true }, true],
    [undefined, false],
  ])('%j -> %s', (info, software) => expect(isSoftwareAdapter(info)).toBe(software));
});
