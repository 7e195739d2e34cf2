// <dydca-player> against careless and hostile input, in Debian Chromium (WebGPU on SwiftShader) with the real tiny
// e2e pack: bad seeks, bad manifests and layouts, wrong models, failing downloads, files outside the pack, oversized
// claims, removal and re-append. Each answer must be a clear error (event + message on the page) or a defined
// behaviour; never a hang, a black frame, a false error or an uncaught exception.
import { test, expect, type Page } from '@playwright/test';
import type { DydcaPlayer, PlayerStats } from '../src/player/dydca-player.js';
import type { LoadedPack } from '../src/player/pack-loader.js';
import { ensureTestPack, layoutOverrides, readPackFile, routePack, testPackUrl } from './test-pack.js';

type PackManifest = LoadedPack['manifest'];

test.beforeAll(() => { test.setTimeout(900_000); ensureTestPack(); });

const manifest = (): PackManifest => JSON.parse(readPackFile('manifest.json').toString()) as PackManifest;

interface PageWatch { pageErrors: string[]; consoleErrors: string[]; requests: string[] }

/** Records uncaught exceptions/rejections (pageerror), console errors and every request the page makes. */
function watch(page: Page): PageWatch {
  const w: PageWatch = { pageErrors: [], consoleErrors: [], requests: [] };
  page.on('pageerror', (e) => { w.pageErrors.push(`${e.name}: ${e.message}`); console.log(`[pageerror] ${e.name}: ${e.message}`); });
  page.on('console', (m) => { if (m.type() === 'error' || m.type() === 'warning') { w.consoleErrors.push(m.text()); console.log(`[page ${m.type()}] ${m.text()}`); } });
  page.on('request', (r) => { w.requests.push(r.url()); });
  return w;
}

/** Records every `error` event's message of any player in window.playerErrors. */
async function recordErrorEvents(page: Page): Promise<void> {
  await page.addInitScript(() => {
    const seen: string[] = [];
    (window as unknown as { playerErrors: string[] }).playerErrors = seen;
    window.addEventListener('error', (e) => { if (e instanceof CustomEvent) seen.push((e.detail as { message: string }).message); }, true);
  });
}
const errorEvents = (page: Page): Promise<string[]> => page.evaluate(() => (window as unknown as { playerErrors: string[] }).playerErrors);

/** The demo page on a pack (the test pack by default), paused, with `engine`. */
async function openDemo(page: Page, opts: { engine?: string; pack?: string; files?: Record<string, string | Buffer | null>; routes?: (page: Page) => Promise<unknown> } = {}): Promise<PageWatch> {
  const w = watch(page);
  await recordErrorEvents(page);
  await routePack(page, opts.files);
  // after routePack: the route registered last answers first
  await opts.routes?.(page);
  await page.goto(`/?pack=${encodeURIComponent(opts.pack ?? testPackUrl)}&autoplay=0&engine=${opts.engine ?? 'bicubic'}`);
  return w;
}

/** Runs `fn` in the page with the demo's player element. */
function withPlayer<T, A>(page: Page, fn: (p: DydcaPlayer, arg: A) => T | Promise<T>, arg: A): Promise<T> {
  return page.evaluate(async ({ src, arg }) => {
    const p = (document.querySelector('#fresh-player') ?? document.querySelector('dydca-demo-app')!.shadowRoot!.querySelector('dydca-player')) as DydcaPlayer;
    return (new Function('p', 'arg', `return (${src})(p, arg);`))(p, arg);
  }, { src: fn.toString(), arg });
}

/**
 * A player element of its own (id fresh-player, no demo page controls around it), on a page whose demo player has
 * nothing to load; later withPlayer calls address it.
 */
async function openFresh(page: Page, attrs: Record<string, string>, files: Record<string, string | Buffer | null> = {}, routes?: (page: Page) => Promise<unknown>): Promise<PageWatch> {
  const w = await openDemo(page, { pack: '/e2e-pack/no-demo-pack.json', files, routes });
  await expect(page.locator('dydca-demo-app dydca-player [role=alert]')).toHaveText(/HTTP 404/, { timeout: 60_000 });
  await page.evaluate((a) => {
    const p = document.createElement('dydca-player');
    p.id = 'fresh-player';
    // without src it would load the default demo pack
    for (const [k, v] of Object.entries({ src: '/e2e-pack/not-yet.json', ...a })) p.setAttribute(k, v);
    document.body.append(p);
  }, attrs);
  return w;
}

