import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import type { AbrRung } from '../src/player/abr-rule.js';
import { downloadEnd, parseTrace, simulate, type BandwidthTrace } from './abr-simulate.js';

// x4 at 0.5 Mbit/s (125 kB per 2 s segment), x2 at 2 Mbit/s (500 kB); x2 SR needs 40 x 25 x 1.25 = 1250 GFLOP/s
const x4: AbrRung = { bitrate: 0.5e6, segmentBytes: [125_000], psnrSR: [33], psnrBicubic: [30], gflopsPerFrame: 10 };
const x2: AbrRung = { bitrate: 2e6, segmentBytes: [500_000], psnrSR: [36], psnrBicubic: [32], gflopsPerFrame: 40 };
const flat = (mbps: number): BandwidthTrace => [[0, mbps], [100, mbps]];
const base = { rungs: [x4, x2], segmentSeconds: 2, segments: 30, fps: 25, srGflopsPerSecond: 5000 };

describe('downloadEnd', () => {
  it.each<[string, BandwidthTrace, number, number, number]>([
    ['1 MB at 8 Mbit/s takes 1 s', flat(8), 0, 1e6, 1],
    ['across a rate change: 1 s at 4 then the rest at 8', [[0, 4], [1, 8], [10, 8]], 0, 1e6, 1.5],
    ['the trace loops: 0.5 s at 0.8, then from its start at 8', [[0, 8], [1, 0.8], [2, 0.8]], 1.5, 0.2e6, 2.15],
  ])('%s', (_n, trace, start, bytes, end) => {
    expect(downloadEnd(trace, start, bytes)).toBeCloseTo(end, 9);
  });
});

describe('simulate', () => {
  it('a fast steady link: the richest rung after the start, no stall', () => {
    const r = simulate({ ...base, trace: flat(20), policy: 'sr-aware' });
    expect(r.rungs.slice(1)).toEqual(r.rungs.slice(1).map(() => 1));
    expect(r.stallSeconds).toBe(0);
  });
  it('a link between the rungs: the SR-aware rule stays on x4 without stalling; fixed x2 stalls', () => {
    const r = simulate({ ...base, trace: flat(1.5), policy: 'sr-aware' });
    expect(new Set(r.rungs)).toEqual(new Set([0]));
    expect(r.stallSeconds).toBe(0);
    expect(simulate({ ...base, trace: flat(1.5), policy: { fixed: 1 } }).stallSeconds).toBeGreaterThan(5);
  });
  it('a device with SR on a quarter of x2\'s frames: x4 with SR (33 dB) over x2 mostly bicubic (32.65 dB); the throughput rule takes x2', () => {
    const rungs = [x4, { ...x2, psnrBicubic: [31.5] }];
    const aware = simulate({ ...base, rungs, srGflopsPerSecond: 320, trace: flat(20), policy: 'sr-aware' });
    const plain = simulate({ ...base, rungs, srGflopsPerSecond: 320, trace: flat(20), policy: 'throughput' });
    expect(aware.rungs.slice(1).every((r) => r === 0)).toBe(true);
    expect(plain.rungs.slice(1).every((r) => r === 1)).toBe(true);
    expect(aware.meanPsnr).toBeGreaterThan(plain.meanPsnr);
  });
  it('back-to-back downloads over the recorded trace at a third of its rate end (no float drift stuck on a boundary)', () => {
    const trace = parseTrace(readFileSync(join(import.meta.dirname, 'traces', 'norway-bus-1.tsv'), 'utf8')).map(([t, v]): [number, number] => [t, v * 0.35]);
    const r = simulate({ ...base, segments: 200, trace, policy: { fixed: 1 } });
    expect(r.stallSeconds).toBeGreaterThan(0);
    expect(Number.isFinite(r.stallSeconds)).toBe(true);
  });
  it('parses the trace format and refuses junk', () => {
    expect(parseTrace('0.0\t4.0\n0.5\t2.5\n')).toEqual([[0, 4], [0.5, 2.5]]);
    expect(() => parseTrace('0 x\n')).toThrow(/trace/);
  });
});
