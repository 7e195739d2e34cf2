// The built page loads in Debian Chromium and navigator.gpu hands out an adapter and a device (SwiftShader here).
// It launches its own browser and asks for the adapter on a quiet page of the same origin: what it checks is a fresh
// Chromium's WebGPU, not the GPU-process state earlier test files leave in the shared browser (there one
// requestAdapter answered null: "Failed to create WebGPU Context Provider"), nor a race with the demo page's own
// player, which acquires its device at load ("A valid external Instance reference no longer exists" when the probe
// ran after the demo page: seen in a clean-clone CI run, so the probe now runs first).
import { chromium, expect, test } from '@playwright/test';
import { chromiumArgs } from '../playwright.config.js';

test('page loads and WebGPU gives an adapter and a device', async ({ baseURL }) => {
  const browser = await chromium.launch({ executablePath: '/usr/bin/chromium', args: chromiumArgs });
  try {
    // the probe first, before any page of this browser has touched WebGPU: after the demo page (whose player takes
    // a device at load) a navigation away could still be tearing that device down when the probe asked for its own
    const probe = await browser.newPage();
    await probe.goto(`${baseURL}/webgpu-probe`); // the server's 404 page: same origin (a secure context), no player
    // As the player does (src/player/gpu-device.ts): ask again with a growing wait, about 5 s in all. Right after
    // Chromium starts, its GPU process can answer null or refuse the device ("A valid external Instance reference no
    // longer exists"; seen in about half of fresh launches here); the attempts needed are printed.
    const gpu = await probe.evaluate(async () => {
      if (!('gpu' in navigator)) return { hasGpu: false, adapter: false, device: false, attempts: 0, errors: [] as string[] };
      const errors: string[] = [];
      for (let attempt = 0; attempt < 7; attempt++) {
        if (attempt > 0) await new Promise((r) => setTimeout(r, 250 * attempt));
        try {
          const adapter = await navigator.gpu.requestAdapter();
          if (!adapter) { errors.push('no adapter'); continue; }
          const device = await adapter.requestDevice();
          device.destroy();
          return { hasGpu: true, adapter: true, device: true, maxTex: adapter.limits.maxTextureDimension2D, attempts: attempt + 1, errors };
        } catch (e) { errors.push(String(e)); }
      }
      return { hasGpu: true, adapter: false, device: false, attempts: 7, errors };
    });
    console.log(`WebGPU device after ${gpu.attempts} attempt(s)${gpu.errors.length ? `: ${gpu.errors.join('; ')}` : ''}`);
    expect(gpu).toMatchObject({ hasGpu: true, adapter: true, device: true });
    await probe.close();
    const page = await browser.newPage();
    await page.goto(`${baseURL}/`);
    await expect(page).toHaveTitle(/dydca/);
  } finally {
    await browser.close();
  }
});
