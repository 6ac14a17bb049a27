/**
 * Live mode against the fixture, on Playwright's fake clock (nothing waits in real time): the
 * page's "now" is paused just before the sample 30 minutes after the fixture's gap, so the last
 * hour ends at now with 30 samples per series and the next one is 5 s in the page's future. The
 * 10 s live refresh brings it in; dragging a zoom window pauses live mode, and the window stays
 * where the user dragged it however long the drag or the zoomed view lasts.
 */
import type { Page } from '@playwright/test';
import { FIXTURE, HOUR_MS, STEP_MS, gapWindow } from './support/fixture-data.ts';
import { drawnLines, openMetric, rangeText, shownRange, waitForChartIdle } from './support/panel.ts';
import { expect, test } from './support/test.ts';

test.use({ seed: 'fixture' });

const LIVE_INTERVAL_MS = 10_000;

function liveToggle(page: Page) {
  return page.getByRole('checkbox', { name: /^Live/ });
}

async function expectLive(page: Page, state: 'running' | 'paused'): Promise<void> {
  await expect(liveToggle(page)).toBeChecked();
  await expect(liveToggle(page)).toHaveAccessibleName(state === 'running' ? 'Live' : 'Live (paused)');
  const dot = page.locator('.time-bar .live-dot');
  if (state === 'running') await expect(dot).toHaveClass(/\bon\b/);
  else await expect(dot).not.toHaveClass(/\bon\b/);
}

/** The "samples" column of each legend row. */
async function legendSamples(page: Page): Promise<string[]> {
  return page
    .getByTestId('legend-row')
    .evaluateAll((rows) => rows.map((row) => row.querySelectorAll('td')[4]?.textContent?.trim() ?? ''));
}

test('live mode draws new samples on its 10 s refresh; a drag-zoom pauses it', async ({ page, preview, anchor }) => {
  const gap = gapWindow(anchor);
  // 5 s before the sample at gap end + 30 min: the last hour holds gap end .. gap end + 29 min.
  const t0 = gap.end + 30 * STEP_MS - 5_000;
  const perSeries = (points: number) => FIXTURE.hosts.map(() => ({ points, segments: 1 }));

  // Let the page load on a running fake clock, then stop it: from here on only the test moves time.
  await page.clock.install({ time: t0 - 10 * 60_000 });
  await page.goto(preview.url);
  await openMetric(page, FIXTURE.metric);
  await page.clock.pauseAt(t0);
  await page.getByRole('group', { name: 'Quick ranges' }).getByRole('button', { name: '1h' }).click();
  // Switching live off and on restarts its beat at t0, so refreshes fall at t0 + 10 s, + 20 s, ...
  await liveToggle(page).uncheck();
  await liveToggle(page).check();
  await expectLive(page, 'running');
  await expect(rangeText(page)).toHaveAttribute('data-end', String(t0));
  await expect(rangeText(page)).toHaveAttribute('data-start', String(t0 - HOUR_MS));
  await expect(rangeText(page)).toContainText('now');
  await expect(page.getByTestId('resolution-label')).toHaveAttribute('data-resolution', 'raw');
  await expect.poll(() => drawnLines(page)).toEqual(perSeries(30));
  await expect.poll(() => legendSamples(page)).toEqual(['30', '30']);

  // One beat later the range has moved with the clock and the sample at gap end + 30 min is drawn.
  await page.clock.runFor(LIVE_INTERVAL_MS);
  await expect(rangeText(page)).toHaveAttribute('data-end', String(t0 + LIVE_INTERVAL_MS));
  await expect.poll(() => drawnLines(page)).toEqual(perSeries(31));
  await expect.poll(() => legendSamples(page)).toEqual(['31', '31']);
  await waitForChartIdle(page);

  // Drag across the third quarter of the plot; while the button is down, live mode is paused, so
  // two minutes (twelve beats) passing mid-drag do not slide the window under the selection.
  const before = await shownRange(page);
  const span = before.end - before.start;
  const box = await page.getByTestId('chart-overlay').boundingBox();
  if (box === null) throw new Error('the chart overlay is not visible');
  const y = box.y + box.height / 2;
  await page.mouse.move(box.x + box.width * 0.5, y);
  await page.mouse.down();
  await page.mouse.move(box.x + box.width * 0.75, y, { steps: 8 });
  await expectLive(page, 'paused');
  await page.clock.runFor(12 * LIVE_INTERVAL_MS);
  await expect(rangeText(page)).toHaveAttribute('data-end', String(before.end));
  await page.mouse.up();

  // The zoomed window is exactly what was selected on the pre-drag range (a beat would move it by
  // 10 s; one pixel is span / width, about 3.6 s), and it is fixed, so live stays paused.
  await expect(rangeText(page)).not.toContainText('now');
  const zoomed = await shownRange(page);
  const pixelMs = span / box.width;
  expect(Math.abs(zoomed.start - (before.start + span * 0.5))).toBeLessThanOrEqual(pixelMs);
  expect(Math.abs(zoomed.end - (before.start + span * 0.75))).toBeLessThanOrEqual(pixelMs);
  await expectLive(page, 'paused');
  await waitForChartIdle(page);
  const zoomedLines = await drawnLines(page);
  expect(zoomedLines).toHaveLength(FIXTURE.hosts.length);

  // No refresh while zoomed: a minute later no query has gone out and nothing has moved.
  const queries: unknown[] = [];
  page.on('request', (request) => {
    if (
      request.url().endsWith('/api/call') &&
      (request.postDataJSON() as { method?: string } | null)?.method === 'query'
    ) {
      queries.push(request.postDataJSON());
    }
  });
  await page.clock.runFor(6 * LIVE_INTERVAL_MS);
  await expect(rangeText(page)).toHaveAttribute('data-start', String(zoomed.start));
  await expect(rangeText(page)).toHaveAttribute('data-end', String(zoomed.end));
  expect(await drawnLines(page)).toEqual(zoomedLines);
  expect(queries).toEqual([]);

  // Back to the last hour: live runs again from the clock's now and refreshes on its beat.
  const resumedAt = t0 + LIVE_INTERVAL_MS + 12 * LIVE_INTERVAL_MS + 6 * LIVE_INTERVAL_MS;
  await page.getByRole('group', { name: 'Quick ranges' }).getByRole('button', { name: '1h' }).click();
  await expectLive(page, 'running');
  await expect(rangeText(page)).toHaveAttribute('data-end', String(resumedAt));
  await page.clock.runFor(LIVE_INTERVAL_MS);
  await expect(rangeText(page)).toHaveAttribute('data-end', String(resumedAt + LIVE_INTERVAL_MS));
  await expect.poll(() => queries.length).toBeGreaterThan(0);
});
