/**
 * Aggregation across series, per time bucket: `sum`, `avg`, `min`, `max` or `count` of the points
 * that share a timestamp, over the series that share the values of the `by` labels (everything
 * else aggregated away; without `by`, every series in one group). A series with no point at a
 * timestamp does not count there (count is the number of series that have one, avg divides by it).
 * An absent label and an empty value are the same, as everywhere in the engine.
 */
import type { AggregateOp, Labels, Point } from '../types.ts';

export interface LabelledPoints {
  labels: Labels;
  points: readonly Point[];
}

export interface AggregatedSeries {
  /** The `by` labels the group has, with their values. */
  labels: Labels;
  /** Their names, sorted. */
  aggregatedBy: string[];
  points: Point[];
}

interface Accumulator {
  count: number;
  sum: number;
  min: number;
  max: number;
}

const RESULT: Record<AggregateOp, (a: Accumulator) => number> = {
  sum: (a) => a.sum,
  avg: (a) => a.sum / a.count,
  min: (a) => a.min,
  max: (a) => a.max,
  count: (a) => a.count,
};

/** The labels of `labels` named in `by`, with sorted keys. */
export function keptLabels(labels: Labels, by: readonly string[]): Labels {
  const kept: Labels = {};
  for (const name of [...new Set(by)].sort()) {
    const value = labels[name];
    if (value !== undefined && value !== '' && Object.hasOwn(labels, name)) kept[name] = value;
  }
  return kept;
}

function accumulate(into: Map<number, Accumulator>, points: readonly Point[]): void {
  for (const { timestamp, value } of points) {
    const a = into.get(timestamp);
    if (a === undefined) into.set(timestamp, { count: 1, sum: value, min: value, max: value });
    else {
      a.count++;
      a.sum += value;
      a.min = Math.min(a.min, value);
      a.max = Math.max(a.max, value);
    }
  }
}

/** One series per distinct value set of the `by` labels, ordered by those labels. */
export function aggregateSeries(
  series: readonly LabelledPoints[],
  op: AggregateOp,
  by: readonly string[] = [],
): AggregatedSeries[] {
  const groups = new Map<string, { labels: Labels; byTime: Map<number, Accumulator> }>();
  for (const s of series) {
    const labels = keptLabels(s.labels, by);
    const key = JSON.stringify(labels);
    let group = groups.get(key);
    if (group === undefined) groups.set(key, (group = { labels, byTime: new Map() }));
    accumulate(group.byTime, s.points);
  }
  return [...groups.entries()]
    .sort(([a], [b]) => (a < b ? -1 : a > b ? 1 : 0))
    .map(([, { labels, byTime }]) => ({
      labels,
      aggregatedBy: Object.keys(labels),
      points: [...byTime.entries()]
        .sort(([a], [b]) => a - b)
        .map(([timestamp, a]) => ({ timestamp, value: RESULT[op](a) })),
    }));
}
