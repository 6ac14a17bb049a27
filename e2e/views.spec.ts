/**
 * Views in the address against the fixture (and the demo history for the demo switch): the metric,
 * range, filters, function and aggregation live in the hash; reload, back and forward restore them;
 * a relative range stays relative; a bad hash opens the default view without an error; the last
 * view comes back when the page opens without a hash; "Copy link" copies the full address; the demo
 * switch hides the demo series (a saved choice, sent as source!="demo"). No console error (support/strict-test.ts).
 */
import type { Page } from '@playwright/test';
import { FIXTURE, HOUR_MS } from './support/fixture-data.ts';
import { openMetric, openTab, rangeText, setCustomRange, shownRange, waitForChartIdle } from './support/panel.ts';
import { readParquet } from './support/parquet.ts';
import { expect, test } from './support/strict-test.ts';

function hashParams(page: Page): URLSearchParams {
  return new URLSearchParams(new URL(page.url()).hash.slice(1));
}

async function addFilter(page: Page, label: string, value: string): Promise<void> {
  await page.getByRole('button', { name: '+ Filter' }).click();
  const form = page.getByRole('form', { name: 'Add a label filter' });
  await form.getByRole('combobox', { name: 'Label' }).selectOption(label);
  await form.getByRole('combobox', { name: 'Value' }).selectOption(value);
  await form.getByRole('button', { name: 'Add' }).click();
}

const chips = (page: Page) =>
  page.getByRole('list', { name: 'Active label filters' }).getByRole('listitem').locator('span');
const heading = (page: Page) => page.getByRole('heading', { level: 1 });

test.describe('with the fixture', () => {
  test.use({ seed: 'fixture' });

  test('the view survives a reload, and back and forward walk the views', async ({ page, preview, anchor }) => {
    await page.goto(preview.url);
    await openMetric(page, FIXTURE.metric);
    await expect.poll(() => hashParams(page).get('metric')).toBe(FIXTURE.metric);

    await page.getByRole('group', { name: 'Quick ranges' }).getByRole('button', { name: '24h' }).click();
    await expect.poll(() => hashParams(page).get('range')).toBe('24h');
    await addFilter(page, 'host', FIXTURE.hosts[1]);
    await expect.poll(() => hashParams(page).getAll('filter')).toEqual([`host="${FIXTURE.hosts[1]}"`]);
    await setCustomRange(page, anchor - 6 * HOUR_MS, anchor);
    await expect.poll(() => hashParams(page).get('from')).toBe(new Date(anchor - 6 * HOUR_MS).toISOString());
    expect(hashParams(page).get('range')).toBeNull();

    // Reload: the same metric, the same absolute window, the same filter (one series drawn).
    await page.reload();
    await expect(heading(page)).toHaveText(FIXTURE.metric);
    await expect(rangeText(page)).toHaveAttribute('data-start', String(anchor - 6 * HOUR_MS));
    await expect(rangeText(page)).toHaveAttribute('data-end', String(anchor));
    await expect(chips(page)).toHaveText([`host = ${FIXTURE.hosts[1]}`]);
    await expect(page.getByTestId('legend-row')).toHaveCount(1);

    // Back: the last 24 hours with the filter, still relative (it ends now).
    await page.goBack();
    await expect.poll(() => hashParams(page).get('range')).toBe('24h');
    await expect(rangeText(page)).toContainText('now');
    const relative = await shownRange(page);
    expect(relative.end - relative.start).toBe(24 * HOUR_MS);
    expect(Math.abs(relative.end - Date.now())).toBeLessThan(60_000);
    await expect(chips(page)).toHaveText([`host = ${FIXTURE.hosts[1]}`]);
    // Back again: before the filter.
    await page.goBack();
    await expect(chips(page)).toHaveCount(0);
    await expect(page.getByTestId('legend-row')).toHaveCount(2);
    // Forward: the filter again, then the absolute window.
    await page.goForward();
    await expect(chips(page)).toHaveCount(1);
    await page.goForward();
    await expect(rangeText(page)).toHaveAttribute('data-start', String(anchor - 6 * HOUR_MS));

    // A relative range reloaded an hour... a moment later is still "the last 24 hours" up to now.
    await page.goBack();
    await page.reload();
    await expect(rangeText(page)).toContainText('now');
    expect(hashParams(page).get('range')).toBe('24h');
    await waitForChartIdle(page);
  });

  test('a shared link opens its view; the last view returns without a hash; a bad hash is the default view', async ({
    page,
    context,
    preview,
    anchor,
  }) => {
    const link = new URL(preview.url);
    link.hash = new URLSearchParams([
      ['metric', FIXTURE.metric],
      ['from', new Date(anchor - 2 * HOUR_MS).toISOString()],
      ['to', new Date(anchor).toISOString()],
      ['filter', `host="${FIXTURE.hosts[0]}"`],
    ]).toString();
    await page.goto(link.toString());
    await expect(heading(page)).toHaveText(FIXTURE.metric);
    await expect(rangeText(page)).toHaveAttribute('data-start', String(anchor - 2 * HOUR_MS));
    await expect(chips(page)).toHaveText([`host = ${FIXTURE.hosts[0]}`]);
    await expect(page.getByTestId('legend-row')).toHaveCount(1);

    // Copy link: the full address, view included.
    await context.grantPermissions(['clipboard-read', 'clipboard-write'], { origin: link.origin });
    await page.getByRole('button', { name: 'Copy link' }).click();
    await expect(page.getByRole('button', { name: 'Link copied' })).toBeVisible();
    expect(await page.evaluate(() => navigator.clipboard.readText())).toBe(page.url());

    // The page opened again without a hash (as the Electron window starts) restores the last view.
    await page.goto(preview.url);
    await expect(heading(page)).toHaveText(FIXTURE.metric);
    await expect(rangeText(page)).toHaveAttribute('data-start', String(anchor - 2 * HOUR_MS));
    await expect(chips(page)).toHaveCount(1);
    expect(hashParams(page).getAll('filter')).toEqual([`host="${FIXTURE.hosts[0]}"`]);

    // Nonsense in every field: the default view (first metric, last 6 hours, no filter), no error.
    const bad = new URL(preview.url);
    bad.hash = 'metric=no%20such&range=-3h&from=x&filter=%3D%3D&fn=median&agg=%00';
    await page.goto(bad.toString());
    await expect(page.getByRole('navigation', { name: 'Metrics' }).getByRole('button').first()).toBeVisible();
    await expect(heading(page)).toBeVisible();
    await expect.poll(() => hashParams(page).get('range')).toBe('6h');
    await expect(chips(page)).toHaveCount(0);
    await expect(page.getByRole('alert')).toHaveCount(0);
  });
});

