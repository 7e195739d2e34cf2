// <dydca-player> lifecycle in Debian Chromium (WebGPU on SwiftShader) on the tiny e2e pack: 20 engine switches
// leave no GPU object behind, removal stops all work and frees the GPU, device loss is recovered (then falls
// back to bicubic). GPU objects are counted by a page-level ledger wrapped around WebGPU itself, independent
// of the player's own GpuMemoryTracker, and so are fetches, decodes, queue submits, timers and frame callbacks.
import { test, expect, type Page } from '@playwright/test';
import type { DydcaPlayer, PlayerStats } from '../src/player/dydca-player.js';
import { waitReady, withPlayer } from './player-page.js';
import { ensureTestPack, routePack, testPackUrl } from './test-pack.js';

interface Activity { fetch: number; decode: number; submit: number; rafCallbacks: number; rvfcCallbacks: number; timerCallbacks: number }
interface LedgerView { devices: number; liveDevices: number; liveObjects: number }
interface PageProbe { activity: Activity; ledger(): LedgerView }

/** Runs before any page script: counts GPU objects per device and the page's activity. */
function instrumentPage(): void {
  const activity = { fetch: 0, decode: 0, submit: 0, rafCallbacks: 0, rvfcCallbacks: 0, timerCallbacks: 0 };
  interface DeviceEntry { live: number; gone: boolean }
  const entries: DeviceEntry[] = [];
  const byDevice = new WeakMap<object, DeviceEntry>();
  const owner = new WeakMap<object, DeviceEntry>();
  const entryOf = (device: object): DeviceEntry => {
    let e = byDevice.get(device);
    if (!e) {
      e = { live: 0, gone: false };
      byDevice.set(device, e);
      entries.push(e);
      const entry = e;
      void (device as GPUDevice).lost.then(() => { entry.gone = true; });
    }
    return e;
  };
  // Every GPU object with destroy(): created on a device, live until its first destroy() or its device's loss.
  const wrapCreate = (method: 'createBuffer' | 'createTexture' | 'createQuerySet') => {
    const orig = GPUDevice.prototype[method] as (this: GPUDevice, d: unknown) => object;
    (GPUDevice.prototype as unknown as Record<string, unknown>)[method] = function (this: GPUDevice, desc: unknown) {
      const obj = orig.call(this, desc);
      const e = entryOf(this);
      e.live++;
      owner.set(obj, e);
      return obj;
    };
  };
  const wrapDestroy = (proto: { destroy(): void }) => {
    const orig = proto.destroy;
    proto.destroy = function (this: object) {
      const e = owner.get(this);
      if (e) { e.live--; owner.delete(this); }
      orig.call(this);
    };
  };
  wrapCreate('createBuffer'); wrapCreate('createTexture'); wrapCreate('createQuerySet');
  wrapDestroy(GPUBuffer.prototype); wrapDestroy(GPUTexture.prototype); wrapDestroy(GPUQuerySet.prototype);
  const origDeviceDestroy = GPUDevice.prototype.destroy;
  GPUDevice.prototype.destroy = function (this: GPUDevice) { entryOf(this).gone = true; origDeviceDestroy.call(this); };
  const origRequestDevice = GPUAdapter.prototype.requestDevice;
  GPUAdapter.prototype.requestDevice = async function (this: GPUAdapter, d?: GPUDeviceDescriptor) {
    const device = await origRequestDevice.call(this, d);
    entryOf(device);
    return device;
  };

  const origFetch = window.fetch;
  window.fetch = function (...args: Parameters<typeof fetch>) { activity.fetch++; return origFetch.apply(this, args); };
  const origDecode = VideoDecoder.prototype.decode;
  VideoDecoder.prototype.decode = function (this: VideoDecoder, chunk: EncodedVideoChunk) { activity.decode++; origDecode.call(this, chunk); };
  const origSubmit = GPUQueue.prototype.submit;
  GPUQueue.prototype.submit = function (this: GPUQueue, buffers: Iterable<GPUCommandBuffer>) { activity.submit++; origSubmit.call(this, buffers); };
  const origRaf = window.requestAnimationFrame;
  window.requestAnimationFrame = (cb) => origRaf((t) => { activity.rafCallbacks++; cb(t); });
  const rvfc = HTMLVideoElement.prototype.requestVideoFrameCallback;
  if (rvfc) {
    HTMLVideoElement.prototype.requestVideoFrameCallback = function (this: HTMLVideoElement, cb: VideoFrameRequestCallback) {
      return rvfc.call(this, (now, meta) => { activity.rvfcCallbacks++; cb(now, meta); });
    };
  }
  const origSetTimeout = window.setTimeout;
  window.setTimeout = ((cb: TimerHandler, ms?: number, ...args: unknown[]) =>
    origSetTimeout(() => { activity.timerCallbacks++; if (typeof cb === 'function') (cb as (...a: unknown[]) => void)(...args); }, ms)) as typeof setTimeout;
  const origSetInterval = window.setInterval;
  window.setInterval = ((cb: TimerHandler, ms?: number, ...args: unknown[]) =>
    origSetInterval(() => { activity.timerCallbacks++; if (typeof cb === 'function') (cb as (...a: unknown[]) => void)(...args); }, ms)) as typeof setInterval;

  const probe: PageProbe = {
    activity,
    ledger: () => ({
      devices: entries.length,
      liveDevices: entries.filter((e) => !e.gone).length,
      liveObjects: entries.filter((e) => !e.gone).reduce((s, e) => s + e.live, 0),
    }),
  };
  (window as unknown as { lifecycleProbe: PageProbe }).lifecycleProbe = probe;
}

