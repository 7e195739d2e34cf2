// The player on x4 and x3 packs (e2e/test-pack.ts: x4 picture 192x108 coded 192x128 from 48x32 LR, 2 paths, halo 1;
// x3 picture 120x68 coded 120x72 from 40x24 LR) in Debian Chromium with WebGPU: a padded pack shows the picture and
// measures PSNR over it only, the bicubic engine plays x4 aligned with the HR reference, and at each scale the compiled
// engine shows frames at the HR size whose output equals onnxruntime-node's on the same frame and patches.
import { test, expect, type Page } from '@playwright/test';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import * as ortNode from 'onnxruntime-node';
import type { DydcaPlayer, PlayerStats } from '../src/player/dydca-player.js';
import type { EngineName } from '../src/runtime/engine.js';
import type { PackManifest, PatchesFile } from '../src/format/manifest.js';
import { superResolveFrame } from '../src/pack/patch-inference.js';
import { psnrRgb8 } from '../src/format/psnr.js';
import { canvasPixels, texturedLr, waitReady, withPlayer } from './player-page.js';
import { ensureTestPack, routePack, testPackPrefix, type TestPackScale } from './test-pack.js';

const SCALES: TestPackScale[] = [4, 3];
const dirs = new Map<TestPackScale, string>();

test.beforeAll(() => { test.setTimeout(300_000); for (const s of SCALES) dirs.set(s, ensureTestPack(s)); });

const manifest = (scale: TestPackScale): PackManifest => JSON.parse(readFileSync(join(dirs.get(scale)!, 'manifest.json'), 'utf8')) as PackManifest;

/** Opens the demo page on the x`scale` pack with `engine` and the PSNR overlay (which loads the HR reference), and waits until that engine is in use. */
async function openPlayer(page: Page, engine: EngineName, scale: TestPackScale): Promise<void> {
  page.on('console', (m) => { if (m.type() === 'error') console.log(`[page] ${m.text()}`); });
  await routePack(page, {}, { scale });
  await page.goto(`/?pack=${encodeURIComponent(`${testPackPrefix(scale)}manifest.json`)}&autoplay=0&engine=${engine}&overlay=psnr`);
  await waitReady(page);
  await page.waitForFunction((n) => {
    const p = document.querySelector('dydca-demo-app')!.shadowRoot!.querySelector('dydca-player') as DydcaPlayer;
    return p.stats.engine === n;
  }, engine, { timeout: 120_000 });
}

/** Resolves with the stats of the next `frame` event that satisfies `predicateSrc` (a JS expression over `s`); `start` then runs (play or seek). */
function frameAfter(page: Page, predicateSrc: string, start: { play: true } | { seekFrame: number }): Promise<PlayerStats> {
  return withPlayer(page, (p, { pred, start }: { pred: string; start: { play: true } | { seekFrame: number } }) => new Promise<PlayerStats>((resolveStats, reject) => {
    const check = new Function('s', `return ${pred};`) as (s: PlayerStats) => boolean;
    const timer = setTimeout(() => reject(new Error(`no frame matching ${pred}; last ${JSON.stringify(p.stats)}`)), 150_000);
    p.addEventListener('frame', (e) => {
      const s = (e as CustomEvent<PlayerStats>).detail;
      if (check(s)) { clearTimeout(timer); resolveStats(s); }
    });
    if ('play' in start) p.play();
    else void p.seek(start.seekFrame / p.manifest!.fps);
  }), { pred: predicateSrc, start });
}

/** An HR texture read back: the picture (as shown and measured), or the whole coded frame with the padding. */
const readFrame = (page: Page, which: 'sr' | 'bicubic' | 'hr', region: 'picture' | 'coded' = 'picture') =>
  withPlayer(page, async (p, a: { which: 'sr' | 'bicubic' | 'hr'; region: 'picture' | 'coded' }) => Array.from(await p.readFrame(a.which, a.region)), { which, region });