async function waitReady(page: Page): Promise<void> {
  await page.waitForFunction(() => {
    const p = (document.querySelector('#fresh-player') ?? document.querySelector('dydca-demo-app')?.shadowRoot?.querySelector('dydca-player')) as DydcaPlayer | null;
    return p?.isReady === true && p.stats.frame >= 0;
  }, undefined, { timeout: 120_000 });
}

/** The message the player shows (role=alert), once it matches `pattern`. */
async function expectAlert(page: Page, pattern: RegExp): Promise<string> {
  const fresh = (await page.locator('#fresh-player').count()) > 0;
  const alert = page.locator(fresh ? '#fresh-player [role=alert]' : 'dydca-demo-app dydca-player [role=alert]');
  await expect(alert).toHaveText(pattern, { timeout: 120_000 });
  return (await alert.textContent()) ?? '';
}

const stats = (page: Page): Promise<PlayerStats> => withPlayer(page, (p) => p.stats, null);
const readFrame = (page: Page, which: 'sr' | 'bicubic' | 'hr' = 'sr') => withPlayer(page, async (p, w: 'sr' | 'bicubic' | 'hr') => Array.from(await p.readFrame(w)), which);

function maxRgbDiff(a: ArrayLike<number>, b: ArrayLike<number>): number {
  let m = 0;
  for (let i = 0; i < a.length; i++) if (i % 4 !== 3) m = Math.max(m, Math.abs(a[i] - b[i]));
  return m;
}
const blackFraction = (rgba: number[]): number => {
  let black = 0;
  for (let i = 0; i < rgba.length; i += 4) if (rgba[i] + rgba[i + 1] + rgba[i + 2] < 12) black++;
  return black / (rgba.length / 4);
};

const withManifest = (edit: (m: PackManifest) => void): string => { const m = manifest(); edit(m); return JSON.stringify(m); };
/** The test pack as packs were made before segments: one lr.mp4 and hr.mp4, streamed progressively. */
const withoutSegments = (m: PackManifest): void => { for (const s of [m.lr, m.hr]) { delete s.segments; delete s.playlist; } };

