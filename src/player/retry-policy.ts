// When the player asks the network again, and when it stops asking (the shape of Shaka Player's
// lib/net/backoff.js): exponential backoff with a cap; endless while the browser is offline or the link is slow
// (those pass), bounded for a server that answers with an error or a request that fails while online (a server
// that answers 404 four times running, or refuses the connection, will not serve this file).

export interface RetryPolicy {
  /** first wait, ms; each further wait doubles, up to maxDelayMs */
  baseDelayMs: number;
  maxDelayMs: number;
  /** failed requests for one file (HTTP errors, or network errors while the browser is online) before giving up */
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
 * After a failed attempt: `retry`, or `give-up` after `httpAttempts` failures that count (`http`, and `network`
 * while online). Stalls and failures while the browser is offline are retried for as long as someone wants the
 * file: the network comes back.
 */
export function retryVerdict(kind: 'http' | 'network' | 'stall' | 'offline', failures: number, policy: RetryPolicy): 'retry' | 'give-up' {
  return (kind === 'http' || kind === 'network') && failures >= policy.httpAttempts ? 'give-up' : 'retry';
}
