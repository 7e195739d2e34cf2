#!/usr/bin/env node
// Builds the committed demo pack: fetches the bundled clip (scripts/fetch-demo-clip.mjs) and packs all
// 14 s at x2 from 960x540 (LR 480x256) into public/demo/, so `npm start` needs no training.
// Extra arguments are passed on to `dydca pack` (e.g. --steps 100 for a quick try).
import { execFileSync, spawnSync } from 'node:child_process';
import { existsSync } from 'node:fs';
import { dirname, join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';

const root = resolve(dirname(fileURLToPath(import.meta.url)), '..');
const clip = execFileSync(process.execPath, [join(root, 'scripts', 'fetch-demo-clip.mjs')], { encoding: 'utf8', stdio: ['ignore', 'pipe', 'inherit'] }).trim();
const args = ['pack', clip, '--out', join(root, 'public', 'demo'), '--scale', '2', '--max-width', '960', '--steps', '200', '--batch', '16', '--lr', '0.001',
  ...process.argv.slice(2)];
const tsx = join(root, 'node_modules', '.bin', 'tsx');
const main = join(root, 'src', 'cli', 'main.ts');
// the dispatcher when present; otherwise the pack command directly
const cmd = existsSync(main)
  ? [tsx, [main, ...args]]
  : [tsx, ['--eval', `import('${join(root, 'src', 'cli', 'pack.ts')}').then(async (m) => { process.exitCode = await m.runPack(${JSON.stringify(args.slice(1))}); })`]];
const r = spawnSync(cmd[0], cmd[1], { stdio: 'inherit', cwd: root });
process.exit(r.status ?? 1);
