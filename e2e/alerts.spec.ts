/**
 * Alerts in real Chromium against the preview: the fixture's recorded alert opens its metric at
 * that time; the demo history yields incidents (its memory rule and anomalies), and opening one
 * shows only its series, its threshold or band, and its span where the incident lies; a rule
 * written in the editor is previewed, saved, fires at once and raises exactly one browser
 * notification (permission granted), which opens the incident when clicked; paused, its incident
 * resolves, and it can be deleted. Screenshots go to e2e/screenshots/.
 */
import type { Page } from '@playwright/test';
import { cpSync } from 'node:fs';
import { join } from 'node:path';
import { TimeSeriesStorage } from '../storage/src/index.ts';
import { dataPaths } from '../electron/host/data-dir.ts';
import type { Incident, TelemetryBridge } from '../shared/panel-api.ts';
import { e2eRoot, templateDir } from './support/env.ts';
import { FIXTURE, fixtureAlert } from './support/fixture-data.ts';
import { openTab, shownRange } from './support/panel.ts';
import { startPreview } from './support/preview.ts';
import { expect, test } from './support/test.ts';

const MINUTE = 60_000;
const DEMO_RULE = 'Storage host memory above 170 MiB for 5 minutes';
const QUEUE = 'e2e_queue_depth';

test.describe('recorded alerts', () => {
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
    await expect(row).toContainText('912 ms above 500 ms');

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
});

/** The incidents the panel API lists (read in the page, through the same bridge the panel uses). */
function listIncidents(page: Page, metricName: string): Promise<Incident[]> {
  return page.evaluate(
    (name) => (window as unknown as { telemetry: TelemetryBridge }).telemetry.listIncidents({ metricName: name }),
    metricName,
  );
}

/** Where a shaded span lies on its chart, as times: from its box within the plot area. */
async function spanTimes(page: Page): Promise<{ start: number; end: number }> {
  const chart = page.getByTestId('incident-detail').getByTestId('alert-chart');
  const [start, end] = [Number(await chart.getAttribute('data-start')), Number(await chart.getAttribute('data-end'))];
  const plot = await chart.locator('.alert-spans').boundingBox();
  const span = await chart.getByTestId('incident-span').boundingBox();
  if (!plot || !span) throw new Error('the chart or its span is not visible');
  const at = (x: number) => start + ((x - plot.x) / plot.width) * (end - start);
  return { start: at(span.x), end: at(span.x + span.width) };
}

test.describe('incidents of the demo history', () => {
  test.use({ seed: 'demo' });

  test('are listed with their messages; opening one shows only its series, threshold and span', async ({
    page,
    preview,
  }) => {
    await page.goto(preview.url);
    await openTab(page, 'Alerts');
    const rows = page.getByTestId('incident-row');
    const ruleRows = rows.filter({ hasText: DEMO_RULE });
    await expect(ruleRows.first()).toBeVisible();
    await expect(page.locator('[data-testid="incident-row"][data-kind="anomaly"]').first()).toBeVisible();
    await expect(page.getByTestId('rule-row').filter({ hasText: DEMO_RULE })).toContainText('> 170 MiB for 5 min');

    const incidents = (await listIncidents(page, 'process_resident_memory_bytes')).filter((i) => i.kind === 'rule');
    const newest = incidents[0]!;
    expect(newest.end! - newest.start).toBe(12 * MINUTE); // the demo's spike 3 h before its end
    const row = ruleRows.first();
    await expect(row).toContainText('process_resident_memory_bytes{process="host", source="demo"} above 170 MiB from');
    await expect(row).toContainText(/peak \d+(\.\d)? MiB/);
    await page.screenshot({ path: 'e2e/screenshots/alerts-incidents.png' });

    await row.getByRole('button', { name: 'Open' }).click();
    const detail = page.getByTestId('incident-detail');
    await expect(detail.getByRole('heading', { name: `Warning: ${DEMO_RULE}` })).toBeVisible();
    await expect(detail.getByTestId('alert-chart-series')).toHaveText([
      'process_resident_memory_bytes{process="host", source="demo"}',
    ]);
    await expect(detail.locator('.series-line path')).toHaveCount(1);
    await expect(detail.locator('.alert-threshold')).toHaveCount(1);
    const span = detail.getByTestId('incident-span');
    await expect(span).toHaveAttribute('data-start', String(newest.start));
    await expect(span).toHaveAttribute('data-end', String(newest.end));
    const drawn = await spanTimes(page);
    const chart = detail.getByTestId('alert-chart');
    const width = Number(await chart.getAttribute('data-end')) - Number(await chart.getAttribute('data-start'));
    expect(Math.abs(drawn.start - newest.start)).toBeLessThan(width / 100);
    expect(Math.abs(drawn.end - newest.end!)).toBeLessThan(width / 100);
    await page.screenshot({ path: 'e2e/screenshots/alerts-incident-rule.png' });

    await page
      .locator('[data-testid="incident-row"][data-kind="anomaly"]')
      .first()
      .getByRole('button', { name: 'Open' })
      .click();
    await expect(detail.locator('.alert-band')).toHaveCount(1);
    await expect(detail.getByTestId('alert-chart-series')).toHaveCount(1);
    await expect(detail.locator('.incident-message')).toContainText(
      /σ (above|below) its baseline mean .* outside mean ± 3σ/,
    );
    await page.screenshot({ path: 'e2e/screenshots/alerts-incident-anomaly.png' });
  });
});

