import { describe, expect, it } from 'vitest';
import { FrameClock } from './frame-clock.js';
import { PROBE_EVERY_MS, SrPacer } from './sr-pacer.js';

describe('SrPacer', () => {
  const clock = new FrameClock(20, 100); // 50 ms a frame
  clock.anchorAt(0, 0);
  const dueAt = (f: number) => clock.dueAt(f);

  it('without a measurement: the frame after the one due', () => {
    expect(new SrPacer(50).nextTarget(0, 0, 0, dueAt, 100)).toBe(1);
    expect(new SrPacer(50).nextTarget(3, 7, 350, dueAt, 100)).toBe(8);
  });

  it.each([
    // SR ms per frame, now, current frame, due frame, target
    [10, 0, 0, 0, 1], // fast GPU: every next frame
    [40, 0, 0, 0, 2], // 40 ms + 12.5 margin > 50: frame 1 would be late
    [500, 0, 0, 0, 11], // 10 frame periods + margin
    [500, 1000, 20, 20, 31],
  ])('SR of %d ms at %d ms (frame %d shown, %d due) works on frame %d, finished before it is due', (ms, now, current, due, target) => {
    const p = new SrPacer(50);
    p.recordFrame(ms);
    const t = p.nextTarget(current, due, now, dueAt, 100)!;
    expect(t).toBe(target);
    expect(dueAt(t)).toBeGreaterThanOrEqual(now + ms);
  });

  it('no target past the end of the video', () => {
    const p = new SrPacer(50);
    p.recordFrame(10_000);
    expect(p.nextTarget(0, 0, 0, dueAt, 100)).toBeNull();
  });

  it('the estimate follows the measurements (moving average)', () => {
    const p = new SrPacer(50);
    p.recordFrame(100);
    expect(p.estimateMs).toBe(100);
    p.recordFrame(200);
    expect(p.estimateMs).toBeCloseTo(130);
  });

  it('chunks: one patch at first, then about half a frame period of GPU time each', () => {
    const p = new SrPacer(50);
    expect(p.patchesPerChunk(100)).toBe(1);
    p.recordChunk(8, 80, 0); // 10 ms a patch
    expect(p.patchesPerChunk(100)).toBe(2);
    const fast = new SrPacer(50);
    fast.recordChunk(8, 0.8, 0); // 0.1 ms a patch: a whole frame in one submission
    expect(fast.patchesPerChunk(100)).toBe(100);
    const slow = new SrPacer(50);
    slow.recordChunk(1, 5000, 0);
    expect(slow.patchesPerChunk(100)).toBe(1);
  });

  it('SR that cannot fit one patch in a frame period waits while playing, but probes every PROBE_EVERY_MS', () => {
    const p = new SrPacer(50);
    expect(p.keepsUp).toBe(true);
    expect(p.mayRun(0)).toBe(true);
    p.recordChunk(1, 40, 0); // fits
    expect(p.mayRun(10)).toBe(true);
    p.recordChunk(1, 2000, 1000); // moving average now above 50 ms a patch: that was the probe
    expect(p.keepsUp).toBe(false);
    expect(p.mayRun(1001)).toBe(false);
    expect(p.mayRun(1000 + PROBE_EVERY_MS - 1)).toBe(false);
    expect(p.mayRun(1000 + PROBE_EVERY_MS)).toBe(true); // the next probe
    expect(p.mayRun(1000 + PROBE_EVERY_MS + 1)).toBe(false);
    for (let i = 0; i < 30; i++) p.recordChunk(1, 5, 0); // the machine got faster
    expect(p.keepsUp).toBe(true);
    expect(p.mayRun(1000 + PROBE_EVERY_MS + 2)).toBe(true);
  });
});
