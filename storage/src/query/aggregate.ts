/**
 * Aggregation across series, per time bucket: `sum`, `avg`, `min`, `max` or `count` of the points
 * that share a timestamp, over the series that share the values of the `by` labels (everything
 * else aggregated away; without `by`, every series in one group). A series with no point at a
 * timestamp does not count there (count is the number of series that have one, avg divides by it).
 * An absent label and an empty value are the same, as everywhere in the engine.
 */
import { byCodeUnits } from '../series/labels.ts';
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

/**
 * Items grouped by a label set (keyed by its JSON text), the groups in that text's order: `create`
 * starts a group's state, `add` folds an item into it.
 */
export function groupByLabels<T, S>(
  items: Iterable<T>,
  labelsOf: (item: T) => Labels,
  create: () => S,
  add: (state: S, item: T) => void,
): { labels: Labels; state: S }[] {
  const groups = new Map<string, { labels: Labels; state: S }>();
  for (const item of items) {
    const labels = labelsOf(item);
    const key = JSON.stringify(labels);
    let group = groups.get(key);
    if (group === undefined) groups.set(key, (group = { labels, state: create() }));
    add(group.state, item);
  }
  return [...groups.entries()].sort(([a], [b]) => byCodeUnits(a, b)).map(([, group]) => group);
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
  return groupByLabels(
    series,
    (s) => keptLabels(s.labels, by),
    () => new Map<number, Accumulator>(),
    (byTime, s) => accumulate(byTime, s.points),
  ).map(({ labels, state: byTime }) => ({
    labels,
    aggregatedBy: Object.keys(labels),
    points: [...byTime.entries()]
      .sort(([a], [b]) => a - b)
      .map(([timestamp, a]) => ({ timestamp, value: RESULT[op](a) })),
  }));
}
