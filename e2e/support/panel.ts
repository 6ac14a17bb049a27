/**
 * Page helpers for the panel, written against what a user sees (roles, labels, text) plus the
 * drawn SVG: the points of each series' average line are read back from its path.
 */
import { expect, type Page } from '@playwright/test';

export async function openTab(page: Page, name: 'Metrics' | 'Alerts' | 'Export' | 'Settings'): Promise<void> {
  await page.getByRole('navigation', { name: 'Sections' }).getByRole('button', { name }).click();
}

export async function openMetric(page: Page, metric: string): Promise<void> {
  await page.getByRole('navigation', { name: 'Metrics' }).getByRole('button', { name: new RegExp(`^${metric}`) }).click();
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
  await expect(page.locator('.chart-frame')).toHaveAttribute('aria-busy', 'false');
}
