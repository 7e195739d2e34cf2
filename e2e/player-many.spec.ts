// Several <dydca-player> elements on one page: each gets its device (creation in turn, asked again with a growing
// wait when Chromium refuses it) and plays to the end. Before, with 2 players the second died in 2 of 3 runs ("A valid
// external Instance reference no longer exists": one element's canvas probe destroyed its device while another
// called requestDevice), with 10 players 4 died.
import { test, expect } from '@playwright/test';
import type { DydcaPlayer } from '../src/player/dydca-player.js';
import { ensureTestPack, routePack, testPackUrl } from './test-pack.js';

test.beforeAll(() => { test.setTimeout(900_000); ensureTestPack(); });

test('ten players on one page all play to the end (bicubic engine)', async ({ page }) => {
  const pageErrors: string[] = [];
  page.on('pageerror', (e) => pageErrors.push(e.message));
  page.on('console', (m) => { if (m.type() === 'error') console.log(`[page] ${m.text()}`); });
  await routePack(page);
  // the demo page's own player loads the same pack at the same time: eleven devices asked for at once
  await page.goto(`/?pack=${encodeURIComponent(testPackUrl)}&engine=bicubic&autoplay=0`);
  const outcomes = await page.evaluate(async (src) => {
    const players: DydcaPlayer[] = [];
    for (let i = 0; i < 10; i++) {
      const p = document.createElement('dydca-player');
      p.engine = 'bicubic';
      p.autoplay = true;
      p.src = src;
      p.style.width = '128px';
      document.body.appendChild(p);
      players.push(p);
    }
    return Promise.all(players.map((p) => new Promise<{ ended: boolean; error: string | null; frame: number; shown: number }>((resolve) => {
      p.addEventListener('error', (e) => resolve({ ended: false, error: (e as unknown as CustomEvent<{ message: string }>).detail.message, frame: p.stats.frame, shown: 0 }));
      p.addEventListener('ended', () => resolve({ ended: true, error: null, frame: p.stats.frame, shown: p.stats.srFrames + p.stats.bicubicFrames }));
    })));
  }, testPackUrl);
  console.log(outcomes.map((o, i) => `player ${i}: ${o.ended ? `ended at frame ${o.frame}, ${o.shown} frames shown` : `error: ${o.error}`}`).join('\n'));
  expect(outcomes.filter((o) => o.error)).toEqual([]);
  expect(outcomes.every((o) => o.ended && o.frame === 9 && o.shown >= 2)).toBe(true);
  expect(pageErrors).toEqual([]);
});
