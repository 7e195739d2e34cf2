// Every byte of video the player streams comes through here: one attempt at a time with a stall timeout, retries
// with backoff (src/player/retry-policy.ts), offline noticed and waited out, bytes counted. What the network is doing
// (`state`) is what the page says: a stalled or slow connection is buffering, a dropped one is offline.
import { fetchOk, HttpError, NetworkError, PackError } from './pack-loader.js';
import { retryDelayMs, retryVerdict, RETRY_POLICY, type RetryPolicy } from './retry-policy.js';

export type NetworkState = 'ok' | 'retrying' | 'offline';

/** While waiting to retry offline, how often to look whether the browser is back online. */
const ONLINE_POLL_MS = 250;

const isOffline = (): boolean => typeof navigator !== 'undefined' && navigator.onLine === false;

/** No bytes arrived for the stall timeout: the connection is dropped and the request made again. */
class Stalled extends Error {}

export class NetworkFetcher {
  /** bytes of video (segments, streams) received so far */
  bytesFetched = 0;
  state: NetworkState = 'ok';
  /** what the last failed attempt said (for the page: "buffering: <url> stalled, retrying") */
  lastProblem: string | null = null;
  private readonly listeners = new Set<() => void>();
  /**
   * every whole download's bytes and time from its response to its last byte (retries and stalls included, the
   * request's latency not: small segments would otherwise look slower than large ones): the ABR's throughput samples
   */
  onDownload: ((bytes: number, ms: number) => void) | null = null;

  constructor(readonly policy: RetryPolicy = RETRY_POLICY) {}

  /** Calls `f` whenever `state` changes (returns the unsubscribe). */
  watch(f: () => void): () => void { this.listeners.add(f); return () => this.listeners.delete(f); }

  /** Whether the browser says it has no network now, or said so when the last request failed. */
  get offline(): boolean { return isOffline() || this.state === 'offline'; }

  /**
   * The whole body of `url`. Network errors and stalls are retried until `signal` aborts (the network may come
   * back); HTTP errors (404, 500, ...) `policy.httpAttempts` times, then a PackError naming the URL and the status.
   */
  async fetchBytes(url: string, what: string,
    opts: { signal?: AbortSignal; maxBytes?: number; onProgress?: (what: string, loaded: number, total: number | null) => void } = {}): Promise<Uint8Array<ArrayBuffer>> {
    const parts: Uint8Array[] = [];
    let total = 0, declared: number | null = null;
    let answeredAt: number | null = null;
    const tooBig = (n: number | string) => new PackError(`The ${what} at ${url} is ${n} bytes; the player takes at most ${opts.maxBytes} bytes for it. Is this the right file?`);
    await this.stream(url, what, (chunk) => {
      total += chunk.byteLength;
      if (opts.maxBytes !== undefined && total > opts.maxBytes) throw tooBig(`more than ${opts.maxBytes}`);
      parts.push(chunk);
      opts.onProgress?.(what, total, declared);
    }, {
      signal: opts.signal,
      onResponse: (n) => {
        answeredAt ??= performance.now();
        declared = n;
        if (n !== null && opts.maxBytes !== undefined && n > opts.maxBytes) throw tooBig(n);
      },
    });
    if (answeredAt !== null) this.onDownload?.(total, performance.now() - answeredAt);
    const out = new Uint8Array(total);
    let at = 0;
    for (const p of parts) { out.set(p, at); at += p.byteLength; }
    return out;
  }

