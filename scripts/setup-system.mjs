#!/usr/bin/env node
// Installs the system packages dydca's tests and tools need (Debian chromium, ffmpeg, redis-server) when missing.
// Runs apt-get as root; otherwise says exactly what to install. Safe to run repeatedly.
import { existsSync } from 'node:fs';
import { execFileSync, spawnSync } from 'node:child_process';

const quiet = process.argv.includes('--quiet');
const needs = [
  { pkg: 'chromium', file: '/usr/bin/chromium' },
  { pkg: 'ffmpeg', file: '/usr/bin/ffmpeg' },
  // the pack queue's tests start their own redis-server on a free loopback port (dydca pack --queue, dydca worker)
  { pkg: 'redis-server', file: '/usr/bin/redis-server' },
];
const missing = needs.filter((n) => !existsSync(n.file)).map((n) => n.pkg);
if (missing.length === 0) {
  if (!quiet) console.log('setup: chromium, ffmpeg and redis-server are present');
  process.exit(0);
}
const isRoot = typeof process.getuid === 'function' && process.getuid() === 0;
const hasApt = spawnSync('sh', ['-c', 'command -v apt-get'], { stdio: 'ignore' }).status === 0;
if (!isRoot || !hasApt) {
  console.error(`setup: missing system packages: ${missing.join(', ')}. Install them with: sudo apt-get install -y ${missing.join(' ')}`);
  process.exit(1);
}
console.log(`setup: installing ${missing.join(', ')} with apt-get (one time)...`);
try {
  const env = { ...process.env, DEBIAN_FRONTEND: 'noninteractive' };
  execFileSync('apt-get', ['update', '-qq'], { stdio: 'inherit', env });
  execFileSync('apt-get', ['install', '-y', '-qq', '--no-install-recommends', ...missing], { stdio: 'inherit', env });
} catch (e) {
  console.error(`setup: apt-get failed to install ${missing.join(', ')}: ${e.message}`);
  process.exit(1);
}
console.log('setup: done');
