/**
 * End-to-end tests: real Chromium against the real browser preview with a seeded store.
 * Uses Playwright's own Chromium where one is installed, else the system's (e2e/support/find-browser.ts;
 * `npm run test:e2e` first installs Playwright's where neither is there and it can, or stops saying what
 * to install).
 * The browser runs in UTC so datetime inputs and the fixture's hour boundaries agree.
 */
import { chromium, defineConfig, type LaunchOptions } from '@playwright/test';
import { findBrowser } from './e2e/support/find-browser.ts';

function launchOptions(): LaunchOptions {
  const browser = findBrowser({ playwrightExecutable: chromium.executablePath(), pathEnv: process.env.PATH ?? '' });
  // None at all: Playwright's own launch error names what is missing.
  if (browser === null || browser.kind === 'playwright') return {};
  return {
    executablePath: browser.executablePath,
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
