// Takes docs/player-screenshot.png from the demo page on the x4 demo pack (ort engine): compare split and zoom lens
// with their labels, the PSNR readout on the video and the PSNR graph. Needs a served build (npx vite preview) whose
// URL is the first argument (default http://localhost:4173). Run: npx tsx scripts/player-screenshot.ts [URL]
import { chromium } from '@playwright/test';
import { resolve } from 'node:path';
import { chromiumArgs } from '../playwright.config.js';

const base = process.argv[2] ?? 'http://localhost:4173';
const browser = await chromium.launch({ executablePath: '/usr/bin/chromium', args: chromiumArgs });
try {
  const page = await browser.newPage({ viewport: { width: 1120, height: 1100 } });
  await page.goto(`${base}/?pack=${encodeURIComponent('/demo-x4/manifest.json')}&engine=ort&compare=1&lens=1&overlay=psnr&autoplay=0`);
  const player = page.locator('dydca-demo-app dydca-player');
  // an SR frame with its PSNR on screen (SR of one frame takes tens of seconds on software WebGPU)
  await page.waitForFunction(() => {
    const p = document.querySelector('dydca-demo-app')?.shadowRoot?.querySelector('dydca-player') as (HTMLElement & { stats: { shown: string | null; psnr: number | null } }) | null;
    return p?.stats.shown === 'sr' && p.stats.psnr !== null;
  }, undefined, { timeout: 600_000, polling: 500 });
  // the lens over the bird's head: move the pointer there and wait for the frame shown with it
  const box = (await player.locator('canvas').boundingBox())!;
  await page.mouse.move(box.x + box.width * 0.36, box.y + box.height * 0.42);
  await page.waitForTimeout(3000);
  await page.screenshot({ path: resolve(import.meta.dirname, '..', 'docs', 'player-screenshot.png'), fullPage: true });
  console.log('wrote docs/player-screenshot.png');
} finally {
  await browser.close();
}
