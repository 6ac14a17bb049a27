/**
 * Turns query results into what the chart draws: per series, rows of {t, avg, band} with an
 * explicit break wherever buckets are missing (gaps, never interpolated), and the legend's exact
 * min/max/avg/last computed from the rollups' min/max/sum/count; colours and names from the label set.
 */
import type { Labels, SeriesResult } from '../../../shared/panel-api.ts';
import { colorIndexOf } from './palette.ts';
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
  /** A dash pattern for a series whose colour an earlier series of the chart (by label set) already has. */
  dash: string | undefined;
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

function median(values: number[]): number {
  const sorted = [...values].sort((a, b) => a - b);
  return sorted[Math.floor(sorted.length / 2)] ?? 0;
}

/** The spacing beyond which two neighbouring points are separated by a gap. */
function gapThreshold(result: SeriesResult): number {
  const deltas: number[] = [];
  for (let i = 1; i < result.points.length; i += 1) {
    deltas.push(result.points[i]!.timestamp - result.points[i - 1]!.timestamp);
  }
  const width = bucketWidthMs(result.resolution);
  if (deltas.length === 0) return Infinity;
  // A series sampled less often than the bucket (every 5 min in 1m buckets) is not full of gaps.
  if (width !== null) return Math.max(width, median(deltas)) * 1.5;
  return median(deltas) * 3;
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

const DASHES = ['6 3', '2 2', '8 3 2 3'];

/** Per key, the dash of a series sharing its colour with one whose key sorts before it. */
function dashesOf(keys: string[]): Map<string, string | undefined> {
  const seen = new Map<number, number>();
  const dashes = new Map<string, string | undefined>();
  for (const key of [...keys].sort()) {
    const color = colorIndexOf(key);
    const before = seen.get(color) ?? 0;
    seen.set(color, before + 1);
    dashes.set(key, before === 0 ? undefined : DASHES[(before - 1) % DASHES.length]);
  }
  return dashes;
}

/**
 * Each series is named by its full label set and coloured from it (never from its place in the
 * result); where two share a colour, the one whose labels sort later is dashed.
 */
export function buildChartSeries(results: SeriesResult[]): ChartSeries[] {
  const dashes = dashesOf(results.map((r) => labelsKey(r.labels)));
  return results.map((result) => {
    const rows = toRows(result);
    const key = labelsKey(result.labels);
    return {
      key,
      name: formatLabels(result.labels) || result.metricName,
      labels: result.labels,
      colorIndex: colorIndexOf(key),
      dash: dashes.get(key),
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

/** The lowest and highest value drawn (bands included), or null when nothing is drawn. */
export function seriesExtent(series: ChartSeries[]): { min: number; max: number } | null {
  let min = Infinity;
  let max = -Infinity;
  for (const s of series) {
    for (const row of s.rows) {
      if (row.band === null) continue;
      min = Math.min(min, row.band[0]);
      max = Math.max(max, row.band[1]);
    }
  }
  return min <= max ? { min, max } : null;
}
