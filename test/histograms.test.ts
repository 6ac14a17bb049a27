/**
 * Histogram quantiles: Prometheus' own test cases for classic histograms (the `_bucket` cases of
 * promql/promqltest/testdata/histograms.test, prometheus/prometheus at commit d15adb9, 2026-08-21),
 * first on histogramQuantile alone, then through queryMetrics on a real store loaded as the file's
 * `load 5m` lines load Prometheus; the three values the research note checked with promtool; and a
 * property test: quantiles through queryMetrics equal a direct implementation of Prometheus'
 * algorithm (written here, independently) over the bucket increases of the reference
 * counterPointsFromRaw, for random histograms with resets, gaps, late and non-monotonic buckets.
 */
import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import fc from 'fast-check';
import {
  INTERVAL_MS,
  counterPointsFromRaw,
  histogramQuantile,
  type Interval,
  type Labels,
  type MetricSample,
} from '../storage/src/index.ts';
import { HOUR, MINUTE, T0, openStore } from './support/store.ts';

/** promqltest compares floats to a relative 1e-6 (its defaultEpsilon); the file's values have about ten digits. */
function assertClose(actual: number | undefined, expected: number, what: string): void {
  assert.ok(actual !== undefined, `${what}: no value`);
  if (Number.isNaN(expected) || !Number.isFinite(expected)) return assert.equal(actual, expected, what);
  const tolerance = 1e-6 * Math.max(Math.abs(expected), Math.abs(actual));
  assert.ok(Math.abs(actual - expected) <= tolerance, `${what}: ${actual} is not ${expected}`);
}

/** A classic histogram as histograms.test loads it: per label set, (le, increase per 5-minute step). */
type Load = { labels: Labels; buckets: [le: string, perStep: number][] }[];

const LOADS: Record<string, Load> = {
  testhistogram: [
    {
      labels: { start: 'positive' },
      buckets: [
        ['0.1', 5],
        ['.2', 7],
        ['1e0', 11],
        ['+Inf', 12],
      ],
    },
    {
      labels: { start: 'negative' },
      buckets: [
        ['-.2', 1],
        ['-0.1', 2],
        ['0.3', 2],
        ['+Inf', 3],
      ],
    },
  ],
  testhistogram2: [
    {
      labels: {},
      buckets: [
        ['0', 0],
        ['2', 1],
        ['4', 2],
        ['6', 3],
        ['+Inf', 3],
      ],
    },
  ],
  testhistogram3: [
    {
      labels: { start: 'positive' },
      buckets: [
        ['0', 0],
        ['0.1', 5],
        ['.2', 7],
        ['1e0', 11],
        ['+Inf', 11],
      ],
    },
    {
      labels: { start: 'negative' },
      buckets: [
        ['-.25', 0],
        ['-.2', 1],
        ['-0.1', 2],
        ['0.3', 2],
        ['+Inf', 2],
      ],
    },
  ],
  request_duration_seconds: [
    ['job1', 'ins1', 1, 3, 4],
    ['job1', 'ins2', 2, 5, 6],
    ['job2', 'ins1', 3, 4, 6],
    ['job2', 'ins2', 4, 7, 9],
  ].map(([job, instance, a, b, c]) => ({
    labels: { job: String(job), instance: String(instance) },
    buckets: [
      ['0.1', Number(a)],
      ['0.2', Number(b)],
      ['+Inf', Number(c)],
    ],
  })),
  nonmonotonic: [
    {
      labels: {},
      buckets: [
        ['0.1', 2],
        ['1', 1],
        ['10', 5],
        ['100', 4],
        ['1000', 9],
        ['+Inf', 8],
      ],
    },
  ],
  mixed: [
    {
      labels: { job: 'job1', instance: 'ins1' },
      buckets: [
        ['0.1', 1],
        ['0.2', 1],
        ['2e-1', 1],
        ['2.0e-1', 1],
        ['+Inf', 4],
      ],
    },
    {
      labels: { job: 'job1', instance: 'ins2' },
      buckets: [
        ['+inf', 0],
        ['+Inf', 0],
      ],
    },
  ],
  empty: [
    {
      labels: { job: 'job1', instance: 'ins1' },
      buckets: [
        ['0.1', 0],
        ['0.2', 0],
        ['+Inf', 0],
      ],
    },
  ],
};

