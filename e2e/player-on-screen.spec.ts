// What the player says matches what is on screen: the badge (and stats.badge, the demo page's "on screen") frame by
// frame over a play, on the real tiny e2e pack in Debian Chromium (WebGPU on SwiftShader).
import { test, expect, type Page } from '@playwright/test';
import type { DydcaPlayer, PlayerStats } from '../src/player/dydca-player.js';
import { withPlayer } from './player-page.js';
import { ensureTestPack, routePack, testPackUrl } from './test-pack.js';

test.beforeAll(() => { test.setTimeout(900_000); ensureTestPack(); });

async function open(page: Page, query: string): Promise<void> {
  page.on('console', (m) => { if (m.type() === 'error') console.log(`[page] ${m.text()}`); });
  await routePack(page);
  await page.goto(`/?pack=${encodeURIComponent(testPackUrl)}&autoplay=0&${query}`);
  await page.waitForFunction(() => {
    const p = document.querySelector('dydca-demo-app')?.shadowRoot?.querySelector('dydca-player') as DydcaPlayer | null;
    return (p?.stats.frame ?? -1) >= 0;
  }, undefined, { timeout: 60_000 });
}

interface BadgeRecord { frame: number; shown: string | null; shownBy: string | null; badge: string | null; dom: string | null; page: string | null }

/** Every `frame` event from now on: what the frame is, stats.badge, the badge drawn and the demo page's readout. */
async function recordBadges(page: Page): Promise<void> {
  await withPlayer(page, (p) => {
    const log: BadgeRecord[] = [];
    (window as unknown as { badgeLog: BadgeRecord[] }).badgeLog = log;
    const app = document.querySelector('dydca-demo-app')!;
    p.addEventListener('frame', (e) => {
      const s = (e as CustomEvent<PlayerStats>).detail;
      // what is drawn once the element and the page have rendered this frame's stats
      void Promise.all([p.updateComplete, (app as unknown as { updateComplete: Promise<unknown> }).updateComplete]).then(() => log.push({
        frame: s.frame, shown: s.shown, shownBy: s.shownBy, badge: s.badge,
        dom: p.shadowRoot!.querySelector('#badge')?.textContent ?? null,
        page: app.shadowRoot!.querySelector('#on-screen')?.textContent?.replace(/^on screen: /, '') ?? null,
      }));
    });
  }, null);
}
const badges = (page: Page) => page.evaluate(() => (window as unknown as { badgeLog: BadgeRecord[] }).badgeLog);

function playToEnd(page: Page): Promise<void> {
  return withPlayer(page, (p) => new Promise<void>((resolve) => { p.addEventListener('ended', () => resolve(), { once: true }); p.play(); }), null);
}

test('the badge says what each frame on screen is: SR only on SR frames, bicubic with the reason otherwise', async ({ page }) => {
  test.setTimeout(400_000);
  await open(page, 'engine=compiled');
  await recordBadges(page);
  // play while the compiled engine loads (bicubic frames), then with it (SR frames, and bicubic where SR is late)
  let plays = 0;
  while (!(await withPlayer(page, (p) => p.isReady, null)) || plays < 1) { await playToEnd(page); plays++; }
  await playToEnd(page);
  // and at rest: the last frame gets its SR
  const rest = nextFrame(page, 's.shown === "sr"');
  await playToEnd(page);
  await rest;
  const log = await badges(page);
  console.log(log.map((r) => `${r.frame}:${r.badge}`).join(' | '));
  for (const r of log) {
    expect(r.dom).toBe(r.badge);
    expect(r.page).toBe(r.badge); // the demo page's readout is the element's stats
    if (r.shown === 'sr') expect(r.badge).toBe('SR (compiled)');
    else expect(r.badge).toMatch(/^bicubic: SR (loading( \(.+\))?|behind)$/);
  }
  expect(log.some((r) => r.shown === 'sr')).toBe(true);
  expect(log.some((r) => /^bicubic: SR loading/.test(r.badge ?? ''))).toBe(true);
  // the bicubic engine says bicubic, never SR
  await withPlayer(page, (p) => new Promise<void>((resolve) => { p.addEventListener('enginechange', () => resolve(), { once: true }); p.engine = 'bicubic'; }), null);
  const from = (await badges(page)).length;
  await playToEnd(page);
  const bicubic = (await badges(page)).slice(from);
  expect(bicubic.length).toBeGreaterThan(0);
  for (const r of bicubic) expect([r.badge, r.dom, r.page]).toEqual(['bicubic', 'bicubic', 'bicubic']);
});

