/**
 * Baselines and anomaly detection through the store, on a real SQLite file in both storage modes:
 * computeBaselines against an independent computation in this file (mean, population stddev,
 * quantiles by linear interpolation between closest ranks, numpy's default), over exactly the
 * window [now - windowDays, now), with data in the tier and the head; recomputation replaces; the
 * documented "too few samples" choice; getBaselines filters; detectAnomalies on the newest complete
 * 1m bucket (severity, value, threshold, once per breach, never the incomplete current minute) and
 * the documented stddev-0 choice. The store's clock is driven through the `now` option.
 */
import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import {
  InvalidArgumentError,
  MIN_BASELINE_SAMPLES,
  type Baseline,
  type Labels,
  type MetricSample,
} from '../storage/src/index.ts';
import { DAY, HOUR, MINUTE, MODES, T0, openStore, rng } from './support/store.ts';

// ---------------------------------------------------------------------------------------------
// The independent computation.

/**
 * Mean and population standard deviation in two passes over the values shifted by the first one
 * (exact differences for values sharing a large offset, so this reference keeps every digit).
 */
function mean(xs: number[]): number {
  const x0 = xs[0]!;
  return x0 + xs.reduce((a, x) => a + (x - x0), 0) / xs.length;
}

function populationStddev(xs: number[]): number {
  const x0 = xs[0]!;
  const shifted = xs.map((x) => x - x0);
  const m = shifted.reduce((a, x) => a + x, 0) / xs.length;
  return Math.sqrt(shifted.reduce((a, x) => a + (x - m) ** 2, 0) / xs.length);
}

/** numpy.percentile's default ('linear', R type 7): position q (n - 1) between the closest ranks. */
function percentile(xs: number[], q: number): number {
  const sorted = [...xs].sort((a, b) => a - b);
  const pos = q * (sorted.length - 1);
  const lo = Math.floor(pos);
  const hi = Math.ceil(pos);
  return sorted[lo]! + (sorted[hi]! - sorted[lo]!) * (pos - lo);
}

interface Expected {
  mean: number;
  stddev: number;
  p50: number;
  p95: number;
  p99: number;
  count: number;
}

function expectedOf(values: number[]): Expected {
  return {
    mean: mean(values),
    stddev: populationStddev(values),
    p50: percentile(values, 0.5),
    p95: percentile(values, 0.95),
    p99: percentile(values, 0.99),
    count: values.length,
  };
}

/**
 * Relative tolerance for the store's figures: its one-pass (Welford) update loses a few digits on
 * values with a large common offset (measured: 1.7e-9 relative on the stddev of 1e9 + [0, 10)).
 */
const STATS_TOLERANCE = 1e-8;

function near(actual: number, expected: number, what: string, rel = STATS_TOLERANCE): void {
  assert.ok(Math.abs(actual - expected) <= rel * Math.max(1, Math.abs(expected)), `${what}: ${actual} vs ${expected}`);
}

function assertBaseline(b: Baseline | undefined, e: Expected, what: string): void {
  assert.ok(b, `${what}: has a baseline`);
  assert.equal(b.count, e.count, `${what}: count`);
  near(b.mean, e.mean, `${what}: mean`);
  near(b.stddev, e.stddev, `${what}: stddev`);
  near(b.p50, e.p50, `${what}: p50`);
  near(b.p95, e.p95, `${what}: p95`);
  near(b.p99, e.p99, `${what}: p99`);
}

/** "metric {labels}" with the label names sorted, so the key does not depend on key order. */
function key(metricName: string, labels: Labels): string {
  const sorted = Object.keys(labels)
    .sort()
    .map((name) => [name, labels[name]]);
  return `${metricName} ${JSON.stringify(sorted)}`;
}

function find(list: Baseline[], metricName: string, labels: Labels): Baseline | undefined {
  return list.find((b) => key(b.metricName, b.labels) === key(metricName, labels));
}

/** Values of each series with windowStart <= ts < windowEnd. */
function valuesInWindow(samples: MetricSample[], windowStart: number, windowEnd: number): Map<string, number[]> {
  const out = new Map<string, number[]>();
  for (const s of samples) {
    if (s.timestamp < windowStart || s.timestamp >= windowEnd) continue;
    const k = key(s.name, s.labels ?? {});
    out.set(k, [...(out.get(k) ?? []), s.value]);
  }
  return out;
}