test.describe('a rule written in the panel', () => {
  // A queue depth of 50 from ten minutes ago on (some samples ahead of now): a rule "above 10" fires at once.
  const withQueue = test.extend({
    preview: async ({ seed }, use, testInfo) => {
      const dataDir = join(e2eRoot(), `run-${testInfo.testId}-${testInfo.retry}`);
      cpSync(templateDir(seed), dataDir, { recursive: true });
      const store = new TimeSeriesStorage({ dbPath: dataPaths(dataDir).dbPath });
      const now = Date.now();
      await store.insertSamples(
        Array.from({ length: 40 }, (_, i) => ({ name: QUEUE, value: 50, timestamp: now - 10 * MINUTE + i * 30_000 })),
      );
      store.close();
      const preview = await startPreview(dataDir);
      await use(preview);
      await preview.stop();
    },
  });
  withQueue.use({ seed: 'fixture' });

  withQueue(
    'is previewed, saved, fires and notifies once; the notification opens it',
    async ({ page, context, preview }) => {
      await context.grantPermissions(['notifications']);
      await page.addInitScript(() => {
        const shown: Notification[] = [];
        const Native = window.Notification;
        class Recording extends Native {
          constructor(title: string, options?: NotificationOptions) {
            super(title, options);
            shown.push(this);
          }
        }
        Object.assign(window, { Notification: Recording, shownNotifications: shown });
      });
      const shown = () =>
        page.evaluate(() =>
          (window as unknown as { shownNotifications: Notification[] }).shownNotifications.map((n) => [
            n.title,
            n.body,
          ]),
        );
      await page.goto(preview.url);
      await openTab(page, 'Alerts');
      await page.getByRole('button', { name: 'New rule' }).click();
      const editor = page.getByRole('region', { name: 'New rule' });
      await editor.getByLabel('Name', { exact: true }).fill('Queue too deep');
      await editor.getByRole('combobox', { name: /^Metric/ }).selectOption(QUEUE);
      await editor.getByRole('spinbutton', { name: /^Threshold/ }).fill('10');
      await editor.getByLabel('For (minutes)').fill('2');
      await editor.getByRole('combobox', { name: /^Severity/ }).selectOption('critical');
      await editor.getByRole('button', { name: 'Preview' }).click();
      const preview7d = page.getByTestId('rule-preview');
      await expect(preview7d).toContainText('This rule would have fired 1 time in the last 7 days');
      await expect(preview7d.getByTestId('incident-span')).toHaveCount(1);
      await page.screenshot({ path: 'e2e/screenshots/alerts-rule-preview.png', fullPage: true });
      expect(await shown()).toEqual([]);

      await editor.getByRole('button', { name: 'Save rule' }).click();
      await expect
        .poll(shown)
        .toEqual([
          [
            'Critical: Queue too deep',
            expect.stringMatching(/^e2e_queue_depth above 10 since .* \(ongoing\); peak 50$/),
          ],
        ]);
      const firing = page
        .locator('[data-testid="incident-row"][data-state="firing"]')
        .filter({ hasText: 'Queue too deep' });
      await expect(firing).toHaveCount(1);

      // Clicking the notification (the very object the panel created) opens the incident, from any tab.
      await openTab(page, 'Metrics');
      await page.evaluate(() =>
        (window as unknown as { shownNotifications: Notification[] }).shownNotifications[0]!.onclick?.(
          new Event('click'),
        ),
      );
      await expect(
        page.getByTestId('incident-detail').getByRole('heading', { name: 'Critical: Queue too deep' }),
      ).toBeVisible();
      await expect(page.getByTestId('incident-detail').getByTestId('alert-chart-series')).toHaveText([QUEUE]);
      await page.screenshot({ path: 'e2e/screenshots/alerts-notified-incident.png', fullPage: true });

      // Saved again (renamed) it is evaluated again: the same incident is not notified twice, nor after a reload.
      const rename = async (from: string, to: string) => {
        await page.getByTestId('rule-row').filter({ hasText: from }).getByRole('button', { name: 'Edit' }).click();
        const edit = page.getByRole('region', { name: /^Edit/ });
        await edit.getByLabel('Name', { exact: true }).fill(to);
        await edit.getByRole('button', { name: 'Save rule' }).click();
        await expect(page.getByTestId('rule-row').filter({ hasText: to })).toHaveCount(1);
      };
      await rename('Queue too deep', 'Queue far too deep');
      expect(await shown()).toHaveLength(1);
      await page.reload();
      await openTab(page, 'Alerts');
      await rename('Queue far too deep', 'Queue too deep');
      expect(await shown()).toEqual([]);
      await expect(firing).toHaveCount(1);

      // Paused, its incident is resolved; deleted, the rule is gone and its incident stays.
      const ruleRow = page.getByTestId('rule-row').filter({ hasText: 'Queue too deep' });
      await ruleRow.getByRole('button', { name: 'Pause' }).click();
      await expect(ruleRow).toContainText('paused');
      await expect(firing).toHaveCount(0);
      const resolved = page.locator('[data-testid="incident-row"][data-state="resolved"]');
      await expect(resolved.filter({ hasText: 'Queue too deep' })).toHaveCount(1);
      await ruleRow.getByRole('button', { name: 'Delete Queue too deep' }).click();
      await expect(page.getByTestId('rule-row')).toHaveCount(0);
      await expect(resolved).toHaveCount(1);
    },
  );
});
