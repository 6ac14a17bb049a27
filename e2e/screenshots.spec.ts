/**
 * Screenshots of every view in light and dark against demo history, saved to e2e/screenshots/
 * (gitignored) for people to look at; each view is checked to have rendered its content first.
 */
import { ANOMALY_Z_THRESHOLD } from '../shared/constants.ts';
import { FIXTURE } from './support/fixture-data.ts';
import { drawnLines, openMetric, openTab } from './support/panel.ts';
import { expect, test } from './support/test.ts';

for (const colorScheme of ['light', 'dark'] as const) {
  test(`every view in the ${colorScheme} theme`, async ({ page, preview }) => {
    const shot = (name: string) =>
      page.screenshot({ path: `e2e/screenshots/${name}-${colorScheme}.png`, fullPage: true });
    await page.emulateMedia({ colorScheme });
    await page.goto(preview.url);

    await openMetric(page, 'process_cpu_percent');
    await page.getByRole('group', { name: 'Quick ranges' }).getByRole('button', { name: '24h' }).click();
    await page.getByLabel(`Baseline ±${ANOMALY_Z_THRESHOLD}σ`).check();
    await expect.poll(async () => (await drawnLines(page)).length).toBeGreaterThan(1);
    const overlay = await page.getByTestId('chart-overlay').boundingBox();
    if (overlay === null) throw new Error('the chart is not visible');
    await page.mouse.move(overlay.x + overlay.width * 0.55, overlay.y + overlay.height * 0.4);
    await expect(page.locator('.chart-tooltip')).toBeVisible();
    await shot('metrics');

    await openMetric(page, FIXTURE.metric);
    await page.getByRole('group', { name: 'Quick ranges' }).getByRole('button', { name: '7d' }).click();
    await expect.poll(async () => (await drawnLines(page)).length).toBe(2);
    await shot('metrics-gap');

    await openTab(page, 'Alerts');
    await expect(page.getByTestId('alert-row').first()).toBeVisible();
    await shot('alerts');

    await openTab(page, 'Export');
    await page.getByText('Options').click();
    await page.getByRole('button', { name: 'Export anonymised Parquet' }).click();
    await expect(page.getByTestId('export-result')).toBeVisible({ timeout: 60_000 });
    await shot('export');

    await openTab(page, 'Settings');
    await page.getByLabel('Keep data for').fill('14');
    await page.getByRole('button', { name: 'Review change' }).click();
    await expect(page.getByTestId('retention-preview')).toBeVisible();
    await shot('settings');
  });
}
