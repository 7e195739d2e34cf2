// Streaming by segments over a real HTTP server on 127.0.0.1 (e2e/pack-server.ts, serving the built player and the
// packs from one origin): the player fetches what plays, seeks with one segment, holds bounded memory, and lives
// through slow, stalled, failing and offline networks (Chrome DevTools Protocol network emulation, server faults).
// Every case of issue 20's "Why" is here; no case may raise an uncaught error (`pageerror`).
import { expect, test, type CDPSession, type Page } from '@playwright/test';
import { resolve } from 'node:path';
import type { DydcaPlayer } from '../src/player/dydca-player.js';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { builtSite, PackServer } from './pack-server.js';
import { playerStats, untilStats, withPlayer } from './player-page.js';
import { ensureStreamingPack } from './streaming-packs.js';
import { ensureTestPack } from './test-pack.js';

const root = resolve(import.meta.dirname, '..');

let server: PackServer;
test.beforeAll(async () => {
  test.setTimeout(900_000); // the first run packs the long and short videos (cached under .cache/e2e)
  const testPack = ensureTestPack(2);
  server = new PackServer(builtSite(root), { '/long/': ensureStreamingPack('long'), '/short/': ensureStreamingPack('short'), '/progressive/': testPack });
  // a pack as made before segments: its manifest without them (the player then streams lr.mp4)
  const m = JSON.parse(readFileSync(join(testPack, 'manifest.json'), 'utf8')) as Record<string, Record<string, unknown>>;
  for (const key of ['lr', 'hr']) { delete m[key].segments; delete m[key].playlist; }
  server.replaced.set('/progressive/manifest.json', JSON.stringify(m));
  await server.start();
});
test.afterAll(async () => { await server?.stop(); });
test.beforeEach(() => { server.faults = []; server.rangeSupport = true; server.contentType = null; });

type Stats = DydcaPlayer['stats'];
const stats = playerStats;

const until = (page: Page, pred: string, timeout = 60_000): Promise<Stats> => untilStats(page, pred, timeout);

interface Opened { errors: string[]; states: string[] }

/** Opens the demo page on `pack` with the bicubic engine (nothing here is about SR) and waits for the first frame. */
async function open(page: Page, pack: string, opts: { ready?: boolean } = {}): Promise<Opened> {
  const errors: string[] = [];
  const states: string[] = [];
  page.on('pageerror', (e) => errors.push(e.message));
  await page.exposeFunction('noteState', (s: string) => states.push(s));
  await page.addInitScript(() => {
    addEventListener('statechange', (e) => (window as unknown as { noteState(s: string): void }).noteState((e as CustomEvent).detail.state), true);
  });
  await page.goto(`${server.origin}/?pack=${encodeURIComponent(pack)}&engine=bicubic`);
  if (opts.ready !== false) await until(page, '(s) => s.frame >= 0 && s.badge !== null', 120_000);
  return { errors, states };
}

const play = (page: Page) => withPlayer(page, (p) => p.play(), null);
const playerText = (page: Page) => page.locator('dydca-demo-app dydca-player');

async function network(page: Page): Promise<CDPSession> {
  const cdp = await page.context().newCDPSession(page);
  await cdp.send('Network.enable');
  return cdp;
}
const throttle = (cdp: CDPSession, bytesPerSecond: number, offline = false) =>
  cdp.send('Network.emulateNetworkConditions', { offline, latency: 0, downloadThroughput: bytesPerSecond, uploadThroughput: -1 });
const unthrottled = (cdp: CDPSession) => throttle(cdp, -1);