/** Waits for the next `frame` event whose stats satisfy `pred` (a JS expression over `s`), bounded. */
function nextFrame(page: Page, pred = 'true'): Promise<PlayerStats> {
  return withPlayer(page, (p, pred) => new Promise<PlayerStats>((resolve) => {
    const check = new Function('s', `return ${pred};`) as (s: PlayerStats) => boolean;
    const on = (e: Event) => { const s = (e as CustomEvent<PlayerStats>).detail; if (check(s)) { p.removeEventListener('frame', on); resolve(s); } };
    p.addEventListener('frame', on);
  }), pred);
}

const hintText = (page: Page) => withPlayer(page, (p) => p.shadowRoot!.querySelector('.hint')?.textContent ?? null, null);

test('a frame at rest gets its SR: the last frame after playing to the end in bicubic is replaced by its SR; the device said in words', async ({ page }) => {
  await open(page, 'engine=compiled&compare=1');
  // compare before any SR frame: the video says when it will show SR
  expect(await hintText(page)).toBe('compare shows SR once the first SR frame is ready');
  await withPlayer(page, (p) => { p.compare = false; }, null);
  await page.waitForFunction(() => (document.querySelector('dydca-demo-app')!.shadowRoot!.querySelector('dydca-player') as DydcaPlayer).isReady, undefined, { timeout: 120_000 });
  await recordBadges(page);
  await playToEnd(page);
  const last = await nextFrame(page, 's.frame === 9 && s.shown === "sr"');
  const log = await badges(page);
  console.log(`played: ${log.map((r) => `${r.frame}${(r.shown ?? '-')[0]}`).join(' ')}; at rest: frame ${last.frame} ${last.badge}`);
  expect(last.badge).toBe('SR (compiled)');
  expect(await hintText(page)).toBe(null);
  // the device in words, from the SR frames measured (SwiftShader here), on the page as in stats
  console.log(`device: ${last.device}`);
  expect(last.device).toMatch(/^software WebGPU \(no GPU\): about \d+(\.\d)? (ms|s) per SR frame; /);
  await expect(page.locator('#device-summary')).toHaveText(last.device!);
});

test('switching the engine during an in-flight SR frame takes effect at once; no stale SR frame is shown after', async ({ page }) => {
  // the first GPU completion awaited after the switch point is the SR chunk in flight
  await page.addInitScript(() => {
    const done = GPUQueue.prototype.onSubmittedWorkDone;
    GPUQueue.prototype.onSubmittedWorkDone = function (this: GPUQueue) {
      const w = window as unknown as { onGpuWait?: (() => void) | null };
      const hook = w.onGpuWait; w.onGpuWait = null; hook?.();
      return done.call(this);
    };
  });
  await open(page, 'engine=compiled');
  await page.waitForFunction(() => (document.querySelector('dydca-demo-app')!.shadowRoot!.querySelector('dydca-player') as DydcaPlayer).isReady, undefined, { timeout: 120_000 });
  await withPlayer(page, (p) => p.seek(0), null);
  await recordBadges(page);
  // play to the end: at rest, SR works on the last frame; switch to bicubic while its GPU work is in flight
  const switched = await withPlayer(page, (p) => new Promise<{ at: number; frames: number }>((resolve) => {
    const w = window as unknown as { onGpuWait?: (() => void) | null; switchedAt: number; framesAfter: PlayerStats[] };
    w.framesAfter = [];
    p.addEventListener('ended', () => {
      w.onGpuWait = () => {
        w.switchedAt = performance.now();
        p.engine = 'bicubic';
        p.addEventListener('frame', (e) => w.framesAfter.push({ ...(e as CustomEvent<PlayerStats>).detail, time: performance.now() - w.switchedAt }));
        resolve({ at: w.switchedAt, frames: p.stats.frame });
      };
    }, { once: true });
    p.play();
  }), null);
  await withPlayer(page, (p) => new Promise<void>((resolve) => {
    if (p.stats.engine === 'bicubic' && p.isReady) resolve(); else p.addEventListener('enginechange', () => resolve(), { once: true });
  }), null);
  const after = await page.evaluate(() => (window as unknown as { framesAfter: (PlayerStats & { time: number })[] }).framesAfter);
  console.log(`switched at frame ${switched.frames}; frames after: ${after.map((s) => `${s.frame} ${s.shown} by ${s.shownBy} "${s.badge}" +${s.time.toFixed(0)} ms`).join('; ')}`);
  expect(after.length).toBeGreaterThan(0);
  // the first frame after the switch is already the new choice's, and the compiled SR in flight never shows
  expect(after[0].badge).toBe('bicubic');
  expect(after.filter((s) => s.shownBy === 'compiled')).toEqual([]);
  expect(after.every((s) => s.badge === 'bicubic')).toBe(true);
});