describe('the independent computation', () => {
  it('agrees with numpy on the first 30 primes', () => {
    // numpy 2.4: np.mean, np.std (population), np.percentile(x, [50, 95, 99]) of these values
    const primes = [
      2, 3, 5, 7, 11, 13, 17, 19, 23, 29, 31, 37, 41, 43, 47, 53, 59, 61, 67, 71, 73, 79, 83, 89, 97, 101, 103, 107,
      109, 113,
    ];
    const e = expectedOf([...primes].reverse());
    near(e.mean, 53.1, 'mean', 1e-12);
    near(e.stddev, 35.64486872842522, 'stddev', 1e-12);
    near(e.p50, 50, 'p50', 1e-12);
    near(e.p95, 108.1, 'p95', 1e-12);
    near(e.p99, 111.84, 'p99', 1e-12);
  });
});

// ---------------------------------------------------------------------------------------------

/** Not aligned to anything: the window edges fall between minutes. */
const NOW = T0 + 30 * DAY + 12 * HOUR + 17_345;
const STEP = 20 * MINUTE;

const SERIES: { name: string; labels: Labels; value: (next: () => number) => number; outside: number }[] = [
  { name: 'cpu', labels: { host: 'a' }, value: (next) => 50 + 20 * next(), outside: 1e6 },
  { name: 'cpu', labels: { host: 'b' }, value: (next) => 1_000 + 500 * next() * next(), outside: -1e6 },
  // a large offset: a naive sum-of-squares variance would lose every digit here
  { name: 'temp', labels: { zone: 'x' }, value: (next) => 1e9 + Math.round(next() * 1e4) / 1e3, outside: 0 },
];

/** Samples every 20 min from now - 9 d to now + 1 h: the grid hits now - 7 d and now exactly. */
function windowedSamples(seed: number, now: number): MetricSample[] {
  const next = rng(seed);
  const out: MetricSample[] = [];
  for (let t = now - 9 * DAY; t <= now + HOUR; t += STEP) {
    for (const s of SERIES) {
      const inside = t >= now - 7 * DAY && t < now;
      // outside the window a value that would wreck every figure if it were counted
      out.push({ name: s.name, labels: s.labels, timestamp: t, value: inside ? s.value(next) : s.outside + next() });
    }
  }
  return out;
}