test('plays by segments: seconds ahead are fetched, not the whole video', async ({ page }) => {
  const since = server.log.length;
  const o = await open(page, '/long/manifest.json');
  const m = (await withPlayer(page, (p) => p.manifest, null))!;
  await play(page);
  const s = await until(page, '(s) => s.frame >= 100');
  expect(s.state).toBe('playing');
  const lr = server.requests('/long/lr/', since).filter((r) => r.path.endsWith('.m4s'));
  const aheadSegments = Math.ceil(20 * m.fps / m.lr.segments!.frames) + 2;
  // the buffer goal (20 s ahead) bounds what was fetched, whatever the video's length
  expect(lr.length).toBeLessThanOrEqual(Math.ceil((s.frame + 1) / m.lr.segments!.frames) + aheadSegments);
  expect(lr.length).toBeLessThan(m.lr.segments!.files.length / 4);
  expect(s.bufferedSeconds).toBeGreaterThan(5);
  expect(s.bytesFetched).toBeGreaterThan(0);
  expect(server.requests('/long/lr.mp4', since)).toEqual([]); // the progressive file is for other readers
  expect(o.errors).toEqual([]);
});

test('a seek to 90% of a 10-minute pack shows its frame within 2 s, fetching at most 2 LR segments', async ({ page }) => {
  const o = await open(page, '/long/manifest.json');
  await until(page, '(s) => s.bufferedSeconds >= 15'); // the buffer ahead is full: nothing else in flight
  await page.waitForTimeout(500);
  const since = server.log.length;
  const m = (await withPlayer(page, (p) => p.manifest, null))!;
  const target = 0.9 * m.frames / m.fps;
  // measured in the page, in the task the seek resolves in: the buffer ahead starts fetching only after it
  const seek = await withPlayer(page, async (p, t: number) => {
    const bytes = p.stats.bytesFetched, t0 = performance.now();
    await p.seek(t);
    return { ms: performance.now() - t0, bytes: p.stats.bytesFetched - bytes, frame: p.stats.frame };
  }, target);
  expect(seek.frame).toBe(Math.round(target * m.fps));
  const segment = Math.floor(seek.frame / m.lr.segments!.frames);
  const lr = server.requests('/long/lr/', since);
  expect(lr[0].path).toBe(`/long/${m.lr.segments!.files[segment]}`);
  // the seek fetched the LR segment holding the frame (and at most the next one) and its layout segment
  const layoutBytes = server.bytesSent(`/long/${m.patches.segments!.files[segment]}`, since);
  const largest = Math.max(...m.lr.segments!.bytes);
  expect(seek.bytes - layoutBytes).toBeLessThanOrEqual(2 * largest);
  expect(seek.ms).toBeLessThan(2000);
  console.log(`seek to ${target.toFixed(1)} s (frame ${seek.frame}): shown in ${seek.ms.toFixed(0)} ms, ${seek.bytes - layoutBytes} LR bytes (largest segment ${largest})`);
  // a seek back into video already here resolves too (it never did with the whole-file download)
  await withPlayer(page, (p, t: number) => p.seek(t), target - 0.5);
  expect((await stats(page)).frame).toBe(Math.round((target - 0.5) * m.fps));
  expect(o.errors).toEqual([]);
});

test('memory does not grow with the length: after 60 s of play a 10-minute pack holds what a 20-second pack holds (within 10%)', async ({ browser }) => {
  test.setTimeout(300_000);
  const measure = async (pack: string) => {
    const page = await browser.newPage();
    const o = await open(page, pack);
    const cdp = await page.context().newCDPSession(page);
    await play(page);
    // the short pack ends after 20 s: it is played again from the start so that both play 60 s
    const t0 = Date.now();
    while (Date.now() - t0 < 60_000) {
      await page.waitForTimeout(2000);
      await withPlayer(page, (p) => { if (!p.isPlaying) p.play(); }, null);
    }
    // at rest: a frame's transient GPU buffers (the readback present's) are gone
    await withPlayer(page, (p) => p.pause(), null);
    await page.waitForTimeout(1000);
    await cdp.send('HeapProfiler.collectGarbage');
    const heap = (await cdp.send('Runtime.getHeapUsage')).usedSize;
    const s = await stats(page);
    expect(o.errors).toEqual([]);
    await page.close();
    return { heap, gpu: s.liveGpuBytes, bytes: s.bytesFetched };
  };
  const long = await measure('/long/manifest.json');
  const short = await measure('/short/manifest.json');
  console.log(`after 60 s: 10-min pack heap ${long.heap} B, GPU ${long.gpu} B; 20-s pack heap ${short.heap} B, GPU ${short.gpu} B`);
  expect(long.gpu).toBe(short.gpu);
  expect(Math.abs(long.heap - short.heap) / short.heap).toBeLessThan(0.1);
});

