// The fetcher against a real HTTP server (e2e/pack-server.ts) with faults: resumes a stalled body with Range, skips
// what it has when the server ignores Range, retries HTTP errors with backoff and gives up naming the URL.
import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import { PackServer } from '../../e2e/pack-server.js';
import { NetworkFetcher } from './network-fetcher.js';
import { RETRY_POLICY } from './retry-policy.js';

const dir = mkdtempSync(join(tmpdir(), 'dydca-fetch-'));
const body = Buffer.from(Array.from({ length: 50_000 }, (_, i) => (i * 7919) % 251));
writeFileSync(join(dir, 'seg.m4s'), body);
const server = new PackServer(dir, { '/p/': dir });
const fast = { ...RETRY_POLICY, baseDelayMs: 20, maxDelayMs: 100, stallMs: 300 };

beforeAll(() => server.start());
afterAll(() => server.stop());
beforeEach(() => { server.faults = []; server.rangeSupport = true; });

describe('NetworkFetcher', () => {
  it('resumes a body that stalls (connection open) from the byte reached, with a Range request', async () => {
    server.faults = [['/p/seg.m4s', { stallAfterBytes: 20_000, times: 1 }]];
    const since = server.log.length;
    const net = new NetworkFetcher(fast);
    const got = await net.fetchBytes(`${server.origin}/p/seg.m4s`, 'segment');
    expect(Buffer.from(got).equals(body)).toBe(true);
    expect(server.requests('/p/', since).map((r) => [r.bytes, r.range])).toEqual([[20_000, null], [30_000, 'bytes=20000-']]);
    expect(net.bytesFetched).toBe(50_000);
    expect(net.state).toBe('ok');
  });

  it('a server that ignores Range sends it all again: the bytes already here are skipped', async () => {
    server.faults = [['/p/seg.m4s', { stallAfterBytes: 20_000, times: 1 }]];
    server.rangeSupport = false;
    const net = new NetworkFetcher(fast);
    const got = await net.fetchBytes(`${server.origin}/p/seg.m4s`, 'segment');
    expect(Buffer.from(got).equals(body)).toBe(true);
    expect(net.bytesFetched).toBe(50_000);
  });

  it('retries HTTP errors with backoff and plays on when the server recovers', async () => {
    server.faults = [['/p/seg.m4s', { status: 500, times: 2 }]];
    const since = server.log.length;
    const got = await new NetworkFetcher(fast).fetchBytes(`${server.origin}/p/seg.m4s`, 'segment');
    expect(got.byteLength).toBe(50_000);
    expect(server.requests('/p/', since).map((r) => r.status)).toEqual([500, 500, 200]);
  });

  it('gives up after 4 HTTP errors, naming the URL, the status and the attempts', async () => {
    server.faults = [['/p/seg.m4s', { status: 404 }]];
    const since = server.log.length;
    await expect(new NetworkFetcher(fast).fetchBytes(`${server.origin}/p/seg.m4s`, 'LR video segment 3'))
      .rejects.toThrow(/Could not load the LR video segment 3 at http:\/\/localhost:\d+\/p\/seg\.m4s: HTTP 404.*gave up after 4 attempts/);
    expect(server.requests('/p/', since)).toHaveLength(4);
  });

  it('refuses a body larger than the cap from its Content-Length, without retrying', async () => {
    const since = server.log.length;
    await expect(new NetworkFetcher(fast).fetchBytes(`${server.origin}/p/seg.m4s`, 'init segment', { maxBytes: 1000 }))
      .rejects.toThrow(/init segment at .* is 50000 bytes; the player takes at most 1000 bytes/);
    expect(server.requests('/p/', since)).toHaveLength(1);
  });
});
