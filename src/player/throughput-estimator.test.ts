import { describe, expect, it } from 'vitest';
import { ThroughputEstimator } from './throughput-estimator.js';

const kbps = (e: ThroughputEstimator) => e.bitsPerSecond! / 1000;
/** a download of `seconds` at `rate` kbit/s */
const at = (rate: number, seconds = 2) => ({ bytes: (rate * 1000 * seconds) / 8, ms: seconds * 1000 });

describe('ThroughputEstimator', () => {
  it('is null before a download, then the rate of a steady link exactly', () => {
    const e = new ThroughputEstimator();
    expect(e.bitsPerSecond).toBeNull();
    for (let i = 0; i < 5; i++) e.add(at(400));
    expect(kbps(e)).toBeCloseTo(400, 6);
  });
  it.each([
    // [name, downloads before (kbit/s), downloads after, expected kbit/s]
    ['one slow download after fast ones is believed at once', [800, 800, 800], [100], 100],
    ['one fast download after slow ones is not: the window\'s bytes over its time', [100, 100, 100], [800], 1000 / 3],
    ['a rise is believed once the slow ones left the window', [100, 100, 100], [800, 800, 800], 800],
    ['a burst of instant downloads then a slow one: the slow one', [], [24_000, 24_000, 24_000, 48], 48],
  ] as const)('%s', (_name, before, after, expected) => {
    const e = new ThroughputEstimator();
    for (const r of [...before, ...after]) e.add(at(r));
    expect(kbps(e)).toBeCloseTo(expected, 3);
  });
  it('ignores empty downloads and counts instant ones as 5 ms', () => {
    const e = new ThroughputEstimator();
    e.add({ bytes: 0, ms: 10 });
    expect(e.bitsPerSecond).toBeNull();
    e.add({ bytes: 1000, ms: 0 });
    expect(e.bitsPerSecond).toBeCloseTo(1.6e6, 0);
  });
});
