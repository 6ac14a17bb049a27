/**
 * The Settings status lists the store's problems (getStats().problems) in real Chromium: the real
 * StatusPanel component, bundled by esbuild with React, renders each problem's kind, subject,
 * message, since and count, and nothing at all when there is none.
 */
import assert from 'node:assert/strict';
import { after, before, describe, test } from 'node:test';
import { build } from 'esbuild';
import { chromium, type Browser, type Page } from 'playwright-core';
import type { Status, StoreProblem } from '../shared/panel-api.ts';
import { projectRoot } from '../electron/scripts/project.ts';
import { browserHere, launchOptionsFor } from '../e2e/support/find-browser.ts';

const SINCE = Date.UTC(2026, 10, 30, 9, 30);

function status(problems: StoreProblem[]): Status {
  return {
    dbBytes: 4096,
    walBytes: 0,
    samples: 10,
    series: 1,
    oldest: SINCE,
    newest: SINCE,
    lastRollup: null,
    lastRetention: null,
    hasDemoData: false,
    problems,
  };
}

describe('the status panel shows the store problems', () => {
  let browser: Browser;
  let page: Page;
  let script: string;

  before(async () => {
    const bundle = await build({
      stdin: {
        contents: `
          import { createRoot } from 'react-dom/client';
          import { StatusPanel } from './renderer/src/settings/StatusPanel.tsx';
          (window as any).renderStatus = (status: any) =>
            createRoot(document.getElementById('root')!).render(<StatusPanel status={status} dataDir="/data" />);
        `,
        resolveDir: projectRoot(),
        loader: 'tsx',
      },
      bundle: true,
      format: 'iife',
      jsx: 'automatic',
      define: { 'process.env.NODE_ENV': '"production"' },
      write: false,
      logLevel: 'warning',
    });
    script = bundle.outputFiles[0]!.text;
    browser = await chromium.launch(launchOptionsFor(browserHere(chromium.executablePath())));
    page = await browser.newPage({ timezoneId: 'UTC', locale: 'en-US' });
  });

  after(async () => {
    await browser?.close();
  });

  async function render(value: Status): Promise<void> {
    await page.setContent('<!doctype html><div id="root"></div>');
    await page.addScriptTag({ content: script });
    await page.evaluate((s) => (window as unknown as { renderStatus: (s: Status) => void }).renderStatus(s), value);
    await page.getByTestId('status').waitFor();
  }

  test('one entry per problem, with its kind, subject, message, since and count', async () => {
    await render(
      status([
        { kind: 'job-failed', subject: 'rollup', message: 'SQLITE_FULL', since: SINCE, count: 3 },
        { kind: 'chunk-corrupt', subject: 'cpu{core="1"}', message: 'checksum mismatch', since: SINCE, count: 1 },
      ]),
    );
    const items = page.getByTestId('store-problems').locator('li');
    assert.equal(await items.count(), 2);
    const first = await items.nth(0).innerText();
    assert.match(first, /A background job failed \(rollup\): SQLITE_FULL/);
    assert.match(first, /seen 3 times/);
    assert.equal(await items.nth(0).getAttribute('data-kind'), 'job-failed');
    assert.equal(await items.nth(0).locator('time').getAttribute('datetime'), new Date(SINCE).toISOString());
    const second = await items.nth(1).innerText();
    assert.match(second, /Damaged data \(cpu\{core="1"\}\): checksum mismatch/);
    assert.doesNotMatch(second, /seen/);
    assert.equal(await page.getByRole('alert').count(), 1, 'announced once, as a whole');
  });

  test('nothing when the store has no problem', async () => {
    await render(status([]));
    assert.equal(await page.getByTestId('store-problems').count(), 0);
    assert.equal(await page.getByRole('alert').count(), 0);
  });
});
