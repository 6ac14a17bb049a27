/**
 * The query functions through queryMetrics on a real store: rate and increase equal the reference
 * counterPointsFromRaw at every resolution; buckets gives each `le` bucket's increase; bad
 * function fields and functions that do not fit the metric's type are typed INVALID_QUERY errors
 * naming what is wrong; 'auto' and maxPoints apply to the function's output.
 */
import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import {
  INTERVALS,
  INTERVAL_MS,
  StorageError,
  counterPointsFromRaw,
  type MetricQuery,
  type MetricSample,
  type Point,
} from '../storage/src/index.ts';
import { HOUR, MINUTE, T0, openStore, type OpenedStore } from './support/store.ts';

const STEP = 10_000;
const SPAN = 6 * HOUR;
const BOUNDS = ['0.1', '0.5', '1', '+Inf'];

function series(value: (i: number) => number): Point[] {
  return Array.from({ length: SPAN / STEP }, (_, i) => ({ timestamp: T0 + i * STEP, value: value(i) }));
}

const counter = series((i) => (i < 1000 ? i * 3 : (i - 1000) * 2)); // a reset at sample 1000
const buckets = BOUNDS.map((le, k) => ({ le, points: series((i) => Math.floor((i * 4 * (k + 1)) / BOUNDS.length)) }));

function expectInvalid(store: OpenedStore['store'], query: MetricQuery, message: RegExp): void {
  assert.throws(
    () => store.queryMetrics(query),
    (e: unknown) => e instanceof StorageError && e.code === 'INVALID_QUERY' && message.test(e.message),
    `${JSON.stringify(query)} should fail with ${message}`,
  );
}

