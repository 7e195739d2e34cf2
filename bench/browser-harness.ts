// Node side of the engine harness: serves the repo with vite (COOP/COEP, so wasm threads work), opens
// bench/page/ in Debian's headless Chromium with WebGPU on (SwiftShader here), and calls window.dydcaHarness.
import { chromium, type Browser, type Page } from '@playwright/test';
import { createServer, type ViteDevServer } from 'vite';
import type { BenchOptions, EngineCheck, EngineTiming, HarnessEngine, HarnessFrame, HarnessModel } from './page/harness.js';

export const CHROMIUM_ARGS = ['--no-sandbox', '--enable-unsafe-webgpu', '--disable-background-networking', '--disable-component-update', '--disable-sync', '--no-first-run'];

export interface Harness {
  check(model: HarnessModel, frame: HarnessFrame, engines: HarnessEngine[], withHr?: boolean): Promise<EngineCheck[]>;
  bench(model: HarnessModel, frames: HarnessFrame[], engines: HarnessEngine[], options: BenchOptions): Promise<EngineTiming[]>;
  adapterInfo(): Promise<Record<string, unknown>>;
  fmaPeak(repeats?: number): Promise<{ gflops: number; ms: number; samples: number[] }>;
  timeKernel(code: string, arenaBytes: number, weightBytes: number, dispatch: [number, number, number], params?: number[]): Promise<number>;
  profile(model: HarnessModel, frame: HarnessFrame): Promise<{ kernel: string; ms: number; macs: number }[]>;
  close(): Promise<void>;
}

export async function openHarness(): Promise<Harness> {
  // the page's deps are scanned up front (no mid-run "optimized dependencies, reloading"), and no file
  // watching: other people editing the tree must not reload the page under a running check
  const server: ViteDevServer = await createServer({
    configFile: 'vite.config.ts', logLevel: 'error',
    optimizeDeps: { entries: ['bench/page/index.html'] },
    server: { port: 0, host: 'localhost', strictPort: false, hmr: false, watch: { ignored: ['**/*'] } },
  });
  await server.listen();
  const address = server.httpServer!.address();
  const port = typeof address === 'object' && address ? address.port : 0;
  let browser: Browser | null = null;
  try {
    browser = await chromium.launch({ executablePath: '/usr/bin/chromium', args: CHROMIUM_ARGS, headless: true });
    const page: Page = await browser.newPage();
    const pageErrors: string[] = [];
    page.on('pageerror', (e) => pageErrors.push(String(e)));
    await page.goto(`http://localhost:${port}/bench/page/index.html`);
    await page.waitForFunction(() => 'dydcaHarness' in window, undefined, { timeout: 120_000 }).catch((e: unknown) => {
      throw new Error(`harness page did not load: ${pageErrors.join('; ') || String(e)}`);
    });
    type H = Omit<Harness, 'close'>;
    const call = <K extends keyof H>(fn: K, ...args: Parameters<H[K]>): ReturnType<H[K]> =>
      page.evaluate(([f, a]) => (window as unknown as { dydcaHarness: Record<string, (...x: unknown[]) => unknown> }).dydcaHarness[f as string](...(a as unknown[])), [fn, args] as const) as ReturnType<H[K]>;
    const b = browser;
    return {
      check: (...a) => call('check', ...a),
      bench: (...a) => call('bench', ...a),
      adapterInfo: () => call('adapterInfo'),
      fmaPeak: (...a) => call('fmaPeak', ...a),
      profile: (...a) => call('profile', ...a),
      timeKernel: (...a) => call('timeKernel', ...a),
      close: async () => { await b.close(); await server.close(); },
    };
  } catch (e) {
    await browser?.close();
    await server.close();
    throw e;
  }
}

export const toB64 = (bytes: Uint8Array): string => Buffer.from(bytes).toString('base64');
