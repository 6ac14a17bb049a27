/**
 * Rollups: every interval's buckets equal an independent computation over the raw samples, through
 * incremental runs, late data (even after compaction) and repeated runs, in the rollup tables and
 * in the seed's metrics_<interval> views (as the store's own connection reads them).
 */
import assert from 'node:assert/strict';
import { execFileSync } from 'node:child_process';
import { describe, it } from 'node:test';
import Database from 'better-sqlite3';
import { INTERVALS, type Interval, type MetricSample } from '../storage/src/index.ts';
import { expectedBuckets, type ExpectedBucket } from './support/expected.ts';
import { DAY, HOUR, MODES, T0, openStore, rng } from './support/store.ts';

/** Buckets computed straight from the samples, keyed by "labelsJson|bucketStart". */
function bucketsByLabels(samples: MetricSample[], interval: Interval): Map<string, ExpectedBucket> {
  return expectedBuckets(samples, interval, (s, bucket) => `${JSON.stringify(s.labels)}|${bucket}`);
}

/** Random samples for 3 series over `days`, each (series, timestamp) once. */
function randomSamples(seed: number, days: number, count: number): MetricSample[] {
  const next = rng(seed);
  const seen = new Set<string>();
  const out: MetricSample[] = [];
  while (out.length < count) {
    const host = `h${Math.floor(next() * 3)}`;
    const timestamp = T0 + Math.floor(next() * days * DAY);
    if (seen.has(`${host}|${timestamp}`)) continue;
    seen.add(`${host}|${timestamp}`);
    out.push({ name: 'lat', labels: { host }, timestamp, value: Math.round((next() - 0.3) * 1e6) / 1e3 });
  }
  return out;
}

/** The 1m and 5m buckets are computed when read (from the head and the tier), never stored. */
function computedOnRead(interval: Interval): boolean {
  return interval === '1m' || interval === '5m';
}

function assertMatches(
  rows: { labels: string; bucket: number; count: number; sum: number; min: number; max: number; avg: number }[],
  expected: Map<string, ExpectedBucket>,
  what: string,
): void {
  assert.equal(rows.length, expected.size, `${what}: bucket count`);
  for (const row of rows) {
    const e = expected.get(`${row.labels}|${row.bucket}`);
    assert.ok(e, `${what}: unexpected bucket ${row.labels} ${row.bucket}`);
    assert.equal(row.count, e.count, `${what}: count`);
    assert.equal(row.min, e.min, `${what}: min`);
    assert.equal(row.max, e.max, `${what}: max`);
    assert.ok(Math.abs(row.sum - e.sum) <= 1e-9 * Math.max(1, Math.abs(e.sum)), `${what}: sum ${row.sum} vs ${e.sum}`);
    assert.ok(Math.abs(row.avg - e.sum / e.count) <= 1e-9 * Math.max(1, Math.abs(row.avg)), `${what}: avg`);
  }
}

/** The 'lat' buckets a query returns at `interval`, in assertMatches' form. */
function queried(store: ReturnType<typeof openStore>['store'], interval: Interval) {
  return store.queryMetrics({ metricName: 'lat', start: T0, end: T0 + 4 * DAY, aggregation: interval }).flatMap((r) =>
    r.points.map((p) => ({
      labels: JSON.stringify(r.labels),
      bucket: p.timestamp,
      count: p.count!,
      sum: p.sum!,
      min: p.min!,
      max: p.max!,
      avg: p.value,
    })),
  );
}

