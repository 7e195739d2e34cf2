// `--queue redis://HOST:PORT[/DB]`: parsed and checked (reachable, answering PING) before any work, so a wrong URL
// or a Redis that is down is one clear line and exit 2, not a client retrying forever.
import { Redis } from 'ioredis';
import { InputError } from '../ingest.js';

export interface RedisTarget { host: string; port: number; db: number; url: string }

export function parseRedisUrl(url: string): RedisTarget {
  let u: URL;
  try { u = new URL(url); } catch { throw new InputError(`--queue ${url}: not a URL; expected redis://HOST:PORT[/DB]`); }
  if (u.protocol !== 'redis:') throw new InputError(`--queue ${url}: expected a redis:// URL (redis://HOST:PORT[/DB])`);
  const port = u.port === '' ? 6379 : Number(u.port);
  const dbText = u.pathname.replace(/^\//, '');
  const db = dbText === '' ? 0 : Number(dbText);
  if (!u.hostname) throw new InputError(`--queue ${url}: no host; expected redis://HOST:PORT[/DB]`);
  if (!Number.isInteger(db) || db < 0 || db > 15) throw new InputError(`--queue ${url}: database '${dbText}' must be an integer in 0..15`);
  return { host: u.hostname.replace(/^\[|\]$/g, ''), port, db, url };
}

/** BullMQ connection options for a target (workers need maxRetriesPerRequest null). */
export function connectionOf(t: RedisTarget): { host: string; port: number; db: number; maxRetriesPerRequest: null } {
  return { host: t.host, port: t.port, db: t.db, maxRetriesPerRequest: null };
}

/** Connects once and PINGs, failing within `timeoutMs` with an InputError naming the URL and the cause. */
export async function checkRedis(t: RedisTarget, timeoutMs = 3000): Promise<void> {
  const client = new Redis({ host: t.host, port: t.port, db: t.db, lazyConnect: true, connectTimeout: timeoutMs, maxRetriesPerRequest: 0, retryStrategy: () => null, enableOfflineQueue: false });
  client.on('error', () => { /* reported by connect() below */ });
  try {
    await client.connect();
    await client.ping();
  } catch (e) {
    throw new InputError(`cannot reach Redis at ${t.url} (${(e as Error).message.split('\n')[0]}); is redis-server running there?`);
  } finally {
    client.disconnect();
  }
}
