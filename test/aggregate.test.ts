/**
 * Aggregation across series through queryMetrics on a real store: every op, with and without `by`,
 * over counters' rates (after the function) and gauges' bucket averages, where some series have
 * no point in some buckets (a gap, a late start) and so do not count there. The expected values
 * come from the reference counterPointsFromRaw (counters) or the unaggregated query (gauges),
 * grouped and reduced here.
 */
import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import {
  AGGREGATE_OPS,
  counterPointsFromRaw,
  type AggregateOp,
  type Labels,
  type MetricSample,
  type Point,
  type Resolution,
} from '../storage/src/index.ts';
import { HOUR, MINUTE, T0, openStore, type OpenedStore } from './support/store.ts';

const STEP = 10_000;
const SPAN = 3 * HOUR;

/** Six series of one counter and one gauge: p3 on h2 starts an hour late, p2 on h1 has a 40-minute gap. */
const SERIES = ['p1', 'p2', 'p3'].flatMap((process) => ['h1', 'h2'].map((host) => ({ process, host })));

function present(labels: Labels, t: number): boolean {
  if (labels.process === 'p3' && labels.host === 'h2') return t >= T0 + HOUR;
  if (labels.process === 'p2' && labels.host === 'h1') return t < T0 + 30 * MINUTE || t >= T0 + 70 * MINUTE;
  return true;
}

function seriesSamples(labels: Labels, value: (i: number) => number): Point[] {
  const points: Point[] = [];
  for (let i = 0; i * STEP < SPAN; i++) {
    const timestamp = T0 + i * STEP;
    if (present(labels, timestamp)) points.push({ timestamp, value: value(i) });
  }
  return points;
}

const counterValue = (k: number) => (i: number) => (i > 500 && k === 1 ? i - 500 : i * (k + 1) + (i % 7)); // p1/h2 resets
const gaugeValue = (k: number) => (i: number) => 10 * k + Math.sin(i / 30) * 5;

const REDUCE: Record<AggregateOp, (values: number[]) => number> = {
  sum: (v) => v.reduce((a, b) => a + b, 0),
  avg: (v) => v.reduce((a, b) => a + b, 0) / v.length,
  min: (v) => Math.min(...v),
  max: (v) => Math.max(...v),
  count: (v) => v.length,
};

/** Groups series by the `by` labels they have, then reduces each timestamp's values with op. */
function expectedAggregate(series: { labels: Labels; points: Point[] }[], op: AggregateOp, by: string[]) {
  const groups = new Map<string, { labels: Labels; values: Map<number, number[]> }>();
  for (const s of series) {
    const labels = Object.fromEntries(
      by
        .filter((l) => s.labels[l] !== undefined)
        .sort()
        .map((l) => [l, s.labels[l]!]),
    );
    const key = JSON.stringify(labels);
    if (!groups.has(key)) groups.set(key, { labels, values: new Map() });
    for (const p of s.points)
      groups.get(key)!.values.set(p.timestamp, [...(groups.get(key)!.values.get(p.timestamp) ?? []), p.value]);
  }
  return [...groups.values()]
    .map(({ labels, values }) => ({
      labels,
      points: [...values.entries()]
        .sort(([a], [b]) => a - b)
        .map(([timestamp, v]) => ({ timestamp, value: REDUCE[op](v) })),
    }))
    .sort((a, b) => (JSON.stringify(a.labels) < JSON.stringify(b.labels) ? -1 : 1));
}

function assertSameSeries(
  actual: { labels: Labels; points: Point[] }[],
  expected: { labels: Labels; points: Point[] }[],
  what: string,
) {
  assert.deepEqual(
    actual.map((r) => r.labels),
    expected.map((e) => e.labels),
    what,
  );
  actual.forEach((r, i) => {
    const e = expected[i]!;
    assert.deepEqual(
      r.points.map((p) => p.timestamp),
      e.points.map((p) => p.timestamp),
      what,
    );
    r.points.forEach((p, j) => {
      const want = e.points[j]!.value;
      assert.ok(Math.abs(p.value - want) <= 1e-9 * Math.max(1, Math.abs(want)), `${what}: ${p.value} is not ${want}`);
    });
  });
}

