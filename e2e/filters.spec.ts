/**
 * Label filters against the fixture (two hosts): a "+ Filter" button rather than a form that looks
 * active; several conditions on one label, all applied; a regex the engine refuses stays in the
 * form with the engine's reason and never becomes a chip or a query; a query that fails (a bad
 * regex in a shared link) clears the chart and says why, without a "Try again" that would resend
 * it; a result with nothing to draw shows the empty state, axis and words. No console error (support/strict-test.ts).
 */
import type { Page } from '@playwright/test';
import { FIXTURE, HOUR_MS, gapWindow } from './support/fixture-data.ts';
import { drawnLines, openMetric, setCustomRange, waitForChartIdle } from './support/panel.ts';
import { expect, test } from './support/strict-test.ts';

test.use({ seed: 'fixture' });

const form = (page: Page) => page.getByRole('form', { name: 'Add a label filter' });
const chips = (page: Page) =>
  page.getByRole('list', { name: 'Active label filters' }).getByRole('listitem').locator('span');

/** Query calls the page sends from now on (their first argument). */
function recordQueries(page: Page): { labels?: unknown }[] {
  const queries: { labels?: unknown }[] = [];
  page.on('request', (request) => {
    const body = request.postDataJSON() as { method?: string; args?: { labels?: unknown }[] } | null;
    if (request.url().endsWith('/api/call') && body?.method === 'query' && body.args?.[0]) queries.push(body.args[0]);
  });
  return queries;
}

async function addFilter(page: Page, op: string, value: string): Promise<void> {
  await page.getByRole('button', { name: '+ Filter' }).click();
  await form(page).getByRole('combobox', { name: 'Label' }).selectOption('host');
  await form(page).getByRole('combobox', { name: 'Operator' }).selectOption(op);
  if (op === '=~' || op === '!~') await form(page).getByRole('textbox', { name: 'Pattern' }).fill(value);
  else await form(page).getByRole('combobox', { name: 'Value' }).selectOption(value);
  await form(page).getByRole('button', { name: 'Add', exact: true }).click();
}

/** The empty state: its words, and the chart's time axis still drawn with its ticks. */
async function expectEmptyState(page: Page): Promise<void> {
  await expect(page.locator('.chart-empty')).toContainText('No samples for this metric in the selected range.');
  await expect(page.locator('.chart-frame .recharts-xAxis-tick-labels text').first()).toHaveText(/\d/);
  await expect(page.getByTestId('legend-row')).toHaveCount(0);
  expect(await drawnLines(page)).toEqual([]);
}

test.beforeEach(async ({ page, preview, anchor }) => {
  await page.goto(preview.url);
  await openMetric(page, FIXTURE.metric);
  await setCustomRange(page, anchor - 6 * HOUR_MS, anchor);
});

test('"+ Filter" opens an empty form; several conditions on one label all apply', async ({ page }) => {
  await expect(form(page)).toHaveCount(0);
  await expect(chips(page)).toHaveCount(0);
  await page.getByRole('button', { name: '+ Filter' }).click();
  await expect(form(page).getByRole('combobox', { name: 'Label' })).toHaveValue('');
  await expect(form(page).getByRole('button', { name: 'Add', exact: true })).toBeDisabled();
  await form(page).getByRole('button', { name: 'Cancel' }).click();
  await expect(form(page)).toHaveCount(0);

  const rows = page.getByTestId('legend-row');
  await addFilter(page, '=~', '.*-.*');
  await expect(rows).toHaveCount(2);
  await addFilter(page, '!=', FIXTURE.hosts[0]);
  // Both conditions on "host" stay, and both apply: only the second host is left.
  await expect(chips(page)).toHaveText(['host =~ .*-.*', `host != ${FIXTURE.hosts[0]}`]);
  await expect(rows).toHaveCount(1);
  await expect(rows.first()).toContainText(FIXTURE.hosts[1]);
  await addFilter(page, '!=', FIXTURE.hosts[1]);
  await expect(chips(page)).toHaveCount(3);
  await waitForChartIdle(page);
  await expectEmptyState(page);

  await page.getByRole('button', { name: `Remove filter host != ${FIXTURE.hosts[0]}` }).click();
  await expect(rows).toHaveCount(1);
  await expect(rows.first()).toContainText(FIXTURE.hosts[0]);
});

test('a regex the engine refuses stays in the form with its reason, never a chip nor a query', async ({ page }) => {
  await waitForChartIdle(page);
  const queries = recordQueries(page);
  await addFilter(page, '=~', 'alpha-(');
  const reason = form(page).getByRole('alert');
  await expect(reason).toContainText('The request was not accepted: invalid regular expression "alpha-("');
  await expect(form(page).getByRole('textbox', { name: 'Pattern' })).toHaveAttribute('aria-invalid', 'true');
  await expect(chips(page)).toHaveCount(0);
  await expect(page.getByTestId('legend-row')).toHaveCount(2);

  // Fixing the pattern clears the reason and adds the chip.
  await form(page).getByRole('textbox', { name: 'Pattern' }).fill('alpha-.*');
  await expect(reason).toHaveCount(0);
  await form(page).getByRole('button', { name: 'Add', exact: true }).click();
  await expect(chips(page)).toHaveText(['host =~ alpha-.*']);
  await expect(page.getByTestId('legend-row')).toHaveCount(1);
  expect(queries.map((q) => q.labels)).toEqual([{ host: { op: '=~', value: 'alpha-.*' } }]);
});

test('a failed query clears the chart and says why, with no "Try again" that resends it', async ({
  page,
  preview,
  anchor,
}) => {
  await expect.poll(async () => (await drawnLines(page)).length).toBe(2);
  const link = new URL(preview.url);
  link.hash = new URLSearchParams([
    ['metric', FIXTURE.metric],
    ['from', new Date(anchor - 6 * HOUR_MS).toISOString()],
    ['to', new Date(anchor).toISOString()],
    ['filter', 'host=~"("'],
  ]).toString();
  // The same page follows the new address (a pasted link): the old lines must not stay drawn.
  await page.evaluate((hash) => (location.hash = hash), link.hash);
  const banner = page.locator('.error-banner');
  await expect(banner).toContainText('invalid regular expression "("');
  await expect(banner.getByRole('button', { name: 'Try again' })).toHaveCount(0);
  await waitForChartIdle(page);
  expect(await drawnLines(page)).toEqual([]);
  await expect(page.getByTestId('legend-row')).toHaveCount(0);

  // Removing the bad condition brings the data back.
  await page.getByRole('button', { name: 'Remove filter host =~ (' }).click();
  await expect(banner).toHaveCount(0);
  await expect.poll(async () => (await drawnLines(page)).length).toBe(2);
});

test('a range with no samples, or series with nothing in range, shows the empty state', async ({ page, anchor }) => {
  const gap = gapWindow(anchor);
  await setCustomRange(page, gap.start + 10 * 60_000, gap.end - 10 * 60_000);
  await waitForChartIdle(page);
  await expectEmptyState(page);
  await page.getByRole('button', { name: 'Show the last 30 days' }).click();
  await expect.poll(async () => (await drawnLines(page)).length).toBe(2);
});