for (const mode of MODES) {
  describe(`computeBaselines (${mode.name})`, () => {
    it('computes mean, population stddev, p50/p95/p99 and count over exactly [now - 7 d, now)', async () => {
      const s = openStore({ enableCompression: mode.enableCompression, now: () => NOW });
      try {
        const samples = windowedSamples(1, NOW);
        // older samples compacted into the tier, the last day in the head
        await s.store.insertSamples(samples.filter((x) => x.timestamp < NOW - DAY));
        for (const interval of s.store.intervals) await s.store.aggregate(interval);
        assert.ok((await s.store.compact()) > 0);
        await s.store.insertSamples(samples.filter((x) => x.timestamp >= NOW - DAY));
        const headRows = (s.store.sql('SELECT COUNT(*) AS n FROM head')[0] as { n: number }).n;
        assert.ok(headRows > 0, 'premise: part of the window is in the head');

        assert.equal(await s.store.computeBaselines(), SERIES.length, 'rows written');
        const baselines = s.store.getBaselines();
        assert.equal(baselines.length, SERIES.length);
        const expected = valuesInWindow(samples, NOW - 7 * DAY, NOW);
        for (const series of SERIES) {
          const values = expected.get(key(series.name, series.labels))!;
          assert.equal(values.length, 7 * 72, 'premise: 72 samples a day, the start edge included, the end edge not');
          const b = find(baselines, series.name, series.labels);
          assertBaseline(b, expectedOf(values), key(series.name, series.labels));
          assert.equal(b?.windowStart, NOW - 7 * DAY);
          assert.equal(b?.windowEnd, NOW);
          assert.equal(b?.computedAt, NOW);
        }
      } finally {
        s.cleanup();
      }
    });

    it('matches numpy on a known series, and honours windowDays', async () => {
      const s = openStore({ enableCompression: mode.enableCompression, now: () => NOW });
      try {
        const primes = [
          2, 3, 5, 7, 11, 13, 17, 19, 23, 29, 31, 37, 41, 43, 47, 53, 59, 61, 67, 71, 73, 79, 83, 89, 97, 101, 103, 107,
          109, 113,
        ];
        // shuffled in time, one every 30 min over the last 15 h; plus 30 more two days ago
        const order = [...primes].sort((a, b) => ((a * 7919) % 31) - ((b * 7919) % 31));
        await s.store.insertSamples([
          ...order.map((value, i) => ({ name: 'primes', timestamp: NOW - 15 * HOUR + i * 30 * MINUTE, value })),
          ...order.map((value, i) => ({ name: 'primes', timestamp: NOW - 2 * DAY + i * MINUTE, value: value * 1000 })),
        ]);
        assert.equal(await s.store.computeBaselines({ windowDays: 1 }), 1);
        const [b] = s.store.getBaselines();
        // numpy 2.4: np.mean, np.std, np.percentile(x, [50, 95, 99])
        assertBaseline(
          b,
          { count: 30, mean: 53.1, stddev: 35.64486872842522, p50: 50, p95: 108.1, p99: 111.84 },
          'primes, 1 day',
        );
        assert.equal(b?.windowStart, NOW - DAY);
        assert.deepEqual(b?.labels, {});

        await s.store.computeBaselines({ windowDays: 3 });
        const [wide] = s.store.getBaselines();
        assertBaseline(wide, expectedOf([...primes, ...primes.map((p) => p * 1000)]), 'primes, 3 days');
        assert.equal(wide?.windowStart, NOW - 3 * DAY);

        for (const bad of [0, -1, Number.NaN, Number.POSITIVE_INFINITY, '7']) {
          await assert.rejects(
            s.store.computeBaselines({ windowDays: bad as number }),
            (err: unknown) => err instanceof InvalidArgumentError && err.code === 'INVALID_ARGUMENT',
            String(bad),
          );
        }
        assert.equal(s.store.getBaselines()[0]?.windowStart, NOW - 3 * DAY, 'a rejected call changes nothing');
      } finally {
        s.cleanup();
      }
    });

    it('replaces a series baseline when recomputed', async () => {
      let clock = NOW;
      const s = openStore({ enableCompression: mode.enableCompression, now: () => clock });
      try {
        const samples = windowedSamples(2, NOW);
        await s.store.insertSamples(samples.filter((x) => x.timestamp < NOW));
        await s.store.computeBaselines();
        const first = s.store.getBaselines();

        // two days later, with two days of a different distribution
        const later = NOW + 2 * DAY;
        const next = rng(3);
        const added: MetricSample[] = [];
        for (let t = NOW; t < later; t += STEP) {
          for (const series of SERIES)
            added.push({ name: series.name, labels: series.labels, timestamp: t, value: 5 * series.value(next) });
        }
        await s.store.insertSamples(added);
        clock = later;
        assert.equal(await s.store.computeBaselines(), SERIES.length);
        const second = s.store.getBaselines();
        assert.equal(second.length, SERIES.length, 'one baseline per series, not one per computation');
        const expected = valuesInWindow(
          [...samples.filter((x) => x.timestamp < NOW), ...added],
          later - 7 * DAY,
          later,
        );
        for (const series of SERIES) {
          const b = find(second, series.name, series.labels);
          assertBaseline(
            b,
            expectedOf(expected.get(key(series.name, series.labels))!),
            `recomputed ${key(series.name, series.labels)}`,
          );
          assert.equal(b?.windowEnd, later);
          assert.equal(b?.computedAt, later);
          assert.notEqual(b?.mean, find(first, series.name, series.labels)?.mean, 'the figures changed');
        }
        const rows = s.store.sql('SELECT COUNT(*) AS n FROM baselines')[0] as { n: number };
        assert.equal(rows.n, SERIES.length);
      } finally {
        s.cleanup();
      }
    });

    it(`gives no baseline to a series with fewer than ${MIN_BASELINE_SAMPLES} samples in the window, and removes an old one`, async () => {
      let clock = NOW;
      const s = openStore({ enableCompression: mode.enableCompression, now: () => clock });
      try {
        const sparse = (n: number, from: number) =>
          Array.from({ length: n }, (_, i) => ({
            name: 'sparse',
            labels: { host: 'a' },
            timestamp: from + i * HOUR,
            value: i,
          }));
        // one short of the minimum inside the window, plenty just outside it
        await s.store.insertSamples([
          ...sparse(50, NOW - 10 * DAY),
          ...sparse(MIN_BASELINE_SAMPLES - 1, NOW - 2 * DAY),
        ]);
        await s.store.insertSamples([
          { name: 'dense', timestamp: NOW - DAY, value: 1 },
          ...Array.from({ length: 40 }, (_, i) => ({ name: 'dense', timestamp: NOW - 3 * DAY + i * MINUTE, value: i })),
        ]);
        assert.equal(await s.store.computeBaselines(), 1);
        assert.deepEqual(s.store.getBaselines({ metricName: 'sparse' }), []);

        // reaching the minimum gives it one
        await s.store.insertSamples([{ name: 'sparse', labels: { host: 'a' }, timestamp: NOW - 1_000, value: 100 }]);
        assert.equal(await s.store.computeBaselines(), 2);
        const [b] = s.store.getBaselines({ metricName: 'sparse' });
        assert.equal(b?.count, MIN_BASELINE_SAMPLES);

        // six days on, only part of those samples is left in the window: the old baseline goes
        clock = NOW + 6 * DAY;
        assert.equal(await s.store.computeBaselines(), 0);
        assert.deepEqual(s.store.getBaselines(), [], 'neither series has enough samples any more');
      } finally {
        s.cleanup();
      }
    });

    it('forgets the baseline of a series deleted with deleteSeries', async () => {
      const s = openStore({ enableCompression: mode.enableCompression, now: () => NOW });
      try {
        const secret = 'host-SECRET-51d2';
        await s.store.insertSamples(
          [secret, 'kept'].flatMap((host) =>
            Array.from({ length: 40 }, (_, i) => ({
              name: 'cpu',
              labels: { host },
              timestamp: NOW - DAY + i * MINUTE,
              value: i,
            })),
          ),
        );
        assert.equal(await s.store.computeBaselines(), 2);
        assert.ok(s.store.deleteSeries({ metricName: 'cpu', labels: { host: secret } }) > 0);
        assert.deepEqual(
          s.store.getBaselines().map((b) => b.labels.host),
          ['kept'],
          'a deleted series has no baseline left (it would keep its label values in the file)',
        );
      } finally {
        s.cleanup();
      }
    });

    it('filters getBaselines by metric name and by labels', async () => {
      const s = openStore({ enableCompression: mode.enableCompression, now: () => NOW });
      try {
        const series: [string, Labels][] = [
          ['cpu', { host: 'a', core: '0' }],
          ['cpu', { host: 'a', core: '1' }],
          ['cpu', { host: 'b', core: '0' }],
          ['mem', { host: 'a' }],
          ['disk', {}],
        ];
        await s.store.insertSamples(
          series.flatMap(([name, labels], k) =>
            Array.from({ length: 40 }, (_, i) => ({
              name,
              labels,
              timestamp: NOW - DAY + i * MINUTE,
              value: k * 100 + i,
            })),
          ),
        );
        assert.equal(await s.store.computeBaselines(), series.length);
        const names = (list: Baseline[]) => list.map((b) => key(b.metricName, b.labels)).sort();
        assert.deepEqual(names(s.store.getBaselines()), series.map(([n, l]) => key(n, l)).sort());
        assert.deepEqual(names(s.store.getBaselines({ metricName: 'cpu' })), [
          key('cpu', { core: '0', host: 'a' }),
          key('cpu', { core: '0', host: 'b' }),
          key('cpu', { core: '1', host: 'a' }),
        ]);
        assert.deepEqual(names(s.store.getBaselines({ labels: { host: 'a' } })), [
          key('cpu', { core: '0', host: 'a' }),
          key('cpu', { core: '1', host: 'a' }),
          key('mem', { host: 'a' }),
        ]);
        assert.deepEqual(names(s.store.getBaselines({ metricName: 'cpu', labels: { core: '0' } })), [
          key('cpu', { core: '0', host: 'a' }),
          key('cpu', { core: '0', host: 'b' }),
        ]);
        assert.deepEqual(names(s.store.getBaselines({ metricName: 'cpu', labels: { host: 'b', core: '0' } })), [
          key('cpu', { core: '0', host: 'b' }),
        ]);
        assert.deepEqual(s.store.getBaselines({ metricName: 'nope' }), []);
        assert.deepEqual(s.store.getBaselines({ metricName: 'mem', labels: { host: 'b' } }), []);
        const mem = s.store.getBaselines({ metricName: 'mem' })[0];
        assertBaseline(mem, expectedOf(Array.from({ length: 40 }, (_, i) => 300 + i)), 'mem');
      } finally {
        s.cleanup();
      }
    });
  });
}

