import { describe, expect, it } from 'vitest';
import { ThroughputEstimator } from './throughput-estimator.js';

describe('ThroughputEstimator', () => {
  it('is null before a download, then the rate of a steady link exactly', () => {
    const e = new ThroughputEstimator();
    expect(e.bitsPerSecond).toBeNull();
    for (let i = 0; i < 5; i++) e.add({ bytes: 50_000, ms: 1000 }); // 400 kbit/s
    expect(e.bitsPerSecond).toBeCloseTo(400_000, 3);
  });
  it.each([
    // [before (kbit/s), after (kbit/s), downloads after, at most / at least (kbit/s)]
    ['a drop is believed within one 2 s download', 800, 100, 1, 'below', 480],
    ['a drop is almost fully believed within four downloads', 800, 100, 4, 'below', 150],
    ['a rise is believed more slowly than a drop', 100, 800, 1, 'below', 400],
    ['a lasting rise is believed', 100, 800, 8, 'above', 650],
  ] as const)('%s', (_name, before, after, n, side, kbps) => {
    const e = new ThroughputEstimator();
    for (let i = 0; i < 10; i++) e.add({ bytes: (before * 1000 * 2) / 8, ms: 2000 });
    for (let i = 0; i < n; i++) e.add({ bytes: (after * 1000 * 2) / 8, ms: 2000 });
    if (side === 'below') expect(e.bitsPerSecond! / 1000).toBeLessThan(kbps);
    else expect(e.bitsPerSecond! / 1000).toBeGreaterThan(kbps);
  });
  it('ignores empty downloads and counts instant ones as 5 ms', () => {
    const e = new ThroughputEstimator();
    e.add({ bytes: 0, ms: 10 });
    expect(e.bitsPerSecond).toBeNull();
    e.add({ bytes: 1000, ms: 0 });
    expect(e.bitsPerSecond).toBeCloseTo(1.6e6, 0);
  });
});
