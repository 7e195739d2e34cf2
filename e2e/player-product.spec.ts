// The player as people expect a video player to behave, in Debian Chromium (WebGPU on SwiftShader) on the real tiny
// e2e pack: a poster before the engine is ready and loading said in words, playback on the video's clock with bicubic
// filling the frames SR is late for, "wait for every SR frame", controls and keys mirrored by the page, the zoom lens,
// URL parameters, hr.mp4 fetched only for the PSNR overlay, the pack gallery.
import { test, expect, type Page } from '@playwright/test';
import type { DydcaPlayer, PlayerStats } from '../src/player/dydca-player.js';
import { ENGINE_NAMES } from '../src/runtime/engine.js';
import { canvasPixels, waitReady, withPlayer } from './player-page.js';
import { ensureTestPack, routePack, testPackUrl } from './test-pack.js';

test.beforeAll(() => { test.setTimeout(900_000); ensureTestPack(); });

async function open(page: Page, query: string, files: Record<string, string | null> = {}): Promise<string[]> {
  const requests: string[] = [];
  page.on('request', (r) => requests.push(new URL(r.url()).pathname));
  page.on('console', (m) => { if (m.type() === 'error') console.log(`[page] ${m.text()}`); });
  await routePack(page, files);
  await page.goto(`/?pack=${encodeURIComponent(testPackUrl)}&autoplay=0&${query}`);
  return requests;
}

const stats = (page: Page): Promise<PlayerStats> => withPlayer(page, (p) => p.stats, null);
const player = (page: Page) => page.locator('dydca-demo-app dydca-player');

/** Every `frame` event's frame and kind from now on up to the next `ended` (at rest the last frame may get its SR after it), read back with `shownFrames`. */
async function recordFrames(page: Page): Promise<void> {
  await withPlayer(page, (p) => {
    const log: { frame: number; shown: string }[] = [];
    (window as unknown as { shownLog: typeof log }).shownLog = log;
    let ended = false;
    p.addEventListener('ended', () => { ended = true; }, { once: true });
    p.addEventListener('frame', (e) => { const s = (e as CustomEvent<PlayerStats>).detail; if (!ended) log.push({ frame: s.frame, shown: s.shown ?? '' }); });
  }, null);
}
const shownFrames = (page: Page) => page.evaluate(() => (window as unknown as { shownLog: { frame: number; shown: string }[] }).shownLog);

function playToEnd(page: Page): Promise<void> {
  return withPlayer(page, (p) => new Promise<void>((resolve) => { p.addEventListener('ended', () => resolve(), { once: true }); p.play(); }), null);
}

test('poster: the first frame with bicubic and the pack facts before the engine is ready, loading said in words', async ({ page }) => {
  const t0 = Date.now();
  await open(page, 'engine=compiled');
  // the status line as it changes, sampled in the page
  await page.evaluate(() => {
    const seen: string[] = [];
    (window as unknown as { statusSeen: string[] }).statusSeen = seen;
    setInterval(() => {
      const p = document.querySelector('dydca-demo-app')?.shadowRoot?.querySelector('dydca-player');
      const text = p?.shadowRoot?.querySelector('.status')?.textContent?.replace(/\s+/g, ' ').trim();
      if (text && seen[seen.length - 1] !== text) seen.push(text);
    }, 20);
  });
  await page.waitForFunction(() => {
    const p = document.querySelector('dydca-demo-app')?.shadowRoot?.querySelector('dydca-player') as DydcaPlayer | null;
    return (p?.stats.frame ?? -1) >= 0;
  }, undefined, { timeout: 60_000 });
  const posterMs = Date.now() - t0;
  const first = await withPlayer(page, (p) => ({ ready: p.isReady, stats: p.stats }), null);
  console.log(`poster after ${posterMs} ms (page load included); engine ready then: ${first.ready}`);
  expect(first.stats.shown).toBe('bicubic');
  expect(first.stats.bicubicFrames).toBe(1);
  // the test pack is padded: the picture 128x72, coded as LR 64x48 x2
  await expect(page.locator('#facts')).toHaveText(/LR 64x48 -> HR 128x72 \(coded 128x96\) \(x2\), 0\.5 s at 20 fps, 2 paths/);
  await waitReady(page);
  const s = await stats(page);
  expect(s.shown).toBe('sr');
  expect(s.startupMs).toBeGreaterThan(0);
  const seen = await page.evaluate(() => (window as unknown as { statusSeen: string[] }).statusSeen);
  console.log(`status lines: ${JSON.stringify(seen)}; startupMs ${s.startupMs!.toFixed(0)}`);
  expect(seen.some((t) => /compiling the compiled engine/.test(t))).toBe(true);
  await expect(player(page).locator('#badge')).toHaveText('SR (compiled)');
});

