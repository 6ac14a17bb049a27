/**
 * Counter functions served from the rollups (counterPoints) equal the reference computed from every
 * raw sample (counterPointsFromRaw), at raw and every interval, in both storage modes: random
 * counters with resets and gaps, inserted in random batches with late and out-of-order samples,
 * the rollup job run between some of them (fast-check, seeded); a 1h bucket's increase is the sum
 * of its 1m buckets'; retention keeps what is left exact; a store written at schema version 5
 * gets its rollups rebuilt with the counter columns when it is opened.
 */
import assert from 'node:assert/strict';
import { copyFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, it } from 'node:test';
import fc from 'fast-check';
import { MAX_TIMESTAMP } from '../src/ingest/validate.ts';
import { counterPoints, counterPointsFromRaw, type CounterFunction } from '../src/query/counters.ts';
import { readBuckets, readRaw, type QueryContext } from '../src/query/query.ts';
import { TimeSeriesStorage } from '../src/storage.ts';
import { INTERVALS, INTERVAL_MS, type Point, type Resolution } from '../src/types.ts';
import { DAY, HOUR, MINUTE, MODES, T0, openStore, rng, tempDir } from '../../test/support/store.ts';

const RESOLUTIONS: readonly Resolution[] = ['raw', ...INTERVALS];
const FUNCTIONS: readonly CounterFunction[] = ['increase', 'rate'];
const FIXTURE_V5 = join(import.meta.dirname, '..', '..', 'test', 'fixtures', 'store-v5.db');

/** The engine's own query context of an open store (the one queryMetrics uses). */
function contextOf(store: TimeSeriesStorage): QueryContext {
  return (store as unknown as { queryContext(): QueryContext }).queryContext();
}

/** Per interval, the buckets of counters left to recompute (inc NULL) or without counter columns (first_ts NULL). */
function staleBuckets(store: TimeSeriesStorage): number[] {
  const sql = (interval: string): string =>
    `SELECT COUNT(*) AS n FROM rollup_${interval} r JOIN series s ON s.id = r.series_id
     WHERE s.metric_name GLOB '*_total' AND (r.inc IS NULL OR r.first_ts IS NULL)`;
  return INTERVALS.map((i) => (store.sql(sql(i))[0] as { n: number }).n);
}

function seriesIdOf(ctx: QueryContext, name: string): number {
  return ctx.registry.match(name, undefined)[0]!.id;
}

/** Equal points; values exactly for integer counters, else to 1e-9 relative. */
function assertPoints(got: Point[], want: Point[], exact: boolean, what: string): void {
  if (exact) {
    assert.deepEqual(got, want, what);
    return;
  }
  assert.deepEqual(
    got.map((p) => p.timestamp),
    want.map((p) => p.timestamp),
    `${what}: timestamps`,
  );
  got.forEach((p, i) => {
    const w = want[i]!.value;
    assert.ok(Math.abs(p.value - w) <= 1e-9 * Math.max(Math.abs(p.value), Math.abs(w)), `${what}: ${p.value} vs ${w}`);
  });
}

/** counterPoints at every resolution and function over [start, end) against the reference from `samples` (by time). */
function assertServedExactly(
  ctx: QueryContext,
  seriesId: number,
  samples: Point[],
  start: number,
  end: number,
  exact: boolean,
): void {
  for (const resolution of RESOLUTIONS) {
    for (const fn of FUNCTIONS) {
      assertPoints(
        counterPoints(ctx, seriesId, resolution, start, end, fn),
        counterPointsFromRaw(samples, resolution, start, end, fn),
        exact,
        `${fn} at ${resolution} over [${start - T0}, ${end - T0})`,
      );
    }
  }
}

/** Each 1h bucket's increase is the sum of its 1m buckets' (to 1e-9 relative, as float sums regroup). */
function assertHoursSumMinutes(ctx: QueryContext, seriesId: number, start: number, end: number): void {
  const hours = counterPoints(ctx, seriesId, '1h', start, end, 'increase');
  const from = Math.floor(start / HOUR) * HOUR;
  const minutes = counterPoints(ctx, seriesId, '1m', from, Math.ceil(end / HOUR) * HOUR, 'increase');
  for (const hour of hours) {
    const sum = minutes
      .filter((m) => m.timestamp >= hour.timestamp && m.timestamp < hour.timestamp + HOUR)
      .reduce((a, m) => a + m.value, 0);
    assert.ok(Math.abs(hour.value - sum) <= 1e-9 * Math.max(hour.value, sum), `1h ${hour.value} vs 1m sum ${sum}`);
  }
}

interface Step {
  gap: number;
  delta: number;
  reset: boolean;
}

/** A counter's samples from steps: a gap before each, then an increase, or a restart from a small value. */
function counterSamples(steps: Step[], integer: boolean): Point[] {
  let t = T0 - 30 * MINUTE;
  let value = 0;
  return steps.map(({ gap, delta, reset }) => {
    t += gap;
    const d = integer ? Math.round(delta) : delta;
    value = reset ? d / 10 : value + d;
    if (integer) value = Math.round(value);
    return { timestamp: t, value };
  });
}

