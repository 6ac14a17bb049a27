/**
 * Charts against the fixture (two series, one sample a minute for 48 h, one hour missing):
 * points drawn per resolution, the auto resolution following the range, label filters, zoom.
 */
import { FIXTURE, HOUR_MS, gapWindow } from './support/fixture-data.ts';
import { drawnLines, openMetric, rangeText, setCustomRange, shownRange } from './support/panel.ts';
import { expect, test } from './support/test.ts';

test.use({ seed: 'fixture' });

test.beforeEach(async ({ page, preview }) => {
  await page.goto(preview.url);
  await openMetric(page, FIXTURE.metric);
});

test('draws the expected points for the resolution in use, and auto follows the range', async ({ page, anchor }) => {
  const label = page.getByTestId('resolution-label');
  const plotWidth = (await page.getByTestId('chart-overlay').boundingBox())?.width ?? 0;
  expect(plotWidth, 'the 48 h range at 5m needs 576 px for auto to pick 5m').toBeGreaterThanOrEqual(576);

  // Two hours without the gap: 120 raw samples per series fit the width, so auto keeps raw.
  await setCustomRange(page, anchor - 2 * HOUR_MS, anchor);
  await expect(label).toHaveAttribute('data-resolution', 'raw');
  await expect(label).toHaveText('Raw samples · auto');
  await expect
    .poll(() => drawnLines(page))
    .toEqual([
      { points: 120, segments: 1 },
      { points: 120, segments: 1 },
    ]);

  // 48 hours: 2,880 minutes do not fit, 576 five-minute buckets do; the missing hour is a gap.
  await setCustomRange(page, anchor - 48 * HOUR_MS, anchor);
  await expect(label).toHaveAttribute('data-resolution', '5m');
  await expect
    .poll(() => drawnLines(page))
    .toEqual([
      { points: 576 - 12, segments: 2 },
      { points: 576 - 12, segments: 2 },
    ]);

  // A manual override: 48 hourly buckets, one of them missing.
  await page.getByRole('combobox', { name: 'Resolution' }).selectOption('1h');
  await expect(label).toHaveText('1h rollup');
  await expect
    .poll(() => drawnLines(page))
    .toEqual([
      { points: 47, segments: 2 },
      { points: 47, segments: 2 },
    ]);
});

test('the legend keeps exact min, max, avg and samples when the rollups thin the points', async ({ page, anchor }) => {
  const gap = gapWindow(anchor);
  await setCustomRange(page, gap.end, gap.end + 2 * HOUR_MS);
  const cells = page.getByTestId('legend-row').first().locator('td');
  await expect(cells.nth(4)).toHaveText('120');
  const exact = async () => Promise.all([0, 1, 2, 4].map(async (i) => (await cells.nth(i).textContent())?.trim()));
  const rawStats = await exact();
  await page.getByRole('combobox', { name: 'Resolution' }).selectOption('1h');
  await expect(page.getByTestId('resolution-label')).toHaveText('1h rollup');
  await expect
    .poll(() => drawnLines(page))
    .toEqual([
      { points: 2, segments: 1 },
      { points: 2, segments: 1 },
    ]);
  // Min, max, avg and samples come from the buckets' min/max/sum/count, so they match the raw ones.
  expect(await exact()).toEqual(rawStats);
});

test('a label filter narrows the series', async ({ page, anchor }) => {
  await setCustomRange(page, anchor - 6 * HOUR_MS, anchor);
  const rows = page.getByTestId('legend-row');
  await expect(rows).toHaveCount(2);
  await expect.poll(async () => (await drawnLines(page)).length).toBe(2);

  await page.getByRole('button', { name: '+ Filter' }).click();
  const form = page.getByRole('form', { name: 'Add a label filter' });
  await form.getByRole('combobox', { name: 'Label' }).selectOption('host');
  await form.getByRole('combobox', { name: 'Value' }).selectOption(FIXTURE.hosts[1]);
  await form.getByRole('button', { name: 'Add' }).click();

  await expect(page.getByRole('list', { name: 'Active label filters' })).toContainText(`host = ${FIXTURE.hosts[1]}`);
  await expect(rows).toHaveCount(1);
  await expect(rows.first()).toContainText(FIXTURE.hosts[1]);
  await expect.poll(async () => (await drawnLines(page)).length).toBe(1);

  await page.getByRole('button', { name: `Remove filter host = ${FIXTURE.hosts[1]}` }).click();
  await expect(rows).toHaveCount(2);
});

test('dragging across the chart zooms into that window; zoom out widens it again', async ({ page, anchor }) => {
  await setCustomRange(page, anchor - 48 * HOUR_MS, anchor);
  await expect(page.getByTestId('resolution-label')).toHaveAttribute('data-resolution', '5m');
  const before = await shownRange(page);
  const box = await page.getByTestId('chart-overlay').boundingBox();
  if (box === null) throw new Error('the chart overlay is not visible');

  await page.mouse.move(box.x + box.width * 0.5, box.y + box.height / 2);
  await page.mouse.down();
  await page.mouse.move(box.x + box.width * 0.625, box.y + box.height / 2, { steps: 8 });
  await page.mouse.up();

  const span = before.end - before.start;
  await expect.poll(async () => (await shownRange(page)).start).not.toBe(before.start);
  const zoomed = await shownRange(page);
  expect(Math.abs(zoomed.start - (before.start + span * 0.5))).toBeLessThan(span * 0.01);
  expect(Math.abs(zoomed.end - (before.start + span * 0.625))).toBeLessThan(span * 0.01);
  // Six hours of one-a-minute samples (360 per series) now fit the width: auto goes back to raw.
  await expect(page.getByTestId('resolution-label')).toHaveAttribute('data-resolution', 'raw');

  await page.getByRole('button', { name: 'Zoom out' }).click();
  await expect
    .poll(async () => {
      const r = await shownRange(page);
      return r.end - r.start;
    })
    .toBe(2 * (zoomed.end - zoomed.start));
  await expect(rangeText(page)).not.toContainText('now');
});
