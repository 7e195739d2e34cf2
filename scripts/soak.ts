// `npm run soak -- --minutes N`: plays a longer pack of the bundled clip in a loop in headless Chromium (the
// flags of playwright.config.ts), alternating the engines and seeking every few seconds, and samples error events,
// liveGpuBytes, the JS heap (after a forced GC, CDP) and frames shown. Exits non-zero on any error event, on
// liveGpuBytes (per engine) or heap growing more than 10%, or when frames stop coming. Not part of CI.
// All traffic stays on 127.0.0.1: the pack is answered from disk by a route, anything else is aborted.
import { chromium, type Browser } from '@playwright/test';
import { execFileSync, spawnSync } from 'node:child_process';
import { existsSync, mkdirSync, readFileSync, renameSync, rmSync, writeFileSync } from 'node:fs';
import { join, resolve } from 'node:path';
import { build, preview, type PreviewServer } from 'vite';
import { chromiumArgs } from '../playwright.config.js';
import type { DydcaPlayer, PlayerStats } from '../src/player/dydca-player.js';

const root = resolve(import.meta.dirname, '..');

interface Options { minutes: number; engines: string[]; seekEvery: number; sampleEvery: number; switchEvery: number; stallSeconds: number; port: number }

function parseOptions(argv: string[]): Options {
  const o: Options = { minutes: 10, engines: ['bicubic', 'compiled'], seekEvery: 5, sampleEvery: 15, switchEvery: 60, stallSeconds: 60, port: 4390 };
  const numeric: Record<string, keyof Options> = { '--minutes': 'minutes', '--seek-every': 'seekEvery', '--sample-every': 'sampleEvery', '--switch-every': 'switchEvery', '--stall-seconds': 'stallSeconds', '--port': 'port' };
  for (let i = 0; i < argv.length; i++) {
    const flag = argv[i];
    const value = argv[i + 1];
    if (flag === '--engines' && value) { o.engines = value.split(','); i++; continue; }
    const key = numeric[flag];
    if (!key || value === undefined || !Number.isFinite(Number(value)) || Number(value) <= 0) {
      throw new Error(`soak: bad argument '${flag}${value !== undefined ? ` ${value}` : ''}'. Usage: npm run soak -- --minutes N [--engines bicubic,compiled] [--seek-every S] [--sample-every S] [--switch-every S] [--stall-seconds S] [--port P]`);
    }
    (o as unknown as Record<string, number>)[key] = Number(value);
    i++;
  }
  return o;
}

/** The soak pack: 6 s of the bundled clip at 128x72 HR (coded 128x96; so SwiftShader keeps up), packed by the real packer with tiny training. */
const packArgs = ['--scale', '2', '--seconds', '6', '--max-width', '128', '--paths', '2', '--patch', '32', '--steps', '20'];
const packDir = join(root, '.cache', 'soak', 'pack');

function ensureSoakPack(): string {
  const stamp = join(root, '.cache', 'soak', 'pack-args.json');
  if (existsSync(join(packDir, 'manifest.json')) && existsSync(stamp) && readFileSync(stamp, 'utf8') === JSON.stringify(packArgs)) return packDir;
  mkdirSync(join(root, '.cache', 'soak'), { recursive: true });
  const clip = execFileSync(process.execPath, [join(root, 'scripts', 'fetch-demo-clip.mjs')], { encoding: 'utf8', stdio: ['ignore', 'pipe', 'inherit'] }).trim();
  const building = join(root, '.cache', 'soak', 'pack-building');
  rmSync(building, { recursive: true, force: true });
  console.log(`soak: packing ${clip} (${packArgs.join(' ')}) into ${packDir} ...`);
  const r = spawnSync(process.execPath, [join(root, 'bin', 'dydca.mjs'), 'pack', clip, '--out', building, ...packArgs], { cwd: root, stdio: ['ignore', 'inherit', 'inherit'] });
  if (r.status !== 0) throw new Error(`soak: dydca pack failed (exit ${r.status}); run it by hand to see why: npx dydca pack ${clip} --out ${building} ${packArgs.join(' ')}`);
  rmSync(packDir, { recursive: true, force: true });
  renameSync(building, packDir);
  writeFileSync(stamp, JSON.stringify(packArgs));
  return packDir;
}

