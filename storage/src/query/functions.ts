/**
 * The query functions, series by series, before any aggregation across series. `rate` and
 * `increase` of a counter (counters.ts). For a classic histogram (metricName is its base name; its
 * series are `<name>_bucket{le}`): `buckets`, the increase of each `le` bucket per time bucket, one
 * series per bucket series; and `quantile`, Prometheus' histogram_quantile over those increases per
 * time bucket (histogram-quantile.ts), one series per label set without `le`, a time bucket whose
 * quantile is not a number (no observation in it, no `+Inf` bucket) left out.
 *
 * A function must fit the metric's type (the catalog's): rate of a gauge or quantile of a counter
 * is INVALID_QUERY. Histogram functions need an interval (a quantile is over the observations of
 * a time bucket; raw is refused), and 'auto' picks the finest that fits maxPoints; a quantile may
 * not match on `le` (it needs every bucket). A quantile summed or averaged across series is the
 * quantile of the merged buckets, as `histogram_quantile(q, sum by (le, …) (increase(x_bucket)))`
 * is in PromQL (a sum of quantiles means nothing), so that aggregation happens here, before the
 * function; min, max and count apply to the quantiles, after it.
 */
import { InvalidQueryError } from '../errors.ts';
import { HISTOGRAM_SUFFIXES, histogramBase } from '../metrics/catalog.ts';
import type { Labels, MetricQuery, MetricType, QueryFunction, Resolution, Series, SeriesResult } from '../types.ts';
import { groupByLabels, keptLabels } from './aggregate.ts';
import { counterPoints } from './counters.ts';
import { histogramQuantile } from './histogram-quantile.ts';
import { bucketBound, LE_LABEL } from '../metrics/bucket-bound.ts';
import { byCodeUnits } from '../series/labels.ts';
import { pickResolution, type Aggregation, type QueryContext } from './query.ts';

const FITTING_TYPE: Record<QueryFunction, MetricType> = {
  rate: 'counter',
  increase: 'counter',
  quantile: 'histogram',
  buckets: 'histogram',
};

/** One `_bucket` series of a histogram: its bound and its labels without `le`. */
interface BucketSeries {
  series: Series;
  le: number;
  rest: Labels;
}

/** Whether the query aggregates across series before its function: a quantile summed or averaged. */
export function aggregatesBeforeFunction(q: MetricQuery): boolean {
  return q.fn === 'quantile' && (q.aggregate?.op === 'sum' || q.aggregate?.op === 'avg');
}

function typeMismatch(q: MetricQuery & { fn: QueryFunction }, type: MetricType): string {
  const needed = FITTING_TYPE[q.fn];
  const what = type === 'unknown' ? 'of unknown type (shown as a gauge)' : `a ${type}`;
  const hint =
    needed === 'histogram' && histogramBase(q.metricName) !== undefined
      ? `; a histogram is queried by its base name, ${histogramBase(q.metricName)}`
      : type === 'unknown'
        ? `; declare its type if it is a ${needed}`
        : '';
  return `${q.fn} applies to a ${needed}, but ${q.metricName} is ${what}${hint}`;
}

/** Refuses a function that does not fit the metric's type; false when nothing is stored or declared under the name. */
function fitsType(ctx: QueryContext, q: MetricQuery & { fn: QueryFunction }): boolean {
  const { type } = ctx.catalog.metadata(q.metricName);
  if (type === FITTING_TYPE[q.fn]) return true;
  if (type === 'unknown' && ctx.registry.ofMetric(q.metricName).length === 0) return false;
  throw new InvalidQueryError(typeMismatch(q, type));
}

function counterSeries(
  ctx: QueryContext,
  q: MetricQuery & { fn: 'rate' | 'increase' },
  aggregation: Aggregation,
  maxPoints: number,
): SeriesResult[] {
  const series = ctx.registry.match(q.metricName, q.labels);
  if (series.length === 0) return [];
  const rawAllowed = q.aggregate === undefined;
  const resolution = aggregation === 'auto' ? pickResolution(ctx, series, q, maxPoints, rawAllowed) : aggregation;
  return series.map((s) => ({
    metricName: s.metricName,
    labels: { ...s.labels },
    resolution,
    fn: q.fn,
    points: counterPoints(ctx, s.id, resolution, q.start, q.end, q.fn),
  }));
}