test('a network slower than the video: buffering in words, then playing again; nothing skipped, no early end', async ({ page }) => {
  test.setTimeout(300_000);
  const m = JSON.parse(readFileSync(join(ensureStreamingPack('short'), 'manifest.json'), 'utf8')) as DydcaPlayer['manifest'] & object;
  const bitrate = m.lr.segments!.bytes.reduce((a, b) => a + b, 0) / (m.frames / m.fps); // bytes per second of video
  // the segments come at half the rate the video needs, from the first (the page and the manifest at full speed)
  server.faults = [['/short/lr/', { bytesPerSecond: bitrate / 2 }]];
  const o = await open(page, '/short/manifest.json');
  await withPlayer(page, (p) => {
    const shown: number[] = [];
    (window as unknown as { shown: number[] }).shown = shown;
    p.addEventListener('frame', (e) => shown.push((e as CustomEvent).detail.frame));
    p.play();
  }, null);
  await until(page, "(s) => s.state === 'buffering'", 90_000);
  await expect(playerText(page).locator('.waiting')).toHaveText(/Buffering/);
  await expect(playerText(page).locator('.spinner')).toHaveCount(1);
  await until(page, "(s) => s.state === 'playing'", 30_000); // 2 s of video came: playing again, at the frame it stopped
  server.faults = []; // the network recovers (the request in flight finishes at its rate)
  const end = await until(page, "(s) => s.state === 'ended'", 120_000);
  expect(end.frame).toBe(m.frames - 1);
  // the clock waited for the video instead of jumping ahead: no gap beyond the few frames a busy CPU may miss
  // (before, the video jumped 147 frames and ended at 0:11.6 of 26 s)
  const shown = await page.evaluate(() => (window as unknown as { shown: number[] }).shown);
  const gaps = shown.slice(1).map((f, i) => f - shown[i]);
  console.log(`frames shown ${shown.length}, gaps > 1 at: ${gaps.map((g, i) => (g > 1 ? `${shown[i]}+${g}` : '')).filter(Boolean).join(' ')}; states ${o.states.join(' ')}`);
  expect(Math.min(...gaps)).toBeGreaterThanOrEqual(0); // a frame at rest may be shown again (its SR)
  expect(Math.max(...gaps)).toBeLessThanOrEqual(Math.max(5, m.fps / 2));
  expect(end.dropped).toBeLessThan(m.frames / 10);
  expect(o.states).toContain('buffering');
  expect(o.states.indexOf('ended')).toBe(o.states.length - 1);
  expect(o.errors).toEqual([]);
});

test('offline mid-play: said in the page and in stats, and playback resumes by itself when the network is back', async ({ page }) => {
  const o = await open(page, '/long/manifest.json');
  const cdp = await network(page);
  await play(page);
  await until(page, '(s) => s.frame >= 20');
  await throttle(cdp, -1, true);
  await until(page, "(s) => s.state === 'offline'", 10_000);
  await expect(playerText(page).locator('.waiting')).toHaveText(/Offline/);
  // playing on from what is here until it runs out, then waiting (not an error)
  await page.waitForTimeout(3000);
  expect((await stats(page)).state).toBe('offline');
  await unthrottled(cdp);
  const before = (await stats(page)).frame;
  const back = await until(page, `(s) => s.state === 'playing' && s.frame > ${before + 20}`, 60_000);
  expect(back.state).toBe('playing');
  await expect(playerText(page).locator('.waiting')).toHaveCount(0);
  expect(o.errors).toEqual([]);
});

test('offline before the manifest: says offline, and loads by itself once the network is back', async ({ page }) => {
  const o = await open(page, '/short/manifest.json');
  const cdp = await network(page);
  await throttle(cdp, -1, true);
  // another pack while offline: its manifest cannot come
  await withPlayer(page, (p) => { p.src = '/long/manifest.json'; }, null);
  await until(page, "(s) => s.state === 'offline'", 20_000);
  await expect(playerText(page).locator('.waiting')).toHaveText(/Offline: waiting for the network/);
  await unthrottled(cdp);
  await until(page, "(s) => s.state !== 'offline' && s.state !== 'loading'", 60_000);
  expect((await withPlayer(page, (p) => p.manifest!.frames, null))).toBeGreaterThan(1000); // the long pack's
  expect(o.errors).toEqual([]);
});

