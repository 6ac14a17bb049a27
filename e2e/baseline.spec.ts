/**
 * The baseline band against the fixture, whose template has each series' baseline computed by the
 * engine: ticking "Baseline ±zσ" draws one band per series across the whole plot, from mean − zσ to
 * mean + zσ on the chart's y axis (z the alerting threshold, ANOMALY_Z_THRESHOLD); unticking removes them.
 */
import { ANOMALY_Z_THRESHOLD } from '../shared/constants.ts';
import { FIXTURE, HOUR_MS, fixtureBaseline } from './support/fixture-data.ts';
import {
  drawnBaselineBands,
  drawnLines,
  drawnYAxis,
  openMetric,
  setCustomRange,
  waitForChartIdle,
} from './support/panel.ts';
import { expect, test } from './support/test.ts';

test.use({ seed: 'fixture' });

/** A tick label ("120 ms", "1,000 ms", the axis' zero "0 µs") back to milliseconds; the fixture stays in ms. */
function parseMs(label: string): number {
  const match = /^(-?[\d,]+(?:\.\d+)?) (ms|µs)$/.exec(label.trim());
  if (match?.[1] === undefined) throw new Error(`not a millisecond tick label: ${JSON.stringify(label)}`);
  return Number(match[1].replaceAll(',', '')) / (match[2] === 'µs' ? 1000 : 1);
}

test('the baseline band spans mean ± zσ of each series (the alerting z) on the y axis, and goes away when unticked', async ({
  page,
  preview,
  anchor,
}) => {
  await page.goto(preview.url);
  await openMetric(page, FIXTURE.metric);
  await setCustomRange(page, anchor - 6 * HOUR_MS, anchor);
  await expect.poll(async () => (await drawnLines(page)).length).toBe(2);
  const bands = page.locator('.chart-frame .baseline-band');
  const toggle = page.getByLabel(`Baseline ±${ANOMALY_Z_THRESHOLD}σ`);
  await expect(toggle).not.toBeChecked();
  await expect(bands).toHaveCount(0);

  await toggle.check();
  await expect(bands).toHaveCount(FIXTURE.hosts.length);
  await waitForChartIdle(page);

  // Expected edges, lowest band first (the fixture's second host runs about 60 ms above the first).
  const expected = FIXTURE.hosts
    .map((host) => fixtureBaseline(anchor, host))
    .map(({ mean, stddev }) => ({
      low: mean - ANOMALY_Z_THRESHOLD * stddev,
      high: mean + ANOMALY_Z_THRESHOLD * stddev,
    }))
    .sort((a, b) => a.low - b.low);
  expect(expected[0]!.high, 'the fixture bands must differ to tell them apart').not.toBe(expected[1]!.high);

  const axis = await drawnYAxis(page, parseMs);
  // SVG y grows downwards: the lowest band is the one whose bottom edge is lowest on screen.
  const drawn = (await drawnBaselineBands(page)).sort((a, b) => b.bottom - a.bottom);
  expect(drawn).toHaveLength(expected.length);
  drawn.forEach((band, i) => {
    const want = expected[i]!;
    expect(Math.abs(band.bottom - axis.yOf(want.low)), `band ${i} bottom edge (px), low ${want.low}`).toBeLessThan(1);
    expect(Math.abs(band.top - axis.yOf(want.high)), `band ${i} top edge (px), high ${want.high}`).toBeLessThan(1);
  });

  // Each band covers the whole time range: the plot area's full width (geometry without the stroke).
  const plot = await page.getByTestId('chart-overlay').evaluate((e) => e.getBoundingClientRect().toJSON() as DOMRect);
  const bandBoxes = await bands
    .locator('path')
    .evaluateAll((paths) => paths.map((p) => p.getBoundingClientRect().toJSON() as DOMRect));
  for (const box of bandBoxes) {
    expect(Math.abs(box.left - plot.left), 'band left edge vs the plot (px)').toBeLessThan(1);
    expect(Math.abs(box.right - plot.right), 'band right edge vs the plot (px)').toBeLessThan(1);
  }

  await toggle.uncheck();
  await expect(bands).toHaveCount(0);
  await expect.poll(async () => (await drawnLines(page)).length).toBe(2);
});
