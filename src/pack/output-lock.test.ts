// The output lock: a second holder is refused with who holds it, a stale lock (dead pid on this host) is taken over,
// a lock from another host never is, and release removes only the run's own lock.
import { spawnSync } from 'node:child_process';
import { existsSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { hostname, tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { isStale, lockOutput, lockPath, type LockHolder } from './output-lock.js';

let dir: string;
beforeAll(() => { dir = mkdtempSync(join(tmpdir(), 'dydca-lock-')); });
afterAll(() => rmSync(dir, { recursive: true, force: true }));

/** The pid of a process that has ended (spawnSync waits for it). */
const deadPid = (): number => Number(spawnSync(process.execPath, ['-e', 'process.stdout.write(String(process.pid))'], { encoding: 'utf8' }).stdout);

describe('lockOutput', () => {
  it('the first run holds <out>.dydca-lock; a second is refused with pid, host and since; release frees it', () => {
    const out = join(dir, 'pack');
    const first = lockOutput(out);
    expect(first.path).toBe(`${out}.dydca-lock`);
    expect(JSON.parse(readFileSync(first.path, 'utf8'))).toEqual({ pid: process.pid, host: hostname(), since: first.holder.since, out });
    let err: unknown = null;
    try { lockOutput(out); } catch (e) { err = e; }
    expect((err as Error).message).toBe(`${out} is being written by another dydca pack (pid ${process.pid} on ${hostname()}, since ${first.holder.since}); ` +
      `wait for it to end, or choose another --out. If that run is gone, remove ${out}.dydca-lock`);
    expect((err as { options: string[] }).options).toEqual(['out']);
    first.release();
    expect(existsSync(first.path)).toBe(false);
    const again = lockOutput(`${out}/`);
    expect(again.path).toBe(first.path);
    again.release();
  });

  it('takes over a stale lock (its pid is dead on this host)', () => {
    const out = join(dir, 'stale');
    const pid = deadPid();
    expect(pid).toBeGreaterThan(0);
    const stale: LockHolder = { pid, host: hostname(), since: '2026-01-01T00:00:00.000Z', out };
    writeFileSync(lockPath(out), JSON.stringify(stale));
    expect(isStale(stale)).toBe(true);
    const lock = lockOutput(out);
    expect(JSON.parse(readFileSync(lock.path, 'utf8')).pid).toBe(process.pid);
    lock.release();
  });

  it('never takes over a lock from another host, whatever its pid', () => {
    const out = join(dir, 'remote');
    writeFileSync(lockPath(out), JSON.stringify({ pid: deadPid(), host: 'render-box-7', since: '2026-01-02T03:04:05.000Z', out }));
    expect(() => lockOutput(out)).toThrow(/is being written by another dydca pack \(pid \d+ on render-box-7, since 2026-01-02T03:04:05\.000Z\)/);
    expect(existsSync(lockPath(out))).toBe(true);
  });

  it('release leaves a lock another run took over alone; an unreadable lock is refused, not removed', () => {
    const out = join(dir, 'taken');
    const lock = lockOutput(out);
    writeFileSync(lock.path, JSON.stringify({ pid: 1, host: 'elsewhere', since: 'later', out }));
    lock.release();
    expect(existsSync(lock.path)).toBe(true);
    writeFileSync(lock.path, '');
    expect(() => lockOutput(out)).toThrow(/is locked by .*taken\.dydca-lock \(unreadable: being written, or not dydca's\); if no dydca pack is writing .*taken, remove it$/);
  });

  it('a name too long to add to is cut and told apart by a hash', () => {
    const a = lockPath(join(dir, 'a'.repeat(250) + '1')), b = lockPath(join(dir, 'a'.repeat(250) + '2'));
    expect(a).not.toBe(b);
    expect(Buffer.byteLength(a.slice(dir.length + 1))).toBeLessThanOrEqual(255);
  });

  it('a folder that cannot hold the lock: the same words as the output check', () => {
    writeFileSync(join(dir, 'a-file'), 'x');
    expect(() => lockOutput(join(dir, 'a-file', 'pack'))).toThrow(/^cannot write the pack beside .*a-file\/pack: a part of the path is a file, not a folder \(ENOTDIR\)$/);
  });
});
