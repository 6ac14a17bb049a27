/**
 * Helpers for the chart and overview specs: calls to the page's own panel API (window.telemetry,
 * so the tests compare what is drawn with what the engine returns), the points of a drawn line,
 * and parsing of axis and legend labels back into numbers.
 */
import type { Page } from '@playwright/test';
import type { MetricInfo, MetricQuery, SeriesResult } from '../../shared/panel-api.ts';

interface PageApi {
  listMetrics(): Promise<MetricInfo[]>;
  query(q: MetricQuery): Promise<SeriesResult[]>;
}

export async function listMetrics(page: Page): Promise<MetricInfo[]> {
  return page.evaluate(() => (window as unknown as { telemetry: PageApi }).telemetry.listMetrics());
}

export async function queryMetrics(page: Page, query: MetricQuery): Promise<SeriesResult[]> {
  return page.evaluate((q) => (window as unknown as { telemetry: PageApi }).telemetry.query(q), query);
}

/** Each average line's points as drawn (SVG coordinates), in the order of the legend's rows. */
export async function drawnPoints(page: Page): Promise<{ x: number; y: number }[][]> {
  return page.locator('.chart-frame .series-line path.recharts-line-curve').evaluateAll((paths) =>
    paths.map((path) =>
      [...(path.getAttribute('d') ?? '').matchAll(/[ML](-?[\d.]+),(-?[\d.]+)/g)].map((m) => ({
        x: Number(m[1]),
        y: Number(m[2]),
      })),
    ),
  );
}

const SI: Record<string, number> = { '': 1, k: 1e3, M: 1e6, G: 1e9, T: 1e12 };

/** A count or rate label ("2.5/s", "1.2k", "40") back to its value. */
export function parseCount(label: string): number {
  const match = /^(-?[\d,]+(?:\.\d+)?)(k|M|G|T)?(?:\/s)?$/.exec(label.trim());
  if (match?.[1] === undefined) throw new Error(`not a count label: ${JSON.stringify(label)}`);
  return Number(match[1].replaceAll(',', '')) * SI[match[2] ?? '']!;
}

/** The legend's rows as { name, cells } (cells: min, max, avg, last, samples, as shown). */
export async function legendRows(page: Page): Promise<{ name: string; swatch: string; cells: string[] }[]> {
  return page.getByTestId('legend-row').evaluateAll((rows) =>
    rows.map((row) => ({
      name: row.querySelector('th')?.textContent?.trim() ?? '',
      swatch: (row.querySelector('.swatch') as HTMLElement | null)?.style.background ?? '',
      cells: [...row.querySelectorAll('td')].map((td) => td.textContent?.trim() ?? ''),
    })),
  );
}

/** The y axis' tick labels, top to bottom as drawn. */
export async function yTickLabels(page: Page, scope = '.chart-frame'): Promise<string[]> {
  return page
    .locator(`${scope} .recharts-yAxis-tick-labels text`)
    .evaluateAll((texts) => texts.map((t) => t.textContent?.trim() ?? ''));
}