const rgb = (rgba: ArrayLike<number>) => Uint8Array.from(Array.from(rgba).filter((_, i) => i % 4 !== 3));
/** The packer pads the picture (hr) on the right and bottom to LR x scale: the coded size, at least the picture. */
const coded = (m: PackManifest) => ({ width: m.lr.width * m.scale, height: m.lr.height * m.scale });
const expectPadded = (m: PackManifest, scale: TestPackScale) => {
  expect(m.scale).toBe(scale);
  const c = coded(m);
  expect(c.width).toBeGreaterThanOrEqual(m.hr.width);
  expect(c.height).toBeGreaterThanOrEqual(m.hr.height);
  // the test packs' 16:9 pictures do not fit the patch grid: they are padded (at the bottom)
  expect(c.width * c.height).toBeGreaterThan(m.hr.width * m.hr.height);
};

test('a padded pack (x3): the canvas is the picture, and the PSNR shown is over the picture only', async ({ page }) => {
  const SCALE = 3;
  const m = manifest(SCALE);
  expectPadded(m, SCALE);
  const c = coded(m);
  await openPlayer(page, 'bicubic', SCALE);
  const s = await frameAfter(page, 's.frame === 2 && s.psnr !== null', { seekFrame: 2 });
  const canvas = await withPlayer(page, (p) => { const el = p.shadowRoot!.querySelector('canvas')!; return [el.width, el.height]; }, null);
  expect(canvas).toEqual([m.hr.width, m.hr.height]);
  const [bic, hr, bicCoded, hrCoded, shown] = [
    await readFrame(page, 'sr'), await readFrame(page, 'hr'), await readFrame(page, 'sr', 'coded'), await readFrame(page, 'hr', 'coded'), await canvasPixels(page),
  ];
  expect(bic).toHaveLength(m.hr.width * m.hr.height * 4);
  expect(bicCoded).toHaveLength(c.width * c.height * 4);
  // the picture is the coded frame's top-left, and it is what the canvas shows
  const cropped = (rgba: number[]) => rgba.filter((_, i) => (i >> 2) % c.width < m.hr.width && Math.floor((i >> 2) / c.width) < m.hr.height);
  expect(cropped(bicCoded)).toEqual(bic);
  expect(cropped(hrCoded)).toEqual(hr);
  let maxDiff = 0;
  for (let i = 0; i < shown.length; i++) if (i % 4 !== 3) maxDiff = Math.max(maxDiff, Math.abs(shown[i] - bic[i]));
  expect(maxDiff).toBeLessThanOrEqual(1);
  // the page's PSNR is over the picture: equal to the picture's, not the padded frame's
  const overPicture = psnrRgb8(rgb(bic), rgb(hr));
  const overCoded = psnrRgb8(rgb(bicCoded), rgb(hrCoded));
  console.log(`x3 bicubic, frame ${s.frame}: page ${s.psnr!.toFixed(3)} dB; over the picture ${overPicture.toFixed(3)} dB, over the coded frame ${overCoded.toFixed(3)} dB; packer ${m.metrics.psnrBicubicPerFrame[s.frame].toFixed(3)} dB`);
  expect(s.psnr!).toBeCloseTo(overPicture, 3);
  expect(Math.abs(overCoded - overPicture)).toBeGreaterThan(0.01);
  // and near the packer's, which is over the picture too (the page decodes the videos itself, so not equal)
  expect(Math.abs(overPicture - m.metrics.psnrBicubicPerFrame[s.frame])).toBeLessThan(1);
});

test('x4 pack: the bicubic engine plays it at the HR size, aligned with the HR reference', async ({ page }) => {
  const SCALE = 4;
  const m = manifest(SCALE);
  expectPadded(m, SCALE);
  await openPlayer(page, 'bicubic', SCALE);
  const played = await frameAfter(page, "s.frame >= 3 && s.engine === 'bicubic'", { play: true });
  expect(played.frame).toBeGreaterThanOrEqual(3);
  await withPlayer(page, (p) => p.pause(), null);
  const s = await frameAfter(page, "s.frame === 2 && s.psnr !== null", { seekFrame: 2 });
  const [bic, hr] = [await readFrame(page, 'sr'), await readFrame(page, 'hr')];
  expect(bic).toHaveLength(m.hr.width * m.hr.height * 4);
  expect(hr).toHaveLength(m.hr.width * m.hr.height * 4);
  // a shifted or wrongly scaled upscale of this natural frame would be far below the packer's bicubic PSNR
  const psnr = psnrRgb8(rgb(bic), rgb(hr));
  console.log(`x4 bicubic in the page, frame ${s.frame}: ${psnr.toFixed(2)} dB (overlay ${s.psnr!.toFixed(2)}); packer ${m.metrics.psnrBicubicPerFrame[s.frame].toFixed(2)} dB`);
  expect(s.psnr!).toBeCloseTo(psnr, 3);
  expect(Math.abs(psnr - m.metrics.psnrBicubicPerFrame[s.frame])).toBeLessThan(1);
  await page.screenshot({ path: test.info().outputPath('player-x4-bicubic.png') });
});

