// Time to first frame against video length: packs a 5 s and a 60 s clip (the bundled clip looped, 256 px wide, one
// training step: the model's quality does not matter here) and loads each in headless Chromium several times, side by
// side, reporting the median time from navigation to the poster (first frame, bicubic) and `stats.startupMs` (src
// set to the first SR frame, bicubic engine so kernel compilation is not what is timed; --engine to change).
//   npx tsx scripts/measure-startup.ts [--runs 5] [--engine bicubic] [--port 4394]
import { chromium } from '@playwright/test';
import { execFileSync, spawnSync } from 'node:child_process';
import { existsSync, mkdirSync, readFileSync, renameSync, rmSync, statSync } from 'node:fs';
import { join, resolve } from 'node:path';
import { build, preview } from 'vite';
import { chromiumArgs } from '../playwright.config.js';
import type { DydcaPlayer } from '../src/player/dydca-player.js';

const root = resolve(import.meta.dirname, '..');
const work = join(root, '.cache', 'startup');
const arg = (name: string, fallback: string): string => { const i = process.argv.indexOf(`--${name}`); return i > 0 ? process.argv[i + 1] : fallback; };
const runs = Number(arg('runs', '5'));
const engine = arg('engine', 'bicubic');
const port = Number(arg('port', '4394'));

function ensurePack(seconds: number): string {
  const dir = join(work, `pack-${seconds}s`);
  if (existsSync(join(dir, 'manifest.json'))) return dir;
  mkdirSync(work, { recursive: true });
  const clip = execFileSync(process.execPath, [join(root, 'scripts', 'fetch-demo-clip.mjs')], { encoding: 'utf8', stdio: ['ignore', 'pipe', 'inherit'] }).trim();
  const looped = join(work, 'looped-60s.mp4');
  if (!existsSync(looped)) {
    execFileSync('ffmpeg', ['-v', 'error', '-y', '-stream_loop', '-1', '-i', `file:${clip}`, '-t', '60', '-vf', 'scale=256:-2', '-an', '-c:v', 'libx264', '-crf', '18', `file:${looped}`]);
  }
  const building = `${dir}-building`;
  rmSync(building, { recursive: true, force: true });
  const r = spawnSync(process.execPath, [join(root, 'bin', 'dydca.mjs'), 'pack', looped, '--out', building, '--seconds', String(seconds), '--max-width', '256',
    '--paths', '2', '--patch', '32', '--steps', '1'], { cwd: root, stdio: ['ignore', 'inherit', 'inherit'] });
  if (r.status !== 0) throw new Error(`dydca pack failed (exit ${r.status})`);
  renameSync(building, dir);
  return dir;
}

const median = (v: number[]): number => { const s = [...v].sort((a, b) => a - b); return s.length % 2 ? s[(s.length - 1) / 2] : (s[s.length / 2 - 1] + s[s.length / 2]) / 2; };

async function main(): Promise<void> {
  const packs = { '5s': ensurePack(5), '60s': ensurePack(60) };
  const outDir = join(work, 'dist');
  await build({ root, configFile: join(root, 'vite.config.ts'), logLevel: 'warn', build: { outDir, emptyOutDir: true } });
  const server = await preview({ root, configFile: join(root, 'vite.config.ts'), logLevel: 'warn', build: { outDir }, preview: { host: '127.0.0.1', port, strictPort: true, open: false } });
  const browser = await chromium.launch({ executablePath: '/usr/bin/chromium', args: chromiumArgs, headless: true });
  const results: Record<string, { posterMs: number[]; startupMs: number[] }> = { '5s': { posterMs: [], startupMs: [] }, '60s': { posterMs: [], startupMs: [] } };
  try {
    for (let run = 0; run < runs; run++) {
      for (const [name, dir] of Object.entries(packs)) { // interleaved: the machine's load hits both alike
        const context = await browser.newContext();
        await context.route('**/startup-pack/**', async (route) => {
          const file = join(dir, new URL(route.request().url()).pathname.replace(/^\/startup-pack\//, ''));
          if (!file.startsWith(dir) || !existsSync(file)) { await route.fulfill({ status: 404, body: 'not found' }); return; }
          const type = file.endsWith('.json') ? 'application/json' : file.endsWith('.mp4') ? 'video/mp4' : 'application/octet-stream';
          await route.fulfill({ status: 200, body: readFileSync(file), contentType: type });
        });
        const page = await context.newPage();
        await page.goto(`http://127.0.0.1:${port}/?pack=${encodeURIComponent('/startup-pack/manifest.json')}&autoplay=0&engine=${engine}`);
        // (no named functions inside: tsx would wrap them in a helper the page does not have)
        const posterMs = await page.waitForFunction(() => {
          const p = document.querySelector('dydca-demo-app')?.shadowRoot?.querySelector('dydca-player') as DydcaPlayer | null;
          return (p?.stats.frame ?? -1) >= 0 ? performance.now() : false;
        }, undefined, { timeout: 300_000, polling: 5 }).then((h) => h.jsonValue() as Promise<number>);
        await page.waitForFunction(() => {
          const p = document.querySelector('dydca-demo-app')?.shadowRoot?.querySelector('dydca-player') as DydcaPlayer | null;
          return p?.isReady === true && p.stats.startupMs !== null;
        }, undefined, { timeout: 300_000 });
        const startupMs = await page.evaluate(() => (document.querySelector('dydca-demo-app')!.shadowRoot!.querySelector('dydca-player') as DydcaPlayer).stats.startupMs!);
        results[name].posterMs.push(posterMs);
        results[name].startupMs.push(startupMs);
        console.log(`run ${run + 1} ${name}: poster ${posterMs.toFixed(0)} ms after navigation, first SR frame ${startupMs.toFixed(0)} ms after src set`);
        await context.close();
      }
    }
  } finally {
    await browser.close();
    await new Promise<void>((r) => server.httpServer.close(() => r()));
  }
  const sizes = (dir: string) => ['manifest.json', 'patches.json', 'patches-00000.json'].map((f) => `${f} ${existsSync(join(dir, f)) ? statSync(join(dir, f)).size : '-'} B`).join(', ');
  for (const [name, dir] of Object.entries(packs)) {
    const r = results[name];
    console.log(`${name}: median poster ${median(r.posterMs).toFixed(0)} ms, median first SR frame ${median(r.startupMs).toFixed(0)} ms (${runs} runs, engine ${engine}); ${sizes(dir)}`);
  }
  const ratio = median(results['60s'].startupMs) / median(results['5s'].startupMs);
  console.log(`first SR frame, 60 s pack / 5 s pack: ${ratio.toFixed(2)}x; poster: ${(median(results['60s'].posterMs) / median(results['5s'].posterMs)).toFixed(2)}x`);
}

main().then(() => process.exit(0), (e: unknown) => { console.error(e instanceof Error ? e.message : e); process.exit(1); });
