// Browser tests drive Debian's Chromium (never a downloaded one) with WebGPU on, against the built site.
import { defineConfig } from '@playwright/test';

export const chromiumArgs = [
  '--no-sandbox', '--enable-unsafe-webgpu', '--disable-background-networking',
  '--disable-component-update', '--disable-sync', '--no-first-run',
];

// E2E_PORT lets two checkouts (or two people in one tree) run the browser tests side by side: each gets its
// own preview server, build folder and results folder.
const port = Number(process.env.E2E_PORT ?? 4173);
const dist = port === 4173 ? 'dist' : `dist-e2e-${port}`;

export default defineConfig({
  testDir: 'e2e',
  timeout: 180_000,
  workers: 1,
  reporter: [['list']],
  outputDir: port === 4173 ? 'test-results' : `test-results-${port}`,
  use: {
    baseURL: `http://localhost:${port}`,
    launchOptions: { executablePath: '/usr/bin/chromium', args: chromiumArgs },
  },
  webServer: {
    command: `npx vite build --logLevel warn --outDir ${dist} && npx vite preview --host localhost --port ${port} --strictPort --outDir ${dist}`,
    url: `http://localhost:${port}`,
    reuseExistingServer: !process.env.CI,
    timeout: 180_000,
  },
});
