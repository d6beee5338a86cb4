// Test (e2e config): Playwright drives the web door in Debian's Chromium, and the Electron app when its binary is present.
import { defineConfig } from '@playwright/test';
import { chromiumLaunch } from './test/e2e/chromium.js';

export default defineConfig({
  testDir: 'test/e2e',
  testMatch: /.*\.spec\.ts$/,
  timeout: 240_000,
  expect: { timeout: 20_000 },
  workers: 1,
  retries: 0,
  outputDir: 'test-results/e2e-artifacts',
  reporter: [['list']],
  use: {
    browserName: 'chromium',
    viewport: { width: 1280, height: 800 },
    screenshot: 'only-on-failure',
    trace: 'retain-on-failure',
    launchOptions: {
      ...chromiumLaunch,
    },
  },
});