for (const SCALE of SCALES) test(`x${SCALE} pack: the compiled engine shows frames at the HR size and equals onnxruntime-node`, async ({ page }) => {
  test.setTimeout(600_000);
  const m = manifest(SCALE);
  const dir = dirs.get(SCALE)!;
  expectPadded(m, SCALE);
  await openPlayer(page, 'compiled', SCALE);
  // SR on SwiftShader takes seconds a frame, so the 0.5 s clip would end with every frame late: step through
  // frames by seeking instead, which shows each one with SR
  for (const f of [1, 2]) {
    const s = await frameAfter(page, `s.frame === ${f} && s.engine === 'compiled' && s.psnr !== null`, { seekFrame: f });
    const [sr, hr] = [await readFrame(page, 'sr'), await readFrame(page, 'hr')];
    expect(sr).toHaveLength(m.hr.width * m.hr.height * 4);
    const psnr = psnrRgb8(rgb(sr), rgb(hr));
    console.log(`x${SCALE} compiled in the page, frame ${f}: SR ${psnr.toFixed(2)} dB (overlay ${s.psnr!.toFixed(2)}, bicubic ${s.psnrBicubic!.toFixed(2)}); packer SR ${m.metrics.psnrSRPerFrame[f].toFixed(2)} dB, bicubic ${m.metrics.psnrBicubicPerFrame[f].toFixed(2)} dB`);
    expect(s.psnr!).toBeCloseTo(psnr, 3);
    // the page decodes lr.mp4/hr.mp4 itself (its own chroma upsampling), so close to, not equal to, the packer's numbers
    expect(Math.abs(psnr - m.metrics.psnrSRPerFrame[f])).toBeLessThan(1);
    expect(psnr).toBeGreaterThan(s.psnrBicubic!);
  }
  expect((await withPlayer(page, (p) => p.stats, null)).srFrames).toBeGreaterThanOrEqual(2);

  // the same textured LR frame through the page's compiled engine and through onnxruntime-node, frame 0's patches
  const { width, height } = m.lr;
  const { rgb: lr, rgba } = texturedLr(width, height);
  const layout = (JSON.parse(readFileSync(join(dir, 'patches.json'), 'utf8')) as PatchesFile).frames[0].map(([x, y, w, h, path]) => ({ x, y, w, h, path }));
  const session = await ortNode.InferenceSession.create(readFileSync(join(dir, m.model.file)));
  const reference = await superResolveFrame(() => ({ session, scale: m.scale, halo: m.halo }), { width, height, data: lr }, layout);
  await session.release();
  const got = await withPlayer(page, async (p, data: number[]) => Array.from(await p.superResolve(Uint8Array.from(data), 0)), rgba);
  // superResolve returns the whole coded frame (the layout tiles the whole padded LR frame), as onnxruntime-node's
  expect(got).toHaveLength(coded(m).width * coded(m).height * 4);
  expect(reference.data).toHaveLength(coded(m).width * coded(m).height * 3);
  const gotRgb = rgb(got);
  let maxDiff = 0;
  for (let i = 0; i < gotRgb.length; i++) maxDiff = Math.max(maxDiff, Math.abs(gotRgb[i] - reference.data[i]));
  console.log(`x${SCALE} compiled vs onnxruntime-node: max abs diff ${maxDiff}/255`);
  expect(maxDiff).toBeLessThanOrEqual(1);
  await page.screenshot({ path: test.info().outputPath(`player-x${SCALE}-compiled.png`) });
});
