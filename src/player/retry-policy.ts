// When the player asks the network again, and when it stops asking (the shape of Shaka Player's
// lib/net/backoff.js): exponential backoff with a cap, endless for network conditions (they pass), bounded for
// HTTP errors (a server that answers 404 or 500 three times running will not serve this file).

export interface RetryPolicy {
  /** first wait, ms; each further wait doubles, up to maxDelayMs */
  baseDelayMs: number;
  maxDelayMs: number;
  /** requests made for one file that the server answers with an HTTP error before giving up */
  httpAttempts: number;
  /** no byte for this long: the connection is dropped and the request made again (a stall, said as buffering) */
  stallMs: number;
}

export const RETRY_POLICY: RetryPolicy = { baseDelayMs: 500, maxDelayMs: 8000, httpAttempts: 4, stallMs: 6000 };

/** Wait before retry number `attempt` (0 = the first retry). */
export function retryDelayMs(attempt: number, policy: RetryPolicy): number {
  return Math.min(policy.maxDelayMs, policy.baseDelayMs * 2 ** Math.max(0, Math.min(attempt, 30)));
}

/**
 * After a failed attempt: `retry`, or `give-up` (HTTP errors only, after `httpAttempts` of them). Stalls and
 * network errors are retried for as long as someone wants the file: the network comes back.
 */
export function retryVerdict(kind: 'http' | 'stall' | 'network', httpFailures: number, policy: RetryPolicy): 'retry' | 'give-up' {
  return kind === 'http' && httpFailures >= policy.httpAttempts ? 'give-up' : 'retry';
}
