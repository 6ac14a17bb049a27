/**
 * The baseline band against the fixture, whose template has each series' baseline computed by the
 * engine: ticking "Baseline ±zσ" (z the alerting threshold, ANOMALY_Z_THRESHOLD) draws the band of
 * one series (chosen beside it) across the whole plot, from mean − zσ (never below zero for these
 * latencies) to mean + zσ on the chart's y axis; unticking removes it.
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

test('the baseline band spans mean ± zσ of the chosen series on the y axis, and goes away when unticked', async ({
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
  await expect(bands).toHaveCount(1);
  const plot = await page.getByTestId('chart-overlay').evaluate((e) => e.getBoundingClientRect().toJSON() as DOMRect);

  // One band at a time, for the series chosen: each host's band spans its own mean ± zσ, clamped at zero.
  const chooser = page.getByRole('combobox', { name: 'Baseline of series' });
  const expected = FIXTURE.hosts.map((host) => {
    const { mean, stddev } = fixtureBaseline(anchor, host);
    return {
      host,
      low: Math.max(0, mean - ANOMALY_Z_THRESHOLD * stddev),
      high: mean + ANOMALY_Z_THRESHOLD * stddev,
    };
  });
  expect(expected[0]!.high, 'the fixture bands must differ to tell them apart').not.toBe(expected[1]!.high);
  for (const want of expected) {
    await chooser.selectOption({ label: `host=${want.host}, region=${FIXTURE.region}` });
    await expect(bands).toHaveCount(1);
    await waitForChartIdle(page);
    const axis = await drawnYAxis(page, parseMs);
    await expect
      .poll(async () => {
        const [band] = await drawnBaselineBands(page);
        return band === undefined
          ? Infinity
          : Math.max(Math.abs(band.bottom - axis.yOf(want.low)), Math.abs(band.top - axis.yOf(want.high)));
      }, `band edges (px) of ${want.host}, mean ± zσ = ${want.low}..${want.high}`)
      .toBeLessThan(1);
    // The band covers the whole time range: the plot area's full width (geometry without the stroke).
    const box = await bands.locator('path').evaluate((p) => p.getBoundingClientRect().toJSON() as DOMRect);
    expect(Math.abs(box.left - plot.left), 'band left edge vs the plot (px)').toBeLessThan(1);
    expect(Math.abs(box.right - plot.right), 'band right edge vs the plot (px)').toBeLessThan(1);
  }

  await toggle.uncheck();
  await expect(bands).toHaveCount(0);
  await expect.poll(async () => (await drawnLines(page)).length).toBe(2);
});
