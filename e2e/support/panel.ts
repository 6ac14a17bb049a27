/**
 * Page helpers for the panel, written against what a user sees (roles, labels, text) plus the
 * drawn SVG: the points of each series' average line are read back from its path.
 */
import { expect, type Page } from '@playwright/test';

export async function openTab(page: Page, name: 'Metrics' | 'Alerts' | 'Export' | 'Settings'): Promise<void> {
  await page.getByRole('tablist', { name: 'Sections' }).getByRole('tab', { name }).click();
}

export async function openMetric(page: Page, metric: string): Promise<void> {
  await page
    .getByRole('navigation', { name: 'Metrics' })
    .getByRole('button', { name: new RegExp(`^${metric}`) })
    .click();
  await expect(page.getByRole('heading', { level: 1, name: metric })).toBeVisible();
}

/** `datetime-local` text for a UTC instant (the browser runs in UTC, see playwright.config.ts). */
export function localInput(ms: number): string {
  return new Date(ms).toISOString().slice(0, 16);
}

export async function setCustomRange(page: Page, start: number, end: number): Promise<void> {
  await page.getByRole('group', { name: 'Quick ranges' }).getByRole('button', { name: 'Custom' }).click();
  const form = page.getByRole('form', { name: 'Custom range' });
  await form.getByLabel('From').fill(localInput(start));
  await form.getByLabel('To').fill(localInput(end));
  await form.getByRole('button', { name: 'Apply' }).click();
  await expect(rangeText(page)).toHaveAttribute('data-start', String(start));
  await expect(rangeText(page)).toHaveAttribute('data-end', String(end));
}

export function rangeText(page: Page) {
  return page.getByTestId('range-text');
}

export async function shownRange(page: Page): Promise<{ start: number; end: number }> {
  const text = rangeText(page);
  return { start: Number(await text.getAttribute('data-start')), end: Number(await text.getAttribute('data-end')) };
}

export interface DrawnLine {
  points: number;
  segments: number;
}

/** Every average line as drawn: how many points and how many separate segments (gaps split them). */
export async function drawnLines(page: Page): Promise<DrawnLine[]> {
  return page.locator('.series-line path.recharts-line-curve').evaluateAll((paths) =>
    paths.map((path) => {
      const d = path.getAttribute('d') ?? '';
      return { points: (d.match(/[ML]/g) ?? []).length, segments: (d.match(/M/g) ?? []).length };
    }),
  );
}

export async function waitForChartIdle(page: Page): Promise<void> {
  // The detailed view has one chart, the overview one per metric: wait until every one has drawn.
  await expect(page.locator('.chart-frame').first()).toBeVisible();
  await expect(page.locator('.chart-frame[aria-busy="true"]')).toHaveCount(0);
}

/** A linear y axis read back from the drawn chart: value -> SVG y, fitted through its tick labels. */
export interface DrawnYAxis {
  /** The SVG y at which `value` is drawn. */
  yOf: (value: number) => number;
}

/**
 * Reads the y axis from its tick labels (each label's `y` is where its value is drawn); `parse`
 * turns a label ("120 ms") back into its value. Needs at least two ticks.
 */
export async function drawnYAxis(page: Page, parse: (label: string) => number): Promise<DrawnYAxis> {
  const ticks = await page
    .locator('.chart-frame .recharts-yAxis-tick-labels text')
    .evaluateAll((texts) => texts.map((t) => ({ label: t.textContent ?? '', y: Number(t.getAttribute('y')) })));
  const points = ticks.map((t) => ({ value: parse(t.label), y: t.y }));
  if (points.length < 2) throw new Error(`the y axis has ${points.length} tick(s), need two`);
  const first = points[0]!;
  const last = points[points.length - 1]!;
  const pxPerValue = (last.y - first.y) / (last.value - first.value);
  for (const p of points) {
    // Every tick must sit on the same line, or the axis is not linear.
    expect(
      Math.abs(first.y + (p.value - first.value) * pxPerValue - p.y),
      `tick ${p.value} is off the axis`,
    ).toBeLessThan(1);
  }
  return { yOf: (value) => first.y + (value - first.value) * pxPerValue };
}

/** The baseline bands as drawn, in SVG coordinates (top and bottom edge). */
export async function drawnBaselineBands(page: Page): Promise<{ top: number; bottom: number }[]> {
  return page.locator('.chart-frame .baseline-band path').evaluateAll((paths) =>
    paths.map((path) => {
      const box = (path as SVGGraphicsElement).getBBox();
      return { top: box.y, bottom: box.y + box.height };
    }),
  );
}
