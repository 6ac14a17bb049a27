/**
 * The overview (the Metrics tab's home) against demo history plus the fixture: a chart per metric
 * drawn the way its type wants, one shared crosshair, a drag on one chart zooms them all, a click
 * opens the metric, pins survive a reload. Prints how long the whole overview takes to draw 30
 * days (a figure, not an assertion), and saves screenshots of the overview and a detailed view in
 * both themes at 1024x700 and 1920x1080 under test-results/.
 */
import type { Locator, Page } from '@playwright/test';
import type { MetricInfo, MetricQuery } from '../shared/panel-api.ts';
import { listMetrics, queryMetrics } from './support/charts.ts';
import { rangeText, shownRange } from './support/panel.ts';
import { expect, test } from './support/test.ts';

const CARD = '[data-testid="overview-card"]';

function cards(page: Page): Locator {
  return page.getByTestId('overview-card');
}

/**
 * Waits until every chart near the screen has drawn the range shown (re-read at each frame, as
 * live mode moves it); returns how many charts that is.
 */
async function waitForVisibleCharts(page: Page): Promise<number> {
  const handle = await page.waitForFunction(
    (selector) => {
      const from = document.querySelector('[data-testid="range-text"]')?.getAttribute('data-start');
      const near = [...document.querySelectorAll(selector)].filter((c) => c.getAttribute('data-in-view') === 'true');
      const done = near.every((c) => c.getAttribute('data-drawn-start') === from);
      return near.length > 0 && done ? near.length : false;
    },
    CARD,
    { polling: 'raf', timeout: 30_000 },
  );
  return (await handle.jsonValue()) as number;
}

/** Clicks a quick range and times it until every chart on screen has drawn it. */
async function timeQuickRange(page: Page, label: string): Promise<{ charts: number; ms: number }> {
  const t0 = await page.evaluate(() => performance.now());
  await page.getByRole('group', { name: 'Quick ranges' }).getByRole('button', { name: label }).click();
  await expect(page.getByRole('group', { name: 'Quick ranges' }).getByRole('button', { name: label })).toHaveAttribute(
    'aria-pressed',
    'true',
  );
  const charts = await waitForVisibleCharts(page);
  return { charts, ms: Math.round((await page.evaluate(() => performance.now())) - t0) };
}

/** The crosshair of each chart that shows one, as a fraction of its plot's width. */
async function crosshairFractions(page: Page): Promise<number[]> {
  return page.locator(`${CARD} [data-testid="chart-overlay"]`).evaluateAll((overlays) =>
    overlays.flatMap((overlay) => {
      const line = overlay.querySelector('[data-testid="crosshair"]');
      if (line === null) return [];
      const box = overlay.getBoundingClientRect();
      return [(line.getBoundingClientRect().left - box.left) / box.width];
    }),
  );
}

/** Sends the queries the charts on screen make (one per chart, three for a histogram) at once, and times them. */
async function timeSameQueries(page: Page, metrics: MetricInfo[]): Promise<{ queries: number; ms: number }> {
  const { start, end } = await shownRange(page);
  const onScreen = await cards(page).evaluateAll((all) =>
    all
      .filter((c) => c.getAttribute('data-in-view') === 'true')
      .map((c) => ({
        name: c.getAttribute('data-metric') ?? '',
        width: Math.floor(c.querySelector('[data-testid="chart-overlay"]')?.getBoundingClientRect().width ?? 0),
      })),
  );
  const queries: MetricQuery[] = onScreen.flatMap(({ name, width }) => {
    const base = { metricName: name, start, end, aggregation: 'auto' as const, maxPoints: width };
    const type = metrics.find((m) => m.name === name)?.type;
    if (type === 'counter') return [{ ...base, fn: 'rate' as const }];
    if (type === 'histogram') return [0.5, 0.9, 0.99].map((q) => ({ ...base, fn: 'quantile' as const, q }));
    return [base];
  });
  const t0 = Date.now();
  await Promise.all(queries.map((q) => queryMetrics(page, q)));
  return { queries: queries.length, ms: Date.now() - t0 };
}

