// Test helper: a real redis-server (Debian's, installed by scripts/setup-system.mjs) on a free loopback port,
// without persistence, stopped after the tests.
import { spawn, type ChildProcess } from 'node:child_process';
import { createServer } from 'node:net';

export interface TestRedis { url: string; port: number; stop(): Promise<void> }

function freePort(): Promise<number> {
  return new Promise((resolve, reject) => {
    const s = createServer();
    s.on('error', reject);
    s.listen(0, '127.0.0.1', () => {
      const port = (s.address() as { port: number }).port;
      s.close(() => resolve(port));
    });
  });
}

export async function startRedis(): Promise<TestRedis> {
  const port = await freePort();
  const child: ChildProcess = spawn('redis-server', ['--port', String(port), '--bind', '127.0.0.1', '--save', '', '--appendonly', 'no'], { stdio: ['ignore', 'pipe', 'pipe'] });
  await new Promise<void>((resolve, reject) => {
    let out = '';
    const timer = setTimeout(() => reject(new Error(`redis-server did not start on port ${port}: ${out}`)), 10_000);
    child.on('error', (e) => { clearTimeout(timer); reject(new Error(`cannot run redis-server (${e.message}); run node scripts/setup-system.mjs`)); });
    child.stdout!.on('data', (d: Buffer) => {
      out += d.toString();
      if (/Ready to accept connections/.test(out)) { clearTimeout(timer); resolve(); }
    });
  });
  return {
    url: `redis://127.0.0.1:${port}`, port,
    stop: () => new Promise<void>((resolve) => {
      if (child.exitCode !== null) { resolve(); return; }
      child.on('exit', () => resolve());
      child.kill('SIGTERM');
    }),
  };
}