test.describe('seek', () => {
  test('seek(NaN), seek(), seek(Infinity) and seek("1") throw a TypeError; out-of-range times clamp; the player keeps answering', async ({ page }) => {
    const w = await openDemo(page);
    await waitReady(page);
    const frames = manifest().frames;
    const thrown = await withPlayer(page, (p) => {
      const out: string[] = [];
      const seek = p.seek.bind(p) as (s?: unknown) => Promise<void>;
      for (const bad of [NaN, undefined, Infinity, -Infinity, '1', null]) {
        try { void seek(bad); out.push('no throw'); } catch (e) { out.push(`${(e as Error).name}: ${(e as Error).message}`); }
      }
      return out;
    }, null);
    expect(thrown).toHaveLength(6);
    for (const t of thrown) expect(t).toMatch(/^TypeError: seek\(.*\): the time must be a finite number of seconds/);
    expect(thrown[0]).toContain('seek(NaN)');
    // clamped: before the start -> first frame, past the end -> last frame
    expect(await withPlayer(page, async (p) => { await p.seek(-5); return p.stats.frame; }, null)).toBe(0);
    expect(await withPlayer(page, async (p) => { await p.seek(1e12); return p.stats.frame; }, null)).toBe(frames - 1);
    expect(await withPlayer(page, async (p) => { await p.seek(0.1); return p.stats.frame; }, null)).toBe(Math.round(0.1 * manifest().fps));
    // still answering: a readback goes through the same work queue a hung seek would block
    expect((await readFrame(page)).length).toBeGreaterThan(0);
    expect(await errorEvents(page)).toEqual([]);
    expect(w.pageErrors).toEqual([]);
  });

  test('seek before the pack is ready is applied once it is', async ({ page }) => {
    const w = await openFresh(page, {});
    const frame = await withPlayer(page, async (p, url: string) => {
      p.engine = 'bicubic';
      p.src = url;
      await p.seek(0.3);
      await new Promise<void>((r) => p.addEventListener('ready', () => r(), { once: true }));
      return p.stats.frame;
    }, testPackUrl);
    expect(frame).toBe(Math.round(0.3 * manifest().fps));
    expect(w.pageErrors).toEqual([]);
  });

  test('rapid seeks while playing: the last seek wins and playback continues from it', async ({ page }) => {
    const w = await openDemo(page);
    await waitReady(page);
    const fps = manifest().fps;
    const trace = await withPlayer(page, async (p, fps: number) => {
      p.play();
      // seeks issued while frames are queued, none awaited, then one awaited; none to the last frame, which would
      // end playback
      for (let k = 0; k < 25; k++) {
        void p.seek(((k * 3) % 8) / fps);
        await new Promise((r) => setTimeout(r, 7));
      }
      await p.seek(0);
      const t0 = performance.now();
      const shown: { frame: number; ms: number }[] = [{ frame: p.stats.frame, ms: 0 }];
      const onFrame = (e: Event) => shown.push({ frame: (e as CustomEvent<PlayerStats>).detail.frame, ms: performance.now() - t0 });
      p.addEventListener('frame', onFrame);
      await new Promise((r) => setTimeout(r, 600));
      p.removeEventListener('frame', onFrame);
      p.pause();
      return shown;
    }, fps);
    console.log('frames after the last seek:', JSON.stringify(trace));
    expect(trace[0].frame).toBe(0);
    expect(trace.length).toBeGreaterThan(1); // still playing
    const last = manifest().frames - 1;
    for (let i = 1; i < trace.length; i++) {
      // the last frame may come twice: playing ends on it, then it is refined at rest (its SR shown again)
      if (trace[i].frame === last && trace[i - 1].frame === last) continue;
      expect(trace[i].frame).toBeGreaterThan(trace[i - 1].frame);
      // a frame is never ahead of the clock restarted by the seek (a stale queued frame would be)
      expect(trace[i].frame).toBeLessThanOrEqual(1 + Math.floor((trace[i].ms * fps) / 1000) + 1);
    }
    expect(await errorEvents(page)).toEqual([]);
    expect(w.pageErrors).toEqual([]);
  });

  test("a manifest whose fps does not match lr.mp4 is an error, not a hang", async ({ page }) => {
    // lr.mp4 is 20 fps: at 40 fps every odd frame index has no frame.
    const w = await openDemo(page, { files: { 'manifest.json': withManifest((m) => { m.fps = 40; }) } });
    await waitReady(page);
    const rejected = await withPlayer(page, (p) => p.seek(1 / 40).then(() => 'resolved', (e: Error) => e.message), null);
    // (the LR stream is named by its segments' init file, lr/init.mp4, or lr.mp4 in a pack without segments)
    expect(rejected).toMatch(/lr(\.mp4|\/init\.mp4): there is no frame 1 at 40 fps .*the manifest's fps does not match the video/);
    await expectAlert(page, /lr(\.mp4|\/init\.mp4): there is no frame 1 at 40 fps .*the manifest's fps does not match the video/);
    expect(w.pageErrors).toEqual([]);
  });
});

/** The test pack's files with a manifest claiming 2 frames more than the video has (the layout repeated to match). */
function moreFramesThanVideo(segmented: boolean): { files: Record<string, string>; frames: number; extra: number } {
  const m = manifest();
  const extra = m.frames + 2;
  const files = {
    'manifest.json': withManifest((mm) => {
      mm.frames = extra;
      mm.metrics.psnrSRPerFrame = Array.from({ length: extra }, () => 30);
      mm.metrics.psnrBicubicPerFrame = Array.from({ length: extra }, () => 28);
      if (!segmented) withoutSegments(mm);
    }),
    ...layoutOverrides((frames) => Array.from({ length: extra }, (_, i) => frames[i % m.frames])),
  };
  return { files, frames: m.frames, extra };
}

test('a manifest listing more frames than lr.mp4 has (a pack without segments): seeking past the video is an error naming both counts', async ({ page }) => {
  const { files, frames, extra } = moreFramesThanVideo(false);
  const w = await openDemo(page, { files });
  await waitReady(page);
  const rejected = await withPlayer(page, (p, last: number) => p.seek(last / p.manifest!.fps).then(() => 'resolved', (e: Error) => e.message), extra - 1);
  expect(rejected).toMatch(new RegExp(`lr\\.mp4: frame ${extra - 1} is not in the video, which has ${frames} frames; the manifest lists more frames than the video has`));
  await expectAlert(page, /is not in the video/);
  expect(w.pageErrors).toEqual([]);
});

test('a manifest listing more frames than its LR segment holds is an error naming both counts, at load', async ({ page }) => {
  const { files, frames, extra } = moreFramesThanVideo(true);
  const w = await openDemo(page, { files });
  await expectAlert(page, new RegExp(`lr/00000\\.m4s is not what the manifest says: it holds ${frames} frames, the manifest says ${extra}`));
  expect(w.pageErrors).toEqual([]);
});

test('a site fallback page (HTML, HTTP 200) in place of a pack file is named as such', async ({ page }) => {
  // patches.json, or its first segment where the pack has segments
  await openDemo(page, { routes: (pg) => pg.route(/\/e2e-pack\/patches[-0-9]*\.json$/, (r) => r.fulfill({ status: 200, contentType: 'text/html', body: '<!doctype html><title>app</title>' })) });
  await expectAlert(page, /The patch layout (segment )?at http:\/\/[^ ]+\/e2e-pack\/patches[-0-9]*\.json is an HTML page, not the file .*check that the file is in the pack/);
});

test('compiled engine: a 32x32 patch plus 16x16 patches renders the same first frame as ort (arena not destroyed mid-pass)', async ({ page }) => {
  // One 32x32 patch (path 0) and 16x16 ones (path 1) for the rest of the (padded) LR frame: the second class needs a
  // bigger arena than the first.
  const { lr } = manifest();
  const rest: [number, number, number, number, number][] = [];
  for (let y = 0; y < lr.height; y += 16) for (let x = 0; x < lr.width; x += 16) if (x >= 32 || y >= 32) rest.push([x, y, 16, 16, 1]);
  const files = layoutOverrides((frames) => { frames[0] = [[0, 0, 32, 32, 0], ...rest]; });
  const w = await openDemo(page, { engine: 'compiled', files });
  await waitReady(page);
  const compiled = await readFrame(page);
  await page.locator('#engine').selectOption('ort');
  await page.waitForFunction(() => {
    const p = document.querySelector('dydca-demo-app')!.shadowRoot!.querySelector('dydca-player') as DydcaPlayer;
    return p.stats.engine === 'ort';
  }, undefined, { timeout: 120_000 });
  const ort = await readFrame(page);
  console.log(`first frame: compiled ${(blackFraction(compiled) * 100).toFixed(1)}% black, ort ${(blackFraction(ort) * 100).toFixed(1)}% black, max diff ${maxRgbDiff(compiled, ort)}/255`);
  expect(blackFraction(compiled)).toBeLessThan(0.05);
  expect(maxRgbDiff(compiled, ort)).toBeLessThanOrEqual(1);
  expect(w.consoleErrors.filter((m) => /destroyed|Invalid/i.test(m))).toEqual([]);
  expect(await errorEvents(page)).toEqual([]);
});

test('ort engine: a model whose output is not scale x input is refused with both shapes', async ({ page }) => {
  // The model upscales x2; this manifest claims x3 (hr 3x lr), as a careless re-pack would.
  const files = { 'manifest.json': withManifest((m) => { (m as { scale: number }).scale = 3; m.hr.width = m.lr.width * 3; m.hr.height = m.lr.height * 3; }) };
  const w = await openDemo(page, { engine: 'ort', files });
  const { halo } = manifest();
  const side = 32 + 2 * halo;
  const text = await expectAlert(page, /model\.onnx output/);
  expect(text).toContain(`[1, 3, ${3 * side}, ${3 * side}]`); // expected
  expect(text).toContain(`[1, 3, ${2 * side}, ${2 * side}]`); // actual
  expect(text).toMatch(/for path 0 \(32x32 patches/);
  expect(await errorEvents(page)).toEqual([text]);
  expect(w.pageErrors).toEqual([]);
});

test('removed and re-appended, the player loads again and shows the frame it was on', async ({ page }) => {
  const w = await openDemo(page);
  await waitReady(page);
  await withPlayer(page, (p) => p.seek(0.2), null);
  const before = await stats(page);
  await withPlayer(page, async (p) => {
    const parent = p.parentNode!;
    p.remove();
    await new Promise((r) => setTimeout(r, 50));
    parent.appendChild(p);
  }, null);
  await waitReady(page);
  const after = await stats(page);
  expect(after.frame).toBe(before.frame);
  const sr = await readFrame(page);
  expect(blackFraction(sr)).toBeLessThan(0.05);
  // and it plays
  const played = await withPlayer(page, (p) => new Promise<number>((r) => {
    p.addEventListener('frame', (e) => r((e as CustomEvent<PlayerStats>).detail.frame), { once: true });
    p.play();
  }), null);
  expect(played).toBeGreaterThan(before.frame);
  // moved within one task (no time to tear down in between)
  await withPlayer(page, (p) => { p.pause(); const parent = p.parentNode!; p.remove(); parent.appendChild(p); }, null);
  await waitReady(page);
  expect(await errorEvents(page)).toEqual([]);
  expect(w.pageErrors).toEqual([]);
});

test.describe('download failures name the URL, the HTTP status and what to do', () => {
  test('lr.mp4 network failure (a pack without segments)', async ({ page }) => {
    await openDemo(page, { files: { 'manifest.json': withManifest(withoutSegments) }, routes: (pg) => pg.route('**/e2e-pack/lr.mp4', (r) => r.abort('failed')) });
    const text = await expectAlert(page, /Could not fetch the video at http:\/\/[^ ]+\/e2e-pack\/lr\.mp4/);
    expect(text).toMatch(/check that the URL is reachable.*gave up after 4 attempts/);
  });

  test('LR segment network failure', async ({ page }) => {
    await openDemo(page, { routes: (pg) => pg.route('**/e2e-pack/lr/00000.m4s', (r) => r.abort('failed')) });
    await expectAlert(page, /Could not fetch the LR video segment 0 at http:\/\/[^ ]+\/e2e-pack\/lr\/00000\.m4s.*check that the URL is reachable.*gave up after 4 attempts/);
  });

  test('model.onnx HTTP 500', async ({ page }) => {
    // an engine that needs the model (the bicubic engine never fetches it)
    await openDemo(page, { engine: 'compiled', routes: (pg) => pg.route('**/e2e-pack/model.onnx', (r) => r.fulfill({ status: 500, body: 'boom' })) });
    await expectAlert(page, /Could not load the model at http:\/\/[^ ]+\/e2e-pack\/model\.onnx: HTTP 500.*server error/);
  });

  test('LR init segment HTTP 403', async ({ page }) => {
    await openDemo(page, { routes: (pg) => pg.route('**/e2e-pack/lr/init.mp4', (r) => r.fulfill({ status: 403, body: 'no' })) });
    await expectAlert(page, /Could not load the LR video init segment at http:\/\/[^ ]+\/e2e-pack\/lr\/init\.mp4: HTTP 403.*access denied/);
  });
});

test('device loss during playback recovers without an error event or an uncaught exception', async ({ page }) => {
  const w = await openDemo(page, { engine: 'ort' });
  await waitReady(page);
  await withPlayer(page, (p) => { p.addEventListener('ended', () => { void p.seek(0); p.play(); }); p.play(); }, null);
  await page.waitForTimeout(300);
  await withPlayer(page, (p) => p.simulateDeviceLoss(), null);
  await page.waitForFunction(() => !(document.querySelector('dydca-demo-app')!.shadowRoot!.querySelector('dydca-player') as DydcaPlayer).isReady);
  await waitReady(page);
  await withPlayer(page, (p) => new Promise((r) => p.addEventListener('frame', r, { once: true })), null);
  await page.waitForTimeout(500);
  expect(await errorEvents(page)).toEqual([]);
  await expect(page.locator('dydca-demo-app dydca-player [role=alert]')).toHaveCount(0);
  expect(w.pageErrors).toEqual([]);
});

test('a PSNR overlay failure (the HR reference broken) shows, and goes away when the overlay is turned off', async ({ page }) => {
  // (a pack without its HR reference, HTTP 404, plays on with PSNR null: e2e/player-product.spec.ts)
  const w = await openDemo(page, { routes: (p) => p.route('**/e2e-pack/hr/**', (r) => r.fulfill({ status: 500, body: 'broken' })) });
  await waitReady(page);
  await page.locator('#overlay').selectOption('psnr');
  await expectAlert(page, /PSNR overlay: Could not load the HR reference video init segment at http:\/\/[^ ]+\/e2e-pack\/hr\/init\.mp4: HTTP 500.*Turn the overlay off/);
  await page.locator('#overlay').selectOption('none');
  await expect(page.locator('dydca-demo-app dydca-player [role=alert]')).toHaveCount(0);
  // and the player works on
  const next = await withPlayer(page, async (p) => { await p.seek(0.25); return p.stats.frame; }, null);
  expect(next).toBe(5);
  expect(w.pageErrors).toEqual([]);
});

test.describe('trust: a manifest names files inside its pack only', () => {
  const refused = async (page: Page, files: Record<string, string>, pattern: RegExp, neverRequested: RegExp): Promise<void> => {
    const w = await openDemo(page, { files });
    await expectAlert(page, pattern);
    expect(await errorEvents(page)).toHaveLength(1);
    expect(w.requests.filter((u) => neverRequested.test(u))).toEqual([]);
  };

  test('"../" escape out of the pack folder', async ({ page }) => {
    await refused(page, { 'manifest.json': withManifest((m) => { m.model.file = '../../secret/model.onnx'; }) },
      /Refused the model "\.\.\/\.\.\/secret\/model\.onnx": it resolves to http:\/\/[^ ]+\/secret\/model\.onnx, outside the pack's folder http:\/\/[^ ]+\/e2e-pack\//, /secret/);
  });

  test('percent-encoded "%2e%2e/" escape', async ({ page }) => {
    await refused(page, { 'manifest.json': withManifest((m) => { m.patches.file = '%2e%2e/%2E%2e/etc/patches.json'; }) }, /Refused the patch layout .*outside the pack's folder/, /etc\/patches/);
  });

  test('encoded slash "..%2f" that a server may decode', async ({ page }) => {
    await refused(page, { 'manifest.json': withManifest((m) => { m.lr.file = '..%2fother-pack%2flr.mp4'; }) }, /Refused the LR video .*outside the pack's folder/, /other-pack/);
  });

  test('absolute URL on another origin', async ({ page }) => {
    await refused(page, { 'manifest.json': withManifest((m) => { m.lr.file = 'https://evil.example.com/track.mp4'; }) },
      /Refused the LR video https:\/\/evil\.example\.com\/track\.mp4: it is on https:\/\/evil\.example\.com, not the pack's origin .*allowed-origins="https:\/\/evil\.example\.com"/, /evil\.example\.com/);
  });

  test('data: URL', async ({ page }) => {
    await refused(page, { 'manifest.json': withManifest((m) => { m.model.file = 'data:application/octet-stream;base64,AAAA'; }) }, /Refused the model "data:.*only http\(s\) files are played/, /^data:/);
  });

  test('another origin is fetched once the page allows it (allowed-origins)', async ({ page, baseURL }) => {
    // The same server under another host name is another origin; it answers with CORS like a CDN would.
    const other = new URL(baseURL!).port ? `http://127.0.0.1:${new URL(baseURL!).port}` : 'http://127.0.0.1';
    // (a pack without segments: its one lr.mp4 moved to the other origin)
    const files = { 'manifest.json': withManifest((m) => { withoutSegments(m); m.lr.file = `${other}/cdn/lr.mp4`; }) };
    const w = await openFresh(page, { engine: 'bicubic' }, files, (pg) => pg.route(`${other}/cdn/lr.mp4`,
      (r) => r.fulfill({ status: 200, body: readPackFile('lr.mp4'), contentType: 'video/mp4', headers: { 'Access-Control-Allow-Origin': '*' } })));
    await withPlayer(page, (p, url: string) => { p.src = url; }, testPackUrl);
    await expectAlert(page, /Refused the LR video .*allowed-origins=/);
    expect(w.requests.filter((u) => u.startsWith(other))).toEqual([]);
    await withPlayer(page, (p, o: string) => { p.setAttribute('allowed-origins', o); p.src = `${p.src}?again`; }, other);
    await waitReady(page);
    expect(w.requests.filter((u) => u.startsWith(other))).not.toEqual([]);
    expect(blackFraction(await readFrame(page))).toBeLessThan(0.05);
  });

  test('a pack on another origin than the page needs allowed-origins; a malformed list is an error', async ({ page, baseURL }) => {
    const other = `http://127.0.0.1:${new URL(baseURL!).port}`;
    await openFresh(page, { engine: 'bicubic', src: `${other}/e2e-pack/manifest.json` });
    await expectAlert(page, /Refused to load the pack http:\/\/127\.0\.0\.1:\d+\/e2e-pack\/manifest\.json: .*another origin than this page's.*allowed-origins="http:\/\/127\.0\.0\.1:\d+"/);
    await withPlayer(page, (p) => { p.setAttribute('allowed-origins', 'cdn.example.com'); p.src = `${p.src}?again`; }, null);
    await expectAlert(page, /allowed-origins: "cdn\.example\.com" is not an origin; write scheme:\/\/host\[:port\]/);
  });
});

test.describe('sizes are checked before anything is allocated, and a failed load releases everything', () => {
  /** Loads `files` in a fresh player; returns the message and the live GPU bytes after the failure. */
  async function failedLoad(page: Page, files: Record<string, string | Buffer | null>, pattern: RegExp, engine = 'bicubic'): Promise<{ text: string; live: number; w: PageWatch }> {
    const w = await openFresh(page, { engine }, files);
    expect((await stats(page)).liveGpuBytes).toBe(0);
    await withPlayer(page, (p, url: string) => { p.src = url; }, testPackUrl);
    const text = await expectAlert(page, pattern);
    await page.waitForTimeout(300);
    return { text, live: (await stats(page)).liveGpuBytes, w };
  }

  test('a manifest claiming 8K frames over a 64x48 lr.mp4', async ({ page }) => {
    const m = manifest();
    const [lw, lh] = [3840, 2160];
    // a valid layout for the claimed size: 16x16 tiles (path 1)
    const frame: [number, number, number, number, number][] = [];
    for (let y = 0; y < lh; y += 16) for (let x = 0; x < lw; x += 16) frame.push([x, y, 16, 16, 1]);
    const files = {
      'manifest.json': withManifest((mm) => { mm.lr.width = lw; mm.lr.height = lh; mm.hr.width = lw * m.scale; mm.hr.height = lh * m.scale; }),
      'patches.json': JSON.stringify({ frames: Array.from({ length: m.frames }, () => frame) }),
    };
    const { live, w } = await failedLoad(page, files, new RegExp(`lr(\\.mp4|/init\\.mp4): the video is ${m.lr.width}x${m.lr.height} but the manifest says LR frames are 3840x2160`));
    expect(live).toBe(0);
    expect(w.pageErrors).toEqual([]);
  });

  test('a manifest claiming 16K frames is refused before patches.json is read', async ({ page }) => {
    const files = { 'manifest.json': withManifest((mm) => { mm.lr.width = 7680; mm.lr.height = 4320; mm.hr.width = 15360; mm.hr.height = 8640; }) };
    const { live, w } = await failedLoad(page, files, /hr frames are 15360x8640; this GPU device takes textures up to 8192px a side|hr must be .*1\.\.8192/);
    expect(live).toBe(0);
    expect(w.requests.filter((u) => u.endsWith('/e2e-pack/patches.json'))).toEqual([]);
  });

  test('a broken model fails the load after the frame textures exist, and they are released', async ({ page }) => {
    const { live } = await failedLoad(page, { 'model.onnx': Buffer.from('this is not an onnx file, just text '.repeat(8)) },
      /The compiled engine cannot use the model http:\/\/[^ ]+\/e2e-pack\/model\.onnx: not an ONNX model/, 'compiled');
    expect(live).toBe(0);
  });

  test('a patch whose size is not its path\'s is refused', async ({ page }) => {
    // a 16x16 patch on path 0, which serves 32x32
    await openDemo(page, { files: layoutOverrides((frames) => { frames[2][0][4] = 0; }) });
    await expectAlert(page, /Bad patch layout in frame 2: patch 0 is 16x16 but path 0 serves 32x32 patches/);
  });

  test('an oversized model.onnx is refused from its Content-Length', async ({ page }) => {
    await openDemo(page, { engine: 'compiled', routes: (pg) => pg.route('**/e2e-pack/model.onnx', (r) => r.fulfill({ status: 200, body: Buffer.alloc(1024), headers: { 'Content-Length': String(300 << 20) } }).catch(() => undefined)) });
    await expectAlert(page, /The model at http:\/\/[^ ]+\/model\.onnx is 314572800 bytes; the player takes at most 268435456 bytes/);
  });
});
