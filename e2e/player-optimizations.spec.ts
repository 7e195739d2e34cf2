// The compiled engine's optimization switches in the page (issue 22), on the tiny e2e pack: the `opt` URL parameter
// sets the element's `optimizations`, a checkbox per optimization toggles one and rebuilds the engine, and the stats
// report the active names and the GPU dispatches per SR frame. Only switches that need no new pipelines are toggled
// (SwiftShader compiles cost seconds each); every configuration's output: src/runtime/compiled-optimizations.test.ts.
import { test, expect, type Page } from '@playwright/test';
import { OPTIMIZATIONS } from '../src/runtime/optimizations.js';
import { waitReady, withPlayer } from './player-page.js';
import { ensureTestPack, routePack, testPackUrl } from './test-pack.js';

test.beforeAll(() => { test.setTimeout(900_000); ensureTestPack(); });

const active = (page: Page) => withPlayer(page, (p) => ({ optimizations: p.stats.optimizations, dispatches: p.stats.dispatches, attr: p.optimizations }), null);

test('optimization switches: URL opt, a checkbox each, stats optimizations and dispatches', async ({ page }) => {
  await routePack(page);
  await page.goto(`/?pack=${encodeURIComponent(testPackUrl)}&autoplay=0&engine=compiled&opt=fusion,static-plan,static-memory,gemm`);
  await waitReady(page);
  expect(await active(page)).toMatchObject({ optimizations: ['fusion', 'static-plan', 'static-memory', 'gemm'], attr: 'fusion,static-plan,static-memory,gemm' });
  const fused = (await active(page)).dispatches;
  expect(fused).toBeGreaterThan(0);
  const boxes = page.locator('#optimizations input[type=checkbox]');
  await expect(boxes).toHaveCount(OPTIMIZATIONS.length);
  await expect(page.locator('#optimizations')).toContainText(OPTIMIZATIONS[0].description);
  await expect(page.locator('[data-optimization=one-submit]')).not.toBeChecked();
  // static plan off: the same kernels, planned every frame; the engine is rebuilt from the device's cached pipelines
  await page.locator('[data-optimization=static-plan]').uncheck();
  await expect.poll(() => page.evaluate(() => new URL(location.href).searchParams.get('opt'))).toBe('fusion,static-memory,gemm');
  await withPlayer(page, (p) => p.seek(0.05), null);
  await expect.poll(async () => (await active(page)).optimizations, { timeout: 120_000 }).toEqual(['fusion', 'static-memory', 'gemm']);
  expect((await active(page)).dispatches).toBe(fused);
});
