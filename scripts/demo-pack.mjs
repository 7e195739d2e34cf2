#!/usr/bin/env node
// Builds the committed demo pack: fetches the bundled clip (scripts/fetch-demo-clip.mjs) and packs all
// 14 s at x2 from 960x540 (LR 480x256) into public/demo/, so `npm start` needs no training.
// Extra arguments are passed on to `dydca pack` (e.g. --steps 100 for a quick try).
import { execFileSync, spawn } from 'node:child_process';
import { dirname, join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';

const root = resolve(dirname(fileURLToPath(import.meta.url)), '..');
const clip = execFileSync(process.execPath, [join(root, 'scripts', 'fetch-demo-clip.mjs')], { encoding: 'utf8', stdio: ['ignore', 'pipe', 'inherit'] }).trim();
const args = ['pack', clip, '--out', join(root, 'public', 'demo'), '--scale', '2', '--max-width', '960', '--steps', '200', '--batch', '16', '--lr', '0.001',
  ...process.argv.slice(2)];
// through bin/dydca.mjs, which forwards SIGINT/SIGTERM/SIGHUP to the packer (argument arrays only, no code strings)
const child = spawn(process.execPath, [join(root, 'bin', 'dydca.mjs'), ...args], { stdio: 'inherit', cwd: root });
for (const signal of ['SIGINT', 'SIGTERM', 'SIGHUP']) process.on(signal, () => child.kill(signal));
child.on('exit', (code, signal) => process.exit(code ?? (signal === 'SIGINT' ? 130 : 143)));