for (const mode of MODES) {
  describe(`rollups (${mode.name})`, () => {
    it('match an independent computation at every interval, under late data and repeated runs', async () => {
      const s = openStore({ enableCompression: mode.enableCompression });
      try {
        const all = randomSamples(42, 3, 12_000);
        const inOrder = all.slice(0, 8_000).sort((a, b) => a.timestamp - b.timestamp);
        const late = all.slice(8_000, 11_000);
        const afterCompaction = all.slice(11_000);
        // The store's own connection: with compression its views also cover the chunks.
        const viewRows = (interval: Interval) =>
          s.store.sql(`SELECT labels, bucket, count, sum, min, max, avg FROM metrics_${interval}`) as never[];

        for (let i = 0; i < inOrder.length; i += 1000) await s.store.insertSamples(inOrder.slice(i, i + 1000));
        for (const interval of INTERVALS) await s.store.aggregate(interval);
        await s.store.insertSamples(late);
        for (const interval of INTERVALS) {
          assert.equal((await s.store.aggregate(interval)) > 0, !computedOnRead(interval), `${interval}: folds`);
        }
        await s.store.compact();
        await s.store.insertSamples(afterCompaction);
        for (const interval of INTERVALS) await s.store.aggregate(interval);
        for (const interval of INTERVALS) {
          assert.equal(await s.store.aggregate(interval), 0, `${interval}: a second run changes nothing`);
        }
        await s.store.compact();

        for (const interval of INTERVALS)
          assertMatches(viewRows(interval), bucketsByLabels(all, interval), `metrics_${interval}`);
        for (const interval of INTERVALS)
          assertMatches(queried(s.store, interval), bucketsByLabels(all, interval), `query ${interval}`);
      } finally {
        s.cleanup();
      }
    });

    it('fold only the new data: one more minute touches one bucket per series and interval', async () => {
      const s = openStore({ enableCompression: mode.enableCompression });
      try {
        const series = ['a', 'b'];
        const batch = (minute: number) =>
          series.flatMap((k) =>
            Array.from({ length: 6 }, (_, i) => ({
              name: 'm',
              labels: { k },
              value: i,
              timestamp: T0 + minute * 60_000 + i * 10_000,
            })),
          );
        // 1m stores nothing (computedOnRead): the hours tell the same.
        for (let m = 0; m < 120; m++) await s.store.insertSamples(batch(m));
        assert.equal(await s.store.aggregate('1m'), 0);
        assert.equal(await s.store.aggregate('1h'), 4);
        await s.store.insertSamples(batch(120));
        assert.equal(await s.store.aggregate('1h'), 2, 'only the new minute of each series');
      } finally {
        s.cleanup();
      }
    });

    it('saturate a sum beyond float64 to ±Infinity, never NaN, and the jobs go on', async () => {
      let now = T0 + DAY;
      const s = openStore({ enableCompression: mode.enableCompression, now: () => now });
      try {
        const M = Number.MAX_VALUE;
        const at = (minute: number, value: number, k: string) => ({
          name: 'huge',
          labels: { k },
          value,
          timestamp: T0 + minute * 60_000,
        });
        // Each interval folds the two halves in separate runs, so a stored +Infinity meets a new -Infinity.
        await s.store.insertSamples([at(0, M, 'both'), at(1, M, 'both'), at(0, -M, 'down'), at(1, -M, 'down')]);
        await s.store.rollUpAndCompact();
        await s.store.insertSamples([at(2, -M, 'both'), at(3, -M, 'both')]);
        await s.store.rollUpAndCompact();
        await s.store.insertSamples([at(4, 1, 'both')]); // still in the head: merged when read
        const sums = (interval: Interval) =>
          s.store
            .queryMetrics({ metricName: 'huge', start: T0, end: T0 + HOUR, aggregation: interval })
            .map((r) => [r.labels.k, r.points.map((p) => [p.count, p.sum, p.min, p.max, p.value])]);
        assert.deepEqual(sums('1m'), [
          [
            'both',
            [
              [1, M, M, M, M],
              [1, M, M, M, M],
              [1, -M, -M, -M, -M],
              [1, -M, -M, -M, -M],
              [1, 1, 1, 1, 1],
            ],
          ],
          [
            'down',
            [
              [1, -M, -M, -M, -M],
              [1, -M, -M, -M, -M],
            ],
          ],
        ]);
        for (const interval of ['5m', '1h', '1d'] as const) {
          assert.deepEqual(
            sums(interval),
            [
              ['both', [[5, Infinity, -M, M, Infinity]]],
              ['down', [[2, -Infinity, -M, -M, -Infinity]]],
            ],
            interval,
          );
          const viewed = s.store.sql(`SELECT labels, sum FROM metrics_${interval} ORDER BY labels`);
          assert.ok(viewed.length > 0 && viewed.every((row) => typeof (row as { sum: unknown }).sum === 'number'));
        }
        now = T0 + 60 * DAY;
        assert.ok((await s.store.applyRetention()) > 0, 'retention deletes the expired buckets');
        await s.store.rollUpAndCompact();
        assert.deepEqual(sums('1h'), []);
      } finally {
        s.cleanup();
      }
    });

    it('rejects an unknown interval and one the store does not maintain', async () => {
      const s = openStore({ enableCompression: mode.enableCompression, aggregationIntervals: ['1m', '1h'] });
      try {
        await assert.rejects(s.store.aggregate('2m' as Interval), {
          code: 'INVALID_ARGUMENT',
          message: /unknown interval/,
        });
        await assert.rejects(s.store.aggregate('5m'), {
          code: 'INVALID_ARGUMENT',
          message: /not one of this store's aggregationIntervals/,
        });
        await s.store.insertSamples([
          { name: 'm', value: 2, timestamp: T0 + 1 },
          { name: 'm', value: 4, timestamp: T0 + 400_000 },
        ]);
        await s.store.aggregate('1m');
        await s.store.aggregate('1h');
        await s.store.compact();
        const [r] = s.store.queryMetrics({ metricName: 'm', start: T0, end: T0 + 600_000, aggregation: '5m' });
        assert.deepEqual(
          r!.points.map((p) => [p.timestamp, p.count, p.sum]),
          [
            [T0, 1, 2],
            [T0 + 300_000, 1, 4],
          ],
          'an unmaintained interval is computed from raw',
        );
      } finally {
        s.cleanup();
      }
    });
  });
}