test('a segment answered 500 twice is retried with backoff and plays on; one missing for good is a clear error naming it', async ({ page }) => {
  server.faults = [['/short/lr/00002.m4s', { status: 500, times: 2 }], ['/short/lr/00004.m4s', { status: 404 }]];
  const since = server.log.length;
  const o = await open(page, '/short/manifest.json');
  const m = (await withPlayer(page, (p) => p.manifest, null))!;
  await play(page);
  const F = m.lr.segments!.frames;
  await until(page, `(s) => s.frame >= ${3 * F}`, 90_000);
  expect(server.requests('/short/lr/00002.m4s', since).map((r) => r.status)).toEqual([500, 500, 200]);
  const alert = playerText(page).locator('[role=alert]');
  await expect(alert).toHaveText(/Could not load the LR video segment 4 at http:\/\/localhost:\d+\/short\/lr\/00004\.m4s: HTTP 404.*gave up after 4 attempts/, { timeout: 60_000 });
  expect(server.requests('/short/lr/00004.m4s', since)).toHaveLength(4);
  expect((await stats(page)).state).toBe('error');
  expect(o.errors).toEqual([]);
});

test('a missing layout segment is asked for a few times, then a clear error (wait-for-sr does not hang)', async ({ page }) => {
  server.faults = [['/short/patches-00001.json', { status: 404 }]];
  const since = server.log.length;
  const o = await open(page, '/short/manifest.json');
  await withPlayer(page, (p) => { p.waitForSr = true; p.play(); }, null);
  await expect(playerText(page).locator('[role=alert]')).toHaveText(/patch layout segment at http:\/\/localhost:\d+\/short\/patches-00001\.json: HTTP 404/, { timeout: 60_000 });
  expect(server.requests('/short/patches-00001.json', since)).toHaveLength(4);
  expect(o.errors).toEqual([]);
});

test('a stalled segment (connection open, no bytes) is said as buffering, dropped and fetched again', async ({ page }) => {
  server.faults = [['/short/lr/00003.m4s', { stallAfterBytes: 100, times: 1 }]];
  const since = server.log.length;
  const o = await open(page, '/short/manifest.json');
  const m = (await withPlayer(page, (p) => p.manifest, null))!;
  await play(page);
  const F = m.lr.segments!.frames;
  await until(page, `(s) => s.frame >= ${4 * F + 2}`, 90_000);
  // resumed from the byte reached, with a Range request
  const asked = server.requests('/short/lr/00003.m4s', since);
  expect(asked.map((r) => [r.bytes, r.range])).toEqual([[100, null], [m.lr.segments!.bytes[3] - 100, 'bytes=100-']]);
  expect(o.errors).toEqual([]);
});

test('a server without Range support and with a wrong Content-Type still plays; a progressive pack resumes a stalled lr.mp4', async ({ page }) => {
  server.rangeSupport = false;
  server.contentType = 'text/plain';
  const o = await open(page, '/short/manifest.json');
  await play(page);
  await until(page, '(s) => s.frame >= 30', 60_000);
  // an older pack (one lr.mp4): a stall mid-file is resumed from the byte reached, with a Range request
  server.rangeSupport = true;
  server.contentType = null;
  server.faults = [['/progressive/lr.mp4', { stallAfterBytes: 1000, times: 1 }]];
  await withPlayer(page, (p) => { p.src = '/progressive/manifest.json'; }, null);
  await until(page, '(s) => s.frame >= 0 && s.state !== \'loading\'', 60_000);
  const lr = server.requests('/progressive/lr.mp4');
  expect(lr).toHaveLength(2);
  expect(lr[1].range).toBe('bytes=1000-');
  expect(o.errors).toEqual([]);
});