// ---------------------------------------------------------------------------------------------
// Anomaly detection.

/** Baseline data: 10, 11, ..., 19 repeated (mean 14.5, population stddev sqrt(8.25)). */
function history(name: string, labels: Labels, end: number): MetricSample[] {
  return Array.from({ length: 200 }, (_, i) => ({
    name,
    labels,
    timestamp: end - DAY + i * 5 * MINUTE,
    value: 10 + (i % 10),
  }));
}

for (const mode of MODES) {
  describe(`detectAnomalies (${mode.name})`, () => {
    /** A store with baselines computed at `base`; its clock is `clock.now`. */
    async function withBaselines(series: [string, Labels][], constant?: [string, Labels, number]) {
      const base = T0 + 10 * DAY + 20 * MINUTE + 13_000;
      const clock = { now: base };
      const s = openStore({ enableCompression: mode.enableCompression, now: () => clock.now });
      const samples = series.flatMap(([name, labels]) => history(name, labels, base - HOUR));
      if (constant) {
        const [name, labels, value] = constant;
        samples.push(
          ...Array.from({ length: 100 }, (_, i) => ({ name, labels, timestamp: base - DAY + i * 10 * MINUTE, value })),
        );
      }
      await s.store.insertSamples(samples);
      await s.store.computeBaselines();
      // the first whole minute after the baselines were computed
      const minute = Math.ceil(base / MINUTE) * MINUTE;
      return { s, clock, minute };
    }

    it('records one anomaly alert per breaching series, with severity, value and threshold, and never twice', async () => {
      const names: [string, Labels][] = [
        ['lat', { svc: 'info' }],
        ['lat', { svc: 'warning' }],
        ['lat', { svc: 'critical' }],
        ['lat', { svc: 'low' }],
        ['lat', { svc: 'normal' }],
        ['lat', { svc: 'quiet' }],
      ];
      const { s, clock, minute } = await withBaselines(names);
      try {
        const b = s.store.getBaselines({ metricName: 'lat', labels: { svc: 'info' } })[0]!;
        near(b.mean, 14.5, 'premise: mean', 1e-12);
        near(b.stddev, Math.sqrt(8.25), 'premise: stddev', 1e-12);
        const at = (z: number) => b.mean + z * b.stddev;
        const plan: [string, number][] = [
          ['info', at(3.5)],
          ['warning', at(5)],
          ['critical', at(7)],
          ['low', at(-6.5)],
          ['normal', at(2.5)],
        ];
        // two samples per minute whose average is the planned value ("quiet" sends nothing)
        await s.store.insertSamples(
          plan.flatMap(([svc, v]) => [
            { name: 'lat', labels: { svc }, timestamp: minute + 5_000, value: v - 1 },
            { name: 'lat', labels: { svc }, timestamp: minute + 45_000, value: v + 1 },
          ]),
        );
        for (const interval of s.store.intervals) await s.store.aggregate(interval);
        await s.store.compact();
        clock.now = minute + MINUTE + 1; // the minute is complete

        const alerts = await s.store.detectAnomalies();
        const bySvc = new Map(alerts.map((a) => [a.labels.svc, a]));
        assert.deepEqual([...bySvc.keys()].sort(), ['critical', 'info', 'low', 'warning']);
        const expectSeverity: Record<string, string> = {
          info: 'info',
          warning: 'warning',
          critical: 'critical',
          low: 'critical',
        };
        for (const [svc, v] of plan.filter(([svc]) => svc in expectSeverity)) {
          const a = bySvc.get(svc)!;
          assert.equal(a.alertType, 'anomaly');
          assert.equal(a.metricName, 'lat');
          assert.deepEqual(a.labels, { svc });
          assert.equal(a.severity, expectSeverity[svc], `${svc}: severity`);
          near(a.value, v, `${svc}: value is the minute's average`, 1e-12);
          near(a.threshold, svc === 'low' ? b.mean - 3 * b.stddev : b.mean + 3 * b.stddev, `${svc}: threshold`, 1e-12);
          assert.equal(a.timestamp, minute, `${svc}: the bucket's start`);
          assert.equal(typeof a.message, 'string');
        }
        // what detectAnomalies returned is what the history holds
        assert.deepEqual(
          s.store.listAlerts().sort((x, y) => x.id - y.id),
          [...alerts].sort((x, y) => x.id - y.id),
        );

        assert.deepEqual(await s.store.detectAnomalies(), [], 'the same breach is not recorded twice');
        clock.now = minute + 2 * MINUTE - 1; // still the same newest complete minute
        assert.deepEqual(await s.store.detectAnomalies(), []);
        assert.equal(s.store.listAlerts().length, 4);
      } finally {
        s.cleanup();
      }
    });

    it('uses the given zThreshold and rejects a bad one', async () => {
      const { s, clock, minute } = await withBaselines([['lat', { svc: 'a' }]]);
      try {
        const b = s.store.getBaselines()[0]!;
        await s.store.insertSamples([
          { name: 'lat', labels: { svc: 'a' }, timestamp: minute + 1_000, value: b.mean + 2.5 * b.stddev },
        ]);
        clock.now = minute + MINUTE;
        assert.deepEqual(await s.store.detectAnomalies(), [], 'z = 2.5 is within the default 3');
        for (const bad of [0, -1, Number.NaN, 'x']) {
          await assert.rejects(
            s.store.detectAnomalies({ zThreshold: bad as number }),
            (err: unknown) => err instanceof InvalidArgumentError && err.code === 'INVALID_ARGUMENT',
          );
        }
        const [a] = await s.store.detectAnomalies({ zThreshold: 2 });
        assert.equal(a?.severity, 'info', '2.5 < 1.5 x 2');
        near(a?.threshold ?? Number.NaN, b.mean + 2 * b.stddev, 'threshold', 1e-12);
        assert.equal(s.store.listAlerts().length, 1);
      } finally {
        s.cleanup();
      }
    });

    it('does not use the incomplete current minute', async () => {
      const { s, clock, minute } = await withBaselines([['lat', { svc: 'a' }]]);
      try {
        const b = s.store.getBaselines()[0]!;
        await s.store.insertSamples([
          { name: 'lat', labels: { svc: 'a' }, timestamp: minute + 10_000, value: b.mean }, // a normal complete minute
          { name: 'lat', labels: { svc: 'a' }, timestamp: minute + MINUTE + 10_000, value: b.mean + 50 * b.stddev }, // the current one
        ]);
        clock.now = minute + MINUTE + 59_999;
        assert.deepEqual(await s.store.detectAnomalies(), [], 'the extreme minute is not complete yet');
        clock.now = minute + 2 * MINUTE;
        const alerts = await s.store.detectAnomalies();
        assert.equal(alerts.length, 1, 'complete now');
        assert.equal(alerts[0]?.timestamp, minute + MINUTE);
        assert.equal(alerts[0]?.severity, 'critical');
      } finally {
        s.cleanup();
      }
    });

    it('ignores series without a baseline', async () => {
      const { s, clock, minute } = await withBaselines([['lat', { svc: 'a' }]]);
      try {
        await s.store.insertSamples([
          ...Array.from({ length: MIN_BASELINE_SAMPLES - 2 }, (_, i) => ({
            name: 'rare',
            timestamp: minute - DAY + i * MINUTE,
            value: 1,
          })),
          { name: 'rare', timestamp: minute + 1_000, value: 1e9 },
          { name: 'lat', labels: { svc: 'a' }, timestamp: minute + 1_000, value: 14 },
        ]);
        clock.now = minute + MINUTE;
        await s.store.computeBaselines();
        assert.deepEqual(s.store.getBaselines({ metricName: 'rare' }), []);
        clock.now = minute + MINUTE + 1;
        assert.deepEqual(await s.store.detectAnomalies(), []);
        assert.deepEqual(s.store.listAlerts(), []);
      } finally {
        s.cleanup();
      }
    });

    it('flags a constant series (stddev 0) that moves by more than 0.1 % of its mean, as critical', async () => {
      const { s, clock, minute } = await withBaselines([], ['fans', { id: '1' }, 42]);
      try {
        const [b] = s.store.getBaselines();
        assert.equal(b?.stddev, 0, 'premise: a constant series');
        assert.equal(b?.mean, 42);
        const send = (offset: number, value: number) =>
          s.store.insertSamples([
            { name: 'fans', labels: { id: '1' }, timestamp: minute + offset * MINUTE + 1_000, value },
          ]);

        await send(0, 42);
        clock.now = minute + MINUTE;
        assert.deepEqual(await s.store.detectAnomalies(), [], 'unchanged');

        await send(1, 42.03); // within 0.1 % (0.042)
        clock.now = minute + 2 * MINUTE;
        assert.deepEqual(await s.store.detectAnomalies(), [], 'within the tolerance');

        await send(2, 42.5);
        clock.now = minute + 3 * MINUTE;
        const [up] = await s.store.detectAnomalies();
        assert.equal(up?.severity, 'critical');
        assert.equal(up?.value, 42.5);
        near(up?.threshold ?? Number.NaN, 42 + 42 * 1e-3, 'threshold above', 1e-12);
        assert.equal(up?.timestamp, minute + 2 * MINUTE);

        await send(3, 41);
        clock.now = minute + 4 * MINUTE;
        const [down] = await s.store.detectAnomalies();
        assert.equal(down?.severity, 'critical');
        near(down?.threshold ?? Number.NaN, 42 - 42 * 1e-3, 'threshold below', 1e-12);
        assert.equal(s.store.listAlerts().length, 2);
      } finally {
        s.cleanup();
      }
    });
  });
}

