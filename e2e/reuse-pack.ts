// The e2e pack with a reuse map: 1.5 s of a slideshow (ffmpeg's testsrc2 at 2 pictures a second, 20 fps: runs of 10
// equal frames) packed by the real packer with the default --reuse-margin, cached under .cache/e2e/pack-reuse and
// served under /e2e-pack-reuse/ through a Playwright route.
import { execFileSync, spawnSync } from 'node:child_process';
import { existsSync, mkdirSync, readFileSync, renameSync, rmSync } from 'node:fs';
import { join, resolve } from 'node:path';
import type { Page } from '@playwright/test';

const root = resolve(import.meta.dirname, '..');
export const reusePackDir = join(root, '.cache', 'e2e', 'pack-reuse');
export const reusePackUrl = '/e2e-pack-reuse/manifest.json';

/** Builds the pack once (about a minute on 2 cores); later runs reuse it. */
export function ensureReusePack(): string {
  if (existsSync(join(reusePackDir, 'manifest.json'))) return reusePackDir;
  const work = join(root, '.cache', 'e2e');
  mkdirSync(work, { recursive: true });
  const clip = join(work, 'slides.mp4');
  execFileSync('ffmpeg', ['-v', 'error', '-y', '-f', 'lavfi', '-i', 'testsrc2=s=128x72:r=2', '-t', '1.5', '-vf', 'fps=20', '-pix_fmt', 'yuv420p', '-c:v', 'libx264', '-crf', '10', clip]);
  const tmpOut = join(work, 'pack-reuse-building');
  rmSync(tmpOut, { recursive: true, force: true });
  const r = spawnSync(join(root, 'node_modules', '.bin', 'tsx'), [join(root, 'src', 'cli', 'main.ts'), 'pack', clip, '--out', tmpOut,
    // one tier: the tests compare what is shown with the packer's replay, which is the top-level model's
    '--scale', '2', '--paths', '2', '--patch', '32', '--steps', '60', '--tiers', '1'], { cwd: root, encoding: 'utf8' });
  if (r.status !== 0) throw new Error(`dydca pack failed for the e2e reuse pack (exit ${r.status}):\n${r.stderr}\n${r.stdout}`);
  renameSync(tmpOut, reusePackDir);
  return reusePackDir;
}

export function readReusePackFile(name: string): Buffer { return readFileSync(join(reusePackDir, name)); }

/** Serves the reuse pack under /e2e-pack-reuse/. */
export async function routeReusePack(page: Page): Promise<void> {
  const prefix = '/e2e-pack-reuse/';
  await page.route(`**${prefix}**`, async (route) => {
    const name = new URL(route.request().url()).pathname.slice(prefix.length);
    const headers = { 'Cross-Origin-Resource-Policy': 'same-origin' };
    // file names and the segment folders' (lr/00000.m4s); no '..'
    if (!/^[\w-][\w.-]*(\/[\w-][\w.-]*)*$/.test(name) || !existsSync(join(reusePackDir, name))) { await route.fulfill({ status: 404, body: 'not found', headers }); return; }
    const type = name.endsWith('.json') ? 'application/json' : name.endsWith('.mp4') || name.endsWith('.m4s') ? 'video/mp4' : 'application/octet-stream';
    await route.fulfill({ status: 200, body: readFileSync(join(reusePackDir, name)), headers, contentType: type });
  });
}
