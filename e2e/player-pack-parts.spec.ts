// What a pack needs for what: the bicubic engine plays without model.onnx; the ort engine's (onnxruntime-web's)
// warnings never reach the console as errors.
import { test, expect, type Page } from '@playwright/test';
import type { DydcaPlayer } from '../src/player/dydca-player.js';
import { withPlayer } from './player-page.js';
import { ensureTestPack, routePack, testPackUrl } from './test-pack.js';

test.beforeAll(() => { test.setTimeout(900_000); ensureTestPack(); });

function watchConsole(page: Page): { errors: string[]; all: string[] } {
  const w = { errors: [] as string[], all: [] as string[] };
  page.on('console', (m) => { w.all.push(`${m.type()}: ${m.text()}`); if (m.type() === 'error') w.errors.push(m.text()); });
  page.on('pageerror', (e) => w.errors.push(`uncaught: ${e.message}`));
  return w;
}

const errorEvents = (page: Page) => page.evaluate(() => (window as unknown as { playerErrors: string[] }).playerErrors);

async function open(page: Page, query: string, files: Record<string, string | null> = {}): Promise<void> {
  await page.addInitScript(() => {
    const w = window as unknown as { playerErrors: string[] };
    w.playerErrors = [];
    window.addEventListener('error', (e) => { if (e instanceof CustomEvent) w.playerErrors.push((e.detail as { message: string }).message); }, true);
  });
  await routePack(page, files);
  await page.goto(`/?pack=${encodeURIComponent(testPackUrl)}&autoplay=0&${query}`);
}

const isReady = () => (document.querySelector('dydca-demo-app')!.shadowRoot!.querySelector('dydca-player') as DydcaPlayer).isReady;

test('the bicubic engine plays a pack whose model.onnx is missing; another engine then names the file', async ({ page }) => {
  const requests: string[] = [];
  page.on('request', (r) => requests.push(new URL(r.url()).pathname));
  await open(page, 'engine=bicubic', { 'model.onnx': null });
  await page.waitForFunction(isReady, undefined, { timeout: 120_000 });
  const ended = await withPlayer(page, (p) => new Promise<number>((resolve) => { p.addEventListener('ended', () => resolve(p.stats.frame), { once: true }); p.play(); }), null);
  expect(ended).toBe(9);
  expect(await errorEvents(page)).toEqual([]);
  expect(requests.filter((u) => u.endsWith('/model.onnx'))).toEqual([]); // not even asked for
  await withPlayer(page, (p) => { p.engine = 'compiled'; }, null);
  await page.waitForFunction(() => (window as unknown as { playerErrors: string[] }).playerErrors.length > 0, undefined, { timeout: 60_000 });
  expect((await errorEvents(page))[0]).toMatch(/model\.onnx.*HTTP 404/);
});

test('onnxruntime-web warnings do not reach the console as errors (ort engine)', async ({ page }) => {
  const w = watchConsole(page);
  await open(page, 'engine=ort');
  await page.waitForFunction(isReady, undefined, { timeout: 180_000 });
  await withPlayer(page, (p) => p.seek(0.2), null);
  console.log(`console while the ort engine loaded and showed frames:\n${w.all.join('\n')}`);
  expect(await errorEvents(page)).toEqual([]);
  expect(w.errors).toEqual([]);
});
