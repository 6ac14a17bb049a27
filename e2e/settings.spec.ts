/**
 * Retention against demo history (30 days): a shorter retention is previewed, confirmed, deletes
 * the old samples (the oldest sample moves forward) and is still set after the preview restarts.
 */
import { openTab } from './support/panel.ts';
import { startPreview } from './support/preview.ts';
import { expect, test } from './support/test.ts';
import type { Page } from '@playwright/test';
import { MAX_RETENTION_DAYS, MIN_RETENTION_DAYS } from '../storage/src/index.ts';

const DAY_MS = 86_400_000;

async function oldestSample(page: Page): Promise<number> {
  const time = page.locator('[data-status="Oldest sample"] time');
  await expect(time).toBeVisible();
  return Date.parse((await time.getAttribute('datetime')) ?? '');
}

test('a shorter retention deletes old data after confirmation and survives a restart', async ({ page, preview }) => {
  await page.goto(preview.url);
  await openTab(page, 'Settings');
  const days = page.getByLabel('Keep data for');
  await expect(days).toHaveValue('30');
  const oldestBefore = await oldestSample(page);
  expect(Date.now() - oldestBefore).toBeGreaterThan(20 * DAY_MS);

  await days.fill('7');
  await page.getByRole('button', { name: 'Review change' }).click();
  const previewBox = page.getByTestId('retention-preview');
  await expect(previewBox).toContainText('Keeping 7 days deletes');
  // Nothing is deleted before the user confirms.
  await page.getByRole('button', { name: 'Refresh' }).click();
  await expect(page.getByRole('button', { name: 'Refresh' })).toBeEnabled();
  expect(Date.now() - (await oldestSample(page))).toBeGreaterThan(20 * DAY_MS);

  await page.getByRole('button', { name: 'Delete and keep 7 days' }).click();
  await expect(page.getByRole('status').filter({ hasText: 'Retention set to 7 days' })).toBeVisible();
  await expect.poll(() => oldestSample(page)).toBeGreaterThan(oldestBefore);
  const oldestAfter = await oldestSample(page);
  expect(Date.now() - oldestAfter).toBeLessThanOrEqual(7 * DAY_MS + 60_000);

  await preview.stop();
  const restarted = await startPreview(preview.dataDir);
  try {
    await page.goto(restarted.url);
    await openTab(page, 'Settings');
    await expect(page.getByLabel('Keep data for')).toHaveValue('7');
    expect(await oldestSample(page)).toBeGreaterThanOrEqual(oldestAfter);
  } finally {
    await restarted.stop();
  }
});

test('an invalid retention is refused with a readable message', async ({ page, preview }) => {
  await page.goto(preview.url);
  await openTab(page, 'Settings');
  await page.getByLabel('Keep data for').fill('0');
  await page.getByRole('button', { name: 'Review change' }).click();
  await expect(page.getByRole('alert')).toHaveText(
    `Enter a whole number of days from ${MIN_RETENTION_DAYS} to ${MAX_RETENTION_DAYS}.`,
  );
  await expect(page.getByTestId('retention-preview')).toHaveCount(0);
});
