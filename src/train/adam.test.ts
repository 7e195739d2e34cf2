import { describe, expect, it } from 'vitest';
import { cosineLearningRate } from './adam.js';

describe('cosineLearningRate', () => {
  it.each([
    // base, step, total, warmup, expected
    [1e-3, 0, 100, 0, 1e-3],
    [1e-3, 50, 100, 0, 5e-4],
    [1e-3, 100, 100, 0, 0],
    [1e-3, 0, 100, 10, 1e-4],
    [1e-3, 4, 100, 10, 5e-4],
    [1e-3, 10, 100, 10, 1e-3],
    [1e-3, 55, 100, 10, 5e-4],
  ])('base %f step %i of %i, warm-up %i -> %f', (base, step, total, warmup, want) => {
    expect(cosineLearningRate(base, step, total, warmup)).toBeCloseTo(want, 12);
  });
});