test('keeping time: every due frame is shown (SR when it was ready, else bicubic), counted in stats', async ({ page }) => {
  await open(page, 'engine=compiled');
  await waitReady(page);
  const before = await stats(page);
  await recordFrames(page);
  await playToEnd(page);
  const log = await shownFrames(page);
  const after = await stats(page);
  console.log(`played: ${log.map((f) => `${f.frame}${f.shown[0]}`).join(' ')}; srMs ${after.srMs.toFixed(1)}; dropped ${after.dropped}`);
  // frames go forward on the clock, every one shown or counted as dropped, up to the last
  for (let i = 1; i < log.length; i++) expect(log[i].frame).toBeGreaterThan(log[i - 1].frame);
  expect(log[log.length - 1].frame).toBe(9);
  expect(log.length + after.dropped).toBe(9);
  // the slow-SR defect (the video ended after one SR frame, nothing else shown) must not come back
  expect(log.length).toBeGreaterThanOrEqual(5);
  expect(after.srFrames - before.srFrames).toBe(log.filter((f) => f.shown === 'sr').length);
  expect(after.bicubicFrames - before.bicubicFrames).toBe(log.filter((f) => f.shown === 'bicubic').length);
});

test('"wait for every SR frame" shows every frame with SR', async ({ page }) => {
  await open(page, 'engine=compiled');
  await waitReady(page);
  await withPlayer(page, (p) => { p.waitForSr = true; }, null);
  await recordFrames(page);
  await playToEnd(page);
  const log = await shownFrames(page);
  expect(log.map((f) => f.frame)).toEqual([1, 2, 3, 4, 5, 6, 7, 8, 9]);
  expect(log.every((f) => f.shown === 'sr')).toBe(true);
});

test('one submit per frame: import, SR, bicubic, PSNR and present recorded together by a recording engine', async ({ page }) => {
  await page.addInitScript(() => {
    const w = window as unknown as { submits: number };
    w.submits = 0;
    const submit = GPUQueue.prototype.submit;
    GPUQueue.prototype.submit = function (this: GPUQueue, buffers: Iterable<GPUCommandBuffer>) { w.submits++; return submit.call(this, buffers); };
  });
  const submitsFor = async (engine: string): Promise<{ submits: number; shown: string; psnr: number | null }> => {
    await withPlayer(page, (p, name) => new Promise<void>((resolve) => {
      if (p.engine === name) { resolve(); return; }
      p.addEventListener('enginechange', () => resolve(), { once: true });
      p.engine = name as DydcaPlayer['engine'];
    }), engine);
    await withPlayer(page, (p) => { p.overlay = 'psnr'; p.compare = true; }, null);
    await withPlayer(page, (p) => p.seek(0.1), null); // the first imports try their zero-copy path on their own
    await page.evaluate(() => { (window as unknown as { submits: number }).submits = 0; });
    const s = await withPlayer(page, async (p) => { await p.seek(0.25); return p.stats; }, null);
    const submits = await page.evaluate(() => (window as unknown as { submits: number }).submits);
    return { submits, shown: s.shown ?? '', psnr: s.psnr };
  };
  await open(page, 'engine=compiled');
  await waitReady(page);
  const compiled = await submitsFor('compiled');
  const ort = await submitsFor('ort');
  console.log(`submits for one SR frame shown with compare and PSNR: compiled ${compiled.submits}, ort ${ort.submits}`);
  expect(compiled).toEqual({ submits: 1, shown: 'sr', psnr: expect.any(Number) });
  // onnxruntime-web submits its own work: the frame is split around it (and the test can tell the difference)
  expect(ort.shown).toBe('sr');
  expect(ort.submits).toBeGreaterThan(1);
});

