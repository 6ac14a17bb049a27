/**
 * The first run, on a preview started with an empty store (its collector writes within seconds):
 * the banner offers the demo history however late the page opens, the range fits the little data
 * there is (and stays live), and loading the demo shows its progress until the demo is there
 * (marked in the charts, with the switch to hide it). No console error.
 */
import { mkdirSync } from 'node:fs';
import { join } from 'node:path';
import { test as base, expect } from '@playwright/test';
import { TRANSPORT } from '../shared/panel-api.ts';
import { e2eRoot } from './support/env.ts';
import { collectErrors } from './support/strict-test.ts';
import { drawnLines, rangeText, shownRange, waitForChartIdle } from './support/panel.ts';
import { startPreview, type Preview } from './support/preview.ts';

/** Loading 30 days of demo history takes about 8 s on an idle machine; a shared one is slower. */
const DEMO_LOAD_TIMEOUT_MS = 150_000;

const test = base.extend<{ fresh: Preview }>({
  // eslint-disable-next-line no-empty-pattern
  fresh: async ({}, use, testInfo) => {
    const dataDir = join(e2eRoot(), `fresh-${testInfo.testId}-${testInfo.retry}`);
    mkdirSync(dataDir);
    const preview = await startPreview(dataDir);
    await use(preview);
    await preview.stop();
  },
});

/** How many metrics the preview's store lists, asked over its own HTTP API (with the page's token). */
async function metricsStored(pageUrl: string): Promise<number> {
  const url = new URL(pageUrl);
  const response = await fetch(new URL(TRANSPORT.httpCallPath, url), {
    method: 'POST',
    headers: { 'content-type': 'application/json', [TRANSPORT.tokenHeader]: url.searchParams.get('token') ?? '' },
    body: JSON.stringify({ method: 'listMetrics', args: [] }),
  });
  const reply = (await response.json()) as { ok: boolean; result?: unknown[] };
  return reply.result?.length ?? 0;
}

test('a fresh store: the banner, a range fitted to the data, then the demo with its progress', async ({
  page,
  fresh,
}) => {
  test.setTimeout(DEMO_LOAD_TIMEOUT_MS + 60_000);
  const errors = collectErrors(page);
  // Open the page only once the collector has written (the case the old empty state missed).
  await expect.poll(() => metricsStored(fresh.url), { timeout: 30_000 }).toBeGreaterThan(0);
  await page.goto(fresh.url);

  const banner = page.getByRole('region', { name: 'Less than an hour of telemetry so far' });
  await expect(banner).toBeVisible();
  await expect(banner.getByRole('button', { name: 'Load demo history' })).toBeVisible();
  // The range covers the few minutes stored, as "the last N" (live), not the default 6 hours.
  await expect(rangeText(page)).toContainText('now');
  await expect.poll(() => new URLSearchParams(new URL(page.url()).hash.slice(1)).get('range')).toBe('5m');
  const range = await shownRange(page);
  expect(range.end - range.start).toBe(5 * 60_000);
  await waitForChartIdle(page);
  await expect.poll(async () => (await drawnLines(page)).length).toBeGreaterThan(0);
  await expect(page.getByRole('switch', { name: 'Show demo data' })).toHaveCount(0);
  await page.screenshot({ path: 'e2e/screenshots/first-run.png', fullPage: true });

  // Load the demo: the progress bar moves through the history, then the banner goes.
  await banner.getByRole('button', { name: 'Load demo history' }).click();
  const progress = banner.getByRole('progressbar', { name: 'Loading demo history' });
  await expect(progress).toBeVisible();
  await page.screenshot({ path: 'e2e/screenshots/first-run-loading.png' });
  const seen = new Set<string>();
  await expect
    .poll(
      async () => {
        const text = await banner
          .getByRole('status')
          .textContent({ timeout: 1_000 })
          .catch(() => null);
        if (text !== null) seen.add(text);
        return banner.isVisible();
      },
      { timeout: DEMO_LOAD_TIMEOUT_MS, intervals: [250] },
    )
    .toBe(false);
  const percents = [...seen].flatMap((t) => /Writing demo history… (\d+) %/.exec(t)?.[1] ?? []).map(Number);
  expect(
    percents.some((p) => p > 0 && p < 100),
    `progress seen: ${[...seen].join(' | ')}`,
  ).toBe(true);
  expect(percents).toEqual([...percents].sort((a, b) => a - b));

  // The demo is in: the switch appears, a demo metric over 7 days is marked as demo data.
  await expect(page.getByRole('switch', { name: 'Show demo data' })).toBeChecked();
  await page
    .getByRole('navigation', { name: 'Metrics' })
    .getByRole('button', { name: /^process_cpu_percent/ })
    .click();
  await page.getByRole('group', { name: 'Quick ranges' }).getByRole('button', { name: '7d' }).click();
  await expect(page.locator('.metric-panel .demo-badge')).toHaveText('Demo data');
  // Reloaded, the store is no longer new: no banner.
  await page.reload();
  await expect(page.getByRole('heading', { level: 1 })).toHaveText('process_cpu_percent');
  await expect(banner).toHaveCount(0);
  expect(errors).toEqual([]);
});
