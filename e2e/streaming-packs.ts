// The packs of the streaming tests, made by the real packer from the bundled clip looped with ffmpeg and cached
// under .cache/e2e: `long` (10 minutes) and `short` (20 s), both tiny (64 px wide, 10 fps) so they pack in minutes
// and play in real time on SwiftShader; the same picture size, so their GPU memory is the same. No reuse map
// (--reuse-margin 0) and one model tier (--tiers 1): these tests are about the network, and the packs build faster.
import { execFileSync, spawnSync } from 'node:child_process';
import { existsSync, mkdirSync, renameSync, rmSync } from 'node:fs';
import { join, resolve } from 'node:path';

const root = resolve(import.meta.dirname, '..');

export const STREAMING_PACKS = { long: 600, short: 20 } as const;
export type StreamingPack = keyof typeof STREAMING_PACKS;

export function ensureStreamingPack(name: StreamingPack): string {
  const override = process.env[`DYDCA_STREAM_PACK_${name.toUpperCase()}`];
  if (override) return override;
  const work = join(root, '.cache', 'e2e');
  const dir = join(work, `stream-${name}`);
  if (existsSync(join(dir, 'manifest.json'))) return dir;
  mkdirSync(work, { recursive: true });
  const clip = execFileSync(process.execPath, [join(root, 'scripts', 'fetch-demo-clip.mjs')], { encoding: 'utf8', stdio: ['ignore', 'pipe', 'inherit'] }).trim();
  const looped = join(work, `stream-${name}-source.mp4`);
  execFileSync('ffmpeg', ['-v', 'error', '-nostdin', '-y', '-stream_loop', '-1', '-i', clip, '-t', String(STREAMING_PACKS[name]),
    '-vf', 'scale=64:-2,fps=10', '-an', '-c:v', 'libx264', '-preset', 'veryfast', '-crf', '16', looped]);
  const building = `${dir}-building`;
  rmSync(building, { recursive: true, force: true });
  const args = ['pack', looped, '--out', building, '--scale', '2', '--paths', '2', '--patch', '16', '--steps', '5', '--reuse-margin', '0', '--tiers', '1', '--quiet'];
  const r = spawnSync(join(root, 'node_modules', '.bin', 'tsx'), [join(root, 'src', 'cli', 'main.ts'), ...args], { cwd: root, encoding: 'utf8' });
  if (r.status !== 0) throw new Error(`dydca pack failed for the ${name} streaming pack (exit ${r.status}):\n${r.stderr}\n${r.stdout}`);
  rmSync(join(root, '.cache', 'e2e', `stream-${name}-building.dydca-work`), { recursive: true, force: true });
  rmSync(looped, { force: true });
  renameSync(building, dir);
  return dir;
}

/**
 * The ABR tests' pack: 40 s of the clip at 128 px, 10 fps, `--ladder 4,2` (x4 about 23 kbit/s, x2 about 54 kbit/s of LR
 * video, 20 segments of 2 s), so a throttled network can sit between the rungs' bitrates.
 */
export function ensureLadderPack(): string {
  const override = process.env.DYDCA_STREAM_PACK_LADDER;
  if (override) return override;
  const work = join(root, '.cache', 'e2e');
  const dir = join(work, 'stream-ladder');
  if (existsSync(join(dir, 'manifest.json'))) return dir;
  mkdirSync(work, { recursive: true });
  const clip = execFileSync(process.execPath, [join(root, 'scripts', 'fetch-demo-clip.mjs')], { encoding: 'utf8', stdio: ['ignore', 'pipe', 'inherit'] }).trim();
  const looped = join(work, 'stream-ladder-source.mp4');
  execFileSync('ffmpeg', ['-v', 'error', '-nostdin', '-y', '-stream_loop', '-1', '-i', clip, '-t', '40',
    '-vf', 'scale=128:-2,fps=10', '-an', '-c:v', 'libx264', '-preset', 'veryfast', '-crf', '16', looped]);
  const building = `${dir}-building`;
  rmSync(building, { recursive: true, force: true });
  const args = ['pack', looped, '--out', building, '--ladder', '4,2', '--paths', '2', '--patch', '16', '--steps', '5', '--reuse-margin', '0', '--quiet'];
  const r = spawnSync(join(root, 'node_modules', '.bin', 'tsx'), [join(root, 'src', 'cli', 'main.ts'), ...args], { cwd: root, encoding: 'utf8' });
  if (r.status !== 0) throw new Error(`dydca pack failed for the ladder pack (exit ${r.status}):\n${r.stderr}\n${r.stdout}`);
  rmSync(`${building}.dydca-work`, { recursive: true, force: true });
  rmSync(looped, { force: true });
  renameSync(building, dir);
  return dir;
}
