/**
 * Charts by metric type against demo history: a counter is drawn as its rate per second (checked
 * point by point against a rate computed here from the raw samples the engine returns), a
 * histogram as its p50/p90/p99 lines with an optional heatmap; aggregation changes the series
 * drawn; a series keeps its colour when a filter removes others; ticks are round in the unit; the
 * chart is one keyboard stop with zoom, pan and a summary; the layout does not jump. Prints the
 * time a 30-day detailed chart takes to draw (a figure, not an assertion). The preview's collector
 * adds live series (without `source="demo"`) a few seconds in, so the tests pick the demo's by name.
 */
import type { Page } from '@playwright/test';
import { legendRows, drawnPoints, parseCount, queryMetrics, yTickLabels } from './support/charts.ts';
import { drawnLines, drawnYAxis, openMetric, setCustomRange, shownRange, waitForChartIdle } from './support/panel.ts';
import { expect, test } from './support/test.ts';

const MINUTE_MS = 60_000;
const HOUR_MS = 60 * MINUTE_MS;

async function quickRange(page: Page, label: string): Promise<void> {
  await page.getByRole('group', { name: 'Quick ranges' }).getByRole('button', { name: label }).click();
}

/** Per-second rates of a counter's raw samples (a drop is a restart from 0), for samples in [start, end). */
function ratesFrom(points: { timestamp: number; value: number }[], start: number, end: number) {
  const rates: { t: number; rate: number }[] = [];
  for (let i = 1; i < points.length; i += 1) {
    const prev = points[i - 1]!;
    const cur = points[i]!;
    if (cur.timestamp < start || cur.timestamp >= end) continue;
    const increase = cur.value >= prev.value ? cur.value - prev.value : cur.value;
    rates.push({ t: cur.timestamp, rate: increase / ((cur.timestamp - prev.timestamp) / 1000) });
  }
  return rates;
}

test('a counter is drawn as its rate per second; the toggle shows the cumulative value', async ({ page, preview }) => {
  const metric = 'telemetry_samples_ingested_total';
  await page.goto(preview.url);
  const now = Date.now();
  const demo = { source: 'demo' };
  const [recent] = await queryMetrics(page, {
    metricName: metric,
    start: now - 3 * HOUR_MS,
    end: now,
    labels: demo,
    aggregation: 'raw',
  });
  const newest = recent!.points.at(-1)!.timestamp;
  const start = Math.floor((newest - 90 * MINUTE_MS) / MINUTE_MS) * MINUTE_MS;
  const end = start + 2 * HOUR_MS;

  await openMetric(page, metric);
  await setCustomRange(page, start, end);
  await expect(page.getByRole('group', { name: 'Show as' }).getByRole('button', { name: 'Rate /s' })).toHaveAttribute(
    'aria-pressed',
    'true',
  );
  await expect(page.getByTestId('resolution-label')).toHaveAttribute('data-resolution', 'raw');
  await waitForChartIdle(page);

  // The engine's raw samples (from an hour before, so the first one in range has its predecessor).
  const [raw] = await queryMetrics(page, {
    metricName: metric,
    start: start - HOUR_MS,
    end,
    labels: demo,
    aggregation: 'raw',
  });
  const expected = ratesFrom(raw!.points, start, end);
  expect(expected.length).toBeGreaterThan(60);
  // Lines are drawn in the legend's order.
  const demoRow = async () => (await legendRows(page)).findIndex((r) => r.name === 'source=demo');
  expect(await demoRow()).toBeGreaterThanOrEqual(0);
  const line = (await drawnPoints(page))[await demoRow()];
  expect(line, 'one drawn point per raw sample in the range').toHaveLength(expected.length);
  const axis = await drawnYAxis(page, parseCount);
  line!.forEach((point, i) => {
    expect(Math.abs(point.y - axis.yOf(expected[i]!.rate)), `point ${i} (rate ${expected[i]!.rate}/s)`).toBeLessThan(1);
  });
  const row = (await legendRows(page))[await demoRow()];
  expect(Math.abs(parseCount(row!.cells[3]!) - expected.at(-1)!.rate)).toBeLessThanOrEqual(0.005);
  expect(await yTickLabels(page)).toEqual(expect.arrayContaining([expect.stringMatching(/\/s$/)]));

  // Cumulative: the stored values as they are.
  await page.getByRole('group', { name: 'Show as' }).getByRole('button', { name: 'Cumulative' }).click();
  await expect.poll(async () => (await yTickLabels(page)).some((label) => label.endsWith('/s'))).toBe(false);
  await waitForChartIdle(page);
  const lastRaw = raw!.points.filter((p) => p.timestamp < end).at(-1)!.value;
  await expect
    .poll(async () => Math.abs(parseCount((await legendRows(page))[await demoRow()]!.cells[3]!) - lastRaw) / lastRaw)
    .toBeLessThan(0.005);
});