describe('1m and 5m (computed on read)', () => {
  for (const mode of MODES) {
    it(`store no bucket (${mode.name}): aggregate writes none, and queries and both connections see the head and the tier`, async () => {
      const s = openStore({ enableCompression: mode.enableCompression });
      try {
        const all = randomSamples(7, 1, 3_000);
        const [compacted, inHead] = [all.slice(0, 2_000), all.slice(2_000)];
        await s.store.insertSamples(compacted);
        await s.store.rollUpAndCompact();
        // Late and new samples alike, many in buckets that compacted samples share.
        await s.store.insertSamples(inHead);
        for (const interval of ['1m', '5m'] as const) {
          assert.equal(await s.store.aggregate(interval), 0, `${interval}: nothing to write`);
          assert.deepEqual(s.store.sql(`SELECT COUNT(*) AS n FROM rollup_${interval}`), [{ n: 0 }]);
          assertMatches(queried(s.store, interval), bucketsByLabels(all, interval), `query ${interval}`);
          const viewed = s.store.sql(`SELECT labels, bucket, count, sum, min, max, avg FROM metrics_${interval}`);
          assertMatches(viewed as never[], bucketsByLabels(all, interval), `metrics_${interval}`);
        }
        s.store.checkpoint();
        // The plain sqlite3 shell cannot decode chunks: it sees the buckets of the head's samples (and of uncompressed ones).
        const shell = execFileSync(
          'sqlite3',
          ['-json', s.dbPath, 'SELECT labels, bucket, count, sum, min, max, avg FROM metrics_1m'],
          {
            encoding: 'utf8',
          },
        );
        const shellSees = mode.enableCompression ? inHead : all;
        assertMatches(JSON.parse(shell) as never[], bucketsByLabels(shellSees, '1m'), 'plain shell metrics_1m');
      } finally {
        s.cleanup();
      }
    });
  }

  for (const mode of MODES) {
    it(`counts once the samples of a file that stored their 1m buckets (${mode.name})`, async () => {
      const s = openStore({ enableCompression: mode.enableCompression });
      try {
        const all = randomSamples(8, 1, 2_000);
        await s.store.insertSamples(all.slice(0, 1_200));
        await s.store.rollUpAndCompact();
        await s.store.insertSamples(all.slice(1_200));
        s.store.close();
        // As an earlier version left it (schema 12): the 1m buckets of the head's samples (and of the
        // uncompressed ones) stored, the cursor past them; migration 13 deletes them.
        const raw = new Database(s.dbPath);
        raw.exec(`INSERT INTO rollup_1m (series_id, slot, count, sum, min, max)
            SELECT series_id, ts / 60000, COUNT(*), SUM(value), MIN(value), MAX(value)
            FROM (SELECT series_id, ts, value FROM head UNION ALL SELECT series_id, ts, value FROM samples)
            GROUP BY series_id, ts / 60000;
          UPDATE rollup_state SET cursor = (SELECT MAX(id) FROM head) WHERE interval = '1m';
          PRAGMA user_version = 12;`);
        raw.close();
        const store = s.reopen();
        assertMatches(queried(store, '1m'), bucketsByLabels(all, '1m'), 'query 1m');
        assert.deepEqual(store.sql('SELECT COUNT(*) AS n FROM rollup_1m'), [{ n: 0 }]);
        await store.rollUpAndCompact();
        assertMatches(queried(store, '1m'), bucketsByLabels(all, '1m'), 'query 1m, compacted');
      } finally {
        s.cleanup();
      }
    });
  }
});