/** An `eval` of the file: histogram_quantile(q, …) of a histogram, optionally summed or averaged by labels first. */
interface Case {
  expr: string;
  histogram: keyof typeof LOADS;
  q: number;
  aggregate?: { op: 'sum' | 'avg'; by: string[] };
  /** Label set -> the file's expected value (NaN: Prometheus gives NaN, so the engine gives no point). */
  expected: [Labels, number][];
}

const pos = { start: 'positive' };
const neg = { start: 'negative' };
const j1i1 = { job: 'job1', instance: 'ins1' };
const j1i2 = { job: 'job1', instance: 'ins2' };
const j2i1 = { job: 'job2', instance: 'ins1' };
const j2i2 = { job: 'job2', instance: 'ins2' };

const CASES: Case[] = [
  ...(
    [
      [0, 0, -0.25],
      [0.25, 0.055, -0.225],
      [0.5, 0.125, -0.2],
      [0.75, 0.45, -0.15],
      [1, 1, -0.1],
    ] as const
  ).map(([q, p, n]) => ({
    expr: `histogram_quantile(${q}, testhistogram3_bucket)`,
    histogram: 'testhistogram3',
    q,
    expected: [
      [pos, p],
      [neg, n],
    ] as [Labels, number][],
  })),
  ...(
    [
      [-0.1, -Infinity, -Infinity],
      [1.01, Infinity, Infinity],
      [Number.NaN, Number.NaN, Number.NaN],
      [0, 0, -0.2],
      [1, 1, 0.3],
      [0.2, 0.048, -0.2],
      [0.5, 0.15, -0.15],
      [0.8, 0.72, 0.3],
    ] as const
  ).map(([q, p, n]) => ({
    expr: `histogram_quantile(${q}, testhistogram_bucket)`,
    histogram: 'testhistogram',
    q,
    expected: [
      [pos, p],
      [neg, n],
    ] as [Labels, number][],
  })),
  ...(
    [
      [1 / 6, 1],
      [0.5, 3],
      [5 / 6, 5],
    ] as const
  ).map(([q, v]) => ({
    expr: `histogram_quantile(${q}, testhistogram2_bucket)`,
    histogram: 'testhistogram2',
    q,
    expected: [[{}, v]] as [Labels, number][],
  })),
  ...(
    [
      ['sum', 0.3, 0.075],
      ['sum', 0.5, 0.1277777777777778],
      ['avg', 0.3, 0.075],
      ['avg', 0.5, 0.1277777777777778], // the file writes 0.12777777777777778, the same float64
    ] as const
  ).map(([op, q, v]) => ({
    expr: `histogram_quantile(${q}, ${op}(rate(request_duration_seconds_bucket[10m])) by (le))`,
    histogram: 'request_duration_seconds',
    q,
    aggregate: { op, by: [] },
    expected: [[{}, v]] as [Labels, number][],
  })),
  {
    expr: 'histogram_quantile(0.3, sum(rate(request_duration_seconds_bucket[10m])) by (le, instance))',
    histogram: 'request_duration_seconds',
    q: 0.3,
    aggregate: { op: 'sum', by: ['instance'] },
    expected: [
      [{ instance: 'ins1' }, 0.075],
      [{ instance: 'ins2' }, 0.075],
    ],
  },
  {
    expr: 'histogram_quantile(0.5, sum(rate(request_duration_seconds_bucket[10m])) by (le, instance))',
    histogram: 'request_duration_seconds',
    q: 0.5,
    aggregate: { op: 'sum', by: ['instance'] },
    expected: [
      [{ instance: 'ins1' }, 0.1333333333],
      [{ instance: 'ins2' }, 0.125],
    ],
  },
  {
    expr: 'histogram_quantile(0.3, sum(rate(request_duration_seconds_bucket[10m])) by (le, job))',
    histogram: 'request_duration_seconds',
    q: 0.3,
    aggregate: { op: 'sum', by: ['job'] },
    expected: [
      [{ job: 'job1' }, 0.1],
      [{ job: 'job2' }, 0.0642857142857143],
    ],
  },
  {
    expr: 'histogram_quantile(0.5, sum(rate(request_duration_seconds_bucket[10m])) by (le, job))',
    histogram: 'request_duration_seconds',
    q: 0.5,
    aggregate: { op: 'sum', by: ['job'] },
    expected: [
      [{ job: 'job1' }, 0.14],
      [{ job: 'job2' }, 0.1125],
    ],
  },
  {
    expr: 'histogram_quantile(0.3, rate(request_duration_seconds_bucket[10m]))',
    histogram: 'request_duration_seconds',
    q: 0.3,
    expected: [
      [j1i1, 0.11],
      [j1i2, 0.09],
      [j2i1, 0.06],
      [j2i2, 0.0675],
    ],
  },
  {
    expr: 'histogram_quantile(0.5, rate(request_duration_seconds_bucket[10m]))',
    histogram: 'request_duration_seconds',
    q: 0.5,
    expected: [
      [j1i1, 0.15],
      [j1i2, 0.13333333333333333],
      [j2i1, 0.1],
      [j2i2, 0.11666666666666667],
    ],
  },
  {
    expr: 'histogram_quantile(0.5, sum(rate(request_duration_seconds_bucket[10m])) by (le, job, instance))',
    histogram: 'request_duration_seconds',
    q: 0.5,
    aggregate: { op: 'sum', by: ['job', 'instance'] },
    expected: [
      [j1i1, 0.15],
      [j1i2, 0.1333333333333333],
      [j2i1, 0.1],
      [j2i2, 0.1166666666666667],
    ],
  },
  ...(
    [
      [0.01, 0.0045],
      [0.5, 8.5],
      [0.99, 979.75],
    ] as const
  ).map(([q, v]) => ({
    expr: `histogram_quantile(${q}, nonmonotonic_bucket)`,
    histogram: 'nonmonotonic',
    q,
    expected: [[{}, v]] as [Labels, number][],
  })),
  ...(
    [
      [0.5, 0.15],
      [0.75, 0.2],
      [1, 0.2],
    ] as const
  ).map(([q, v]) => ({
    expr: `histogram_quantile(${q}, rate(mixed_bucket[10m]))`,
    histogram: 'mixed',
    q,
    expected: [
      [j1i1, v],
      [j1i2, Number.NaN],
    ] as [Labels, number][],
  })),
  {
    expr: 'histogram_quantile(0.2, rate(empty_bucket[10m]))',
    histogram: 'empty',
    q: 0.2,
    expected: [[j1i1, Number.NaN]],
  },
];