test('controls and keys drive the element, and the page mirrors it both ways', async ({ page }) => {
  await open(page, 'engine=bicubic');
  await waitReady(page);
  const p = player(page);
  await p.focus();
  await page.keyboard.press('ArrowRight');
  await expect.poll(async () => (await stats(page)).frame).toBe(1);
  await page.keyboard.press('ArrowRight');
  await page.keyboard.press('ArrowLeft');
  await expect.poll(async () => (await stats(page)).frame).toBe(1);
  await p.locator('#seek').fill('7');
  await expect.poll(async () => (await stats(page)).frame).toBe(7);
  await expect(p.locator('.time')).toHaveText('0:00.3 / 0:00.5');
  await page.keyboard.press('c');
  await expect(page.locator('#compare')).toBeChecked();
  await page.keyboard.press('o');
  await expect(page.locator('#overlay')).toHaveValue('psnr');
  await page.keyboard.press('o');
  await expect(page.locator('#overlay')).toHaveValue('patches');
  await page.keyboard.press(String(ENGINE_NAMES.indexOf('ort') + 1));
  await expect(page.locator('#engine')).toHaveValue('ort');
  await expect.poll(async () => (await stats(page)).engine, { timeout: 120_000 }).toBe('ort');
  // and the page's controls drive the element
  await page.locator('#compare').uncheck();
  expect(await withPlayer(page, (e) => e.compare, null)).toBe(false);
  await p.focus();
  await page.keyboard.press(' ');
  await expect.poll(() => withPlayer(page, (e) => e.isPlaying || e.stats.frame === 9, null)).toBe(true);
  await page.keyboard.press('f');
  await expect.poll(() => page.evaluate(() => document.fullscreenElement?.tagName ?? null)).toBe('DYDCA-DEMO-APP');
});

test('zoom lens: a panel of bicubic | SR magnified around the pointer', async ({ page }) => {
  await open(page, 'engine=ort');
  await waitReady(page);
  const plain = await canvasPixels(page);
  await page.locator('#lens').check();
  const box = (await player(page).locator('canvas').boundingBox())!;
  await page.mouse.move(box.x + box.width * 0.25, box.y + box.height * 0.5);
  // the canvas is the picture (128x72; the padded pack codes 128x96): the lens sizes and places its panel by it
  const { w, h } = await player(page).locator('canvas').evaluate((c: HTMLCanvasElement) => ({ w: c.width, h: c.height }));
  expect([w, h]).toEqual([128, 72]);
  const size = Math.max(16, Math.round(Math.min(w / 4, h / 2.5)));
  await expect.poll(async () => {
    const lens = await canvasPixels(page);
    // the panel (top right, away from the pointer): 2 size x size squares from x = w - 2 size - 4, y = 4
    let changed = 0;
    for (let y = 4; y < 4 + size; y++) for (let x = w - 2 * size - 4; x < w - 4; x++) { const i = (y * w + x) * 4; if (Math.abs(lens[i] - plain[i]) > 8) changed++; }
    return changed;
  }).toBeGreaterThan(8 * size);
  expect(await withPlayer(page, (e) => e.lens, null)).toBe(true);
  await page.screenshot({ path: 'test-results/player-lens.png' });
});

test('URL parameters set the player and follow it', async ({ page }) => {
  await open(page, 'engine=bicubic&overlay=patches&compare=1');
  await waitReady(page);
  expect(await withPlayer(page, (e) => [e.engine, e.overlay, e.compare], null)).toEqual(['bicubic', 'patches', true]);
  await page.locator('#compare').uncheck();
  await page.locator('#overlay').selectOption('none');
  await expect.poll(() => page.evaluate(() => location.search)).toMatch(/compare=0/);
  expect(new URL(page.url()).searchParams.get('overlay')).toBe('none');
  expect(new URL(page.url()).searchParams.get('pack')).toBe(testPackUrl);
});

test('the HR reference is fetched only for the PSNR overlay; a pack without one plays and says so', async ({ page }) => {
  const requests = await open(page, 'engine=bicubic', { 'hr.mp4': null, 'hr/init.mp4': null, 'hr/00000.m4s': null });
  const hr = () => requests.filter((u) => u.endsWith('/hr.mp4') || u.includes('/e2e-pack/hr/'));
  await waitReady(page);
  await withPlayer(page, (p) => p.seek(0.2), null);
  expect(hr()).toEqual([]);
  await page.locator('#overlay').selectOption('psnr');
  await expect(player(page).locator('.notice')).toHaveText(/no HR reference/, { timeout: 20_000 }); // after the fetcher's retries
  await withPlayer(page, (p) => p.seek(0.3), null);
  const s = await stats(page);
  expect(s.frame).toBe(6);
  expect([s.psnr, s.psnrBicubic]).toEqual([null, null]);
  expect(hr().length).toBeGreaterThan(0);
  await expect(player(page).locator('[role=alert]')).toHaveCount(0);
});

test('the gallery lists the bundled packs with their facts', async ({ page }) => {
  await open(page, 'engine=bicubic');
  const first = page.locator('#gallery button.pack').first();
  await expect(first).toHaveText(/Cockatoo x2/);
  expect(await first.getAttribute('title')).toMatch(/LR 480x256 -> HR 960x512 \(x2\)/);
});