test.beforeAll(() => { ensureTestPack(); });

/** Opens the demo page on the test pack with the probe installed; collects page errors and `error` events. */
async function openPlayer(page: Page, engine: string): Promise<{ pageErrors: string[] }> {
  const pageErrors: string[] = [];
  page.on('pageerror', (e) => pageErrors.push(`${e.name}: ${e.message}`));
  page.on('console', (m) => {
    if (m.type() === 'error') { console.log(`[page] ${m.text()}`); if (/Uncaught|AbortError/.test(m.text())) pageErrors.push(m.text()); }
  });
  await page.addInitScript(instrumentPage);
  await page.addInitScript(() => {
    const w = window as unknown as { playerErrors: string[]; playerLog: { type: string; frame: number; engine?: string }[] };
    w.playerErrors = [];
    w.playerLog = [];
    // `error` is composed: it reaches the window; `frame`/`devicelost` are read on the element (see attachLog).
    window.addEventListener('error', (e) => { if (e instanceof CustomEvent) w.playerErrors.push((e.detail as { message: string }).message); }, true);
  });
  await routePack(page);
  await page.goto(`/?pack=${encodeURIComponent(testPackUrl)}&autoplay=0&engine=${engine}`);
  await waitReady(page);
  await withPlayer(page, (p) => {
    const w = window as unknown as { playerLog: { type: string; frame: number; engine?: string }[] };
    p.addEventListener('frame', (e) => { const s = (e as CustomEvent<PlayerStats>).detail; w.playerLog.push({ type: 'frame', frame: s.frame, engine: s.engine }); });
    p.addEventListener('devicelost', (e) => { w.playerLog.push({ type: 'devicelost', frame: (e as CustomEvent<{ frame: number }>).detail.frame }); });
    // loop the 10-frame pack so "while playing" lasts as long as the test needs
    p.addEventListener('ended', () => { p.seek(0); p.play(); });
  }, null);
  return { pageErrors };
}


