// The SR-aware ABR over a pack's bitrate ladder (`dydca pack --ladder 4,2`), over a real HTTP server on 127.0.0.1
// with the bandwidth emulated by the Chrome DevTools Protocol: unthrottled it plays the richest rung; throttled
// between the rungs' bitrates it goes down within a few segments without a stall; freed, it goes back up. Rungs
// switch at segment boundaries on the same canvas, each frame with its own rung's engine; `rendition` fixes one.
import { expect, test, type CDPSession, type Page } from '@playwright/test';
import { resolve } from 'node:path';
import type { DydcaPlayer } from '../src/player/dydca-player.js';
import { builtSite, PackServer } from './pack-server.js';
import { playerStats, untilStats, withPlayer } from './player-page.js';
import { ensureLadderPack } from './streaming-packs.js';

const root = resolve(import.meta.dirname, '..');

let server: PackServer;
test.beforeAll(async () => {
  test.setTimeout(600_000); // the first run packs the ladder (cached under .cache/e2e)
  server = new PackServer(builtSite(root), { '/ladder/': ensureLadderPack() });
  await server.start();
});
test.afterAll(async () => { await server?.stop(); });

type Stats = DydcaPlayer['stats'];
interface Shown { frame: number; rendition: number | null; shown: string | null; width: number }
const stats = playerStats;

const until = (page: Page, pred: string, timeout = 60_000): Promise<Stats> => untilStats(page, pred, timeout);

/** Opens the demo page on the ladder pack, records every frame shown and every state, waits for the engine. */
async function open(page: Page, query = ''): Promise<{ errors: string[]; states: string[] }> {
  const errors: string[] = [], states: string[] = [];
  page.on('pageerror', (e) => errors.push(e.message));
  await page.exposeFunction('noteState', (s: string) => states.push(s));
  await page.addInitScript(() => {
    addEventListener('statechange', (e) => (window as unknown as { noteState(s: string): void }).noteState((e as CustomEvent).detail.state), true);
  });
  await page.goto(`${server.origin}/?pack=${encodeURIComponent('/ladder/manifest.json')}&autoplay=0${query}`);
  await until(page, '(s) => s.frame >= 0 && s.badge !== null', 120_000);
  await page.waitForFunction(() => (document.querySelector('dydca-demo-app')?.shadowRoot?.querySelector('dydca-player') as DydcaPlayer | null)?.isReady === true,
    undefined, { timeout: 120_000 });
  await withPlayer(page, (p) => {
    const log: Shown[] = [];
    (window as unknown as { shownLog: Shown[] }).shownLog = log;
    p.addEventListener('frame', (e) => {
      const s = (e as CustomEvent<Stats>).detail;
      log.push({ frame: s.frame, rendition: s.rendition, shown: s.shown, width: p.shadowRoot!.querySelector('canvas')!.width });
    });
  }, null);
  return { errors, states };
}

const shownLog = (page: Page): Promise<Shown[]> => page.evaluate(() => (window as unknown as { shownLog: Shown[] }).shownLog);

async function network(page: Page): Promise<CDPSession> {
  const cdp = await page.context().newCDPSession(page);
  await cdp.send('Network.enable');
  return cdp;
}
const throttle = (cdp: CDPSession, bytesPerSecond: number) =>
  cdp.send('Network.emulateNetworkConditions', { offline: false, latency: 0, downloadThroughput: bytesPerSecond, uploadThroughput: -1 });

/** The rung (0 = x4, 1 = x2) of each LR segment requested after log index `since`, in request order. */
const fetchedRungs = (since: number): number[] =>
  server.requests('/ladder/', since).filter((r) => /\/lr\/\d+\.m4s$/.test(r.path)).map((r) => (r.path.startsWith('/ladder/r4/') ? 0 : 1));