// ---------------------------------------------------------------------------------------------
// By metric type: a counter's baseline is of its 1m rates, a histogram's series get none.

/** Minute-aligned: the window [NOW - 1 d, NOW) is 1440 whole minutes. */
const TYPED_NOW = T0 + 3 * DAY;
const COUNTER_STEP = 10_000;

/**
 * A counter sampled every 10 s from TYPED_NOW - 2 d, rising by a random whole increment each time,
 * restarting once inside the window (the sample after the restart holds just its increment). The
 * increment of each sample is kept: the reference rates come from them, not from the store's rule.
 */
function counterSamples(): { samples: MetricSample[]; increments: number[] } {
  const next = rng(99);
  const samples: MetricSample[] = [];
  const increments: number[] = [];
  const restartAt = TYPED_NOW - 10 * HOUR + 20_000;
  let value = 5_000;
  for (let ts = TYPED_NOW - 2 * DAY; ts < TYPED_NOW; ts += COUNTER_STEP) {
    const increment = 1 + Math.floor(next() * 20);
    value = ts === restartAt ? increment : value + increment;
    samples.push({ name: 'jobs_done_total', value, timestamp: ts });
    increments.push(increment);
  }
  return { samples, increments };
}

/** Each whole minute's rate per second over [from, to): the sum of its samples' increments over 60 s. */
function minuteRates(samples: MetricSample[], increments: number[], from: number, to: number): number[] {
  const perMinute = new Map<number, number>();
  samples.forEach((s, i) => {
    if (s.timestamp < from || s.timestamp >= to) return;
    const minute = Math.floor(s.timestamp / MINUTE) * MINUTE;
    perMinute.set(minute, (perMinute.get(minute) ?? 0) + increments[i]!);
  });
  return [...perMinute.values()].map((increase) => increase / 60);
}