test('a histogram is drawn as p50, p90 and p99 lines, with an optional heatmap of its buckets', async ({
  page,
  preview,
}) => {
  const metric = 'telemetry_panel_call_duration_seconds';
  await page.goto(preview.url);
  await openMetric(page, metric);
  await quickRange(page, '24h');
  await waitForChartIdle(page);
  const names = ['quantile=0.5, source=demo', 'quantile=0.9, source=demo', 'quantile=0.99, source=demo'];
  await expect
    .poll(async () => (await legendRows(page)).map((r) => r.name).filter((name) => name.endsWith('source=demo')))
    .toEqual(names);
  const rows = (await legendRows(page)).map((r) => r.name);
  const lines = await drawnPoints(page);
  const [p50, p90, p99] = names.map((name) => lines[rows.indexOf(name)]);
  expect(p50!.length).toBeGreaterThan(10);
  expect(p90).toHaveLength(p50!.length);
  expect(p99).toHaveLength(p50!.length);
  // SVG y grows downwards: at every time, p50 is drawn at or below p90, and p90 at or below p99.
  p50!.forEach((point, i) => {
    expect(point.y).toBeGreaterThanOrEqual(p90![i]!.y - 0.01);
    expect(p90![i]!.y).toBeGreaterThanOrEqual(p99![i]!.y - 0.01);
  });

  await page.getByLabel('Heatmap').check();
  const heatmap = page.getByTestId('heatmap');
  await expect(heatmap).toBeVisible();
  const { start, end } = await shownRange(page);
  const buckets = await queryMetrics(page, { metricName: metric, start, end, fn: 'buckets', aggregation: '1h' });
  const bounds = new Set(buckets.map((b) => b.labels.le));
  await expect(heatmap.locator('.heatmap-bound')).toHaveCount(bounds.size);
  expect(await heatmap.locator('.heatmap-cell').count()).toBeGreaterThan(0);
});

test('aggregation: sum of all series, then by a label', async ({ page, preview }) => {
  await page.goto(preview.url);
  await openMetric(page, 'process_cpu_percent');
  await waitForChartIdle(page);
  await expect.poll(() => page.getByTestId('legend-row').count()).toBeGreaterThanOrEqual(3);
  await page.getByRole('combobox', { name: 'Aggregate series' }).selectOption('sum');
  await expect.poll(async () => (await legendRows(page)).map((r) => r.name)).toEqual(['process_cpu_percent']);
  await expect.poll(async () => (await drawnLines(page)).length).toBe(1);
  await page.getByRole('checkbox', { name: 'process' }).check();
  await expect
    .poll(async () => (await legendRows(page)).map((r) => r.name).sort())
    .toEqual(['process=host', 'process=main', 'process=renderer']);
  await page.getByRole('combobox', { name: 'Aggregate series' }).selectOption('');
  await expect.poll(() => page.getByTestId('legend-row').count()).toBeGreaterThanOrEqual(3);
});

