// The player on an x4 pack (e2e/test-pack.ts: 192x96 HR from 48x24 LR, 2 paths, halo 1) in Debian Chromium with
// WebGPU: the bicubic and compiled engines play it, every frame they show has the HR size, and the compiled
// engine's x4 output equals onnxruntime-node's on the same frame and patches.
import { test, expect, type Page } from '@playwright/test';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import * as ortNode from 'onnxruntime-node';
import type { DydcaPlayer, PlayerStats } from '../src/player/dydca-player.js';
import type { EngineName } from '../src/runtime/engine.js';
import type { PackManifest, PatchesFile } from '../src/format/manifest.js';
import { superResolveFrame } from '../src/pack/patch-inference.js';
import { psnrRgb8 } from '../src/format/psnr.js';
import { waitReady, withPlayer } from './player-page.js';
import { ensureTestPack, routePack, testPackPrefix } from './test-pack.js';

const SCALE = 4;
let dir = '';

test.beforeAll(() => { test.setTimeout(300_000); dir = ensureTestPack(SCALE); });

const manifest = (): PackManifest => JSON.parse(readFileSync(join(dir, 'manifest.json'), 'utf8')) as PackManifest;

/** Opens the demo page on the x4 pack with `engine` and waits until that engine shows frames. */
async function openPlayer(page: Page, engine: EngineName): Promise<void> {
  page.on('console', (m) => { if (m.type() === 'error') console.log(`[page] ${m.text()}`); });
  await routePack(page, {}, { scale: SCALE });
  await page.goto(`/?pack=${encodeURIComponent(`${testPackPrefix(SCALE)}manifest.json`)}&autoplay=0&engine=${engine}`);
  await waitReady(page);
  await page.waitForFunction((n) => {
    const p = document.querySelector('dydca-demo-app')!.shadowRoot!.querySelector('dydca-player') as DydcaPlayer;
    return p.stats.engine === n;
  }, engine, { timeout: 120_000 });
}

/** Plays from the start and resolves with the stats of the first frame at or after `frame` shown by `engine`. */
function playTo(page: Page, frame: number, engine: EngineName): Promise<PlayerStats> {
  return withPlayer(page, (p, { frame, engine }: { frame: number; engine: string }) => new Promise<PlayerStats>((resolveStats, reject) => {
    const timer = setTimeout(() => reject(new Error(`no frame >= ${frame} with ${engine}; last ${JSON.stringify(p.stats)}`)), 120_000);
    p.addEventListener('frame', (e) => {
      const s = (e as CustomEvent<PlayerStats>).detail;
      if (s.frame >= frame && s.engine === engine) { clearTimeout(timer); resolveStats(s); }
    });
    p.play();
  }), { frame, engine });
}

const readFrame = (page: Page, which: 'sr' | 'bicubic' | 'hr') => withPlayer(page, async (p, w: 'sr' | 'bicubic' | 'hr') => Array.from(await p.readFrame(w)), which);
const rgb = (rgba: ArrayLike<number>) => Uint8Array.from(Array.from(rgba).filter((_, i) => i % 4 !== 3));

test('x4 pack: the bicubic engine plays it at the HR size, aligned with the HR reference', async ({ page }) => {
  const m = manifest();
  expect([m.scale, m.lr.width * SCALE, m.lr.height * SCALE]).toEqual([SCALE, m.hr.width, m.hr.height]);
  await openPlayer(page, 'bicubic');
  const s = await playTo(page, 3, 'bicubic');
  const [bic, hr] = [await readFrame(page, 'bicubic'), await readFrame(page, 'hr')];
  expect(bic).toHaveLength(m.hr.width * m.hr.height * 4);
  expect(hr).toHaveLength(m.hr.width * m.hr.height * 4);
  // a shifted or wrongly scaled upscale of this natural frame would be far below the packer's bicubic PSNR
  const psnr = psnrRgb8(rgb(bic), rgb(hr));
  console.log(`x4 bicubic in the page, frame ${s.frame}: ${psnr.toFixed(2)} dB; packer ${m.metrics.psnrBicubicPerFrame[s.frame].toFixed(2)} dB`);
  expect(Math.abs(psnr - m.metrics.psnrBicubicPerFrame[s.frame])).toBeLessThan(2);
  await page.screenshot({ path: test.info().outputPath('player-x4-bicubic.png') });
});

test('x4 pack: the compiled engine plays it at the HR size and equals onnxruntime-node', async ({ page }) => {
  test.setTimeout(600_000);
  const m = manifest();
  await openPlayer(page, 'compiled');
  const s = await playTo(page, 3, 'compiled');
  expect(s.srFrames).toBeGreaterThan(0);
  const [sr, hr] = [await readFrame(page, 'sr'), await readFrame(page, 'hr')];
  expect(sr).toHaveLength(m.hr.width * m.hr.height * 4);
  console.log(`x4 compiled in the page, frame ${s.frame}: SR ${psnrRgb8(rgb(sr), rgb(hr)).toFixed(2)} dB; packer SR ${m.metrics.psnrSRPerFrame[s.frame].toFixed(2)} dB, bicubic ${m.metrics.psnrBicubicPerFrame[s.frame].toFixed(2)} dB`);

  // the same textured LR frame through the page's compiled engine and through onnxruntime-node, frame 0's patches
  const { width, height } = m.lr;
  const lr = Uint8Array.from({ length: width * height * 3 }, (_, i) => {
    const p = Math.floor(i / 3), x = p % width, y = Math.floor(p / width), c = i % 3;
    return Math.round(127 + 100 * Math.sin(x * 0.3 + c) * Math.cos(y * 0.2 - c) + 20 * Math.sin(x * y * 0.05));
  });
  const rgba = Array.from({ length: width * height * 4 }, (_, i) => (i % 4 === 3 ? 255 : lr[(i >> 2) * 3 + (i % 4)]));
  const layout = (JSON.parse(readFileSync(join(dir, 'patches.json'), 'utf8')) as PatchesFile).frames[0].map(([x, y, w, h, path]) => ({ x, y, w, h, path }));
  const session = await ortNode.InferenceSession.create(readFileSync(join(dir, m.model.file)));
  const reference = await superResolveFrame(() => ({ session, scale: m.scale, halo: m.halo }), { width, height, data: lr }, layout);
  await session.release();
  const got = await withPlayer(page, async (p, data: number[]) => Array.from(await p.superResolve(Uint8Array.from(data), 0)), rgba);
  expect(got).toHaveLength(m.hr.width * m.hr.height * 4);
  const gotRgb = rgb(got);
  let maxDiff = 0;
  for (let i = 0; i < gotRgb.length; i++) maxDiff = Math.max(maxDiff, Math.abs(gotRgb[i] - reference.data[i]));
  console.log(`x4 compiled vs onnxruntime-node: max abs diff ${maxDiff}/255`);
  expect(maxDiff).toBeLessThanOrEqual(1);
  await page.screenshot({ path: test.info().outputPath('player-x4-compiled.png') });
});