  /**
   * Streams `url` into `onChunk`, resuming after a stall or a dropped connection from the byte it reached (a Range
   * request; a server that ignores Range sends the whole file again and the bytes already had are skipped).
   */
  async stream(url: string, what: string, onChunk: (bytes: Uint8Array) => void,
    opts: { signal?: AbortSignal; onResponse?: (declaredBytes: number | null) => void } = {}): Promise<void> {
    let offset = 0;
    for (let attempt = 0, failures = 0; ; attempt++) {
      opts.signal?.throwIfAborted();
      try {
        await this.attempt(url, what, offset, (chunk) => { onChunk(chunk); offset += chunk.byteLength; }, opts);
        if (this.state !== 'ok') this.set('ok', null);
        return;
      } catch (e) {
        if (opts.signal?.aborted) throw e;
        const network = e instanceof NetworkError || e instanceof TypeError || !(e instanceof PackError);
        if (!(e instanceof HttpError) && !(e instanceof Stalled) && !network) throw e; // a wrong file (an HTML page, too big): not a network matter
        const kind = e instanceof HttpError ? 'http' : e instanceof Stalled ? 'stall' : isOffline() ? 'offline' : 'network';
        if (kind === 'http' || kind === 'network') failures++;
        if (retryVerdict(kind, failures, this.policy) === 'give-up') {
          this.set('ok', null);
          throw new PackError(`${(e as Error).message}; gave up after ${failures} attempts`);
        }
        this.set(kind === 'offline' ? 'offline' : 'retrying', (e as Error).message);
        await this.pause(retryDelayMs(attempt, this.policy), opts.signal);
      }
    }
  }

  /** One request from `offset`, the body read with a stall timer re-armed on every chunk. */
  private async attempt(url: string, what: string, offset: number, onChunk: (b: Uint8Array) => void,
    opts: { signal?: AbortSignal; onResponse?: (declaredBytes: number | null) => void }): Promise<void> {
    const controller = new AbortController();
    const abortOuter = () => controller.abort();
    opts.signal?.addEventListener('abort', abortOuter);
    let stalled = false;
    let timer: ReturnType<typeof setTimeout> | null = null;
    const arm = () => {
      if (timer !== null) clearTimeout(timer);
      timer = setTimeout(() => { stalled = true; controller.abort(); }, this.policy.stallMs);
    };
    arm();
    try {
      let response: Response;
      try {
        response = await fetchOk(url, what, { signal: controller.signal, headers: offset > 0 ? { Range: `bytes=${offset}-` } : undefined });
      } catch (e) {
        if (stalled) throw new Stalled(`the ${what} at ${url} sent no answer for ${this.policy.stallMs / 1000} s`);
        throw e;
      }
      // a server without Range support answers 200 with the whole file: skip what we have
      let skip = offset > 0 && response.status !== 206 ? offset : 0;
      if (offset === 0) {
        const declared = Number(response.headers.get('content-length'));
        opts.onResponse?.(declared > 0 ? declared : null);
      }
      if (!response.body) throw new Error(`the ${what} at ${url} came with no body (HTTP ${response.status})`);
      const reader = response.body.getReader();
      for (;;) {
        arm();
        let r: ReadableStreamReadResult<Uint8Array>;
        try { r = await reader.read(); } catch (e) {
          if (stalled) throw new Stalled(`the ${what} at ${url} stalled after ${offset} bytes (nothing for ${this.policy.stallMs / 1000} s)`);
          throw new Error(`the download of the ${what} at ${url} broke off after ${offset} bytes (${(e as Error).message})`);
        }
        if (r.done) break;
        let chunk = r.value;
        if (skip > 0) {
          const n = Math.min(skip, chunk.byteLength);
          skip -= n;
          chunk = chunk.subarray(n);
          if (chunk.byteLength === 0) continue;
        }
        this.bytesFetched += chunk.byteLength;
        onChunk(chunk);
        offset += chunk.byteLength;
      }
    } finally {
      if (timer !== null) clearTimeout(timer);
      opts.signal?.removeEventListener('abort', abortOuter);
    }
  }

  /** Waits `ms`, or less when the browser comes back online (polled: no listener outlives the player). */
  private pause(ms: number, signal?: AbortSignal): Promise<void> {
    const wasOffline = isOffline();
    return new Promise((resolve, reject) => {
      const end = performance.now() + ms;
      const tick = () => {
        if (signal?.aborted) { reject(signal.reason instanceof Error ? signal.reason : new DOMException('aborted', 'AbortError')); return; }
        if (performance.now() >= end || (wasOffline && !isOffline())) { resolve(); return; }
        setTimeout(tick, Math.min(ONLINE_POLL_MS, Math.max(0, end - performance.now())));
      };
      tick();
    });
  }

  private set(state: NetworkState, problem: string | null): void {
    const changed = state !== this.state || problem !== this.lastProblem;
    this.state = state;
    this.lastProblem = problem;
    if (changed) for (const f of this.listeners) f();
  }
}