describe('aggregation across series', () => {
  let s: OpenedStore;
  const raw = new Map<string, { labels: Labels; points: Point[] }>();

  before(async () => {
    s = openStore();
    const samples: MetricSample[] = [];
    SERIES.forEach((labels, k) => {
      const counter = seriesSamples(labels, counterValue(k));
      raw.set(JSON.stringify(labels), { labels, points: counter });
      for (const p of counter) samples.push({ name: 'agg_requests_total', labels, ...p });
      for (const p of seriesSamples(labels, gaugeValue(k))) samples.push({ name: 'agg_load', labels, ...p });
    });
    await s.store.insertSamples(samples.slice(0, samples.length * 0.7));
    await s.store.rollUpAndCompact();
    await s.store.insertSamples(samples.slice(samples.length * 0.7));
  });
  after(() => s.cleanup());

  for (const by of [undefined, ['host'], ['process', 'host'], ['absent_label'], ['host', 'host']]) {
    for (const resolution of ['5m', '1h'] as const) {
      it(`rate per series then each op, by ${JSON.stringify(by)}, at ${resolution}`, () => {
        const perSeries = [...raw.values()].map(({ labels, points }) => ({
          labels,
          points: counterPointsFromRaw(points, resolution, T0, T0 + SPAN, 'rate'),
        }));
        for (const op of AGGREGATE_OPS) {
          const results = s.store.queryMetrics({
            metricName: 'agg_requests_total',
            start: T0,
            end: T0 + SPAN,
            aggregation: resolution,
            fn: 'rate',
            aggregate: by === undefined ? { op } : { op, by },
          });
          const expected = expectedAggregate(perSeries, op, by ?? []);
          assertSameSeries(results, expected, `${op} by ${JSON.stringify(by)}`);
          for (const r of results) {
            assert.equal(r.metricName, 'agg_requests_total');
            assert.equal(r.fn, 'rate');
            assert.equal(r.resolution, resolution);
            assert.deepEqual(r.aggregatedBy, Object.keys(r.labels));
          }
        }
      });
    }
  }

  it('a series missing from a bucket does not count there (count and avg)', () => {
    const [count] = s.store.queryMetrics({
      metricName: 'agg_requests_total',
      start: T0,
      end: T0 + SPAN,
      aggregation: '5m',
      fn: 'increase',
      aggregate: { op: 'count' },
    });
    const counts = new Map(count!.points.map((p) => [p.timestamp, p.value]));
    // Independently: how many series have a sample in each 5-minute bucket.
    for (const [t, n] of counts) {
      const holding = SERIES.filter((labels) =>
        [...Array(30).keys()].some((i) => present(labels, t + i * STEP)),
      ).length;
      assert.equal(n, holding, new Date(t).toISOString());
    }
    assert.ok([...counts.values()].includes(4) && [...counts.values()].includes(6));
  });

  it('aggregates gauges (no fn) over their bucket averages, and auto never picks raw for an aggregation', () => {
    for (const op of AGGREGATE_OPS) {
      const query = { metricName: 'agg_load', start: T0, end: T0 + 10 * MINUTE, maxPoints: 1000 };
      const perSeries = s.store.queryMetrics(query);
      assert.equal(perSeries[0]!.resolution, 'raw', 'unaggregated, 60 samples fit 1000 points raw');
      const resolution: Resolution = '1m';
      const buckets = s.store.queryMetrics({ ...query, aggregation: resolution });
      const [result, ...rest] = s.store.queryMetrics({ ...query, aggregate: { op } });
      assert.equal(rest.length, 0);
      assert.equal(result!.resolution, resolution);
      assert.equal(result!.fn, undefined);
      assertSameSeries([result!], expectedAggregate(buckets, op, []), `gauge ${op}`);
    }
  });

  it('at raw resolution aggregates the points that share a timestamp', () => {
    const query = { metricName: 'agg_load', start: T0, end: T0 + HOUR, aggregation: 'raw' as const };
    const results = s.store.queryMetrics({ ...query, aggregate: { op: 'max', by: ['process'] } });
    assertSameSeries(results, expectedAggregate(s.store.queryMetrics(query), 'max', ['process']), 'raw max by process');
    assert.deepEqual(
      results.map((r) => r.labels),
      [{ process: 'p1' }, { process: 'p2' }, { process: 'p3' }],
    );
  });
});