test.beforeEach(async ({ page }) => {
  await page.setViewportSize({ width: 1920, height: 1080 });
});

test('a chart per metric, each drawn as its type wants; 30 days draw in one go', async ({ page, preview }) => {
  await page.goto(preview.url);
  const metrics = await listMetrics(page);
  expect(metrics.length, 'the demo and the fixture give many metrics').toBeGreaterThan(10);
  await expect(cards(page)).toHaveCount(metrics.length);
  expect(await cards(page).evaluateAll((all) => all.map((c) => c.getAttribute('data-metric')))).toEqual(
    metrics.map((m) => m.name),
  );
  await waitForVisibleCharts(page);

  // A counter as a rate, a histogram as its three quantile lines (the demo's one label set).
  const counter = metrics.find((m) => m.type === 'counter' && m.seriesCount === 1)!;
  const histogram = metrics.find((m) => m.type === 'histogram')!;
  const counterCard = page.locator(`${CARD}[data-metric="${counter.name}"]`);
  const histogramCard = page.locator(`${CARD}[data-metric="${histogram.name}"]`);
  await histogramCard.scrollIntoViewIfNeeded();
  await expect(histogramCard).toHaveAttribute('data-state', 'drawn');
  await expect(histogramCard).toContainText('p50 / p90 / p99');
  // Three lines per label set (the collector may add live series beside the demo's).
  expect(Number(await histogramCard.getAttribute('data-series')) % 3).toBe(0);
  expect(Number(await histogramCard.getAttribute('data-series'))).toBeGreaterThanOrEqual(3);
  await counterCard.scrollIntoViewIfNeeded();
  await expect(counterCard).toHaveAttribute('data-state', 'drawn');
  await expect(counterCard).toContainText('Rate /s');
  await expect(counterCard.locator('.recharts-yAxis-tick-labels text').first()).toHaveText(/\/s$/);

  // Every chart, scrolled to, draws at least one line.
  for (const card of await cards(page).all()) {
    await card.scrollIntoViewIfNeeded();
    await expect(card).toHaveAttribute('data-state', 'drawn');
    expect(
      Number(await card.getAttribute('data-series')),
      (await card.getAttribute('data-metric')) ?? '',
    ).toBeGreaterThan(0);
  }

  // The whole overview over 30 days, timed from the click to the last chart on screen drawn; twice,
  // as the first query of a metric also warms the store's caches.
  await page.locator('.metrics-main').evaluate((main) => main.scrollTo(0, 0));
  // Live off: no refresh starts a second round of queries while one is timed.
  await page.getByRole('checkbox', { name: /^Live/ }).uncheck();
  const first = await timeQuickRange(page, '30d');
  await timeQuickRange(page, '7d');
  const again = await timeQuickRange(page, '30d');
  const engine = await timeSameQueries(page, metrics);
  console.log(
    `overview, 30 days, ${first.charts} charts on screen at 1920x1080: drawn in ${first.ms} ms (first), ${again.ms} ms (again); ` +
      `the same ${engine.queries} queries sent at once through the page's API alone: ${engine.ms} ms`,
  );
});