test('a series keeps its colour when a filter leaves others out', async ({ page, preview }) => {
  await page.goto(preview.url);
  await openMetric(page, 'process_cpu_percent');
  await waitForChartIdle(page);
  await expect.poll(() => page.getByTestId('legend-row').count()).toBeGreaterThanOrEqual(3);
  // The colour is the swatch's first colour (a series sharing its colour with another is dashed too).
  const colour = (swatch: string) => /rgb\([^)]*\)/.exec(swatch)?.[0];
  const before = new Map((await legendRows(page)).map((r) => [r.name, colour(r.swatch)]));

  await page.getByRole('button', { name: '+ Filter' }).click();
  const form = page.getByRole('form', { name: 'Add a label filter' });
  await form.getByRole('combobox', { name: 'Label' }).selectOption('process');
  await form.getByRole('combobox', { name: 'Operator' }).selectOption('!=');
  await form.getByRole('combobox', { name: 'Value' }).selectOption('host');
  await form.getByRole('button', { name: 'Add', exact: true }).click();
  await expect.poll(async () => (await legendRows(page)).some((r) => r.name.includes('process=host'))).toBe(false);
  const after = (await legendRows(page)).filter((r) => before.has(r.name));
  expect(after.length, 'series shown before and after the filter').toBeGreaterThanOrEqual(2);
  for (const row of after) expect(colour(row.swatch), row.name).toBe(before.get(row.name));
});

test('round ticks in the unit, and the chart fills the window', async ({ page, preview }) => {
  await page.setViewportSize({ width: 1920, height: 1080 });
  await page.goto(preview.url);
  await openMetric(page, 'process_resident_memory_bytes');
  await waitForChartIdle(page);
  const mib = (await yTickLabels(page)).map((label) => /^(\d+) MiB$/.exec(label)?.[1]);
  expect(
    mib.every((v) => v !== undefined),
    `MiB ticks: ${mib.join(', ')}`,
  ).toBe(true);
  const values = mib.map(Number);
  const step = values[1]! - values[0]!;
  expect(
    values.every((v) => v % step === 0),
    `round steps: ${values.join(', ')}`,
  ).toBe(true);

  await openMetric(page, 'process_event_loop_delay_mean_milliseconds');
  await waitForChartIdle(page);
  await expect.poll(() => yTickLabels(page)).toEqual(expect.arrayContaining([expect.stringMatching(/ ms$/)]));
  expect((await yTickLabels(page)).every((label) => /^\d+(\.\d+)? ms$/.test(label))).toBe(true);

  // A duration axis says "ms" on every tick, its lowest included (never "0 µs": the live rollup
  // durations decide whether it starts at zero); a percent axis of values at or above zero stays there.
  await openMetric(page, 'telemetry_rollup_duration_milliseconds');
  await waitForChartIdle(page);
  await expect.poll(async () => (await yTickLabels(page)).length).toBeGreaterThan(1);
  expect((await yTickLabels(page)).every((label) => /^\d+(\.\d+)? ms$/.test(label))).toBe(true);
  await openMetric(page, 'process_cpu_percent');
  await waitForChartIdle(page);
  await expect.poll(async () => (await yTickLabels(page))[0]).toBe('0%');

  // The panel reaches the bottom of the window (less the padding), the chart taking what is left.
  const main = (await page.locator('.metrics-main').boundingBox())!;
  const panel = (await page.locator('.metric-panel').boundingBox())!;
  expect(Math.abs(panel.y + panel.height - (main.y + main.height - 16))).toBeLessThan(2);
  expect((await page.locator('.chart-frame').boundingBox())!.height).toBeGreaterThan(500);
});

