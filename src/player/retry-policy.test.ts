import { describe, expect, it } from 'vitest';
import { retryDelayMs, retryVerdict, RETRY_POLICY } from './retry-policy.js';

describe('retry policy', () => {
  const policy = { ...RETRY_POLICY, baseDelayMs: 500, maxDelayMs: 8000, httpAttempts: 3 };
  it.each([[0, 500], [1, 1000], [2, 2000], [3, 4000], [4, 8000], [5, 8000], [60, 8000]])('retry %i waits %i ms', (attempt, ms) => {
    expect(retryDelayMs(attempt, policy)).toBe(ms);
  });
  it.each([
    ['http', 1, 'retry'], ['http', 2, 'retry'], ['http', 3, 'give-up'], ['http', 9, 'give-up'],
    ['network', 2, 'retry'], ['network', 3, 'give-up'], ['stall', 50, 'retry'], ['offline', 50, 'retry'],
  ] as const)('%s after %i failures: %s', (kind, failures, verdict) => {
    expect(retryVerdict(kind, failures, policy)).toBe(verdict);
  });
});
