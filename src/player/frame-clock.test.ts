import { describe, expect, it } from 'vitest';
import { FrameClock } from './frame-clock.js';

describe('FrameClock', () => {
  it.each([
    // fps, anchor frame, anchor ms, now ms, due frame
    [20, 0, 1000, 1000, 0],
    [20, 0, 1000, 1049, 0],
    [20, 0, 1000, 1050, 1],
    [20, 5, 0, 1000, 25],
    [30, 10, 500, 400, 10], // before the anchor: the anchored frame
    [25, 0, 0, 40 * 99, 99],
  ])('at %d fps anchored at frame %d / %d ms, at %d ms frame %d is due', (fps, frame, ms, now, due) => {
    const c = new FrameClock(fps, 1000);
    c.anchorAt(frame, ms);
    expect(c.dueFrame(now)).toBe(due);
  });

  it('dueAt inverts dueFrame', () => {
    const c = new FrameClock(24, 500);
    c.anchorAt(7, 123.4);
    for (const f of [7, 8, 20, 499]) expect(c.dueFrame(c.dueAt(f))).toBe(f);
  });

  it.each([[-3, 0], [0, 0], [0.049, 1], [2.5, 50], [1e9, 99]])('frameAtTime(%d) clamps to the video: %d', (t, f) => {
    expect(new FrameClock(20, 100).frameAtTime(t)).toBe(f);
  });

  it('refuses a clock that cannot tick', () => {
    expect(() => new FrameClock(0, 10)).toThrow(RangeError);
    expect(() => new FrameClock(20, 0)).toThrow(RangeError);
  });
});
