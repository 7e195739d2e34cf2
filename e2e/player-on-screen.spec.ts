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
  await playToEnd(page);
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