const gap = fc.oneof(
  fc.integer({ min: 1_000, max: 30_000 }),
  fc.integer({ min: 30_000, max: 20 * MINUTE }),
  fc.integer({ min: 20 * MINUTE, max: 8 * HOUR }),
);
const step = fc.record({
  gap,
  delta: fc.double({ min: 0, max: 1_000, noNaN: true }),
  reset: fc.boolean(), // made rarer with the scenario's seed
});
const scenario = fc.record({
  steps: fc.array(step, { minLength: 2, maxLength: 160 }),
  integer: fc.boolean(),
  // A counter by its name (its buckets keep the counter columns), or a name the catalog cannot type.
  name: fc.constantFrom('c_total', 'c_level'),
  seed: fc.integer({ min: 0, max: 2 ** 31 }),
});

/** The batches samples arrive in: a shuffled prefix of each window of the series (late and out-of-order). */
function batchesOf(samples: Point[], random: () => number): Point[][] {
  const order = samples.map((p, i) => ({ p, key: i + (random() < 0.3 ? (random() - 0.7) * samples.length : 0) }));
  order.sort((a, b) => a.key - b.key);
  const batches: Point[][] = [];
  for (let i = 0; i < order.length;) {
    const size = 1 + Math.floor(random() * Math.max(1, order.length / 4));
    batches.push(order.slice(i, i + size).map((o) => o.p));
    i += size;
  }
  return batches;
}

for (const mode of MODES) {
  describe(`counters served from the rollups (${mode.name})`, () => {
    it('equal the reference from raw samples at every resolution, through late data and rollup runs', async () => {
      await fc.assert(
        fc.asyncProperty(scenario, async ({ steps, integer, name, seed }) => {
          const random = rng(seed);
          const sparse = steps.map((s) => ({ ...s, reset: s.reset && random() < 0.15 }));
          const samples = counterSamples(sparse, integer);
          const s = openStore({ enableCompression: mode.enableCompression });
          try {
            const inserted: Point[] = [];
            for (const batch of batchesOf(samples, random)) {
              // Beside it, a gauge with the same samples: the folds of both kinds share each step.
              await s.store.insertSamples(
                batch.flatMap((p) => [
                  { name, ...p },
                  { name: 'g_level', ...p },
                ]),
              );
              inserted.push(...batch);
              const action = random();
              if (action < 0.4) {
                await s.store.rollUpAndCompact();
                assert.deepEqual(
                  staleBuckets(s.store),
                  INTERVALS.map(() => 0),
                  'no bucket is left stale by a fold',
                );
              } else if (action < 0.6) await s.store.aggregate('1h');
              const ctx = contextOf(s.store);
              const id = seriesIdOf(ctx, name);
              const byTime = [...inserted].sort((a, b) => a.timestamp - b.timestamp);
              const [first, last] = [byTime[0]!.timestamp, byTime.at(-1)!.timestamp];
              const start = first - HOUR + Math.floor(random() * (last - first + HOUR));
              const end = start + 1 + Math.floor(random() * (last + HOUR - start));
              assertServedExactly(ctx, id, byTime, start, end, integer);
              assertServedExactly(ctx, id, byTime, first, last + 1, integer);
              assertHoursSumMinutes(ctx, id, first, last + 1);
              const counts = new Map<number, number>();
              for (const p of byTime)
                counts.set(
                  Math.floor(p.timestamp / HOUR) * HOUR,
                  (counts.get(Math.floor(p.timestamp / HOUR) * HOUR) ?? 0) + 1,
                );
              assert.deepEqual(
                readBuckets(ctx, '1h', seriesIdOf(ctx, 'g_level'), first, last + 1).map((b) => [b.timestamp, b.count]),
                [...counts],
                'the gauge beside it keeps its counts',
              );
            }
          } finally {
            s.cleanup();
          }
        }),
        { seed: 9, numRuns: 60 },
      );
    });

    it('stay exact after retention cuts through buckets of every interval', async () => {
      const random = rng(5);
      const steps = Array.from({ length: 4 * 24 * 12 }, () => ({
        gap: 5 * MINUTE - 60_000 + Math.floor(random() * 120_000),
        delta: random() * 500,
        reset: random() < 0.02,
      }));
      const samples = counterSamples(steps, true);
      const now = T0 + 4 * DAY;
      const s = openStore({ enableCompression: mode.enableCompression, now: () => now, retentionDays: 2 });
      try {
        await s.store.insertSamples(samples.slice(0, 800).map((p) => ({ name: 'c_total', ...p })));
        await s.store.rollUpAndCompact();
        await s.store.insertSamples(samples.slice(800).map((p) => ({ name: 'c_total', ...p })));
        await s.store.applyRetention();
        const ctx = contextOf(s.store);
        const id = seriesIdOf(ctx, 'c_total');
        const kept = samples.filter((p) => p.timestamp >= now - 2 * DAY);
        for (const resolution of RESOLUTIONS) {
          // Buckets wholly after the cutoff: the straddling one keeps the samples it summarised.
          const width = resolution === 'raw' ? 1 : INTERVAL_MS[resolution];
          const start = Math.ceil((now - 2 * DAY + 1) / width) * width;
          for (const fn of FUNCTIONS) {
            assert.deepEqual(
              counterPoints(ctx, id, resolution, start, now, fn),
              counterPointsFromRaw(kept, resolution, start, now, fn),
              `${fn} at ${resolution}`,
            );
          }
        }
      } finally {
        s.cleanup();
      }
    });
  });
}