/** The file evaluates at 50m, after ten steps from 0: each bucket's count (and its increase since 0) is ten steps. */
const STEPS = 10;

const key = (labels: Labels): string =>
  JSON.stringify(Object.fromEntries(Object.entries(labels).sort(([a], [b]) => (a < b ? -1 : 1))));

describe('histogram_quantile on Prometheus test data', () => {
  it('histogramQuantile gives the file’s value for each unaggregated case, q outside [0, 1] included', () => {
    let checked = 0;
    for (const c of CASES.filter((c) => c.aggregate === undefined)) {
      for (const [labels, expected] of c.expected) {
        const series = LOADS[c.histogram]!.find((s) => key(s.labels) === key(labels))!;
        const buckets = series.buckets.map(([le, perStep]) => ({
          le: Number(le.replace(/inf/i, 'Infinity')),
          count: perStep * STEPS,
        }));
        assertClose(histogramQuantile(c.q, buckets), expected, `${c.expr} ${key(labels)}`);
        checked++;
      }
    }
    assert.equal(checked, 47);
  });

  it('gives the values promtool computed for the research note, exactly', () => {
    const buckets = [0.05, 0.1, 0.5, 1, 5, Infinity].map((le, i) => ({ le, count: [3, 7, 7, 9, 10, 12][i]! }));
    assert.equal(histogramQuantile(0.5, buckets), 0.08750000000000001);
    assert.equal(histogramQuantile(0.8, buckets), 3.4000000000000057);
    assert.equal(histogramQuantile(0.99, buckets), 5);
  });

  it('gives NaN without a +Inf bucket, with one bucket only, or with no observation', () => {
    assert.ok(Number.isNaN(histogramQuantile(0.5, [{ le: 1, count: 4 }])));
    assert.ok(Number.isNaN(histogramQuantile(0.5, [{ le: Infinity, count: 4 }])));
    assert.ok(Number.isNaN(histogramQuantile(0.5, [])));
    const constant = [0, 1, 2, Infinity].map((le) => ({ le, count: 0 })); // const_histogram: rate 0 in every bucket
    assert.ok(Number.isNaN(histogramQuantile(1, constant)));
  });

  it('queryMetrics gives the same through a real store, at 1h (one bucket) and 5m (one step each)', async () => {
    const s = openStore();
    try {
      const samples: MetricSample[] = [];
      for (const [name, load] of Object.entries(LOADS)) {
        for (const { labels, buckets } of load) {
          for (const [le, perStep] of buckets) {
            for (let step = 0; step <= STEPS; step++) {
              samples.push({
                name: `${name}_bucket`,
                labels: { ...labels, le },
                value: perStep * step,
                timestamp: T0 + step * 5 * MINUTE,
              });
            }
          }
        }
      }
      await s.store.insertSamples(samples);
      await s.store.rollUpAndCompact();
      let checked = 0;
      for (const c of CASES.filter((c) => c.q > 0 && c.q < 1)) {
        for (const aggregation of ['1h', '5m'] as const) {
          const results = s.store.queryMetrics({
            metricName: c.histogram,
            start: T0,
            end: T0 + HOUR,
            aggregation,
            fn: 'quantile',
            q: c.q,
            ...(c.aggregate ? { aggregate: c.aggregate } : {}),
          });
          assert.deepEqual(results.map((r) => key(r.labels)).sort(), c.expected.map(([l]) => key(l)).sort(), c.expr);
          for (const [labels, expected] of c.expected) {
            const result = results.find((r) => key(r.labels) === key(labels))!;
            assert.equal(result.fn, 'quantile');
            assert.equal(result.resolution, aggregation);
            if (Number.isNaN(expected)) {
              assert.deepEqual(result.points, [], `${c.expr} ${key(labels)}: NaN is no point`);
              continue;
            }
            // 1h: one bucket of ten steps. 5m: a bucket per step after the first (whose sample has no predecessor).
            const times =
              aggregation === '1h' ? [T0] : Array.from({ length: STEPS }, (_, i) => T0 + (i + 1) * 5 * MINUTE);
            assert.deepEqual(
              result.points.map((p) => p.timestamp),
              times,
              c.expr,
            );
            for (const p of result.points) assertClose(p.value, expected, `${c.expr} ${key(labels)} ${aggregation}`);
            checked++;
          }
        }
      }
      assert.equal(checked, 2 * 44);
    } finally {
      s.cleanup();
    }
  });
});

