import { describe, expect, it } from 'vitest';
import { TrainSchedule } from './schedule.js';
import { cosineLearningRate } from './adam.js';

describe('TrainSchedule', () => {
  it('by steps: the cosine schedule of the step count, done at steps or stopAtStep, whatever the clock says', () => {
    const s = new TrainSchedule(1e-3, 100, 10);
    for (const step of [0, 4, 10, 55, 99]) expect(s.learningRate(step, 1e9)).toBe(cosineLearningRate(1e-3, step, 100, 10));
    expect(s.done(99, 1e9)).toBe(false);
    expect(s.done(100, 0)).toBe(true);
    expect(s.done(5, 0, 5)).toBe(true);
    expect(s.outlook(50, 50, 10)).toEqual({ steps: 100, etaSec: 10, stepsPerSec: 5 });
  });

  it.each([
    // elapsed of a 100 s budget -> share of the base rate: 1% floor at the start, linear warm-up over 5 s, cosine to 0
    [0, 0.01], [0.01, 0.01], [2.5, 0.5], [5, 1], [52.5, 0.5], [100, 0],
  ])('by time: %f s into 100 s runs at %f of the rate', (elapsed, share) => {
    expect(new TrainSchedule(2e-3, 1_000_000, 0, 100).learningRate(7, elapsed)).toBeCloseTo(2e-3 * share, 12);
  });

  it('by time: done when the budget is spent or the step cap is reached; outlook projects steps and time left', () => {
    const s = new TrainSchedule(1e-3, 500, 0, 60);
    expect(s.done(10, 59.9)).toBe(false);
    expect(s.done(10, 60)).toBe(true);
    expect(s.done(500, 1)).toBe(true);
    expect(s.outlook(20, 20, 10)).toEqual({ steps: 120, etaSec: 50, stepsPerSec: 2 });
    expect(s.outlook(20, 20, 1)).toMatchObject({ steps: 500 });
    expect(() => new TrainSchedule(1e-3, 10, 0, 0)).toThrow(/> 0 seconds/);
  });
});