/** Waits until the page log has a frame event after log position `from` that satisfies `pred`. */
async function waitLogFrame(page: Page, from: number, pred: string): Promise<{ type: string; frame: number; engine?: string }> {
  const handle = await page.waitForFunction(({ from, pred }) => {
    const log = (window as unknown as { playerLog: { type: string; frame: number; engine?: string }[] }).playerLog;
    const check = new Function('s', `return ${pred};`) as (s: unknown) => boolean;
    return log.slice(from).find((e) => e.type === 'frame' && check(e)) ?? false;
  }, { from, pred }, { timeout: 120_000, polling: 100 });
  return (await handle.jsonValue()) as { type: string; frame: number; engine?: string };
}

const logLength = (page: Page) => page.evaluate(() => (window as unknown as { playerLog: unknown[] }).playerLog.length);
const playerErrors = (page: Page) => page.evaluate(() => (window as unknown as { playerErrors: string[] }).playerErrors);
const ledger = (page: Page) => page.evaluate(() => (window as unknown as { lifecycleProbe: PageProbe }).lifecycleProbe.ledger());

/** Pauses and waits until the player's work queue is idle (readFrame runs behind everything queued). */
async function pauseIdle(page: Page): Promise<{ bytes: number; objects: number; byLabel: Record<string, number> }> {
  return withPlayer(page, async (p) => {
    p.pause();
    // the frame on screen with SR, whole: while playing SR may have run in smaller chunks (or not at all, when it
    // cannot keep up), and the engine's buffers are sized by the largest batch it has run
    await p.seek(p.stats.time);
    await p.readFrame('sr');
    const t = p.gpuMemory!;
    return { bytes: t.live, objects: t.liveObjects, byLabel: t.liveObjectsByLabel() };
  }, null);
}

test('20 engine switches while playing: liveGpuBytes returns within 5% and every GPU object is destroyed', async ({ page }) => {
  // 20 switches through every engine on SwiftShader: each ort session takes ~30-40 s and each compiled prepare up to
  // a minute on a busy 2-core machine (12.7 min measured at load 14)
  test.setTimeout(1_500_000);
  const { pageErrors } = await openPlayer(page, 'compiled');
  // every engine the player offers, as the demo page lists them
  const engines = await page.locator('#engine option').evaluateAll((os) => os.map((o) => (o as HTMLOptionElement).value));
  expect(engines.length).toBeGreaterThanOrEqual(4);
  expect(engines[0]).toBe('compiled');
  const first = await pauseIdle(page);
  const ledgerFirst = await ledger(page);
  const firstStats = await withPlayer(page, (p) => p.stats, null);
  await withPlayer(page, (p) => p.play(), null);
  const startLog = await logLength(page);
  const visited: string[] = [];
  for (let i = 1; i <= 20; i++) {
    const name = engines[i % engines.length];
    // The switch is done when the engine is prepared (`enginechange`); waiting for a frame of every engine as
    // well would add minutes of SwiftShader model runs. Frames keep being shown in between (checked below).
    await page.evaluate((n) => new Promise<void>((done, fail) => {
      const p = document.querySelector('dydca-demo-app')!.shadowRoot!.querySelector('dydca-player') as DydcaPlayer;
      p.addEventListener('enginechange', () => done(), { once: true });
      p.addEventListener('error', () => fail(new Error('player error during the switch')), { once: true });
      const select = document.querySelector('dydca-demo-app')!.shadowRoot!.querySelector('#engine') as HTMLSelectElement;
      select.value = n;
      select.dispatchEvent(new Event('change'));
    }), name);
    expect(await withPlayer(page, (p) => p.isPlaying, null)).toBe(true);
    visited.push(name);
  }
  expect(visited.at(-1)).toBe(engines[0]);
  // still playing, on the last engine
  await waitLogFrame(page, await logLength(page), `s.engine === ${JSON.stringify(engines[0])}`);
  const shownDuring = (await page.evaluate(() => (window as unknown as { playerLog: { type: string; engine?: string }[] }).playerLog)).slice(startLog).filter((e) => e.type === 'frame');
  console.log(`frames shown during the switches: ${shownDuring.length} (${[...new Set(shownDuring.map((e) => e.engine))].join(', ')})`);
  expect(shownDuring.length).toBeGreaterThan(1);
  const last = await pauseIdle(page);
  const ledgerLast = await ledger(page);
  const lastStats = await withPlayer(page, (p) => p.stats, null);
  console.log(`after 20 switches (${[...new Set(visited)].join(', ')}): live ${first.bytes} -> ${last.bytes} B, objects ${first.objects} -> ${last.objects}, page ledger ${ledgerFirst.liveObjects} -> ${ledgerLast.liveObjects}; stats.liveGpuBytes ${firstStats.liveGpuBytes} -> ${lastStats.liveGpuBytes}`);
  expect(Math.abs(last.bytes - first.bytes)).toBeLessThanOrEqual(0.05 * first.bytes);
  expect(Math.abs(lastStats.liveGpuBytes - firstStats.liveGpuBytes)).toBeLessThanOrEqual(0.05 * firstStats.liveGpuBytes);
  // the same objects, by label, as before the switches; and the independent ledger agrees
  expect(last.byLabel).toEqual(first.byLabel);
  expect(ledgerLast.liveObjects).toBe(ledgerFirst.liveObjects);
  expect(ledgerLast.liveDevices).toBe(ledgerFirst.liveDevices);
  expect(await playerErrors(page)).toEqual([]);
  expect(pageErrors).toEqual([]);
});

