/**
 * Export against the fixture alone: the one button writes a Parquet file that DuckDB reads with
 * every fixture sample, and no original label value is left in the file; keeping a label keeps it.
 */
import { readFileSync, readdirSync } from 'node:fs';
import { join } from 'node:path';
import type { Page } from '@playwright/test';
import { FIXTURE, FIXTURE_SAMPLES, ORIGINAL_LABEL_VALUES } from './support/fixture-data.ts';
import { openTab } from './support/panel.ts';
import { readParquet } from './support/parquet.ts';
import { expect, test } from './support/test.ts';

test.use({ seed: 'fixture' });

/** Exports, waits for the result and returns the written file's path. */
async function exportNow(page: Page): Promise<string> {
  await page.getByRole('button', { name: 'Export anonymised Parquet' }).click();
  const result = page.getByTestId('export-result');
  await expect(result).toBeVisible({ timeout: 60_000 });
  await expect(page.getByTestId('export-rows')).toHaveText(FIXTURE_SAMPLES.toLocaleString('en-US'));
  await expect(result.getByRole('button', { name: 'Show in folder' })).toBeEnabled();
  const path = await result.locator('.file-name').getAttribute('title');
  if (path === null) throw new Error('the export result names no file');
  await expect(result.locator('.file-name')).toHaveText(/\.parquet$/);
  return path;
}

test('the export button writes an anonymised Parquet file that DuckDB reads', async ({ page, preview }) => {
  await page.goto(preview.url);
  await openTab(page, 'Export');
  const path = await exportNow(page);
  expect(path.startsWith(preview.dataDir)).toBe(true);

  const { rows } = await readParquet(path);
  expect(rows).toHaveLength(FIXTURE_SAMPLES);
  const text = JSON.stringify(rows);
  expect(text).toContain(FIXTURE.metric);
  const bytes = readFileSync(path);
  for (const value of ORIGINAL_LABEL_VALUES) {
    expect(text, `DuckDB rows contain ${value}`).not.toContain(value);
    expect(bytes.includes(value), `the file's bytes contain ${value}`).toBe(false);
  }
});

test('a label kept in the options stays verbatim, the others are still hashed', async ({ page, preview }) => {
  await page.goto(preview.url);
  await openTab(page, 'Export');
  await page.getByText('Options').click();
  await expect(page.getByLabel('Anonymise label values', { exact: false })).toBeChecked();
  await page.getByRole('group', { name: 'Keep these labels verbatim' }).getByLabel('host').check();
  const path = await exportNow(page);

  const text = JSON.stringify((await readParquet(path)).rows);
  for (const host of FIXTURE.hosts) expect(text).toContain(host);
  expect(text).not.toContain(FIXTURE.region);
});

test.describe('with the demo history', () => {
  test.use({ seed: 'demo' });

  test('a running export can be cancelled: it says so and leaves no file behind', async ({ page, preview }) => {
    await page.goto(preview.url);
    await openTab(page, 'Export');
    // The demo history (left out unless asked) makes the export long enough to cancel.
    await page.getByText('Options').click();
    await page.getByLabel('Include the demo history', { exact: false }).check();
    await page.getByRole('button', { name: 'Export anonymised Parquet' }).click();
    await page.getByRole('button', { name: 'Cancel export' }).click();
    await expect(page.getByRole('alert')).toHaveText('Cancelled: nothing was written.');
    await expect(page.getByRole('button', { name: 'Cancel export' })).toBeHidden();
    await expect(page.getByTestId('export-result')).toBeHidden();
    expect(readdirSync(join(preview.dataDir, 'exports'))).toEqual([]);
  });
});
