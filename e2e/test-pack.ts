// The e2e test pack: half a second of the bundled clip packed by the real packer (`dydca pack`, tiny --steps), cached under
// .cache/e2e/pack, and served to the page through Playwright routes (the built site only serves dist/).
import { execFileSync, spawnSync } from 'node:child_process';
import { existsSync, mkdirSync, readFileSync, renameSync, rmSync, writeFileSync } from 'node:fs';
import { join, resolve } from 'node:path';
import type { Page } from '@playwright/test';

const root = resolve(import.meta.dirname, '..');
export const testPackDir = join(root, '.cache', 'e2e', 'pack');
/** The URL prefix the page sees; routePack() answers it from `testPackDir` (or from `files` overrides). */
export const testPackUrl = '/e2e-pack/manifest.json';

/** Cache folder of the test pack at `scale`: the x2 pack keeps its historic path, others get `pack-x<scale>`. */
export function testPackDirFor(scale: TestPackScale = 2): string {
  return scale === 2 ? testPackDir : join(root, '.cache', 'e2e', `pack-x${scale}`);
}

/** URL prefix under which routePack(..., {scale}) serves the pack at `scale` (`/e2e-pack/` for x2). */
export function testPackPrefix(scale: TestPackScale = 2): string {
  return scale === 2 ? '/e2e-pack/' : `/e2e-pack-x${scale}/`;
}

export type TestPackScale = 2 | 3 | 4;

// `dydca pack` arguments after the clip and --out, per scale; without a reuse map and with one model tier (the tests
// here compare SR frames with full SR of the top-level model; e2e/reuse-pack.ts makes the pack with a map, and
// ensureTierPack the one with Dy-DCA's default two tiers). The 16:9 pictures are padded at the bottom to the patch
// grid (docs/pack-format.md): x2: picture 128x72, LR 64x48 (coded HR 128x96), paths 32/16 px. x3: picture 120x68,
// LR 40x24 (coded 120x72), paths 16/8. x4: picture 192x108, LR 48x32 (coded 192x128), paths 16/8. Halo 1 at x3/x4.
const packArgs: Record<TestPackScale, string[]> = {
  2: ['--scale', '2', '--seconds', '0.5', '--reuse-margin', '0', '--max-width', '128', '--paths', '2', '--patch', '32', '--steps', '60', '--tiers', '1'],
  3: ['--scale', '3', '--seconds', '0.5', '--reuse-margin', '0', '--max-width', '120', '--paths', '2', '--patch', '16', '--steps', '60', '--tiers', '1'],
  4: ['--scale', '4', '--seconds', '0.5', '--reuse-margin', '0', '--max-width', '192', '--paths', '2', '--patch', '16', '--steps', '60', '--tiers', '1'],
};

/** The x2 test pack as Dy-DCA packs by default: with its two model tiers (e2e/player-tiers.spec.ts). */
export function ensureTierPack(): string { return ensureTestPack(2, 'tiers'); }

/** Builds the pack at `scale` (x2 by default) once (about a minute on 2 cores); later runs reuse it. */
export function ensureTestPack(scale: TestPackScale = 2, variant: 'one-tier' | 'tiers' = 'one-tier'): string {
  const dir = variant === 'tiers' ? join(root, '.cache', 'e2e', 'pack-tiers') : testPackDirFor(scale);
  if (existsSync(join(dir, 'manifest.json'))) return dir;
  const work = join(root, '.cache', 'e2e');
  mkdirSync(work, { recursive: true });
  // Natural content (the bundled clip, scaled to 128 px wide and cut to 10 frames): on a synthetic pattern such as
  // testsrc2 at this size, chroma subsampling dominates the error and browsers upsample chroma unlike
  // ffmpeg, so a model fitted to ffmpeg's decode loses its gain in the page.
  const clip = execFileSync(process.execPath, [join(root, 'scripts', 'fetch-demo-clip.mjs')], { encoding: 'utf8', stdio: ['ignore', 'pipe', 'inherit'] }).trim();
  const tmpOut = `${dir}-building`;
  rmSync(tmpOut, { recursive: true, force: true });
  const args = ['pack', clip, '--out', tmpOut, ...(variant === 'tiers' ? packArgs[scale].filter((a, i, all) => a !== '--tiers' && all[i - 1] !== '--tiers') : packArgs[scale])];
  const main = join(root, 'src', 'cli', 'main.ts');
  const tsx = join(root, 'node_modules', '.bin', 'tsx');
  const r = existsSync(main)
    ? spawnSync(tsx, [main, ...args], { cwd: root, encoding: 'utf8' })
    : spawnSync(tsx, ['--eval', `import(${JSON.stringify(join(root, 'src', 'cli', 'pack.ts'))}).then(async (m) => { process.exitCode = await m.runPack(${JSON.stringify(args.slice(1))}); })`], { cwd: root, encoding: 'utf8' });
  if (r.status !== 0) throw new Error(`dydca pack failed for the e2e pack (exit ${r.status}):\n${r.stderr}\n${r.stdout}`);
  renameSync(tmpOut, dir);
  return dir;
}

export function readPackFile(name: string): Buffer { return readFileSync(join(testPackDir, name)); }

type LayoutFrames = [number, number, number, number, number][][];

/**
 * routePack overrides that replace the x2 test pack's patch layout in every form the pack holds it: patches.json
 * and, where the manifest lists them (patches.segments), its segment files.
 */
export function layoutOverrides(edit: (frames: LayoutFrames) => LayoutFrames | void): Record<string, string> {
  const manifest = JSON.parse(readPackFile('manifest.json').toString()) as { patches: { segments?: { frames: number; files: string[] } } };
  const whole = JSON.parse(readPackFile('patches.json').toString()) as { frames: LayoutFrames };
  whole.frames = edit(whole.frames) ?? whole.frames;
  const out: Record<string, string> = { 'patches.json': JSON.stringify(whole) };
  const seg = manifest.patches.segments;
  seg?.files.forEach((f, k) => { out[f] = JSON.stringify({ firstFrame: k * seg.frames, frames: whole.frames.slice(k * seg.frames, (k + 1) * seg.frames) }); });
  return out;
}

const contentTypes: Record<string, string> = { json: 'application/json', mp4: 'video/mp4', onnx: 'application/octet-stream' };

/**
 * Serves the test pack under /e2e-pack/ (the pack at `scale` under testPackPrefix(scale)); `overrides` replace
 * (string/Buffer) or 404 (null) single files.
 */
export async function routePack(page: Page, overrides: Record<string, string | Buffer | null> = {}, { scale = 2 }: { scale?: TestPackScale } = {}): Promise<void> {
  const dir = testPackDirFor(scale);
  const prefix = testPackPrefix(scale);
  await page.route(`**${prefix}**`, async (route) => {
    const name = new URL(route.request().url()).pathname.slice(prefix.length);
    const override = overrides[name];
    const headers = { 'Cross-Origin-Resource-Policy': 'same-origin' };
    if (override === null || (override === undefined && !existsSync(join(dir, name)))) {
      await route.fulfill({ status: 404, body: 'not found', headers });
      return;
    }
    const body = override ?? readFileSync(join(dir, name));
    await route.fulfill({ status: 200, body, headers, contentType: contentTypes[name.split('.').pop() ?? ''] ?? 'application/octet-stream' });
  });
}

/** Writes a scratch file next to the pack (debug aid for failing tests). */
export function saveArtifact(name: string, data: string | Buffer): void {
  mkdirSync(join(root, 'test-results'), { recursive: true });
  writeFileSync(join(root, 'test-results', name), data);
}