test('one crosshair for all charts, a drag zooms them all, a click opens the metric', async ({ page, preview }) => {
  await page.goto(preview.url);
  await waitForVisibleCharts(page);
  const onScreen = await cards(page).evaluateAll(
    (all) => all.filter((c) => c.getAttribute('data-in-view') === 'true').length,
  );

  // Hovering the second chart at 40 % of its width marks the same time on every chart drawn.
  const overlay = cards(page).nth(1).getByTestId('chart-overlay');
  const box = (await overlay.boundingBox())!;
  await page.mouse.move(box.x + box.width * 0.4, box.y + box.height / 2);
  await expect.poll(async () => (await crosshairFractions(page)).length).toBeGreaterThanOrEqual(onScreen - 1);
  for (const fraction of await crosshairFractions(page)) expect(Math.abs(fraction - 0.4)).toBeLessThan(0.02);
  await expect(cards(page).nth(1).locator('.chart-tooltip')).toBeVisible();
  await expect(page.locator('.chart-tooltip')).toHaveCount(1);

  // Dragging across 40 %..60 % of it zooms every chart to that window.
  const before = await shownRange(page);
  await page.mouse.down();
  await page.mouse.move(box.x + box.width * 0.6, box.y + box.height / 2, { steps: 6 });
  await page.mouse.up();
  await expect(rangeText(page)).not.toContainText('now');
  const zoomed = await shownRange(page);
  const span = before.end - before.start;
  expect(Math.abs(zoomed.start - (before.start + span * 0.4))).toBeLessThan(span * 0.01);
  expect(Math.abs(zoomed.end - (before.start + span * 0.6))).toBeLessThan(span * 0.01);
  expect(await waitForVisibleCharts(page)).toBe(onScreen);

  // A click (no drag) opens that metric's detailed view, at the same range; "Overview" comes back.
  const metric = (await cards(page).nth(2).getAttribute('data-metric'))!;
  const third = (await cards(page).nth(2).getByTestId('chart-overlay').boundingBox())!;
  await page.mouse.click(third.x + third.width / 2, third.y + third.height / 2);
  await expect(page.getByRole('heading', { level: 1, name: metric })).toBeVisible();
  expect(await shownRange(page)).toEqual(zoomed);
  await page.getByRole('button', { name: '← Overview' }).click();
  await expect(cards(page).first()).toBeVisible();
});

test('pinned metrics: the overview can show only them, and the choice survives a reload', async ({ page, preview }) => {
  await page.goto(preview.url);
  await expect(cards(page).nth(2)).toBeVisible();
  const names = (await cards(page).evaluateAll((all) => all.map((c) => c.getAttribute('data-metric')))).slice(0, 3);
  await page.getByRole('button', { name: `Pin ${names[2]}` }).click();
  await page.getByRole('button', { name: `Pin ${names[0]}` }).click();
  const shown = page.getByRole('group', { name: 'Charts shown' });
  await shown.getByRole('button', { name: 'Pinned (2)' }).click();
  await expect(cards(page)).toHaveCount(2);

  await page.reload();
  await expect(shown.getByRole('button', { name: 'Pinned (2)' })).toHaveAttribute('aria-pressed', 'true');
  await expect(cards(page)).toHaveCount(2);
  expect(await cards(page).evaluateAll((all) => all.map((c) => c.getAttribute('data-metric')))).toEqual([
    names[0],
    names[2],
  ]);
  await shown.getByRole('button', { name: 'All metrics' }).click();
  await expect(cards(page)).toHaveCount((await listMetrics(page)).length);
});

for (const colorScheme of ['light', 'dark'] as const) {
  for (const [width, height] of [
    [1024, 700],
    [1920, 1080],
  ] as const) {
    test(`screenshots of the overview and a detailed view, ${colorScheme}, ${width}x${height}`, async ({
      page,
      preview,
    }, testInfo) => {
      await page.setViewportSize({ width, height });
      await page.emulateMedia({ colorScheme });
      await page.goto(preview.url);
      await page.getByRole('group', { name: 'Quick ranges' }).getByRole('button', { name: '24h' }).click();
      await waitForVisibleCharts(page);
      await page.screenshot({ path: testInfo.outputPath(`overview-${colorScheme}-${width}x${height}.png`) });

      await cards(page)
        .filter({ hasText: 'process_cpu_percent' })
        .getByRole('button', { name: /^process_cpu/ })
        .click();
      await expect(page.getByRole('heading', { level: 1, name: 'process_cpu_percent' })).toBeVisible();
      await expect(page.locator('.chart-frame')).toHaveAttribute('aria-busy', 'false');
      await expect.poll(() => page.getByTestId('legend-row').count()).toBeGreaterThanOrEqual(3);
      await page.screenshot({ path: testInfo.outputPath(`detail-${colorScheme}-${width}x${height}.png`) });
    });
  }
}