test('unthrottled: the richest rung; throttled between the rungs: down within a few segments, no stall; freed: back up', async ({ page }) => {
  test.setTimeout(240_000);
  const o = await open(page);
  const m = (await withPlayer(page, (p) => p.manifest, null))!;
  const [x4, x2] = m.renditions!;
  expect(x4.scale).toBe(4);
  // 48 kbit/s: x4 (about 23 kbit/s of video, 36 with its layout) fits, x2 (about 54) does not
  const between = 6000;
  expect(x4.lr.bitrate).toBeLessThan(0.8 * 8 * between);
  expect(x2.lr.bitrate).toBeGreaterThan(8 * between);
  // ready: the first frame at rest with SR by the x2 rung's engine (the ABR started on x2: the network is fast)
  let s = await stats(page);
  expect([s.rendition, s.shown, s.badge]).toEqual([1, 'sr', 'SR (compiled) · rung 2 of 2 (x2)']);
  const cdp = await network(page);
  await withPlayer(page, (p) => p.play(), null);
  s = await until(page, '(s) => s.frame >= 30');
  expect(s.rendition).toBe(1); // x2, the richest
  expect(s.badge).toContain('rung 2 of 2 (x2)');
  expect(s.bandwidthKbps!).toBeGreaterThan(1000);
  const statesBefore = o.states.length;

  const throttledAt = server.log.length;
  await throttle(cdp, between);
  // within 3 segments fetched after the throttle the ABR is down on x4, and stays there while throttled
  await expect.poll(() => fetchedRungs(throttledAt).length, { timeout: 60_000 }).toBeGreaterThanOrEqual(4);
  const down = fetchedRungs(throttledAt);
  const firstDown = down.indexOf(0);
  expect(firstDown).toBeGreaterThanOrEqual(0);
  expect(firstDown).toBeLessThanOrEqual(2);
  expect(down.slice(firstDown)).toEqual(down.slice(firstDown).map(() => 0));
  expect((await stats(page)).bandwidthKbps!).toBeLessThan(60);

  const freedAt = server.log.length;
  await throttle(cdp, -1);
  await expect.poll(() => fetchedRungs(freedAt).includes(1), { timeout: 60_000 }).toBe(true);
  const up = fetchedRungs(freedAt);
  expect(up.indexOf(1)).toBeLessThanOrEqual(3);
  // x4 reaches the screen once the x2 video buffered before the throttle has played, then x2 again; no stall on the way
  s = await until(page, '(s) => s.rendition === 0', 90_000);
  expect(s.badge).toContain('rung 1 of 2 (x4)');
  await until(page, '(s) => s.rendition === 1', 90_000);

  expect(o.states.slice(statesBefore)).not.toContain('buffering');
  expect((await stats(page)).state).toBe('playing');
  // the switches are at segment boundaries, on the same canvas
  const log = await shownLog(page);
  const per = m.lr.segments!.frames;
  const switches = log.map((e, i) => ({ e, before: log[i - 1] })).filter(({ e, before }) => before && e.rendition !== before.rendition);
  expect(switches.map(({ e }) => e.rendition)).toEqual([0, 1]);
  // between the last frame of one rung and the first of the next lies a segment start (frames may be skipped on a busy CPU)
  for (const { e, before } of switches) expect(Math.floor(e.frame / per)).toBe(Math.floor(before.frame / per) + 1);
  for (const { e } of switches) expect(e.frame - Math.floor(e.frame / per) * per).toBeLessThanOrEqual(2);
  expect(new Set(log.map((e) => e.width))).toEqual(new Set([m.hr.width]));
  expect(o.errors).toEqual([]);
});

test('rendition="0" fixes the lowest rung: every segment from it, the badge names it', async ({ page }) => {
  const since = server.log.length;
  const o = await open(page, '&rendition=0');
  await withPlayer(page, (p) => p.play(), null);
  const s = await until(page, '(s) => s.frame >= 45');
  expect(s.rendition).toBe(0);
  expect(s.badge).toContain('rung 1 of 2 (x4)');
  const rungs = fetchedRungs(since);
  expect(rungs.length).toBeGreaterThan(3);
  expect(new Set(rungs)).toEqual(new Set([0]));
  // at rest the x4 frame gets SR from the x4 rung's own engine and model (another rung's would not fit its frame)
  await withPlayer(page, (p) => { p.pause(); p.overlay = 'psnr'; }, null);
  const rest = await until(page, "(s) => s.shown === 'sr' && s.psnr !== null", 120_000);
  expect(rest.badge).toBe('SR (compiled) · rung 1 of 2 (x4)');
  expect(rest.psnr!).toBeGreaterThan(rest.psnrBicubic! - 1); // 5 training steps: about bicubic (a wrong model: far below)
  expect(rest.psnrBicubic!).toBeGreaterThan(18);
  await withPlayer(page, (p) => { p.overlay = 'none'; p.play(); }, null);
  // back to auto: the segments fetched from now on come from the richest rung
  const autoAt = server.log.length;
  await withPlayer(page, (p) => { p.rendition = 'auto'; }, null);
  await expect.poll(() => fetchedRungs(autoAt).includes(1), { timeout: 60_000 }).toBe(true);
  expect(o.errors).toEqual([]);
});