for (const mode of MODES) {
  describe(`baselines by metric type (${mode.name})`, () => {
    it("a counter's baseline is of its 1m rates, across a restart; rising steadily is no anomaly, a burst is", async () => {
      let clock = TYPED_NOW;
      const s = openStore({ enableCompression: mode.enableCompression, now: () => clock });
      try {
        const { samples, increments } = counterSamples();
        await s.store.insertSamples(samples.filter((x) => x.timestamp < TYPED_NOW - 12 * HOUR));
        await s.store.rollUpAndCompact();
        await s.store.insertSamples(samples.filter((x) => x.timestamp >= TYPED_NOW - 12 * HOUR));
        assert.ok(
          samples.some((x, i) => i > 0 && x.value < samples[i - 1]!.value && x.timestamp >= TYPED_NOW - DAY),
          'premise: the counter restarts inside the window',
        );

        assert.equal(await s.store.computeBaselines({ windowDays: 1 }), 1);
        const rates = minuteRates(samples, increments, TYPED_NOW - DAY, TYPED_NOW);
        assert.equal(rates.length, 1440);
        assertBaseline(s.store.getBaselines()[0], expectedOf(rates), 'jobs_done_total');

        assert.deepEqual(await s.store.detectAnomalies(), [], 'a counter rising at its usual rate');

        // A burst: the next minute rises 200 a sample, 1200 in the minute.
        const last = samples.at(-1)!.value;
        await s.store.insertSamples(
          Array.from({ length: 6 }, (_, i) => ({
            name: 'jobs_done_total',
            value: last + 200 * (i + 1),
            timestamp: TYPED_NOW + i * COUNTER_STEP,
          })),
        );
        clock = TYPED_NOW + MINUTE;
        const alerts = await s.store.detectAnomalies();
        assert.equal(alerts.length, 1);
        assert.equal(alerts[0]!.value, 1200 / 60);
        assert.equal(alerts[0]!.timestamp, TYPED_NOW);
        assert.match(alerts[0]!.message ?? '', /jobs_done_total rose at 20\/s in the minute/);
      } finally {
        s.cleanup();
      }
    });

    it("a counter's rate beyond the float64 range saturates: its baseline stays finite", async () => {
      const s = openStore({ enableCompression: mode.enableCompression, now: () => TYPED_NOW });
      try {
        const values = Array.from({ length: 60 }, (_, i) => (i % 2 ? Number.MAX_VALUE : -Number.MAX_VALUE));
        await s.store.insertSamples(
          values.map((value, i) => ({ name: 'huge_total', value, timestamp: TYPED_NOW - (60 - i) * MINUTE })),
        );
        assert.equal(await s.store.computeBaselines({ windowDays: 1 }), 1);
        const b = s.store.getBaselines()[0]!;
        for (const figure of [b.mean, b.stddev, b.p50, b.p95, b.p99])
          assert.ok(Number.isFinite(figure), String(figure));
        assert.equal(b.p99, Number.MAX_VALUE, 'an increase from -MAX to +MAX saturates');
      } finally {
        s.cleanup();
      }
    });

    it("a histogram's series get no baseline, and lose the one they had before they were known as one", async () => {
      const s = openStore({ enableCompression: mode.enableCompression, now: () => TYPED_NOW });
      try {
        const minutes = Array.from({ length: 120 }, (_, i) => TYPED_NOW - (120 - i) * MINUTE);
        const parts = ['sum', 'count'].map((suffix) => `lat_seconds_${suffix}`);
        await s.store.insertSamples(
          minutes.flatMap((ts, i) =>
            parts.map((name) => ({ name, value: i * (name.endsWith('sum') ? 0.5 : 2), timestamp: ts })),
          ),
        );
        await s.store.computeBaselines({ windowDays: 1 });
        assert.deepEqual(
          s.store.getBaselines().map((b) => b.metricName),
          [...parts].sort(),
          'premise: without buckets these are plain metrics',
        );

        await s.store.insertSamples(
          minutes.flatMap((ts, i) =>
            ['0.5', '+Inf'].map((le, k) => ({
              name: 'lat_seconds_bucket',
              value: i * (k + 1),
              timestamp: ts,
              labels: { le },
            })),
          ),
        );
        assert.equal(s.store.metricMetadata('lat_seconds').type, 'histogram');
        assert.equal(await s.store.computeBaselines({ windowDays: 1 }), 0);
        assert.deepEqual(s.store.getBaselines(), []);
      } finally {
        s.cleanup();
      }
    });
  });
}