test('labelled views: bicubic and SR on each side of the compare split and the lens, the route legend, the PSNR readout on the video', async ({ page }) => {
  await open(page, 'engine=bicubic&compare=1&lens=1&overlay=patches');
  await page.waitForFunction(() => (document.querySelector('dydca-demo-app')!.shadowRoot!.querySelector('dydca-player') as DydcaPlayer).isReady, undefined, { timeout: 120_000 });
  const player = page.locator('dydca-demo-app dydca-player');
  await expect(player.locator('#label-bicubic')).toHaveText('bicubic');
  await expect(player.locator('#label-sr')).toHaveText('SR');
  await expect(player.locator('#lens-label-bicubic')).toHaveText('bicubic');
  await expect(player.locator('#lens-label-sr')).toHaveText('SR');
  // the compare labels sit on each side of the split line
  const canvasBox = (await player.locator('canvas').boundingBox())!;
  const left = (await player.locator('#label-bicubic').boundingBox())!, right = (await player.locator('#label-sr').boundingBox())!;
  const splitX = canvasBox.x + canvasBox.width * 0.5;
  expect(left.x + left.width).toBeLessThanOrEqual(splitX);
  expect(right.x).toBeGreaterThanOrEqual(splitX);
  // the legend: each path with its colour, patch size and share of the frame (shares of a tiling sum to 100 %)
  const legend = await player.locator('#route-legend .route').allTextContents();
  console.log(`legend: ${legend.map((t) => t.trim()).join(' | ')}`);
  expect(legend.map((t) => t.trim())).toEqual([expect.stringMatching(/^path 0: 32x32 patches, \d+ \(\d+% of the frame\)$/), expect.stringMatching(/^path 1: 16x16 patches, \d+ \(\d+% of the frame\)$/)]);
  const shares = legend.map((t) => Number(/\((\d+)%/.exec(t)![1]));
  expect(Math.abs(shares[0] + shares[1] - 100)).toBeLessThanOrEqual(1);
  // the PSNR overlay's readout is on the video: SR, bicubic and the gain
  const psnrFrame = nextFrame(page, 's.psnr !== null');
  await page.locator('#overlay').selectOption('psnr'); // the demo page's control, which sets the element
  const s = await psnrFrame;
  await expect(player.locator('#psnr-readout')).toHaveText(/^SR \d+\.\d\d dB · bicubic \d+\.\d\d dB · [+−]\d+\.\d\d dB$/);
  console.log(`PSNR readout: ${await player.locator('#psnr-readout').textContent()} (stats ${s.psnr}, ${s.psnrBicubic})`);
  await expect(player.locator('#route-legend')).toHaveCount(0);
  // the graph on the page folds away
  await expect(page.locator('#psnr-graph-box summary')).toBeVisible();
  await player.screenshot({ path: 'test-results/player-labelled-views.png' });
});
