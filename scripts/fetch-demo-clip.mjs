#!/usr/bin/env node
// Fetches the bundled demo clip (cockatoo.mp4, 1280x720, 14 s) from Debian's python3-imageio package
// into .cache/demo/ and verifies its sha256; prints the clip's path on stdout.
import { execFileSync } from 'node:child_process';
import { createHash } from 'node:crypto';
import { copyFileSync, existsSync, mkdirSync, mkdtempSync, readdirSync, readFileSync, rmSync, statSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';

const SHA256 = '5fde35f5a288ca86e216d2dc28188ab64b4560d3021f273faefdf0de80f38aa5';
const root = resolve(dirname(fileURLToPath(import.meta.url)), '..');
const target = join(root, '.cache', 'demo', 'cockatoo.mp4');

const sha256 = (file) => createHash('sha256').update(readFileSync(file)).digest('hex');

function findFile(dir, name) {
  for (const entry of readdirSync(dir)) {
    const p = join(dir, entry);
    if (statSync(p).isDirectory()) {
      const found = findFile(p, name);
      if (found) return found;
    } else if (entry === name) return p;
  }
  return null;
}

if (existsSync(target) && sha256(target) === SHA256) {
  console.log(target);
  process.exit(0);
}
const work = mkdtempSync(join(tmpdir(), 'dydca-clip-'));
try {
  // apt-get download needs no root; it puts the .deb in the current directory
  execFileSync('apt-get', ['download', 'python3-imageio'], { cwd: work, stdio: ['ignore', 'ignore', 'inherit'] });
  const deb = readdirSync(work).find((f) => f.endsWith('.deb'));
  if (!deb) throw new Error('apt-get download python3-imageio produced no .deb; run `apt-get update` and retry');
  execFileSync('dpkg-deb', ['-x', join(work, deb), join(work, 'x')]);
  const clip = findFile(join(work, 'x'), 'cockatoo.mp4');
  if (!clip) throw new Error(`cockatoo.mp4 not found in ${deb}`);
  const got = sha256(clip);
  if (got !== SHA256) throw new Error(`cockatoo.mp4 sha256 ${got}; expected ${SHA256}`);
  mkdirSync(dirname(target), { recursive: true });
  copyFileSync(clip, target);
  console.log(target);
} catch (e) {
  console.error(`fetch-demo-clip: ${e instanceof Error ? e.message : String(e)}`);
  process.exitCode = 1;
} finally {
  rmSync(work, { recursive: true, force: true });
}
