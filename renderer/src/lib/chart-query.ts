/**
 * What a chart asks the engine for, by metric type: a counter as a rate per second (or its
 * cumulative value), a histogram as its p50/p90/p99 lines (or the rates of its buckets, for the
 * heatmap), a gauge as stored; optionally aggregated across series by chosen labels.
 */
import type { MetricInfo, MetricQuery, MetricType, SeriesResult } from '../../../shared/panel-api.ts';
import type { ResolutionChoice } from './resolution.ts';

/** How a metric is drawn: the choice a chart's toolbar offers for its type. */
export type ChartFn = 'rate' | 'cumulative' | 'quantiles';

export const CHART_FNS: Readonly<Record<ChartFn, string>> = {
  rate: 'Rate /s',
  cumulative: 'Cumulative',
  quantiles: 'p50 / p90 / p99',
};

/** The aggregations the panel offers (the engine's `count` is left out: it says nothing of the values). */
export type ChartAggregateOp = Exclude<NonNullable<MetricQuery['aggregate']>['op'], 'count'>;
export const CHART_AGGREGATE_OPS: readonly ChartAggregateOp[] = ['sum', 'avg', 'min', 'max'];

export interface ChartAggregate {
  op: ChartAggregateOp;
  /** The labels kept; none: every series in one. */
  by: string[];
}

const QUANTILES: readonly number[] = [0.5, 0.9, 0.99];

/** The label a quantile line carries (Prometheus' summary convention), so it is named and coloured by it. */
const QUANTILE_LABEL = 'quantile';

/** The choices for a type; the first is the default. */
export function chartFnsFor(type: MetricType): readonly ChartFn[] {
  if (type === 'counter') return ['rate', 'cumulative'];
  if (type === 'histogram') return ['quantiles'];
  return [];
}

export function effectiveFn(type: MetricType, fn: ChartFn | undefined): ChartFn | null {
  const choices = chartFnsFor(type);
  return fn !== undefined && choices.includes(fn) ? fn : (choices[0] ?? null);
}

/** Whether values are per second (the axis and legend add "/s"). */
export function isPerSecond(fn: ChartFn | null): boolean {
  return fn === 'rate';
}

export interface ChartRequest {
  start: number;
  end: number;
  labels?: MetricQuery['labels'];
  choice: ResolutionChoice;
  maxPoints: number;
  aggregate?: ChartAggregate | null;
}

function baseQuery(metric: MetricInfo, request: ChartRequest): MetricQuery {
  // A histogram function needs an interval: a raw choice falls back to the engine's own pick.
  const aggregation = metric.type === 'histogram' && request.choice === 'raw' ? 'auto' : request.choice;
  const query: MetricQuery = {
    metricName: metric.name,
    start: request.start,
    end: request.end,
    labels: request.labels,
    aggregation,
    maxPoints: request.maxPoints,
  };
  if (request.aggregate) query.aggregate = { op: request.aggregate.op, by: request.aggregate.by };
  return query;
}

/** Runs the queries a chart needs and returns its series (quantile lines tagged with their quantile). */
export async function queryChart(
  query: (q: MetricQuery) => Promise<SeriesResult[]>,
  metric: MetricInfo,
  fn: ChartFn | null,
  request: ChartRequest,
): Promise<SeriesResult[]> {
  const base = baseQuery(metric, request);
  if (fn === 'rate') return query({ ...base, fn: 'rate' });
  if (fn !== 'quantiles') return query(base);
  const lines = await Promise.all(
    QUANTILES.map(async (q) => {
      const results = await query({ ...base, fn: 'quantile', q });
      return results.map((r) => ({ ...r, labels: { ...r.labels, [QUANTILE_LABEL]: String(q) } }));
    }),
  );
  return lines.flat();
}

/** The bucket rates of a histogram, summed over its other labels: one series per `le`. */
export function heatmapQuery(metric: MetricInfo, request: ChartRequest): MetricQuery {
  return { ...baseQuery(metric, { ...request, aggregate: null }), fn: 'buckets', aggregate: { op: 'sum', by: ['le'] } };
}
