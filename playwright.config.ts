/**
 * End-to-end tests: real Chromium against the real browser preview with a seeded store.
 * Uses Playwright's own Chromium where one is installed, else Debian's /usr/bin/chromium (CI).
 * The browser runs in UTC so datetime inputs and the fixture's hour boundaries agree.
 */
import { chromium, defineConfig, type LaunchOptions } from '@playwright/test';
import { existsSync } from 'node:fs';

const SYSTEM_CHROMIUM = '/usr/bin/chromium';

function launchOptions(): LaunchOptions {
  if (existsSync(chromium.executablePath())) return {};
  return {
    executablePath: SYSTEM_CHROMIUM,
    args: [
      '--headless',
      '--no-sandbox',
      '--disable-gpu',
      '--disable-background-networking',
      '--disable-component-update',
      '--no-first-run',
    ],
  };
}

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
    launchOptions: launchOptions(),
    trace: 'retain-on-failure',
  },
});