test('removing the element while playing stops all work and frees its GPU objects', async ({ page }) => {
  // the compiled engine's prepare plus two frames: up to a minute and ~7 s a frame on SwiftShader at load 14
  test.setTimeout(360_000);
  const { pageErrors } = await openPlayer(page, 'compiled');
  await withPlayer(page, (p) => p.play(), null);
  const from = await logLength(page);
  await waitLogFrame(page, from, 's.frame >= 0');
  await waitLogFrame(page, from + 1, 's.frame >= 0');
  const before = await ledger(page);
  expect(before.liveObjects).toBeGreaterThan(0);
  // keep the tracker: after removal the player lets go of it along with the device
  await page.evaluate(() => {
    const p = document.querySelector('dydca-demo-app')!.shadowRoot!.querySelector('dydca-player') as DydcaPlayer;
    (window as unknown as { removedPlayer: DydcaPlayer }).removedPlayer = p;
    (window as unknown as { removedTracker: unknown }).removedTracker = p.gpuMemory;
    p.remove();
  });
  await page.waitForFunction(() => (window as unknown as { removedPlayer: DydcaPlayer }).removedPlayer.gpuDevice === null, undefined, { timeout: 30_000 });
  // let whatever was in flight at removal settle, then nothing may happen at all
  await page.waitForTimeout(1000);
  const snapshot = () => page.evaluate(() => ({
    activity: { ...(window as unknown as { lifecycleProbe: PageProbe }).lifecycleProbe.activity },
    frames: (window as unknown as { playerLog: { type: string }[] }).playerLog.filter((e) => e.type === 'frame').length,
  }));
  const a = await snapshot();
  await page.waitForTimeout(3000);
  const b = await snapshot();
  console.log('activity after removal:', JSON.stringify(a), '->', JSON.stringify(b));
  expect(b).toEqual(a);
  const after = await ledger(page);
  const tracker = await page.evaluate(() => {
    const t = (window as unknown as { removedTracker: { live: number; liveObjects: number; liveObjectsByLabel(): Record<string, number> } }).removedTracker;
    return { live: t.live, liveObjects: t.liveObjects, byLabel: t.liveObjectsByLabel() };
  });
  console.log(`GPU objects live: ${before.liveObjects} while playing -> ${after.liveObjects} after removal; player tracker ${JSON.stringify(tracker)}`);
  // baseline before the player existed: no live device, no live object
  expect(after).toMatchObject({ liveDevices: 0, liveObjects: 0 });
  // and the player destroyed each of its objects itself, not just through its device
  expect(tracker).toEqual({ live: 0, liveObjects: 0, byLabel: {} });
  expect(await playerErrors(page)).toEqual([]);
  expect(pageErrors).toEqual([]);
});