/** The histogram's bucket series the matchers select, ordered by labels then bound; those without a valid `le` are skipped. */
function bucketSeries(ctx: QueryContext, q: MetricQuery): BucketSeries[] {
  if (q.fn === 'quantile' && q.labels !== undefined && Object.hasOwn(q.labels, LE_LABEL))
    throw new InvalidQueryError('a quantile needs every bucket of the histogram: it may not match on le');
  const found = ctx.registry.match(`${q.metricName}${HISTOGRAM_SUFFIXES.bucket}`, q.labels).flatMap((series) => {
    const { [LE_LABEL]: text, ...rest } = series.labels;
    const le = bucketBound(text);
    return le === undefined ? [] : [{ series, le, rest, key: JSON.stringify(rest) }];
  });
  found.sort((a, b) => byCodeUnits(a.key, b.key) || a.le - b.le);
  return found.map(({ series, le, rest }) => ({ series, le, rest }));
}

/** Per label set (without le, or only the `by` labels when merging), per time bucket, per bound: the summed increase and how many series added to it. */
type Increases = Map<number, Map<number, { sum: number; n: number }>>;

/** The bucket series' increases, grouped as Increases says. */
function increasesByGroup(
  ctx: QueryContext,
  q: MetricQuery,
  resolution: Resolution,
  buckets: BucketSeries[],
  by: readonly string[] | undefined,
): { labels: Labels; state: Increases }[] {
  return groupByLabels(
    buckets,
    ({ rest }) => (by === undefined ? rest : keptLabels(rest, by)),
    (): Increases => new Map(),
    (byTime, { series, le }) => {
      for (const { timestamp, value } of counterPoints(ctx, series.id, resolution, q.start, q.end, 'increase')) {
        let bounds = byTime.get(timestamp);
        if (bounds === undefined) byTime.set(timestamp, (bounds = new Map()));
        const at = bounds.get(le);
        if (at === undefined) bounds.set(le, { sum: value, n: 1 });
        else {
          at.sum += value;
          at.n++;
        }
      }
    },
  );
}

function quantileSeries(
  ctx: QueryContext,
  q: MetricQuery & { q: number },
  resolution: Resolution,
  buckets: BucketSeries[],
): SeriesResult[] {
  const merging = aggregatesBeforeFunction(q);
  const by = merging ? (q.aggregate?.by ?? []) : undefined;
  const average = merging && q.aggregate?.op === 'avg';
  return increasesByGroup(ctx, q, resolution, buckets, by).map(({ labels, state: byTime }) => ({
    metricName: q.metricName,
    labels,
    resolution,
    fn: 'quantile' as const,
    ...(merging ? { aggregatedBy: Object.keys(labels) } : {}),
    points: [...byTime.entries()]
      .sort(([a], [b]) => a - b)
      .flatMap(([timestamp, bounds]) => {
        const counts = [...bounds].map(([le, { sum, n }]) => ({ le, count: average ? sum / n : sum }));
        const value = histogramQuantile(q.q, counts);
        return Number.isFinite(value) ? [{ timestamp, value }] : [];
      }),
  }));
}

function histogramSeries(
  ctx: QueryContext,
  q: MetricQuery & { fn: 'quantile' | 'buckets' },
  aggregation: Aggregation,
  maxPoints: number,
): SeriesResult[] {
  if (aggregation === 'raw')
    throw new InvalidQueryError(
      `${q.fn} needs an interval (or auto): it is computed over the samples of a time bucket`,
    );
  const buckets = bucketSeries(ctx, q);
  if (buckets.length === 0) return [];
  const resolution =
    aggregation === 'auto'
      ? pickResolution(
          ctx,
          buckets.map((b) => b.series),
          q,
          maxPoints,
          false,
        )
      : aggregation;
  if (q.fn === 'quantile') return quantileSeries(ctx, { ...q, q: q.q! }, resolution, buckets);
  return buckets.map(({ series }) => ({
    metricName: q.metricName,
    labels: { ...series.labels },
    resolution,
    fn: 'buckets' as const,
    points: counterPoints(ctx, series.id, resolution, q.start, q.end, 'increase'),
  }));
}

/** The series of a query with a function (validated: fn known, q in (0, 1) for a quantile). */
export function functionSeries(
  ctx: QueryContext,
  q: MetricQuery,
  aggregation: Aggregation,
  maxPoints: number,
): SeriesResult[] {
  const fn = q.fn;
  if (fn === undefined || !fitsType(ctx, { ...q, fn })) return [];
  if (fn === 'rate' || fn === 'increase') return counterSeries(ctx, { ...q, fn }, aggregation, maxPoints);
  return histogramSeries(ctx, { ...q, fn }, aggregation, maxPoints);
}
