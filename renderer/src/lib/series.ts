/**
 * Turns query results into what the chart draws: per series, rows of {t, avg, band} with an
 * explicit break wherever buckets are missing (gaps, never interpolated), and the legend's exact
 * min/max/avg/last computed from the rollups' min/max/sum/count.
 */
import type { Labels, SeriesResult } from '../../../shared/panel-api.ts';
import { bucketWidthMs } from './resolution.ts';

export interface ChartRow {
  t: number;
  avg: number | null;
  band: [number, number] | null;
}

export interface SeriesStats {
  min: number;
  max: number;
  avg: number;
  last: number;
  samples: number;
}

export interface ChartSeries {
  key: string;
  name: string;
  labels: Labels;
  colorIndex: number;
  rows: ChartRow[];
  /** Points actually drawn (rows minus gap breaks). */
  points: number;
  /** Whether some point stands alone between gaps (a line cannot show it, so it gets a dot). */
  hasIsolated: boolean;
  stats: SeriesStats | null;
}

export function labelsKey(labels: Labels): string {
  return JSON.stringify(Object.entries(labels).sort(([a], [b]) => a.localeCompare(b)));
}

export function sameLabels(a: Labels, b: Labels): boolean {
  return labelsKey(a) === labelsKey(b);
}

export function formatLabels(labels: Labels): string {
  const entries = Object.entries(labels).sort(([a], [b]) => a.localeCompare(b));
  return entries.map(([name, value]) => `${name}=${value}`).join(', ');
}

/** Names series by the labels that differ between them, so the legend stays short. */
function seriesNames(results: SeriesResult[]): string[] {
  const varying = new Set<string>();
  for (const result of results) {
    for (const [name, value] of Object.entries(result.labels)) {
      if (results.some((other) => other.labels[name] !== value)) varying.add(name);
    }
  }
  return results.map((result) => {
    const shown =
      results.length > 1
        ? Object.fromEntries(Object.entries(result.labels).filter(([n]) => varying.has(n)))
        : result.labels;
    return formatLabels(shown) || result.metricName;
  });
}

function median(values: number[]): number {
  const sorted = [...values].sort((a, b) => a - b);
  return sorted[Math.floor(sorted.length / 2)] ?? 0;
}

/** The spacing beyond which two neighbouring points are separated by a gap. */
function gapThreshold(result: SeriesResult): number {
  const width = bucketWidthMs(result.resolution);
  if (width !== null) return width * 1.5;
  const deltas: number[] = [];
  for (let i = 1; i < result.points.length; i += 1) {
    deltas.push(result.points[i]!.timestamp - result.points[i - 1]!.timestamp);
  }
  return deltas.length === 0 ? Infinity : median(deltas) * 3;
}

function toRows(result: SeriesResult): ChartRow[] {
  const threshold = gapThreshold(result);
  const rows: ChartRow[] = [];
  let previous: number | null = null;
  for (const point of result.points) {
    if (previous !== null && point.timestamp - previous > threshold) {
      rows.push({ t: previous + 1, avg: null, band: null });
    }
    rows.push({ t: point.timestamp, avg: point.value, band: [point.min ?? point.value, point.max ?? point.value] });
    previous = point.timestamp;
  }
  return rows;
}

export function seriesStats(result: SeriesResult): SeriesStats | null {
  const last = result.points.at(-1);
  if (last === undefined) return null;
  let min = Infinity;
  let max = -Infinity;
  let sum = 0;
  let count = 0;
  for (const point of result.points) {
    min = Math.min(min, point.min ?? point.value);
    max = Math.max(max, point.max ?? point.value);
    sum += point.sum ?? point.value;
    count += point.count ?? 1;
  }
  return { min, max, avg: sum / count, last: last.value, samples: count };
}

export function buildChartSeries(results: SeriesResult[]): ChartSeries[] {
  const names = seriesNames(results);
  return results.map((result, index) => {
    const rows = toRows(result);
    return {
      key: labelsKey(result.labels),
      name: names[index] ?? result.metricName,
      labels: result.labels,
      colorIndex: index,
      rows,
      points: result.points.length,
      hasIsolated: rows.some((_, i) => isIsolated(rows, i)),
      stats: seriesStats(result),
    };
  });
}

/** A point with no drawn neighbour on either side. */
export function isIsolated(rows: ChartRow[], index: number): boolean {
  return rows[index]?.avg != null && rows[index - 1]?.avg == null && rows[index + 1]?.avg == null;
}

/** The row of a series nearest to `t`, if it lies within `maxDistance`. */
export function nearestRow(rows: ChartRow[], t: number, maxDistance: number): ChartRow | null {
  let low = 0;
  let high = rows.length - 1;
  while (low < high) {
    const mid = (low + high) >> 1;
    if (rows[mid]!.t < t) low = mid + 1;
    else high = mid;
  }
  let best: ChartRow | null = null;
  for (const candidate of [rows[low - 1], rows[low]]) {
    if (candidate === undefined || candidate.avg === null) continue;
    if (Math.abs(candidate.t - t) > maxDistance) continue;
    if (best === null || Math.abs(candidate.t - t) < Math.abs(best.t - t)) best = candidate;
  }
  return best;
}