interface Sample {
  t: number; engine: string; frames: number; frame: number; errors: number;
  liveGpuBytes: number; liveGpuObjects: number; heapBytes: number; dropped: number; shown: string;
}

interface PageState { frames: number; errors: string[]; last: PlayerStats | null; switching: boolean }

async function main(): Promise<number> {
  const o = parseOptions(process.argv.slice(2));
  const dir = ensureSoakPack();
  const manifest = JSON.parse(readFileSync(join(dir, 'manifest.json'), 'utf8')) as { frames: number; fps: number };
  const outDir = join(root, '.cache', 'soak', 'dist');
  console.log('soak: building the player ...');
  await build({ root, configFile: join(root, 'vite.config.ts'), logLevel: 'warn', build: { outDir, emptyOutDir: true } });
  let server: PreviewServer | null = null;
  let browser: Browser | null = null;
  // the soak stops by itself even if the browser hangs: its own length plus set-up and a margin
  const hardStop = setTimeout(() => { console.error('soak: still running long past --minutes; giving up (exit 3)'); process.exit(3); }, (o.minutes * 60 + 300) * 1000);
  hardStop.unref();
  try {
    server = await preview({ root, configFile: join(root, 'vite.config.ts'), logLevel: 'warn', build: { outDir }, preview: { host: '127.0.0.1', port: o.port, strictPort: true, open: false } });
    const origin = `http://127.0.0.1:${o.port}`;
    browser = await chromium.launch({ executablePath: '/usr/bin/chromium', args: chromiumArgs, headless: true });
    const context = await browser.newContext();
    const blocked: string[] = [];
    await context.route('**/*', async (route) => {
      const url = new URL(route.request().url());
      if (url.hostname !== '127.0.0.1' && url.hostname !== 'localhost') { blocked.push(url.href); await route.abort('blockedbyclient'); return; }
      if (url.pathname.startsWith('/soak-pack/')) {
        const file = join(dir, url.pathname.slice('/soak-pack/'.length));
        if (!file.startsWith(dir) || !existsSync(file)) { await route.fulfill({ status: 404, body: 'not found' }); return; }
        const type = file.endsWith('.json') ? 'application/json' : file.endsWith('.mp4') ? 'video/mp4' : 'application/octet-stream';
        await route.fulfill({ status: 200, body: readFileSync(file), contentType: type, headers: { 'Cross-Origin-Resource-Policy': 'same-origin' } });
        return;
      }
      await route.continue();
    });
    const page = await context.newPage();
    const pageErrors: string[] = [];
    page.on('pageerror', (e) => pageErrors.push(`${e.name}: ${e.message}`));
    const cdp = await context.newCDPSession(page);
    await page.goto(`${origin}/?pack=${encodeURIComponent('/soak-pack/manifest.json')}&autoplay=0&engine=${o.engines[0]}`);
    await page.waitForFunction(() => {
      const p = document.querySelector('dydca-demo-app')?.shadowRoot?.querySelector('dydca-player') as DydcaPlayer | null;
      return p?.isReady === true;
    }, undefined, { timeout: 180_000 });
    await page.evaluate(() => {
      const p = document.querySelector('dydca-demo-app')!.shadowRoot!.querySelector('dydca-player') as DydcaPlayer;
      const state: PageState = { frames: 0, errors: [], last: null, switching: false };
      (window as unknown as { soak: PageState }).soak = state;
      p.addEventListener('frame', (e) => { state.frames++; state.last = (e as CustomEvent<PlayerStats>).detail; });
      p.addEventListener('error', (e) => { state.errors.push((e as unknown as CustomEvent<{ message: string }>).detail.message); });
      p.addEventListener('ended', () => { void p.seek(0); p.play(); });
      // an engine switch (compiling pipelines, creating sessions) is not a stall: the clock restarts when it is done
      p.addEventListener('enginechange', () => { state.switching = false; });
      p.play();
    });
    const read = () => page.evaluate(() => {
      const s = (window as unknown as { soak: PageState }).soak;
      const p = document.querySelector('dydca-demo-app')!.shadowRoot!.querySelector('dydca-player') as unknown as { statusText: string; notice: string };
      // what the page shows besides the video (compiling ..., device notices): printed with each sample
      const shown = [p.statusText, p.notice].filter(Boolean).join(' / ');
      return { frames: s.frames, errors: [...s.errors], last: s.last, switching: s.switching, shown };
    });
    const heap = async (): Promise<number> => {
      await cdp.send('HeapProfiler.collectGarbage');
      return (await cdp.send('Runtime.getHeapUsage')).usedSize;
    };

    const samples: Sample[] = [];
    const start = Date.now();
    const end = start + o.minutes * 60_000;
    let engineIndex = 0;
    let nextSwitch = start + o.switchEvery * 1000;
    let nextSeek = start + o.seekEvery * 1000;
    let nextSample = start;
    let lastFrames = -1;
    let lastFrameAt = Date.now();
    let stalled: string | null = null;
    let switchAt = 0;
    let seed = 12345;
    const random = () => { seed = (seed * 1103515245 + 12345) % 2 ** 31; return seed / 2 ** 31; };
    console.log(`soak: ${o.minutes} min, engines ${o.engines.join(', ')} (switch every ${o.switchEvery} s), seek every ${o.seekEvery} s, pack ${manifest.frames} frames @ ${manifest.fps} fps, at ${origin}`);
    console.log('   t(s) engine          frames  frame  errors  liveGpuBytes  objects  heap(MiB)  dropped');
    while (Date.now() < end && !stalled) {
      const now = Date.now();
      if (now >= nextSwitch && o.engines.length > 1) {
        engineIndex = (engineIndex + 1) % o.engines.length;
        await page.evaluate(() => { (window as unknown as { soak: PageState }).soak.switching = true; });
        switchAt = now;
        await page.locator('#engine').selectOption(o.engines[engineIndex]);
        nextSwitch = now + o.switchEvery * 1000;
      }
      if (now >= nextSeek) {
        const seconds = random() * (manifest.frames / manifest.fps);
        await page.evaluate((s) => { (document.querySelector('dydca-demo-app')!.shadowRoot!.querySelector('dydca-player') as DydcaPlayer).seek(s); }, seconds);
        nextSeek = now + o.seekEvery * 1000;
      }
      const state = await read();
      if (state.frames !== lastFrames || state.switching) { lastFrames = state.frames; lastFrameAt = Date.now(); }
      // a switch gets five minutes (SwiftShader compiles slowly on a busy machine); one that never ends is a stall too
      if (state.switching && Date.now() - switchAt > 300_000) stalled = `the switch to ${o.engines[engineIndex]} has not finished after 300 s (page shows: ${state.shown || 'nothing'})`;
      if (Date.now() - lastFrameAt > o.stallSeconds * 1000) stalled = `no frame for ${o.stallSeconds} s (at ${((Date.now() - start) / 1000).toFixed(0)} s, frame ${state.last?.frame ?? -1})`;
      if (now >= nextSample || stalled) {
        const s: Sample = {
          t: (now - start) / 1000, engine: state.last?.engine ?? '-', frames: state.frames, frame: state.last?.frame ?? -1, errors: state.errors.length,
          liveGpuBytes: state.last?.liveGpuBytes ?? 0, liveGpuObjects: state.last?.liveGpuObjects ?? 0, heapBytes: await heap(), dropped: state.last?.dropped ?? 0, shown: state.shown,
        };
        samples.push(s);
        console.log(`${s.t.toFixed(0).padStart(7)} ${s.engine.padEnd(15)} ${String(s.frames).padStart(6)} ${String(s.frame).padStart(6)} ${String(s.errors).padStart(7)} ${String(s.liveGpuBytes).padStart(13)} ${String(s.liveGpuObjects).padStart(8)} ${(s.heapBytes / 2 ** 20).toFixed(2).padStart(10)} ${String(s.dropped).padStart(8)}${s.shown ? `  [${s.shown}]` : ''}`);
        nextSample = now + o.sampleEvery * 1000;
      }
      await new Promise((r) => setTimeout(r, 250));
    }
    const final = await read();
    return report(o, samples, final.errors, pageErrors, blocked, stalled);
  } finally {
    await browser?.close();
    await server?.close();
    clearTimeout(hardStop);
  }
}

