/**
 * Export against the fixture alone: the one button writes a Parquet file that DuckDB reads with
 * every fixture sample, and no original label value is left in the file; keeping a label keeps it.
 * The result shows the file's full path with a button that copies it; the past exports are listed
 * (size, time, options) and one can be deleted, from the list and from the disk. No console error.
 */
import { existsSync, readFileSync, readdirSync } from 'node:fs';
import { join } from 'node:path';
import type { Page } from '@playwright/test';
import { FIXTURE, FIXTURE_SAMPLES, ORIGINAL_LABEL_VALUES } from './support/fixture-data.ts';
import { expectNoAxeViolations } from './support/axe.ts';
import { openTab } from './support/panel.ts';
import { readParquet } from './support/parquet.ts';
import { expect, test } from './support/strict-test.ts';

test.use({ seed: 'fixture' });

/**
 * Exports, waits for the result and returns the written file's path. `rows` null accepts any count:
 * a later export also holds what the app recorded meanwhile (the previous export's duration).
 */
async function exportNow(page: Page, rows: number | null = FIXTURE_SAMPLES): Promise<string> {
  await page.getByRole('button', { name: 'Export anonymised Parquet' }).click();
  const result = page.getByTestId('export-result');
  await expect(result).toBeVisible({ timeout: 60_000 });
  if (rows !== null) await expect(page.getByTestId('export-rows')).toHaveText(rows.toLocaleString('en-US'));
  await expect(result.getByRole('button', { name: 'Show in folder' })).toBeEnabled();
  const path = await result.getByTestId('export-path').textContent();
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

test('the full path can be copied; past exports are listed with their options and can be deleted', async ({
  page,
  preview,
}) => {
  await page.context().grantPermissions(['clipboard-read', 'clipboard-write']);
  await page.goto(preview.url);
  await openTab(page, 'Export');
  const past = page.getByTestId('past-export');
  await expect(page.getByText('No export in the exports folder yet.')).toBeVisible();

  const first = await exportNow(page);
  await expect(page.getByTestId('export-path')).toHaveText(first);
  expect(existsSync(first)).toBe(true);
  // The copy's live region is in the accessibility tree before it speaks, or it may not be heard.
  await expect(page.getByTestId('export-result').getByRole('status')).toHaveCount(1);
  await page.getByRole('button', { name: 'Copy path' }).click();
  await expect(page.getByText('Copied')).toBeVisible();
  expect(await page.evaluate(() => navigator.clipboard.readText())).toBe(first);
  await expect(past).toHaveCount(1);

  await page.getByText('Options').click();
  await page.getByRole('group', { name: 'Keep these labels verbatim' }).getByLabel('host').check();
  const second = await exportNow(page, null);
  const secondRows = await page.getByTestId('export-rows').textContent();
  expect(second).not.toBe(first);
  await expect(past).toHaveCount(2);
  // Newest first, each with its size on disk and the options it was written with.
  await expect(past.nth(0)).toHaveAttribute('data-path', second);
  await expect(past.nth(1)).toHaveAttribute('data-path', first);
  await expect(past.nth(0).getByTestId('past-export-options')).toHaveText(
    `raw samples · anonymised (keeps host) · ${secondRows} rows · everything stored`,
  );
  await expect(past.nth(1).getByTestId('past-export-options')).toHaveText(
    `raw samples · anonymised · ${FIXTURE_SAMPLES.toLocaleString('en-US')} rows · everything stored`,
  );
  const firstName = first.split('/').pop()!;
  await expect(past.nth(1)).toContainText(firstName);

  // From the keyboard: focus follows the question and its answers, never falling back to the page.
  const deleteFirst = past.nth(1).getByRole('button', { name: `Delete ${firstName}`, exact: true });
  const keep = past.nth(1).getByRole('button', { name: 'Keep' });
  await deleteFirst.focus();
  await page.keyboard.press('Enter');
  await expect(keep).toBeFocused();
  await expectNoAxeViolations(page, 'past exports, a delete asked');
  await page.keyboard.press('Enter');
  await expect(deleteFirst).toBeFocused();
  await expect(past).toHaveCount(2);
  await page.keyboard.press('Enter');
  await expect(keep).toBeFocused();
  await page.keyboard.press('Shift+Tab');
  await expect(past.nth(1).getByRole('button', { name: `Delete ${firstName} for good` })).toBeFocused();
  await page.keyboard.press('Enter');
  await expect(past).toHaveCount(1);
  await expect(page.getByRole('heading', { name: 'Past exports' })).toBeFocused();
  await expect(past.nth(0)).toHaveAttribute('data-path', second);
  expect(existsSync(first)).toBe(false);
  expect(existsSync(`${first}.options.json`)).toBe(false);
  expect(existsSync(second)).toBe(true);
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
