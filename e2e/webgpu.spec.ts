// The built page loads in Debian Chromium and navigator.gpu hands out an adapter and a device (SwiftShader here).
import { test, expect } from '@playwright/test';

test('page loads and WebGPU gives an adapter and a device', async ({ page }) => {
  await page.goto('/');
  await expect(page).toHaveTitle(/dydca/);
  const gpu = await page.evaluate(async () => {
    if (!('gpu' in navigator)) return { hasGpu: false, adapter: false, device: false };
    const adapter = await navigator.gpu.requestAdapter();
    const device = adapter ? await adapter.requestDevice() : null;
    return { hasGpu: true, adapter: adapter !== null, device: device !== null, maxTex: adapter?.limits.maxTextureDimension2D ?? 0 };
  });
  expect(gpu).toMatchObject({ hasGpu: true, adapter: true, device: true });
});
