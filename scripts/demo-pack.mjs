#!/usr/bin/env node
// Builds the committed demo packs from the bundled clip (scripts/fetch-demo-clip.mjs), all 14 s scaled to 960x540
// (HR 960x512 after the crop), so `npm start` needs no training:
//   x2 -> public/demo/     (LR 480x256)
//   x4 -> public/demo-x4/  (LR 240x128)
// Each trains with the default (ort) trainer for a fixed wall-clock budget, so a pack takes at most ~20 min on a
// 2-core machine. Usage: `node scripts/demo-pack.mjs [x2|x4|long] [dydca pack flags...]`: with x2 or x4 only that pack
// is built; later arguments go on to `dydca pack` (e.g. --train-seconds 60 for a quick try).
// `long` (never built by default, not committed): 10 minutes of the clip looped, x4 from 640 px wide (LR 160x96) into
// public/demo-long/, for trying streaming at length (seek, bounded memory); the looped source is cached in .cache/demo/
// so an interrupted run resumes (docs/packager.md, "Demo packs").
import { execFileSync, spawn } from 'node:child_process';
import { existsSync, renameSync } from 'node:fs';
import { basename, dirname, extname, join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';

const root = resolve(dirname(fileURLToPath(import.meta.url)), '..');

/** Training budget per pack, seconds: ingest, least-squares fit, encoding and metrics come on top (the packer's [time] line). */
const TRAIN_SECONDS = 660;
/**
 * Batch and rate per pack: x2 trains on batches of 4 at lr 1e-3 (in 100 s on 56 frames of this clip: +0.93 dB over
 * bicubic, against +0.68 at batch 8 and lr 2e-3; docs/packager.md "Recipe at x2"); x4 keeps batch 16, as it was built.
 */
const PACKS = {
  x2: { out: join(root, 'public', 'demo'), scale: 2, batch: 4, lr: 0.001 },
  x4: { out: join(root, 'public', 'demo-x4'), scale: 4, batch: 16, lr: 0.001 },
  // sized for 2 cores: the chunks (decode, downscale, encode) and the sampled metrics dominate, not training
  long: { out: join(root, 'public', 'demo-long'), scale: 4, batch: 16, lr: 0.001, maxWidth: 640, trainSeconds: 120, loopSeconds: 600 },
};
/** Packs `npm run demo:pack` builds without a name (the committed ones). */
const DEFAULT_PACKS = ['x2', 'x4'];

const argv = process.argv.slice(2);
const only = argv[0] in PACKS ? argv.shift() : null;
if (argv[0] !== undefined && /^(x\d|long)$/.test(argv[0])) {
  process.stderr.write(`demo-pack: unknown pack ${argv[0]}; choose one of ${Object.keys(PACKS).join(', ')} (or none for all)\n`);
  process.exit(2);
}
const clip = execFileSync(process.execPath, [join(root, 'scripts', 'fetch-demo-clip.mjs')], { encoding: 'utf8', stdio: ['ignore', 'pipe', 'inherit'] }).trim();

/** The clip looped to `seconds` by stream copy (no re-encoding: instant), cached beside it; written once, so a rerun resumes. */
function loopedClip(seconds) {
  const file = join(dirname(clip), `${basename(clip, extname(clip))}-looped-${seconds}s.mp4`);
  if (existsSync(file)) return file;
  const tmp = `${file}.tmp-${process.pid}.mp4`;
  execFileSync('ffmpeg', ['-v', 'error', '-nostdin', '-y', '-stream_loop', '-1', '-i', clip, '-t', String(seconds), '-map', '0:v:0', '-c', 'copy', tmp], { stdio: 'inherit' });
  renameSync(tmp, file);
  return file;
}

let current = null;
for (const signal of ['SIGINT', 'SIGTERM', 'SIGHUP']) process.on(signal, () => current?.kill(signal));

/** Runs one `dydca pack` through bin/dydca.mjs (which forwards signals to the packer); resolves to its exit code. */
function packOne(name) {
  const { out, scale, batch, lr, maxWidth = 960, trainSeconds = TRAIN_SECONDS, loopSeconds = null } = PACKS[name];
  const input = loopSeconds === null ? clip : loopedClip(loopSeconds);
  const args = ['pack', input, '--out', out, '--scale', String(scale), '--max-width', String(maxWidth), '--train-seconds', String(trainSeconds),
    '--trainer', 'ort', '--batch', String(batch), '--lr', String(lr), ...(loopSeconds === null ? [] : ['--seconds', String(loopSeconds)]), ...argv];
  process.stderr.write(`demo-pack ${name}: dydca ${args.map((a) => a.replace(root + '/', '')).join(' ')}\n`);
  current = spawn(process.execPath, [join(root, 'bin', 'dydca.mjs'), ...args], { stdio: 'inherit', cwd: root });
  return new Promise((res) => current.on('exit', (code, signal) => res(code ?? (signal === 'SIGINT' ? 130 : 143))));
}

for (const name of only === null ? DEFAULT_PACKS : [only]) {
  const code = await packOne(name);
  if (code !== 0) process.exit(code);
}