/**
 * Prometheus' BucketQuantile, written here without the engine's module: buckets merged by bound,
 * sorted, NaN without +Inf or with under two buckets or no observation, the envelope taken after
 * float-noise differences (relative 1e-12) are ignored, a linear scan for the rank.
 */
function prometheusQuantile(q: number, buckets: { le: number; count: number }[]): number {
  const byBound = new Map<number, number>();
  for (const b of buckets) byBound.set(b.le, (byBound.get(b.le) ?? 0) + b.count);
  const sorted = [...byBound].sort((a, b) => a[0] - b[0]);
  if (sorted.length === 0 || sorted[sorted.length - 1]![0] !== Infinity || sorted.length < 2) return NaN;
  const bounds = sorted.map(([le]) => le);
  const counts = sorted.map(([, c]) => c);
  for (let i = 1, prev = counts[0]!; i < counts.length; i++) {
    const c = counts[i]!;
    const noise = c !== prev && Math.abs(c - prev) / (Math.abs(c) + Math.abs(prev)) < 1e-12 && c !== 0 && prev !== 0;
    if (c < prev || noise) counts[i] = prev;
    else prev = c;
  }
  const total = counts[counts.length - 1]!;
  if (total === 0) return NaN;
  const rank = q * total;
  let b = 0;
  while (b < counts.length - 1 && counts[b]! < rank) b++;
  if (b === counts.length - 1) return bounds[b - 1]!;
  if (b === 0 && bounds[0]! <= 0) return bounds[0]!;
  const lower = b === 0 ? 0 : bounds[b - 1]!;
  const below = b === 0 ? 0 : counts[b - 1]!;
  return lower + (bounds[b]! - lower) * ((rank - below) / (counts[b]! - below));
}