/** Prints the verdict; returns the exit code. */
function report(o: Options, samples: Sample[], errors: string[], pageErrors: string[], blocked: string[], stalled: string | null): number {
  const problems: string[] = [];
  if (samples.length < 2) problems.push('fewer than two samples: run longer (--minutes)');
  if (errors.length) problems.push(`${errors.length} error event(s): ${[...new Set(errors)].slice(0, 3).join(' | ')}`);
  if (pageErrors.length) problems.push(`${pageErrors.length} uncaught page error(s): ${[...new Set(pageErrors)].slice(0, 3).join(' | ')}`);
  if (stalled) problems.push(`frames stopped: ${stalled}`);
  if (blocked.length) console.log(`soak: blocked ${blocked.length} request(s) off localhost, e.g. ${blocked[0]}`);
  // Warm-up (first visit of every engine: modules, pipelines, JIT) is not growth: baselines start after it.
  const warmAt = samples.find((s) => o.engines.every((e) => samples.some((p) => p.engine === e && p.t <= s.t)));
  const afterWarm = warmAt ? samples.filter((s) => s.t >= warmAt.t) : samples;
  const lines: string[] = [];
  for (const engine of o.engines) {
    const of = afterWarm.filter((s) => s.engine === engine);
    if (of.length === 0) { lines.push(`  ${engine}: never sampled`); continue; }
    const [first, last] = [of[0], of[of.length - 1]];
    const growth = (last.liveGpuBytes - first.liveGpuBytes) / Math.max(1, first.liveGpuBytes);
    lines.push(`  liveGpuBytes ${engine}: ${first.liveGpuBytes} -> ${last.liveGpuBytes} (${(growth * 100).toFixed(1)}%), objects ${first.liveGpuObjects} -> ${last.liveGpuObjects}`);
    if (growth > 0.1) problems.push(`liveGpuBytes on ${engine} grew ${(growth * 100).toFixed(1)}% (${first.liveGpuBytes} -> ${last.liveGpuBytes})`);
  }
  if (afterWarm.length > 0) {
    const [first, last] = [afterWarm[0], afterWarm[afterWarm.length - 1]];
    const growth = (last.heapBytes - first.heapBytes) / first.heapBytes;
    lines.push(`  JS heap (after GC, from t=${first.t.toFixed(0)} s): ${(first.heapBytes / 2 ** 20).toFixed(2)} -> ${(last.heapBytes / 2 ** 20).toFixed(2)} MiB (${(growth * 100).toFixed(1)}%)`);
    if (growth > 0.1) problems.push(`JS heap grew ${(growth * 100).toFixed(1)}% (${first.heapBytes} -> ${last.heapBytes} bytes)`);
  }
  const last = samples.at(-1);
  console.log(`soak summary: ${last ? `${last.t.toFixed(0)} s, ${last.frames} frames shown, ${last.dropped} dropped, ${errors.length} error events` : 'no samples'}`);
  for (const l of lines) console.log(l);
  if (problems.length) { console.log(`soak FAILED:\n  - ${problems.join('\n  - ')}`); return 1; }
  console.log('soak passed');
  return 0;
}

main().then((code) => process.exit(code), (e: unknown) => { console.error(e instanceof Error ? e.message : e); process.exit(2); });