test.describe('with the demo history', () => {
  test.use({ seed: 'demo' });

  test('the demo series are marked, and one saved switch hides them (source!="demo" in the query)', async ({
    page,
    preview,
  }) => {
    await page.goto(preview.url);
    const metric = 'process_cpu_percent';
    await openMetric(page, metric);
    await page.getByRole('group', { name: 'Quick ranges' }).getByRole('button', { name: '7d' }).click();
    await waitForChartIdle(page);
    const badge = page.locator('.metric-panel .demo-badge');
    await expect(badge).toHaveText('Demo data');
    const rows = page.getByTestId('legend-row');
    await expect.poll(() => rows.count()).toBeGreaterThan(0);

    const queries: unknown[] = [];
    page.on('request', (request) => {
      const body = request.postDataJSON() as { method?: string; args?: unknown[] } | null;
      if (request.url().endsWith('/api/call') && body?.method === 'query') queries.push(body.args?.[0]);
    });
    const demoSwitch = page.getByRole('switch', { name: 'Show demo data' });
    await expect(demoSwitch).toBeChecked();
    await demoSwitch.uncheck();
    await expect(badge).toHaveCount(0);
    await expect.poll(() => queries.length).toBeGreaterThan(0);
    expect(queries.at(-1)).toMatchObject({ labels: { source: { op: '!=', value: 'demo' } } });
    await waitForChartIdle(page);
    for (const row of await rows.allTextContents()) expect(row).not.toContain('demo');

    // Saved: still off after a reload.
    await page.reload();
    await expect(page.getByRole('switch', { name: 'Show demo data' })).not.toBeChecked();
    await expect(heading(page)).toHaveText(metric);
    await waitForChartIdle(page);
    await expect(badge).toHaveCount(0);
    await page.getByRole('switch', { name: 'Show demo data' }).check();
    await expect(badge).toHaveText('Demo data');
  });
});

test.describe('exports with the demo history', () => {
  test.use({ seed: 'demo' });

  test('an export leaves the demo out unless its option is checked', async ({ page, preview }) => {
    await page.goto(preview.url);
    await openTab(page, 'Export');
    await page.getByText('Options').click();
    await page.getByLabel('Time range').selectOption('24h');
    const includeDemo = page.getByLabel('Include the demo history', { exact: false });
    await expect(includeDemo).not.toBeChecked();
    /** Exports and counts the rows with a `source` label (only the demo has one; its value is hashed). */
    const exportedDemoRows = async () => {
      const shownPath = page.getByTestId('export-result').getByTestId('export-path');
      const previous = (await shownPath.count()) > 0 ? await shownPath.textContent() : null;
      await page.getByRole('button', { name: 'Export anonymised Parquet' }).click();
      // The new file's path (not the previous export's, still shown until the new one is written).
      await expect
        .poll(async () => ((await shownPath.count()) > 0 ? await shownPath.textContent() : null), { timeout: 60_000 })
        .toMatch(/\.parquet$/);
      await expect(shownPath).not.toHaveText(previous ?? '', { timeout: 60_000 });
      const path = await shownPath.textContent();
      const { rows } = await readParquet(path ?? '');
      expect(rows.length).toBeGreaterThan(0);
      return rows.filter((row) => 'source' in (JSON.parse(String(row.labels)) as object)).length;
    };
    expect(await exportedDemoRows()).toBe(0);
    await includeDemo.check();
    expect(await exportedDemoRows()).toBeGreaterThan(1000);
  });
});