test('the chart is one keyboard stop: + and − zoom, the arrows pan, a summary names each series', async ({
  page,
  preview,
}) => {
  await page.goto(preview.url);
  await openMetric(page, 'process_cpu_percent');
  await waitForChartIdle(page);
  await page.getByRole('combobox', { name: 'Resolution' }).focus();
  await page.keyboard.press('Tab');
  const chart = page.getByRole('group', { name: /^Chart of process_cpu_percent/ });
  await expect(chart).toBeFocused();
  await expect(chart).toHaveCSS('outline-style', 'solid');
  for (const row of await legendRows(page)) {
    await expect(page.getByTestId('chart-summary')).toContainText(
      new RegExp(`${row.name}: latest .+, min .+, max .+\\.`),
    );
  }

  const before = await shownRange(page);
  const span = before.end - before.start;
  await page.keyboard.press('+');
  await expect.poll(async () => (await shownRange(page)).start).toBe(before.start + span / 4);
  expect((await shownRange(page)).end).toBe(before.end - span / 4);
  const zoomed = await shownRange(page);
  await page.keyboard.press('ArrowLeft');
  await expect.poll(async () => (await shownRange(page)).start).toBe(zoomed.start - span / 8);
  await page.keyboard.press('-');
  await expect.poll(async () => (await shownRange(page)).end - (await shownRange(page)).start).toBe(span);

  await page.keyboard.press('Tab');
  await expect(chart).not.toBeFocused();
  expect(await page.evaluate(() => document.activeElement?.closest('.chart-frame') === null)).toBe(true);
});

test('at 1024x700 the time bar is one row, and zooming does not move it or the chart', async ({ page, preview }) => {
  await page.setViewportSize({ width: 1024, height: 700 });
  await page.goto(preview.url);
  await openMetric(page, 'process_heap_used_bytes');
  await waitForChartIdle(page);
  const tops = await page
    .locator('.time-bar > *')
    .evaluateAll((items) =>
      items.map((item) => Math.round(item.getBoundingClientRect().top + item.getBoundingClientRect().height / 2)),
    );
  expect(new Set(tops).size, `centres of the time bar's items: ${tops.join(', ')}`).toBe(1);

  const live = page.locator('.live-switch');
  const liveBefore = (await live.boundingBox())!;
  const chartBefore = (await page.locator('.chart-frame').boundingBox())!;
  const box = (await page.getByTestId('chart-overlay').boundingBox())!;
  await page.mouse.move(box.x + box.width * 0.3, box.y + box.height / 2);
  await page.mouse.down();
  await page.mouse.move(box.x + box.width * 0.6, box.y + box.height / 2, { steps: 6 });
  await page.mouse.up();
  await expect(live.getByRole('checkbox')).toHaveAccessibleName('Live (paused)');
  expect((await live.boundingBox())!.width).toBe(liveBefore.width);
  expect((await page.locator('.chart-frame').boundingBox())!.y).toBe(chartBefore.y);
});

test('a 30-day detailed chart: the time it takes to draw', async ({ page, preview }) => {
  await page.setViewportSize({ width: 1920, height: 1080 });
  await page.goto(preview.url);
  await openMetric(page, 'process_cpu_percent');
  await waitForChartIdle(page);
  // Live off: no refresh starts a second round while the first is timed.
  await page.getByRole('checkbox', { name: /^Live/ }).uncheck();
  const t0 = await page.evaluate(() => performance.now());
  await quickRange(page, '30d');
  await page.waitForFunction(
    () => {
      const frame = document.querySelector('.chart-frame');
      const label = document.querySelector('[data-testid="resolution-label"]')?.getAttribute('data-resolution');
      return frame?.getAttribute('aria-busy') === 'false' && (label === '1h' || label === '1d');
    },
    undefined,
    { polling: 'raf' },
  );
  const ms = Math.round((await page.evaluate(() => performance.now())) - t0);
  const series = await page.getByTestId('legend-row').count();
  console.log(`detail, 30 days of process_cpu_percent (${series} series) at 1920x1080: drawn in ${ms} ms`);
});