test('device loss mid-play: recovers at the same frame without error; a second loss within 10 s falls back to bicubic', async ({ page }) => {
  test.setTimeout(480_000);
  const { pageErrors } = await openPlayer(page, 'compiled');
  await withPlayer(page, (p) => p.play(), null);
  // two frames while playing (the compiled engine needs seconds per frame on SwiftShader)
  await waitLogFrame(page, 0, 'true');
  await waitLogFrame(page, 1, 'true');
  const notice = page.locator('dydca-player [role=status]');

  // first loss: destroy the player's device as a driver reset would
  const lossAt = await logLength(page);
  await withPlayer(page, (p) => p.gpuDevice!.destroy(), null);
  await expect(notice).toHaveText(/GPU device lost .*re-creating it and resuming at frame \d+|re-created; resumed at frame \d+/, { timeout: 30_000 });
  // a frame may still be reported between destroy() and the device's lost promise: wait for one after the event
  const lostAt = await page.waitForFunction((from) => {
    const log = (window as unknown as { playerLog: { type: string }[] }).playerLog;
    const i = log.findIndex((e, k) => k >= from && e.type === 'devicelost');
    return i >= 0 ? i : null;
  }, lossAt).then((h) => h.jsonValue() as Promise<number>);
  await waitLogFrame(page, lostAt + 1, 's.engine === "compiled"');
  const log = await page.evaluate(() => (window as unknown as { playerLog: { type: string; frame: number; engine?: string }[] }).playerLog);
  const lostIndex = lostAt;
  expect(lostIndex).toBeGreaterThanOrEqual(0);
  const shownBefore = log.slice(0, lostIndex).filter((e) => e.type === 'frame').at(-1)!;
  const firstAfter = log.slice(lostIndex).find((e) => e.type === 'frame')!;
  console.log(`loss 1: last frame shown ${shownBefore.frame}, devicelost at frame ${log[lostIndex].frame}, first frame after recovery ${firstAfter.frame} (${firstAfter.engine})`);
  expect(log[lostIndex].frame).toBe(shownBefore.frame);
  expect(firstAfter.frame).toBe(shownBefore.frame);
  expect(firstAfter.engine).toBe('compiled');
  await expect(notice).toHaveText(new RegExp(`re-created; resumed at frame ${shownBefore.frame}`));
  expect(await withPlayer(page, (p) => p.isPlaying, null)).toBe(true);

  // second loss, right after the recovery (SwiftShader needs seconds per compiled frame: waiting for more frames
  // first could leave the 10 s window): fall back to bicubic and say so
  const secondAt = await logLength(page);
  await withPlayer(page, (p) => p.gpuDevice!.destroy(), null);
  await waitLogFrame(page, secondAt, 's.engine === "bicubic"');
  await expect(notice).toHaveText(/lost again within 10 s.*bicubic/);
  await expect(page.locator('#engine')).toHaveValue('bicubic');
  // it plays on
  const more = await logLength(page);
  await waitLogFrame(page, more, 's.engine === "bicubic"');
  await waitLogFrame(page, more + 1, 's.engine === "bicubic"');
  expect(await withPlayer(page, (p) => p.isPlaying, null)).toBe(true);
  await expect(page.locator('dydca-player [role=alert]')).toHaveCount(0);
  expect(await playerErrors(page)).toEqual([]);
  expect(pageErrors).toEqual([]);
  // the lost devices' objects are gone with them; only the current device holds any
  expect((await ledger(page)).liveDevices).toBe(1);
  await page.screenshot({ path: `${test.info().outputDir}/player-device-loss-fallback.png` });
});
