/**
 * End-to-end tests: real Chromium against the real browser preview with a seeded store.
 * Uses Playwright's own Chromium where one is installed, else the system's (e2e/support/find-browser.ts;
 * `npm run test:e2e` first installs Playwright's where neither is there and it can, or stops saying what
 * to install).
 * The browser runs in UTC so datetime inputs and the fixture's hour boundaries agree.
 */
import { chromium, defineConfig } from '@playwright/test';
import { browserHere, launchOptionsFor } from './e2e/support/find-browser.ts';

export default defineConfig({
  testDir: './e2e',
  testMatch: '*.spec.ts',
  globalSetup: './e2e/support/global-setup.ts',
  workers: 2,
  timeout: 90_000,
  expect: { timeout: 15_000 },
  reporter: [['list']],
  outputDir: 'test-results',
  use: {
    browserName: 'chromium',
    viewport: { width: 1440, height: 900 },
    timezoneId: 'UTC',
    locale: 'en-US',
    launchOptions: launchOptionsFor(browserHere(chromium.executablePath())),
    trace: 'retain-on-failure',
  },
});
