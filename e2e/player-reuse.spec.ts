// The reuse map in the player (issue 21): SR only on mode-0 patches, reused patches kept, and after a seek or skipped
// frames a reused patch is computed on the frame that made it, so the frame shown equals the replay from its segment's
// start (here: every frame from 0 in order), never stale. On the slideshow pack of e2e/reuse-pack.ts.
import { test, expect, type Page } from '@playwright/test';
import type { PlayerStats } from '../src/player/dydca-player.js';
import type { PackManifest } from '../src/format/manifest.js';
import { waitReady, withPlayer } from './player-page.js';
import { ensureReusePack, readReusePackFile, reusePackUrl, routeReusePack } from './reuse-pack.js';

test.beforeAll(() => { test.setTimeout(600_000); ensureReusePack(); });

const seekTo = (page: Page, frame: number) => withPlayer(page, async (p, f: number) => { await p.seek(f / p.manifest!.fps); return p.stats; }, frame);
const readSr = (page: Page) => withPlayer(page, async (p) => Array.from(await p.readFrame('sr')), null);

function maxRgbDiff(a: ArrayLike<number>, b: ArrayLike<number>): number {
  let m = 0;
  for (let i = 0; i < a.length; i++) if (i % 4 !== 3) m = Math.max(m, Math.abs(a[i] - b[i]));
  return m;
}

test('a seek into a reuse run, and skipped frames, show the frame as replayed from the segment start', async ({ page }) => {
  test.setTimeout(600_000);
  page.on('console', (m) => { if (m.type() === 'error') console.log(`[page] ${m.text()}`); });
  await routeReusePack(page);
  await page.goto(`/?pack=${encodeURIComponent(reusePackUrl)}&autoplay=0&engine=compiled`);
  await waitReady(page);
  const m = JSON.parse(readReusePackFile('manifest.json').toString()) as PackManifest;
  expect(m.gflopsPerFrame?.executed?.mean).toBeLessThan(m.gflopsPerFrame!.mean / 5);

  // the reference: frames 10..15 in order (10 starts a run: computed), each from the one before
  let s: PlayerStats = await seekTo(page, 10);
  expect(s.srPatches).toBeGreaterThan(0);
  for (let f = 11; f <= 15; f++) s = await seekTo(page, f);
  expect(s).toMatchObject({ frame: 15, shown: 'sr', srPatches: 0, executedGflops: 0 });
  expect(s.reusedPatches).toBeGreaterThan(0);
  const reference = await readSr(page);
  const line = (what: string, x: PlayerStats) => console.log(`[reuse] ${what}: srPatches ${x.srPatches}, reusedPatches ${x.reusedPatches}, bicubicPatches ${x.bicubicPatches}, executedGflops ${x.executedGflops} (full SR ${m.gflopsPerFrame!.mean})`);
  line('frame 15 after frame 14', s);

  // another picture of the slideshow, so a stale reused patch would show it
  await seekTo(page, 25);
  expect(maxRgbDiff(await readSr(page), reference)).toBeGreaterThan(64);
  s = await seekTo(page, 15);
  expect(s.frame).toBe(15);
  // the reused patches were computed (on frame 10, where they were made)
  expect(s.srPatches).toBeGreaterThan(0);
  line('frame 15 after a seek from frame 25', s);
  expect(maxRgbDiff(await readSr(page), reference)).toBeLessThanOrEqual(1);

  // skipped frames: from 11 to 15, what frame 11 holds is kept, the rest computed where it was made
  await seekTo(page, 11);
  s = await seekTo(page, 15);
  expect(s.frame).toBe(15);
  expect(maxRgbDiff(await readSr(page), reference)).toBeLessThanOrEqual(1);
  line('frame 15 after frame 11 (3 skipped)', s);
});

test('played to the end (SR working ahead, frames skipped, the last frame refined at rest): the last frame is the replay', async ({ page }) => {
  test.setTimeout(600_000);
  await routeReusePack(page);
  await page.goto(`/?pack=${encodeURIComponent(reusePackUrl)}&autoplay=0&engine=compiled`);
  await waitReady(page);
  const last = await withPlayer(page, (p) => p.manifest!.frames - 1, null);
  // play through; at the end the last frame is shown with SR (at once, or refined at rest)
  const s = await withPlayer(page, (p, f: number) => new Promise<PlayerStats>((done, fail) => {
    const timer = setTimeout(() => fail(new Error(`no SR frame ${f}; last ${JSON.stringify(p.stats)}`)), 300_000);
    p.addEventListener('frame', (e) => {
      const x = (e as CustomEvent<PlayerStats>).detail;
      if (x.frame === f && x.shown === 'sr') { clearTimeout(timer); done(x); }
    });
    void p.play();
  }), last);
  console.log(`[reuse] played: SR frames ${s.srFrames}, bicubic frames ${s.bicubicFrames}; last frame srPatches ${s.srPatches}, reusedPatches ${s.reusedPatches}, executedGflops ${s.executedGflops}`);
  const played = await readSr(page);
  // the replay from the last run's start (frame 20 computes every patch)
  for (let f = 20; f <= last; f++) await seekTo(page, f);
  expect(maxRgbDiff(played, await readSr(page))).toBeLessThanOrEqual(1);
});
