/**
 * Alerts: the fixture's recorded alert is listed (filterable by severity); opening it shows its
 * metric around the alert's time with the alert as a marker on the chart.
 */
import { FIXTURE, fixtureAlert } from './support/fixture-data.ts';
import { openTab, shownRange } from './support/panel.ts';
import { expect, test } from './support/test.ts';

test.use({ seed: 'fixture' });

test('an alert opens its metric at that time, with its marker on the chart', async ({ page, preview, anchor }) => {
  const alert = fixtureAlert(anchor);
  await page.goto(preview.url);
  await openTab(page, 'Alerts');

  const severity = page.getByRole('group', { name: 'Severity' });
  await severity.getByRole('button', { name: 'info' }).click();
  await expect(page.getByTestId('alert-row').filter({ hasText: 'e2e' })).toHaveCount(0);
  await severity.getByRole('button', { name: 'critical' }).click();
  const row = page.getByTestId('alert-row').filter({ hasText: FIXTURE.metric });
  await expect(row).toHaveCount(1);
  await expect(row).toContainText(`host=${FIXTURE.hosts[0]}`);
  await expect(row).toContainText('912 ms');
  await expect(row).toContainText('vs 500 ms');

  await row.getByRole('button', { name: /^Open / }).click();
  await expect(page.getByRole('heading', { level: 1, name: FIXTURE.metric })).toBeVisible();
  const range = await shownRange(page);
  expect(range.start).toBeLessThan(alert.timestamp);
  expect(range.end).toBeGreaterThan(alert.timestamp);

  const marker = page.getByTestId('alert-marker');
  await expect(marker).toHaveCount(1);
  await expect(marker).toHaveAccessibleName(/^critical alert at .* value 912 ms, threshold 500 ms$/);
  const overlay = await page.getByTestId('chart-overlay').boundingBox();
  const markerBox = await marker.boundingBox();
  if (overlay === null || markerBox === null) throw new Error('the chart or its marker is not visible');
  const markerTime =
    range.start + ((markerBox.x + markerBox.width / 2 - overlay.x) / overlay.width) * (range.end - range.start);
  expect(Math.abs(markerTime - alert.timestamp)).toBeLessThan((range.end - range.start) / 100);
});
