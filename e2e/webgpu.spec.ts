// The built page loads in Debian Chromium and navigator.gpu hands out an adapter and a device (SwiftShader here).
// It launches its own browser and asks for the adapter on a quiet page of the same origin: what it checks is a fresh
// Chromium's WebGPU, not the GPU-process state earlier test files leave in the shared browser (there one
// requestAdapter answered null: "Failed to create WebGPU Context Provider"), nor a race with the demo page's own
// player, which acquires its device at load ("A valid external Instance reference no longer exists").
import { chromium, expect, test } from '@playwright/test';
import { chromiumArgs } from '../playwright.config.js';

test('page loads and WebGPU gives an adapter and a device', async ({ baseURL }) => {
  const browser = await chromium.launch({ executablePath: '/usr/bin/chromium', args: chromiumArgs });
  try {
    const page = await browser.newPage();
    await page.goto(`${baseURL}/`);
    await expect(page).toHaveTitle(/dydca/);
    await page.goto(`${baseURL}/webgpu-probe`); // the server's 404 page: same origin (a secure context), no player
    const gpu = await page.evaluate(async () => {
      if (!('gpu' in navigator)) return { hasGpu: false, adapter: false, device: false };
      const adapter = await navigator.gpu.requestAdapter();
      const device = adapter ? await adapter.requestDevice() : null;
      return { hasGpu: true, adapter: adapter !== null, device: device !== null, maxTex: adapter?.limits.maxTextureDimension2D ?? 0 };
    });
    expect(gpu).toMatchObject({ hasGpu: true, adapter: true, device: true });
  } finally {
    await browser.close();
  }
});