describe('query functions', () => {
  let s: OpenedStore;
  const range = { start: T0, end: T0 + SPAN };

  before(async () => {
    s = openStore();
    const samples: MetricSample[] = [
      ...counter.map((p) => ({ name: 'fx_requests_total', labels: { process: 'main' }, ...p })),
      ...counter.map((p) => ({ name: 'fx_temperature_celsius', ...p })),
      ...buckets.flatMap(({ le, points }) =>
        points.map((p) => ({ name: 'fx_latency_seconds_bucket', labels: { le }, ...p })),
      ),
      ...counter.map((p) => ({ name: 'fx_latency_seconds_count', ...p })),
      ...['a', 'b'].flatMap((instance, n) =>
        buckets.flatMap(({ le, points }) =>
          points.map((p) => ({
            name: 'fx_rpc_seconds_bucket',
            labels: { le, instance },
            ...p,
            value: p.value * (n + 1) + (le === '0.1' ? 0 : p.value * n),
          })),
        ),
      ),
    ];
    await s.store.insertSamples(samples.slice(0, samples.length / 2));
    await s.store.rollUpAndCompact();
    await s.store.insertSamples(samples.slice(samples.length / 2));
  });
  after(() => s.cleanup());

  it('rate and increase equal the reference computation at raw and every interval', () => {
    for (const fn of ['rate', 'increase'] as const) {
      for (const aggregation of ['raw', ...INTERVALS] as const) {
        const [result, ...rest] = s.store.queryMetrics({ metricName: 'fx_requests_total', ...range, aggregation, fn });
        assert.equal(rest.length, 0);
        assert.equal(result!.fn, fn);
        assert.equal(result!.resolution, aggregation);
        assert.deepEqual(result!.labels, { process: 'main' });
        assert.deepEqual(result!.points, counterPointsFromRaw(counter, aggregation, range.start, range.end, fn));
      }
    }
  });

  it('buckets gives one series per le with each bucket’s increase; le may be matched', () => {
    const results = s.store.queryMetrics({
      metricName: 'fx_latency_seconds',
      ...range,
      aggregation: '1h',
      fn: 'buckets',
    });
    assert.deepEqual(
      results.map((r) => r.labels),
      BOUNDS.map((le) => ({ le })),
    );
    for (const [k, r] of results.entries()) {
      assert.equal(r.fn, 'buckets');
      assert.equal(r.metricName, 'fx_latency_seconds');
      assert.deepEqual(r.points, counterPointsFromRaw(buckets[k]!.points, '1h', range.start, range.end, 'increase'));
    }
    const matched = s.store.queryMetrics({
      metricName: 'fx_latency_seconds',
      ...range,
      aggregation: '1h',
      fn: 'buckets',
      labels: { le: { op: '!=', value: '+Inf' } },
    });
    assert.deepEqual(
      matched.map((r) => r.labels.le),
      ['0.1', '0.5', '1'],
    );
  });

  it('aggregates buckets by le, and min, max and count of quantiles after the function', () => {
    const query = { metricName: 'fx_rpc_seconds', ...range, aggregation: '5m' as const };
    const perInstance = s.store.queryMetrics({ ...query, fn: 'buckets' });
    assert.equal(perInstance.length, 8);
    const summed = s.store.queryMetrics({ ...query, fn: 'buckets', aggregate: { op: 'sum', by: ['le'] } });
    assert.deepEqual(
      summed.map((r) => [r.labels, r.aggregatedBy, r.fn]),
      ['+Inf', '0.1', '0.5', '1'].map((le) => [{ le }, ['le'], 'buckets']),
    );
    for (const r of summed) {
      const [a, b] = perInstance.filter((p) => p.labels.le === r.labels.le);
      assert.deepEqual(
        r.points,
        a!.points.map((p, i) => ({ timestamp: p.timestamp, value: p.value + b!.points[i]!.value })),
      );
    }
    const quantiles = s.store.queryMetrics({ ...query, fn: 'quantile', q: 0.7 });
    assert.deepEqual(
      quantiles.map((r) => r.labels),
      [{ instance: 'a' }, { instance: 'b' }],
    );
    assert.notDeepEqual(quantiles[0]!.points, quantiles[1]!.points);
    for (const op of ['min', 'max', 'count'] as const) {
      const [result, ...rest] = s.store.queryMetrics({ ...query, fn: 'quantile', q: 0.7, aggregate: { op } });
      assert.equal(rest.length, 0);
      assert.deepEqual(result!.aggregatedBy, []);
      const [a, b] = quantiles.map((r) => new Map(r.points.map((p) => [p.timestamp, p.value])));
      const times = [...new Set([...a!.keys(), ...b!.keys()])].sort((x, y) => x - y);
      const values = (t: number) => [a!.get(t), b!.get(t)].filter((v) => v !== undefined);
      const reduce = {
        min: (v: number[]) => Math.min(...v),
        max: (v: number[]) => Math.max(...v),
        count: (v: number[]) => v.length,
      }[op];
      assert.deepEqual(
        result!.points,
        times.map((timestamp) => ({ timestamp, value: reduce(values(timestamp)) })),
      );
    }
  });

  it('refuses malformed function fields with INVALID_QUERY', () => {
    const base = { metricName: 'fx_latency_seconds', ...range, aggregation: '1h' } as const;
    const cases: [unknown, RegExp][] = [
      [{ ...base, fn: 'median' }, /unknown function "median"/],
      [{ ...base, fn: 'quantile' }, /quantile needs q/],
      [{ ...base, fn: 'quantile', q: 0 }, /quantile needs q.*got 0/],
      [{ ...base, fn: 'quantile', q: 1 }, /quantile needs q.*got 1/],
      [{ ...base, fn: 'quantile', q: 1.5 }, /quantile needs q/],
      [{ ...base, fn: 'quantile', q: Number.NaN }, /quantile needs q/],
      [{ ...base, fn: 'quantile', q: '0.5' }, /quantile needs q/],
      [{ ...base, fn: 'buckets', q: 0.5 }, /q is only for fn 'quantile', not buckets/],
      [{ ...base, q: 0.5 }, /q is only for fn 'quantile', not a query without fn/],
      [{ ...base, fn: 'buckets', aggregate: 'sum' }, /aggregate must be an object/],
      [{ ...base, fn: 'buckets', aggregate: { op: 'median' } }, /unknown aggregation op "median"/],
      [{ ...base, fn: 'buckets', aggregate: { op: 'sum', by: 'le' } }, /aggregate.by must be an array/],
      [{ ...base, fn: 'buckets', aggregate: { op: 'sum', by: ['a-b'] } }, /"a-b" is not a label name/],
      [{ ...base, fn: 'buckets', aggregate: { op: 'sum', by: ['__name__'] } }, /"__name__" is not a label name/],
      [{ ...base, fn: 'buckets', aggregate: { op: 'sum', by: [3] } }, /3 is not a label name/],
      [{ ...base, fn: 'quantile', q: 0.5, aggregation: 'raw' }, /quantile needs an interval/],
      [{ ...base, fn: 'buckets', aggregation: 'raw' }, /buckets needs an interval/],
      [{ ...base, fn: 'quantile', q: 0.5, labels: { le: '+Inf' } }, /may not match on le/],
    ];
    for (const [query, message] of cases) expectInvalid(s.store, query as MetricQuery, message);
  });

  it('refuses a function that does not fit the metric’s type, naming the function, the metric and its type', () => {
    const cases: [string, MetricQuery['fn'], RegExp][] = [
      ['fx_temperature_celsius', 'rate', /rate applies to a counter, but fx_temperature_celsius is of unknown type/],
      ['fx_temperature_celsius', 'increase', /increase applies to a counter, but fx_temperature_celsius is of unknown/],
      ['fx_temperature_celsius', 'quantile', /quantile applies to a histogram, but fx_temperature_celsius is of/],
      ['fx_requests_total', 'quantile', /quantile applies to a histogram, but fx_requests_total is a counter/],
      ['fx_requests_total', 'buckets', /buckets applies to a histogram, but fx_requests_total is a counter/],
      ['fx_latency_seconds', 'rate', /rate applies to a counter, but fx_latency_seconds is a histogram/],
      [
        'fx_latency_seconds_bucket',
        'quantile',
        /quantile applies to a histogram, but fx_latency_seconds_bucket is a counter; a histogram is queried by its base name, fx_latency_seconds/,
      ],
    ];
    for (const [metricName, fn, message] of cases) {
      const query = { metricName, ...range, aggregation: '1h' as const, fn, ...(fn === 'quantile' ? { q: 0.9 } : {}) };
      expectInvalid(s.store, query, message);
    }
    // A histogram's _count series is a counter: its rate is fine.
    const [count] = s.store.queryMetrics({
      metricName: 'fx_latency_seconds_count',
      ...range,
      aggregation: '1h',
      fn: 'rate',
    });
    assert.deepEqual(count!.points, counterPointsFromRaw(counter, '1h', range.start, range.end, 'rate'));
  });

  it('a function of a metric with nothing stored gives no series, as any query of it does', () => {
    assert.deepEqual(s.store.queryMetrics({ metricName: 'fx_nothing_total', ...range, fn: 'rate' }), []);
    assert.deepEqual(s.store.queryMetrics({ metricName: 'fx_nothing', ...range, fn: 'quantile', q: 0.5 }), []);
    assert.deepEqual(s.store.queryMetrics({ metricName: 'fx_nothing', ...range, fn: 'buckets' }), []);
  });

  it('auto and maxPoints apply to the function’s output', () => {
    const finest = (start: number, end: number, maxPoints: number) =>
      INTERVALS.find((i) => Math.ceil(end / INTERVAL_MS[i]) - Math.floor(start / INTERVAL_MS[i]) <= maxPoints);
    // Ten minutes hold 60 samples: raw fits 100 points, and rate at raw has a point per sample but the series' first.
    const short = {
      metricName: 'fx_requests_total',
      start: T0 + HOUR,
      end: T0 + HOUR + 10 * MINUTE,
      fn: 'rate' as const,
    };
    const [fits] = s.store.queryMetrics({ ...short, maxPoints: 100 });
    assert.equal(fits!.resolution, 'raw');
    assert.equal(fits!.points.length, 60);
    const [coarser] = s.store.queryMetrics({ ...short, maxPoints: 30 });
    assert.equal(coarser!.resolution, finest(short.start, short.end, 30));
    assert.ok(coarser!.points.length <= 30);
    // Histogram functions never pick raw, even where the samples would fit.
    for (const fn of ['quantile', 'buckets'] as const) {
      const results = s.store.queryMetrics({
        metricName: 'fx_latency_seconds',
        start: short.start,
        end: short.end,
        fn,
        maxPoints: 100,
        ...(fn === 'quantile' ? { q: 0.5 } : {}),
      });
      for (const r of results) assert.equal(r.resolution, finest(short.start, short.end, 100));
    }
    const wide = s.store.queryMetrics({
      metricName: 'fx_latency_seconds',
      ...range,
      fn: 'quantile',
      q: 0.99,
      maxPoints: 50,
    });
    assert.equal(wide[0]!.resolution, finest(range.start, range.end, 50));
    assert.ok(wide[0]!.points.length <= 50 && wide[0]!.points.length > 0);
    // An explicit raw rate given maxPoints keeps that many of its points, evenly spaced, and says how many there were.
    const all = counterPointsFromRaw(counter, 'raw', range.start, range.end, 'rate');
    const [capped] = s.store.queryMetrics({
      metricName: 'fx_requests_total',
      ...range,
      aggregation: 'raw',
      fn: 'rate',
      maxPoints: 10,
    });
    assert.equal(capped!.sampledFrom, all.length);
    assert.equal(capped!.points.length, 10);
    assert.deepEqual(capped!.points[0], all[0]);
    assert.deepEqual(capped!.points.at(-1), all.at(-1));
  });
});