for (const mode of MODES) {
  describe(`a late sample in a bucket that straddles the retention cutoff (${mode.name})`, () => {
    it("keeps its count, sum, min and max exact, for a counter as for a gauge; the increase is the samples left's", async () => {
      const now = T0 + 4 * DAY + 12 * HOUR;
      const s = openStore({ enableCompression: mode.enableCompression, now: () => now, retentionDays: 2 });
      try {
        const value = (t: number): number => (t - T0) / MINUTE;
        for (const name of ['c_total', 'g_level']) {
          const samples = [];
          for (let t = T0; t < now; t += 10 * MINUTE)
            if ((t / MINUTE) % 20 !== 0) samples.push({ name, value: value(t), timestamp: t });
          await s.store.insertSamples(samples);
        }
        await s.store.rollUpAndCompact();
        await s.store.applyRetention();
        // The 1d bucket of day 2 holds the cutoff (day 2, 12:00): its first half expired.
        const day = (metricName: string, fn?: 'increase') =>
          s.store.queryMetrics({ metricName, start: T0 + 2 * DAY, end: T0 + 3 * DAY, aggregation: '1d', fn })[0]!
            .points[0]!;
        const [counter, increase, gauge] = [day('c_total'), day('c_total', 'increase'), day('g_level')];
        const late = T0 + 2 * DAY + 20 * HOUR;
        await s.store.insertSamples(
          ['c_total', 'g_level'].map((name) => ({ name, value: value(late), timestamp: late })),
        );
        await s.store.rollUpAndCompact();
        const grown = (p: Point): Point => ({
          ...p,
          count: p.count! + 1,
          sum: p.sum! + value(late),
          value: (p.sum! + value(late)) / (p.count! + 1),
        });
        assert.deepEqual(day('g_level'), grown(gauge));
        assert.deepEqual(day('c_total'), grown(counter), "the counter's count, sum, min and max, as the gauge's");
        assert.equal(increase.value, 1420, 'premise: before, the increase of every sample the bucket summarised');
        // After a late sample its increase is recomputed from the samples left: the expired part is gone.
        const left = (
          s.store.sql("SELECT timestamp, value FROM metrics_raw WHERE metric_name = 'c_total' ORDER BY timestamp") as {
            timestamp: number;
            value: number;
          }[]
        ).map((r) => ({ timestamp: r.timestamp, value: r.value }));
        assert.deepEqual(
          [day('c_total', 'increase')],
          counterPointsFromRaw(left, '1d', T0 + 2 * DAY, T0 + 3 * DAY, 'increase'),
        );
      } finally {
        s.cleanup();
      }
    });
  });
}

describe('a store written at schema version 5', () => {
  it('gets its rollups rebuilt with the counter columns, then serves counters exactly', async () => {
    const { dir, cleanup } = tempDir('counters-v5-');
    const dbPath = join(dir, 'telemetry.db');
    copyFileSync(FIXTURE_V5, dbPath);
    const store = new TimeSeriesStorage({ dbPath });
    try {
      assert.deepEqual(
        staleBuckets(store),
        INTERVALS.map(() => 0),
      );
      const rebuilt = store.sql('SELECT COUNT(*) AS n FROM rollup_1h')[0] as { n: number };
      assert.ok(rebuilt.n >= 40, `the 1h buckets were rebuilt (${rebuilt.n})`);
      for (const pass of ['as opened', 'after the rollup job']) {
        const ctx = contextOf(store);
        for (const series of [...ctx.registry.all()].filter((x) => /_total$|_bucket$|_count$/.test(x.metricName))) {
          const samples = readRaw(ctx, series.id, 0, MAX_TIMESTAMP + 1);
          assert.ok(samples.length > 2000, `premise: ${series.metricName} holds two days`);
          const [first, last] = [samples[0]!.timestamp, samples.at(-1)!.timestamp];
          assertServedExactly(ctx, series.id, samples, first, last + 1, true);
          assertServedExactly(ctx, series.id, samples, first + 7 * HOUR + 30 * MINUTE, last - HOUR, true);
          assertHoursSumMinutes(ctx, series.id, first, last + 1);
        }
        if (pass === 'as opened') await store.rollUpAndCompact();
      }
    } finally {
      store.close();
      cleanup();
    }
  });
});