describe('quantiles through queryMetrics (property)', () => {
  const BOUNDS = ['0.005', '0.01', '0.05', '0.1', '0.5', '1', '5', '+Inf', '-1', '0'];
  const STEP = 10_000;
  const SPAN = 3 * HOUR;

  /** Per label set and bound, a counter: random increments, a reset, samples missing, some arriving late. */
  const histogram = fc.record({
    sets: fc.uniqueArray(fc.constantFrom('a', 'b', 'c'), { minLength: 1, maxLength: 2 }),
    bounds: fc.shuffledSubarray(BOUNDS, { minLength: 2, maxLength: 6 }),
    withInf: fc.boolean(),
    increments: fc.array(fc.nat(5), { minLength: 64, maxLength: 64 }),
    gaps: fc.array(fc.nat(20), { maxLength: 12 }),
    resetAt: fc.option(fc.nat(SPAN / STEP - 1)),
    late: fc.nat(40),
    q: fc.double({ min: 0.001, max: 0.999, noNaN: true }),
    interval: fc.constantFrom<Interval>('1m', '5m', '1h'),
  });

  it('equal a direct implementation of Prometheus’ algorithm on the same bucket increases', async () => {
    await fc.assert(
      fc.asyncProperty(histogram, async (h) => {
        const bounds = h.withInf ? [...new Set([...h.bounds, '+Inf'])] : h.bounds.filter((b) => b !== '+Inf');
        const samples: MetricSample[] = [];
        const bySeries = new Map<
          string,
          { labels: Labels; le: number; points: { timestamp: number; value: number }[] }
        >();
        let draw = 0;
        for (const set of h.sets) {
          for (const [k, le] of bounds.entries()) {
            const labels = { set, le };
            const points: { timestamp: number; value: number }[] = [];
            let value = 0;
            for (let i = 0; i < SPAN / STEP; i++) {
              const inc = h.increments[(draw++ + k * 7) % h.increments.length]!;
              value = h.resetAt === i ? inc : value + inc * (k + 1);
              if (h.gaps.includes((i + k) % 40)) continue;
              points.push({ timestamp: T0 + i * STEP, value });
            }
            bySeries.set(key(labels), { labels, le: Number(le.replace('Inf', 'Infinity')), points });
            for (const p of points) samples.push({ name: 'prop_seconds_bucket', labels, ...p });
          }
        }
        const s = openStore();
        try {
          // Most samples rolled up and compacted; the last `late` arrive afterwards, out of order.
          const cut = samples.length - h.late;
          await s.store.insertSamples(samples.slice(0, cut));
          await s.store.rollUpAndCompact();
          await s.store.insertSamples(samples.slice(cut).reverse());
          const results = s.store.queryMetrics({
            metricName: 'prop_seconds',
            start: T0,
            end: T0 + SPAN,
            aggregation: h.interval,
            fn: 'quantile',
            q: h.q,
          });
          assert.deepEqual(
            results.map((r) => r.labels).sort((a, b) => (key(a) < key(b) ? -1 : 1)),
            h.sets.map((set) => ({ set })).sort((a, b) => (key(a) < key(b) ? -1 : 1)),
          );
          for (const result of results) {
            const perTime = new Map<number, { le: number; count: number }[]>();
            for (const series of bySeries.values()) {
              if (series.labels.set !== result.labels.set) continue;
              for (const p of counterPointsFromRaw(series.points, h.interval, T0, T0 + SPAN, 'increase')) {
                perTime.set(p.timestamp, [...(perTime.get(p.timestamp) ?? []), { le: series.le, count: p.value }]);
              }
            }
            const expected = [...perTime]
              .sort(([a], [b]) => a - b)
              .map(([timestamp, buckets]) => ({ timestamp, value: prometheusQuantile(h.q, buckets) }))
              .filter((p) => Number.isFinite(p.value));
            assert.deepEqual(result.points, expected);
            assert.ok(result.points.every((p) => p.timestamp % INTERVAL_MS[h.interval] === 0));
          }
        } finally {
          s.cleanup();
        }
      }),
      { seed: 9090, numRuns: 40 },
    );
  });
});
