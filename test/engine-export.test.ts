/**
 * exportToParquet through the store, read back by DuckDB: raw samples and every rollup source
 * (with data both in the head and in the tier, some folded into rollups and some not) compared
 * row by row with the inserted samples and with the store's own queryMetrics; column types,
 * key-value metadata, start/end filtering, the default output path, progress reporting, rejected
 * options (typed error, no file), and anonymised exports (no original label value in the bytes
 * or in anything DuckDB decodes; consistent, unlinkable or linkable pseudonyms; keep/drop labels,
 * hashed metric names, truncated timestamps, unchanged values). Schema version 2: the metric type,
 * unit and label map of a gauge, a counter and a histogram's series (raw and rollups, plain and
 * anonymised, read through DuckDB's map functions), random export ids, and the exports of three
 * stores loaded together over a glob with per-export totals checked against each store.
 */
import assert from 'node:assert/strict';
import { randomBytes } from 'node:crypto';
import { existsSync, mkdirSync, readFileSync, readdirSync, rmSync, symlinkSync } from 'node:fs';
import { dirname, join } from 'node:path';
import Database from 'better-sqlite3';
import { after, before, describe, it } from 'node:test';
import {
  INTERVALS,
  INTERVAL_MS,
  InvalidArgumentError,
  MAX_TIMESTAMP,
  type AnonymizeOptions,
  type ExportOptions,
  type Interval,
  type Labels,
  type MetricSample,
  type MetricType,
  type StorageError,
  TimeSeriesStorage,
} from '../storage/src/index.ts';
import { DuckReader, sqlString } from './support/duckdb.ts';
import {
  EXPORT_ID,
  RAW_COLUMN_TYPES,
  ROLLUP_COLUMN_TYPES,
  documentedMetricPseudonym,
  documentedPseudonym,
  expectedBuckets,
  labelEntries,
  labelsJson,
} from './support/expected.ts';
import {
  DAY,
  HOUR,
  MINUTE,
  MODES,
  T0,
  openStore,
  regularSamples,
  rng,
  tempDir,
  type OpenedStore,
} from './support/store.ts';

const PACKAGE_VERSION = (
  JSON.parse(readFileSync(new URL('../package.json', import.meta.url), 'utf8')) as { version: string }
).version;
/** The export's default end: one past the last representable instant. */
const DEFAULT_END = MAX_TIMESTAMP + 1;
const ALL = { start: 0, end: DEFAULT_END };

let duck: DuckReader;

before(async () => {
  duck = await DuckReader.open();
});

after(() => {
  duck.close();
});

function byText(a: string, b: string): number {
  return a < b ? -1 : a > b ? 1 : 0;
}

interface RawRow {
  metric: string;
  labels: string;
  ts: number;
  value: number;
}

interface BucketRow {
  metric: string;
  labels: string;
  bucket: number;
  count: number;
  sum: number;
  min: number;
  max: number;
  avg: number;
}

function sortRaw(list: RawRow[]): RawRow[] {
  return list.sort((a, b) => byText(a.metric, b.metric) || byText(a.labels, b.labels) || a.ts - b.ts);
}

function sortBuckets(list: BucketRow[]): BucketRow[] {
  return list.sort((a, b) => byText(a.metric, b.metric) || byText(a.labels, b.labels) || a.bucket - b.bucket);
}

function rawOfSamples(samples: MetricSample[]): RawRow[] {
  return sortRaw(
    samples.map((s) => ({ metric: s.name, labels: labelsJson(s.labels), ts: s.timestamp, value: s.value })),
  );
}

/** Buckets computed straight from the inserted samples. */
function bucketsOfSamples(samples: MetricSample[], interval: Interval): BucketRow[] {
  const buckets = expectedBuckets(
    samples,
    interval,
    (s, bucket) => `${s.name}\u0000${labelsJson(s.labels)}\u0000${bucket}`,
  );
  return sortBuckets(
    [...buckets.values()].map(({ name, labels, bucket, count, sum, min, max }) => ({
      metric: name,
      labels: labelsJson(labels),
      bucket,
      count,
      sum,
      min,
      max,
      avg: sum / count,
    })),
  );
}

/** Raw samples of every metric as the store's queryMetrics returns them. */
/** Every stored series' metric name (listMetrics shows a histogram once, under its base name). */
function seriesNames(store: TimeSeriesStorage): string[] {
  return (store.sql('SELECT DISTINCT metric_name AS name FROM series') as { name: string }[]).map((r) => r.name);
}

function rawOfStore(store: TimeSeriesStorage, range = ALL): RawRow[] {
  return sortRaw(
    seriesNames(store).flatMap((name) =>
      store.queryMetrics({ metricName: name, ...range, aggregation: 'raw' }).flatMap((r) =>
        r.points.map((p) => ({
          metric: r.metricName,
          labels: labelsJson(r.labels),
          ts: p.timestamp,
          value: p.value,
        })),
      ),
    ),
  );
}

/** Buckets of every metric as the store's queryMetrics returns them. */
function bucketsOfStore(store: TimeSeriesStorage, interval: Interval, range = ALL): BucketRow[] {
  return sortBuckets(
    seriesNames(store).flatMap((name) =>
      store.queryMetrics({ metricName: name, ...range, aggregation: interval }).flatMap((r) =>
        r.points.map((p) => ({
          metric: r.metricName,
          labels: labelsJson(r.labels),
          bucket: p.timestamp,
          count: p.count!,
          sum: p.sum!,
          min: p.min!,
          max: p.max!,
          avg: p.value,
        })),
      ),
    ),
  );
}

async function rawOfFile(path: string): Promise<RawRow[]> {
  const back = await duck.rows(
    `SELECT metric_name, labels, epoch_ms("timestamp")::DOUBLE AS ts, value FROM ${sqlString(path)}`,
  );
  return sortRaw(
    back.map((r) => ({
      metric: String(r.metric_name),
      labels: String(r.labels),
      ts: Number(r.ts),
      value: Number(r.value),
    })),
  );
}

async function bucketsOfFile(path: string): Promise<BucketRow[]> {
  const back = await duck.rows(
    `SELECT metric_name, labels, epoch_ms(bucket)::DOUBLE AS bucket, count::DOUBLE AS count, sum, min, max, avg FROM ${sqlString(path)}`,
  );
  return sortBuckets(
    back.map((r) => ({
      metric: String(r.metric_name),
      labels: String(r.labels),
      bucket: Number(r.bucket),
      count: Number(r.count),
      sum: Number(r.sum),
      min: Number(r.min),
      max: Number(r.max),
      avg: Number(r.avg),
    })),
  );
}

function close(a: number, b: number): boolean {
  return Math.abs(a - b) <= 1e-9 * Math.max(1, Math.abs(a), Math.abs(b));
}

/** Buckets equal: counts, bucket starts, min and max exactly; sums and averages to rounding. */
function assertBucketsMatch(actual: BucketRow[], expected: BucketRow[], what: string): void {
  assert.equal(actual.length, expected.length, `${what}: bucket count`);
  actual.forEach((a, i) => {
    const e = expected[i]!;
    const where = `${what}: ${a.metric} ${a.labels} ${a.bucket}`;
    assert.deepEqual(
      [a.metric, a.labels, a.bucket, a.count, a.min, a.max],
      [e.metric, e.labels, e.bucket, e.count, e.min, e.max],
      where,
    );
    assert.ok(close(a.sum, e.sum), `${where}: sum ${a.sum} vs ${e.sum}`);
    assert.ok(close(a.avg, e.avg), `${where}: avg ${a.avg} vs ${e.avg}`);
  });
}

/** Count, sum and first/last timestamp per series. */
function summary(list: RawRow[]): Map<string, { n: number; sum: number; first: number; last: number }> {
  const out = new Map<string, { n: number; sum: number; first: number; last: number }>();
  for (const r of list) {
    const key = `${r.metric} ${r.labels}`;
    const s = out.get(key);
    if (!s) out.set(key, { n: 1, sum: r.value, first: r.ts, last: r.ts });
    else {
      s.n++;
      s.sum += r.value;
      s.first = Math.min(s.first, r.ts);
      s.last = Math.max(s.last, r.ts);
    }
  }
  return out;
}

// ---------------------------------------------------------------------------------------------
// The shared data set: 3 series every 30 s (with millisecond jitter) over two days, plus late samples.

const NOW = T0 + 4 * DAY;
const DATA_START = T0 + DAY + 7 * MINUTE;
const STEPS = 2 * 24 * 120;
const SERIES = [
  { name: 'cpu.usage', labels: { host: 'alpha', core: '0' } },
  { name: 'cpu.usage', labels: { host: 'beta', core: '1' } },
  { name: 'mem.used', labels: { host: 'alpha' } },
] as const;

function dataset(): { early: MetricSample[]; late: MetricSample[]; recent: MetricSample[] } {
  const next = rng(20260101);
  const early: MetricSample[] = [];
  const recent: MetricSample[] = [];
  for (let i = 0; i < STEPS; i++) {
    SERIES.forEach((s, k) => {
      const timestamp = DATA_START + i * 30_000 + Math.floor(next() * 1000);
      // two decimal places for cpu (decimal codec), full doubles for mem (XOR codec)
      const value = k < 2 ? Math.round(next() * 10_000) / 100 : 1e9 + next() * 1e6;
      (i < (STEPS * 3) / 4 ? early : recent).push({ name: s.name, labels: { ...s.labels }, timestamp, value });
    });
  }
  // late arrivals into the already compacted range: distinct timestamps (a 30 s step, jitter < 1 s)
  const late = SERIES.map((s, k) => ({
    name: s.name,
    labels: { ...s.labels },
    timestamp: DATA_START + HOUR + 1_017 + k,
    value: -k - 0.5,
  }));
  return { early, late, recent };
}

/** A store whose data sits in the tier (compacted), in rollups, and in the head (some not folded yet). */
async function seededStore(enableCompression: boolean): Promise<{ s: OpenedStore; samples: MetricSample[] }> {
  const s = openStore({ enableCompression, now: () => NOW });
  const { early, late, recent } = dataset();
  for (let i = 0; i < early.length; i += 5_000) await s.store.insertSamples(early.slice(i, i + 5_000));
  for (const interval of s.store.intervals) await s.store.aggregate(interval);
  assert.ok((await s.store.compact()) > 0, 'compaction moved samples into the tier');
  await s.store.insertSamples(late);
  await s.store.insertSamples(recent);
  await s.store.aggregate('1m'); // 1m has folded the new rows, the coarser intervals have not
  return { s, samples: [...early, ...late, ...recent] };
}

function count(store: TimeSeriesStorage, table: string): number {
  return (store.sql(`SELECT COUNT(*) AS n FROM ${table}`)[0] as { n: number }).n;
}

for (const mode of MODES) {
  describe(`exportToParquet through the store (${mode.name})`, () => {
    let s: OpenedStore;
    let samples: MetricSample[];
    let outDir: string;
    let fileNo = 0;
    const out = (name = 'export'): string => join(outDir, `${name}-${++fileNo}.parquet`);

    before(async () => {
      ({ s, samples } = await seededStore(mode.enableCompression));
      outDir = join(s.dir, 'out');
      mkdirSync(outDir);
    });

    after(() => s.cleanup());

    it('holds the data set in the head and in the tier (the premise of these tests)', () => {
      assert.ok(count(s.store, 'head') > 0, 'samples in the head');
      assert.ok(count(s.store, mode.enableCompression ? 'chunks' : 'samples') > 0, 'samples in the tier');
      assert.deepEqual(rawOfStore(s.store), rawOfSamples(samples), 'the store returns exactly what was inserted');
    });

    it('exports every raw sample exactly, matching the inserted samples and queryMetrics', async () => {
      const path = out('raw');
      const result = await s.store.exportToParquet(path);
      assert.equal(result.path, path);
      assert.equal(result.rows, samples.length);
      assert.equal(result.bytes, readFileSync(path).length);

      const back = await rawOfFile(path);
      assert.deepEqual(back, rawOfSamples(samples), 'row by row: metric, labels, timestamp, value');
      assert.deepEqual(back, rawOfStore(s.store), 'row by row against queryMetrics');

      // aggregates computed by DuckDB itself
      const perSeries = await duck.rows(
        `SELECT metric_name, labels, count(*)::DOUBLE AS n, sum(value) AS total,
                epoch_ms(min("timestamp"))::DOUBLE AS first, epoch_ms(max("timestamp"))::DOUBLE AS last
         FROM ${sqlString(path)} GROUP BY ALL`,
      );
      const expected = summary(rawOfSamples(samples));
      assert.equal(perSeries.length, expected.size);
      for (const r of perSeries) {
        const e = expected.get(`${String(r.metric_name)} ${String(r.labels)}`);
        assert.ok(e, `unexpected series ${String(r.metric_name)} ${String(r.labels)}`);
        assert.equal(r.n, e.n);
        assert.equal(r.first, e.first);
        assert.equal(r.last, e.last);
        assert.ok(close(Number(r.total), e.sum), `sum ${String(r.total)} vs ${e.sum}`);
      }
    });

    it('types the raw columns: timestamp as a timestamp type, value as DOUBLE', async () => {
      const path = out('raw-types');
      await s.store.exportToParquet(path, { start: DATA_START, end: DATA_START + HOUR });
      assert.deepEqual(await duck.columnTypes(path), RAW_COLUMN_TYPES);
    });

    for (const interval of INTERVALS) {
      it(`exports the ${interval} rollup exactly, matching queryMetrics and the inserted samples`, async () => {
        const path = out(`rollup-${interval}`);
        const result = await s.store.exportToParquet(path, { source: interval });
        assert.deepEqual(await duck.columnTypes(path), ROLLUP_COLUMN_TYPES);
        const back = await bucketsOfFile(path);
        assert.equal(result.rows, back.length);
        assertBucketsMatch(back, bucketsOfSamples(samples, interval), `${interval} vs samples`);
        assertBucketsMatch(back, bucketsOfStore(s.store, interval), `${interval} vs queryMetrics`);

        const [totals] = await duck.rows(
          `SELECT sum(count)::DOUBLE AS n, sum(sum) AS total, epoch_ms(min(bucket))::DOUBLE AS first, epoch_ms(max(bucket))::DOUBLE AS last
           FROM ${sqlString(path)}`,
        );
        const width = INTERVAL_MS[interval];
        const timestamps = samples.map((x) => x.timestamp);
        assert.equal(totals?.n, samples.length, 'every sample counted once');
        assert.ok(
          close(
            Number(totals?.total),
            samples.reduce((a, x) => a + x.value, 0),
          ),
        );
        assert.equal(totals?.first, Math.floor(Math.min(...timestamps) / width) * width);
        assert.equal(totals?.last, Math.floor(Math.max(...timestamps) / width) * width);
        assert.equal((await duck.kvMetadata(path))['futurnal.source'], interval);
      });
    }

    it('records source, range, row count, schema and exporter version, export id in the metadata, and no anonymisation', async () => {
      const path = out('meta');
      const start = DATA_START + 2 * HOUR;
      const end = DATA_START + 5 * HOUR;
      const result = await s.store.exportToParquet(path, { start, end });
      const { 'futurnal.export_id': exportId, ...meta } = await duck.kvMetadata(path);
      assert.match(exportId ?? '', EXPORT_ID);
      assert.deepEqual(meta, {
        'futurnal.exporter': 'futurnal-telemetry',
        'futurnal.exporter_version': PACKAGE_VERSION,
        'futurnal.format_version': '2',
        'futurnal.source': 'raw',
        'futurnal.range_start_ms': String(start),
        'futurnal.range_end_ms': String(end),
        'futurnal.row_count': String(result.rows),
        'futurnal.anonymization': 'none',
      });
      const [n] = await duck.rows(`SELECT count(*)::DOUBLE AS n FROM ${sqlString(path)}`);
      assert.equal(n?.n, result.rows);
      assert.equal(result.rows, samples.filter((x) => x.timestamp >= start && x.timestamp < end).length);

      const whole = out('meta-default');
      await s.store.exportToParquet(whole, { source: '1h' });
      const wholeMeta = await duck.kvMetadata(whole);
      assert.equal(wholeMeta['futurnal.range_start_ms'], '0', 'default start: everything kept');
      assert.equal(wholeMeta['futurnal.range_end_ms'], String(DEFAULT_END));
      assert.equal(wholeMeta['futurnal.source'], '1h');
      assert.notEqual(wholeMeta['futurnal.export_id'], exportId, 'each export has its own id');
    });

    it('filters raw samples by start (inclusive) and end (exclusive)', async () => {
      const sorted = [...samples].sort((a, b) => a.timestamp - b.timestamp);
      // boundaries on exact sample timestamps, one of them in the tier and one in the head
      const start = sorted[1_000]!.timestamp;
      const end = sorted[sorted.length - 500]!.timestamp;
      const path = out('range');
      const result = await s.store.exportToParquet(path, { start, end });
      const expected = samples.filter((x) => x.timestamp >= start && x.timestamp < end);
      assert.equal(result.rows, expected.length);
      const back = await rawOfFile(path);
      assert.deepEqual(back, rawOfSamples(expected));
      assert.deepEqual(back, rawOfStore(s.store, { start, end }));
      assert.ok(
        back.some((r) => r.ts === start),
        'a sample exactly at start is included',
      );
      assert.ok(!back.some((r) => r.ts === end), 'a sample exactly at end is excluded');
    });

    it('exports only the series the labels matchers select (one leaving a label value out, one list)', async () => {
      const values = [...new Set(samples.map((x) => x.labels?.host ?? ''))].sort();
      assert.ok(values.length >= 2, 'the data set has several hosts');
      const [left, ...kept] = values;
      const cases: [Record<string, unknown>, (x: MetricSample) => boolean][] = [
        [{ host: { op: '!=', value: left } }, (x) => (x.labels?.host ?? '') !== left],
        [
          {
            host: [
              { op: '=~', value: '.*' },
              { op: '!=', value: kept[0] },
            ],
          },
          (x) => (x.labels?.host ?? '') !== kept[0],
        ],
      ];
      for (const [labels, keep] of cases) {
        const path = out('selected');
        const result = await s.store.exportToParquet(path, { labels: labels as never });
        const expected = samples.filter(keep);
        assert.ok(expected.length > 0 && expected.length < samples.length);
        assert.equal(result.rows, expected.length);
        assert.deepEqual(await rawOfFile(path), rawOfSamples(expected), JSON.stringify(labels));
      }
      await assert.rejects(s.store.exportToParquet(out('bad'), { labels: { host: { op: '=~', value: '(' } } }), {
        code: 'INVALID_QUERY',
      });
    });

    it('filters rollup buckets by aligned start (inclusive) and end (exclusive)', async () => {
      const start = DATA_START - 7 * MINUTE + 3 * HOUR; // aligned to the hour
      const end = start + 20 * HOUR;
      for (const interval of ['1m', '1h'] as const) {
        const path = out(`rollup-range-${interval}`);
        await s.store.exportToParquet(path, { source: interval, start, end });
        const back = await bucketsOfFile(path);
        const expected = bucketsOfSamples(samples, interval).filter((b) => b.bucket >= start && b.bucket < end);
        assert.ok(expected.length > 0);
        assertBucketsMatch(back, expected, `${interval} in range`);
        assertBucketsMatch(back, bucketsOfStore(s.store, interval, { start, end }), `${interval} vs queryMetrics`);
      }
    });

    it('writes to <folder of the db>/exports/telemetry-<source>-<timestamp>.parquet without a path', async () => {
      const stamp = new Date(NOW).toISOString().replaceAll(':', '-');
      for (const source of ['raw', '1h'] as const) {
        const result = await s.store.exportToParquet(undefined, {
          source,
          start: DATA_START,
          end: DATA_START + 6 * HOUR,
        });
        const expectedPath = join(dirname(s.dbPath), 'exports', `telemetry-${source}-${stamp}.parquet`);
        assert.equal(result.path, expectedPath);
        assert.ok(existsSync(expectedPath));
        const [n] = await duck.rows(`SELECT count(*)::DOUBLE AS n FROM ${sqlString(expectedPath)}`);
        assert.equal(n?.n, result.rows);
        assert.ok(result.rows > 0);
      }
      assert.deepEqual(readdirSync(join(dirname(s.dbPath), 'exports')).sort(), [
        `telemetry-1h-${stamp}.parquet`,
        `telemetry-raw-${stamp}.parquet`,
      ]);
    });

    it('rejects bad options with INVALID_ARGUMENT and leaves no file behind', async () => {
      const target = join(s.dir, 'rejected');
      const path = join(target, 'x.parquet');
      const bad: [string, ExportOptions][] = [
        ['reversed range', { start: DATA_START + HOUR, end: DATA_START }],
        ['empty range', { start: DATA_START, end: DATA_START }],
        ['fractional start', { start: 1.5 }],
        ['unknown source', { source: '2m' as Interval }],
        ['key of 16 bytes', { anonymize: { key: new Uint8Array(16) } }],
        ['key of 33 bytes', { anonymize: { key: new Uint8Array(33) } }],
        ['precision', { anonymize: { timestampPrecision: 'day' as never } }],
        ['keep and drop the same label', { anonymize: { keepLabels: ['host'], dropLabels: ['host'] } }],
        ['onProgress not a function', { onProgress: 5 as never }],
      ];
      for (const [what, options] of bad) {
        await assert.rejects(
          s.store.exportToParquet(path, options),
          (err: unknown) => err instanceof InvalidArgumentError && err.code === 'INVALID_ARGUMENT',
          what,
        );
        assert.equal(existsSync(target), false, `${what}: nothing written`);
      }
      // without a path either (the default exports folder is shared with the previous test: compare)
      const exportsDir = join(dirname(s.dbPath), 'exports');
      const before = existsSync(exportsDir) ? readdirSync(exportsDir).sort() : [];
      await assert.rejects(s.store.exportToParquet(undefined, { source: 'bogus' as Interval }), InvalidArgumentError);
      await assert.rejects(
        s.store.exportToParquet(undefined, { anonymize: { key: new Uint8Array(31) } }),
        InvalidArgumentError,
      );
      assert.deepEqual(existsSync(exportsDir) ? readdirSync(exportsDir).sort() : [], before);
    });

    it("refuses to write over the store's own files, however the path is spelled", async () => {
      const stored = s.store.getStats().samples;
      const link = join(s.dir, 'link-to-db');
      symlinkSync(s.dbPath, link);
      const companions = ['-wal', '-shm', '-journal', '.lock', '.owner', '.reserve'].map((x) => `${s.dbPath}${x}`);
      for (const path of [s.dbPath, ...companions, join(s.dir, '.', 'telemetry.db'), link]) {
        await assert.rejects(s.store.exportToParquet(path), InvalidArgumentError, path);
      }
      assert.throws(
        () => new TimeSeriesStorage({ dbPath: s.dbPath }),
        { code: 'STORE_LOCKED' },
        'the lock still holds',
      );
      s.reopen();
      assert.equal(s.store.getStats().samples, stored, 'the store is whole after reopening');
      rmSync(link);
    });
  });
}

// ---------------------------------------------------------------------------------------------
// Progress: enough rows for several row groups (100,000 rows each), in the tier and the head.

for (const mode of MODES) {
  describe(`exportToParquet progress (${mode.name})`, () => {
    const TOTAL = 230_000;

    it('reports rows written after each row group, with the final total announced from the start', async () => {
      const s = openStore({ enableCompression: mode.enableCompression, now: () => T0 + 200 * DAY });
      try {
        // one sample a minute: as many 1m buckets as raw samples
        const all: MetricSample[] = Array.from({ length: TOTAL }, (_, i) => ({
          name: 'disk.io',
          labels: { dev: i % 2 ? 'sda' : 'sdb' },
          timestamp: T0 + Math.floor(i / 2) * MINUTE,
          value: i % 97,
        }));
        for (let i = 0; i < 150_000; i += 10_000) await s.store.insertSamples(all.slice(i, i + 10_000));
        for (const interval of s.store.intervals) await s.store.aggregate(interval);
        await s.store.compact();
        for (let i = 150_000; i < TOTAL; i += 10_000) await s.store.insertSamples(all.slice(i, i + 10_000));

        for (const source of ['raw', '1m'] as const) {
          const calls: [number, number][] = [];
          const path = join(s.dir, `progress-${source}.parquet`);
          const result = await s.store.exportToParquet(path, {
            source,
            onProgress: (done, total) => calls.push([done, total]),
          });
          assert.equal(result.rows, TOTAL, source);
          assert.deepEqual(
            calls.map(([done]) => done),
            [100_000, 200_000, TOTAL],
            `${source}: done after each row group`,
          );
          assert.deepEqual(
            calls.map(([, total]) => total),
            [TOTAL, TOTAL, TOTAL],
            `${source}: the total is the number of rows the export writes, known from the first call`,
          );
          const [n] = await duck.rows(`SELECT count(*)::DOUBLE AS n FROM ${sqlString(path)}`);
          assert.equal(n?.n, TOTAL);
        }
      } finally {
        s.cleanup();
      }
    });

    it('stops between row groups when its signal is aborted: CANCELLED, no file left, the store untouched', async () => {
      const s = openStore({ enableCompression: mode.enableCompression, now: () => T0 + 200 * DAY });
      try {
        const samples = regularSamples(
          [
            { name: 'm', labels: { a: '1' } },
            { name: 'm', labels: { a: '2' } },
          ],
          T0,
          120_000,
          MINUTE,
          (k, i) => k + i,
        );
        for (let i = 0; i < samples.length; i += 20_000) await s.store.insertSamples(samples.slice(i, i + 20_000));
        const before = s.store.getStats();
        const exportsDir = join(s.dir, 'exports');
        const controller = new AbortController();
        const progress: number[] = [];
        await assert.rejects(
          s.store.exportToParquet(join(exportsDir, 'cancelled.parquet'), {
            signal: controller.signal,
            onProgress: (done) => {
              progress.push(done);
              controller.abort();
            },
          }),
          (err: StorageError) => err.code === 'CANCELLED',
        );
        assert.deepEqual(progress, [100_000], 'it stopped after the row group during which it was cancelled');
        assert.deepEqual(readdirSync(exportsDir), [], 'neither the file nor its temporary copy is left');
        assert.deepEqual(s.store.getStats().samples, before.samples);
        const whole = await s.store.exportToParquet(join(exportsDir, 'whole.parquet'), {
          signal: new AbortController().signal,
        });
        assert.equal(whole.rows, 240_000);
        await assert.rejects(
          s.store.exportToParquet(join(exportsDir, 'never.parquet'), { signal: AbortSignal.abort() }),
          (err: StorageError) => err.code === 'CANCELLED',
        );
        assert.deepEqual(readdirSync(exportsDir), ['whole.parquet']);
      } finally {
        s.cleanup();
      }
    });
  });
}

// ---------------------------------------------------------------------------------------------
// Rollup exports at the edges: a bucket straddling `start`, and buckets kept after retention.

for (const mode of MODES) {
  describe(`exportToParquet rollup edges (${mode.name})`, () => {
    it('exports a bucket straddling start for every series that has one, as queryMetrics returns it', async () => {
      const s = openStore({ enableCompression: mode.enableCompression, now: () => T0 + DAY });
      try {
        const hour = T0 + 10 * HOUR;
        await s.store.insertSamples([
          // series a: samples before and after the export's start, in the same hour, and in the next hour
          { name: 'q', labels: { series: 'a' }, timestamp: hour + 5 * MINUTE, value: 1 },
          { name: 'q', labels: { series: 'a' }, timestamp: hour + 50 * MINUTE, value: 2 },
          { name: 'q', labels: { series: 'a' }, timestamp: hour + 70 * MINUTE, value: 3 },
          // series b: one sample in that same hour, before the export's start
          { name: 'q', labels: { series: 'b' }, timestamp: hour + 5 * MINUTE, value: 10 },
        ]);
        for (const interval of s.store.intervals) await s.store.aggregate(interval);
        const start = hour + 30 * MINUTE; // not aligned: the 10:00 bucket straddles it
        const end = hour + 2 * HOUR;
        const path = join(s.dir, 'straddle.parquet');
        await s.store.exportToParquet(path, { source: '1h', start, end });
        const back = await bucketsOfFile(path);
        const expected = bucketsOfStore(s.store, '1h', { start, end });
        assert.deepEqual(
          expected.map((b) => [b.labels, b.bucket]),
          [
            [labelsJson({ series: 'a' }), hour],
            [labelsJson({ series: 'a' }), hour + HOUR],
            [labelsJson({ series: 'b' }), hour],
          ],
          'premise: queryMetrics returns the buckets overlapping [start, end), the straddling one for both series',
        );
        const has = (series: string) => back.some((b) => b.labels === labelsJson({ series }) && b.bucket === hour);
        assert.equal(
          has('a'),
          has('b'),
          `the straddling bucket is exported for both series or for neither (a: ${has('a')}, b: ${has('b')})`,
        );
        assertBucketsMatch(back, expected, '1h export vs queryMetrics over the same range');
      } finally {
        s.cleanup();
      }
    });

    it('exports every bucket the store keeps, also those of a series whose raw samples retention removed', async () => {
      const clock = T0 + 2 * DAY + 12 * HOUR;
      const s = openStore({ enableCompression: mode.enableCompression, retentionDays: 1, now: () => clock });
      try {
        const gone = Array.from({ length: 10 }, (_, i) => ({
          name: 'q',
          labels: { series: 'gone' },
          timestamp: T0 + DAY + HOUR + i * MINUTE,
          value: i,
        }));
        const live = Array.from({ length: 36 * 6 }, (_, i) => ({
          name: 'q',
          labels: { series: 'live' },
          timestamp: T0 + DAY + i * 10 * MINUTE,
          value: i % 13,
        }));
        await s.store.insertSamples([...gone, ...live]);
        for (const interval of s.store.intervals) await s.store.aggregate(interval);
        await s.store.compact();
        await s.store.applyRetention(); // cutoff T0 + 1 d 12 h: every raw sample of "gone" goes, its 1d bucket stays
        const kept = bucketsOfStore(s.store, '1d');
        assert.ok(
          kept.some((b) => b.labels === labelsJson({ series: 'gone' })),
          'premise: the store still returns the 1d bucket of "gone"',
        );

        const path = join(s.dir, 'after-retention.parquet');
        await s.store.exportToParquet(path, { source: '1d' });
        assertBucketsMatch(await bucketsOfFile(path), kept, '1d export vs queryMetrics after retention');
      } finally {
        s.cleanup();
      }
    });
  });
}

// ---------------------------------------------------------------------------------------------
// Anonymised exports through the store.

/**
 * Distinctive label values: they share no 4-byte substring with each other or with label names or
 * metric names, since snappy turns a repeat of 4+ bytes into a back-reference and would hide the
 * text from the byte search of the plain (control) export.
 */
const SECRETS = {
  node: 'host-SECRET-7f3a9',
  user: 'mkowalczyk',
  home: '/Users/vt9q/Library/Prefs',
  session: 'tok-Z8W-dropped',
};

const ANON_START = T0 + 3 * HOUR;

/** 4 series of 'app.latency' and one of 'app.errors', one sample every 7.3 s for an hour. */
function anonSamples(): MetricSample[] {
  const labelSets: Labels[] = [
    { node: SECRETS.node, user: SECRETS.user, home: SECRETS.home, session: SECRETS.session, quantile: '0.99' },
    { node: SECRETS.node, user: SECRETS.user, home: SECRETS.home, session: SECRETS.session, quantile: '0.5' },
    { node: 'n2', user: 'u2', home: 'h2', quantile: '0.99' },
    { node: SECRETS.node, user: 'u3' },
  ];
  const next = rng(7);
  const out: MetricSample[] = [];
  for (let i = 0; i < 500; i++) {
    const timestamp = ANON_START + i * 7_300 + Math.floor(next() * 1000);
    labelSets.forEach((labels, k) =>
      out.push({ name: 'app.latency', labels, timestamp, value: Math.round(next() * 1e5) / 1e3 + k }),
    );
    out.push({ name: 'app.errors', labels: { node: SECRETS.node }, timestamp, value: i % 5 });
  }
  return out;
}

for (const mode of MODES) {
  describe(`exportToParquet anonymised (${mode.name})`, () => {
    let s: OpenedStore;
    let samples: MetricSample[];
    let fileNo = 0;
    const out = (): string => join(s.dir, `anon-${++fileNo}.parquet`);

    before(async () => {
      s = openStore({ enableCompression: mode.enableCompression, now: () => T0 + DAY });
      samples = anonSamples();
      await s.store.insertSamples(samples.slice(0, 1_500));
      for (const interval of s.store.intervals) await s.store.aggregate(interval);
      await s.store.compact();
      await s.store.insertSamples(samples.slice(1_500));
    });

    after(() => s.cleanup());

    it('leaves no original label value in the file bytes nor in anything DuckDB decodes', async () => {
      const plain = readFileSync((await s.store.exportToParquet(out())).path);
      for (const secret of Object.values(SECRETS)) {
        assert.ok(plain.includes(Buffer.from(secret, 'utf8')), `control: the plain export contains ${secret}`);
      }
      const options: AnonymizeOptions[] = [
        {},
        { keepLabels: ['quantile'], dropLabels: ['session'] },
        { hashMetricNames: true, timestampPrecision: 'h' },
      ];
      for (const anonymize of [true, ...options]) {
        for (const source of ['raw', '1m', '1h'] as const) {
          const path = (await s.store.exportToParquet(out(), { source, anonymize })).path;
          const bytes = readFileSync(path);
          const decoded = await duck.decodedText(path);
          for (const secret of Object.values(SECRETS)) {
            assert.ok(
              !bytes.includes(Buffer.from(secret, 'utf8')),
              `${source} ${JSON.stringify(anonymize)}: the bytes contain ${secret}`,
            );
            assert.ok(!decoded.includes(secret), `${source} ${JSON.stringify(anonymize)}: DuckDB decodes ${secret}`);
          }
        }
      }
    });

    it('gives each label value one pseudonym within an export, unrelated across random-key exports', async () => {
      const read = async (path: string) =>
        (await duck.rows(`SELECT labels FROM ${sqlString(path)}`)).map((r) => JSON.parse(String(r.labels)) as Labels);
      const firstPath = (await s.store.exportToParquet(out(), { anonymize: true })).path;
      const secondPath = (await s.store.exportToParquet(out(), { anonymize: true })).path;
      const first = await read(firstPath);
      const second = await read(secondPath);
      for (const exported of [first, second]) {
        assert.equal(exported.length, samples.length);
        assert.equal(new Set(exported.map((l) => labelsJson(l))).size, 5, 'five series, five label sets');
        for (const name of ['node', 'user', 'home', 'session', 'quantile']) {
          const original = new Set(samples.map((x) => x.labels?.[name]).filter((v) => v !== undefined));
          const pseudonyms = new Set(exported.map((l) => l[name]).filter((v) => v !== undefined));
          assert.equal(pseudonyms.size, original.size, `${name}: one pseudonym per distinct value`);
          for (const p of pseudonyms) assert.match(p, /^[0-9a-f]{16}$/);
        }
      }
      const values = (exported: Labels[]) => new Set(exported.flatMap((l) => Object.values(l)));
      const shared = [...values(first)].filter((v) => values(second).has(v));
      assert.deepEqual(shared, [], 'two exports with random keys share no pseudonym');
      for (const path of [firstPath, secondPath]) {
        const meta = JSON.parse((await duck.kvMetadata(path))['futurnal.anonymization'] ?? 'null') as Record<
          string,
          unknown
        >;
        assert.equal(meta.key, 'random-per-export');
        assert.equal(meta.timestampPrecision, 's', 'the documented default precision');
      }
    });

    it('links two exports made with the same passed key, with the documented HMAC, and never writes the key', async () => {
      const key = randomBytes(32);
      const paths = [
        (await s.store.exportToParquet(out(), { anonymize: { key } })).path,
        (await s.store.exportToParquet(out(), { anonymize: { key: Uint8Array.from(key) } })).path,
      ];
      const [a, b] = await Promise.all(paths.map((p) => rawOfFile(p)));
      assert.deepEqual(a, b, 'same key, same file contents');
      const expected = new Set(
        samples.map((x) =>
          labelsJson(
            Object.fromEntries(
              Object.entries(x.labels ?? {}).map(([name, value]) => [name, documentedPseudonym(key, name, value)]),
            ),
          ),
        ),
      );
      assert.deepEqual(new Set(a?.map((r) => r.labels)), expected);
      const bytes = readFileSync(paths[0]!);
      for (const text of [key.toString('hex'), key.toString('base64'), key.toString('base64url')]) {
        assert.ok(!bytes.includes(Buffer.from(text)), `the file contains the key as ${text}`);
      }
      assert.ok(!bytes.includes(key), 'the file contains the raw key bytes');
      const meta = await duck.kvMetadata(paths[0]!);
      assert.ok(!JSON.stringify(meta).includes(key.toString('hex')));
      assert.deepEqual(JSON.parse(meta['futurnal.anonymization'] ?? 'null'), {
        method: 'hmac-sha256',
        pseudonymHexChars: 16,
        key: 'caller-supplied',
        keepLabels: [],
        droppedLabelCount: 0,
        hashMetricNames: false,
        timestampPrecision: 's',
      });
    });

    it('keeps keepLabels verbatim, removes dropLabels, hashes metric names on request, and keeps values', async () => {
      const path = (
        await s.store.exportToParquet(out(), {
          anonymize: {
            keepLabels: ['quantile'],
            dropLabels: ['session', 'home'],
            hashMetricNames: true,
            timestampPrecision: 'ms',
          },
        })
      ).path;
      const back = await duck.rows(
        `SELECT metric_name, labels, epoch_ms("timestamp")::DOUBLE AS ts, value FROM ${sqlString(path)}`,
      );
      assert.equal(back.length, samples.length);
      const parsed = back.map((r) => ({
        metric: String(r.metric_name),
        labels: JSON.parse(String(r.labels)) as Labels,
        ts: Number(r.ts),
        value: Number(r.value),
      }));
      for (const r of parsed) {
        assert.match(r.metric, /^[0-9a-f]{16}$/, 'metric name hashed');
        assert.equal(r.labels.session, undefined, 'dropped');
        assert.equal(r.labels.home, undefined, 'dropped');
      }
      assert.equal(new Set(parsed.map((r) => r.metric)).size, 2, 'one pseudonym per metric name');
      assert.deepEqual(
        new Set(parsed.map((r) => r.labels.quantile).filter((q) => q !== undefined)),
        new Set(['0.99', '0.5']),
        'quantile kept verbatim',
      );
      // precision 'ms' keeps timestamps; values are unchanged: compare (timestamp, value) pairs as multisets
      const pairs = (list: { ts: number; value: number }[]) =>
        list.map((r) => [r.ts, r.value]).sort((x, y) => x[0]! - y[0]! || x[1]! - y[1]!);
      assert.deepEqual(pairs(parsed), pairs(samples.map((x) => ({ ts: x.timestamp, value: x.value }))));
      const meta = JSON.parse((await duck.kvMetadata(path))['futurnal.anonymization'] ?? 'null') as Record<
        string,
        unknown
      >;
      assert.deepEqual(meta, {
        method: 'hmac-sha256',
        pseudonymHexChars: 16,
        key: 'random-per-export',
        keepLabels: ['quantile'],
        droppedLabelCount: 2,
        hashMetricNames: true,
        timestampPrecision: 'ms',
      });
      assert.ok(
        !(await duck.decodedText(path)).includes('session'),
        'a dropped label name appears nowhere, metadata included',
      );

      const plainNames = await duck.rows(
        `SELECT DISTINCT metric_name FROM ${sqlString((await s.store.exportToParquet(out(), { anonymize: true })).path)} ORDER BY 1`,
      );
      assert.deepEqual(
        plainNames.map((r) => r.metric_name),
        ['app.errors', 'app.latency'],
        'metric names unchanged unless asked',
      );
    });

    it('records the range in the metadata no finer than the timestamps: widened to whole units', async () => {
      const start = T0 + 1_234;
      const end = T0 + 3 * HOUR + 5_678;
      for (const [anonymize, unit] of [
        [true, 1_000],
        [{ timestampPrecision: 'h' }, HOUR],
        [{ timestampPrecision: 'ms' }, 1],
        [false, 1],
      ] as const) {
        const path = (await s.store.exportToParquet(out(), { start, end, anonymize })).path;
        const meta = await duck.kvMetadata(path);
        const what = JSON.stringify(anonymize);
        assert.equal(meta['futurnal.range_start_ms'], String(Math.floor(start / unit) * unit), what);
        assert.equal(meta['futurnal.range_end_ms'], String(Math.ceil(end / unit) * unit), what);
        const [span] = await duck.rows(
          `SELECT min(epoch_ms("timestamp"))::DOUBLE AS first, max(epoch_ms("timestamp"))::DOUBLE AS last FROM ${sqlString(path)}`,
        );
        assert.ok(Number(span?.first) >= Number(meta['futurnal.range_start_ms']), `${what}: rows within the range`);
        assert.ok(Number(span?.last) < Number(meta['futurnal.range_end_ms']), `${what}: rows within the range`);
      }
    });

    it('truncates timestamps to the chosen precision (default whole seconds), raw and rollup', async () => {
      for (const [precision, unit] of [
        [undefined, 1_000],
        ['s', 1_000],
        ['min', MINUTE],
        ['h', HOUR],
      ] as const) {
        const anonymize = precision === undefined ? true : { timestampPrecision: precision };
        const path = (await s.store.exportToParquet(out(), { anonymize })).path;
        const back = await duck.rows(`SELECT epoch_ms("timestamp")::DOUBLE AS ts, value FROM ${sqlString(path)}`);
        const pairs = back.map((r) => [Number(r.ts), Number(r.value)]).sort((x, y) => x[0]! - y[0]! || x[1]! - y[1]!);
        const expected = samples
          .map((x) => [Math.floor(x.timestamp / unit) * unit, x.value])
          .sort((x, y) => x[0]! - y[0]! || x[1]! - y[1]!);
        assert.deepEqual(pairs, expected, `precision ${precision ?? 'default'}`);
        assert.ok(
          samples.some((x) => x.timestamp % unit !== 0),
          'premise: some timestamps are not already aligned',
        );
      }
      // a rollup's buckets are truncated too; counts and sums unchanged
      const path = (await s.store.exportToParquet(out(), { source: '1m', anonymize: { timestampPrecision: 'h' } }))
        .path;
      const [totals] = await duck.rows(
        `SELECT sum(count)::DOUBLE AS n, sum(sum) AS total, count(*) FILTER (WHERE epoch_ms(bucket) % ${HOUR} <> 0)::DOUBLE AS unaligned FROM ${sqlString(path)}`,
      );
      assert.equal(totals?.n, samples.length);
      assert.ok(
        close(
          Number(totals?.total),
          samples.reduce((a, x) => a + x.value, 0),
        ),
      );
      assert.equal(totals?.unaligned, 0);
    });
  });
}

for (const mode of MODES) {
  describe(`exportToParquet of an unusual store (${mode.name})`, () => {
    it('exports a series with one sample in 1970 and one in 9999: two rows', async () => {
      const s = openStore({ enableCompression: mode.enableCompression });
      try {
        const samples = [
          { name: 'span', value: 1, timestamp: 0 },
          { name: 'span', value: 2, timestamp: MAX_TIMESTAMP },
        ];
        await s.store.insertSamples(samples);
        await s.store.rollUpAndCompact();
        const path = join(s.dir, 'span.parquet');
        assert.equal((await s.store.exportToParquet(path)).rows, 2);
        assert.deepEqual(await rawOfFile(path), rawOfSamples(samples));
        const buckets = join(s.dir, 'span-1m.parquet');
        assert.equal((await s.store.exportToParquet(buckets, { source: '1m' })).rows, 2);
        assert.deepEqual(await bucketsOfFile(buckets), bucketsOfSamples(samples, '1m'));
      } finally {
        s.cleanup();
      }
    });

    it('sets damaged series rows aside: listed nowhere, reported in the health, expired by retention', async () => {
      let now = T0 + HOUR;
      const s = openStore({ enableCompression: mode.enableCompression, now: () => now });
      try {
        const damage = ['{not json', 'null', '{"k":1}', '["x"]'];
        const good = regularSamples([{ name: 'good', labels: { k: 'a' } }], T0, 30, MINUTE, (_, i) => i);
        const damaged = damage.map((_, i) => ({ name: `dmg${i}`, labels: { k: 'x' }, value: i, timestamp: T0 }));
        await s.store.insertSamples([...good, ...damaged]);
        await s.store.rollUpAndCompact();
        s.store.close();
        const raw = new Database(s.dbPath);
        damage.forEach((labels, i) =>
          raw.prepare('UPDATE series SET labels = ? WHERE metric_name = ?').run(labels, `dmg${i}`),
        );
        const damagedIds = raw.prepare("SELECT id FROM series WHERE metric_name LIKE 'dmg%' ORDER BY id").pluck().all();
        raw.close();

        const store = s.reopen();
        assert.deepEqual(store.listMetrics(), [{ name: 'good', type: 'unknown', seriesCount: 1 }]);
        assert.deepEqual(store.listLabels('dmg0'), []);
        assert.deepEqual(store.queryMetrics({ metricName: 'dmg1', start: T0, end: T0 + DAY }), []);
        const problems = store.getStats().problems;
        assert.deepEqual(
          problems.map((p) => [p.kind, p.subject]),
          damagedIds.map((id) => ['quarantined', `series ${String(id)}`]),
        );
        const path = join(s.dir, 'damaged.parquet');
        assert.equal((await store.exportToParquet(path)).rows, good.length);
        assert.deepEqual(await rawOfFile(path), rawOfSamples(good));
        assert.equal((await store.exportToParquet(join(s.dir, 'damaged-1h.parquet'), { source: '1h' })).rows, 1);
        await store.applyRetention();
        assert.deepEqual(store.getStats().problems, problems, 'a retention with nothing expired keeps the reports');

        now = T0 + 60 * DAY;
        await store.applyRetention();
        assert.equal(count(store, 'series'), 0, 'the damaged series went with their expired data');
        assert.equal(count(store, mode.enableCompression ? 'chunks' : 'samples'), 0);
        assert.deepEqual(store.getStats().problems, []);
      } finally {
        s.cleanup();
      }
    });
  });
}

// ---------------------------------------------------------------------------------------------
// Schema version 2 through the store: metric types, the label map, export ids, and three stores'
// exports loaded together as a data lake.

const BOUNDS = ['0.1', '0.5', '1', '+Inf'];
/** The type each exported series must carry, by the documented rule (naming alone: nothing is declared here). */
const TYPE_OF: Record<string, string> = {
  room_temperature_celsius: 'unknown',
  jobs_done_total: 'counter',
  job_duration_seconds_bucket: 'histogram',
  job_duration_seconds_sum: 'histogram',
  job_duration_seconds_count: 'histogram',
};

/**
 * A gauge, a counter with a reset half-way, and a classic histogram (cumulative `le` buckets,
 * `_sum`, `_count`), one sample a minute per series for `minutes` from `start`, per host.
 */
function typedSamples(start: number, minutes: number, seed: number, hosts: readonly string[]): MetricSample[] {
  const next = rng(seed);
  const out: MetricSample[] = [];
  for (const host of hosts) {
    let done = 0;
    let observed = 0;
    let sum = 0;
    const buckets = BOUNDS.map(() => 0);
    for (let i = 0; i < minutes; i++) {
      const timestamp = start + i * MINUTE + Math.floor(next() * 1000);
      done = i === Math.floor(minutes / 2) ? 1 : done + Math.floor(next() * 5);
      const fresh = Math.floor(next() * 4);
      for (let k = 0; k < fresh; k++) {
        const duration = next() * 1.5;
        observed++;
        sum += duration;
        BOUNDS.forEach((le, b) => (buckets[b]! += duration <= Number(le) ? 1 : 0));
      }
      out.push(
        { name: 'room_temperature_celsius', labels: { host }, timestamp, value: 18 + Math.round(next() * 500) / 100 },
        { name: 'jobs_done_total', labels: { host }, timestamp, value: done },
        ...BOUNDS.map((le, b) => ({
          name: 'job_duration_seconds_bucket',
          labels: { host, le },
          timestamp,
          value: buckets[b]!,
        })),
        { name: 'job_duration_seconds_sum', labels: { host }, timestamp, value: sum },
        { name: 'job_duration_seconds_count', labels: { host }, timestamp, value: observed },
      );
    }
  }
  return out;
}

/** A store holding `samples`, some compacted into the tier and rolled up, the rest in the head. */
async function typedStore(enableCompression: boolean, samples: MetricSample[]): Promise<OpenedStore> {
  const s = openStore({ enableCompression, now: () => T0 + 10 * DAY });
  const cut = Math.floor((samples.length * 2) / 3);
  await s.store.insertSamples(samples.slice(0, cut));
  await s.store.rollUpAndCompact();
  await s.store.insertSamples(samples.slice(cut));
  return s;
}

/** Every row's label map and JSON labels (as sorted entries), with its metric name and type. */
async function labelColumnsOfFile(
  path: string,
): Promise<{ metric: string; type: string; unit: unknown; map: unknown; json: unknown }[]> {
  const back = await duck.jsRows(`SELECT metric_name, metric_type, unit, label_map, labels FROM ${sqlString(path)}`);
  return back.map((r) => ({
    metric: String(r.metric_name),
    type: String(r.metric_type),
    unit: r.unit,
    map: r.label_map,
    json: labelEntries(JSON.parse(String(r.labels)) as Labels),
  }));
}

for (const mode of MODES) {
  describe(`exportToParquet schema version 2 (${mode.name})`, () => {
    let s: OpenedStore;
    let samples: MetricSample[];
    let fileNo = 0;
    const out = (): string => join(s.dir, `v2-${++fileNo}.parquet`);

    before(async () => {
      samples = typedSamples(T0 + DAY, 300, 91, ['alpha', 'beta']);
      s = await typedStore(mode.enableCompression, samples);
    });

    after(() => s.cleanup());

    it("writes the metric type, unit and label map of a gauge, a counter and a histogram's series, raw and every rollup", async () => {
      for (const source of ['raw', ...INTERVALS] as const) {
        const path = (await s.store.exportToParquet(out(), { source })).path;
        assert.deepEqual(await duck.columnTypes(path), source === 'raw' ? RAW_COLUMN_TYPES : ROLLUP_COLUMN_TYPES);
        const rows = await labelColumnsOfFile(path);
        assert.ok(rows.length > 0, source);
        for (const r of rows) {
          assert.equal(r.type, TYPE_OF[r.metric], `${source}: ${r.metric}`);
          assert.equal(r.unit, null, `${source}: ${r.metric} has no declared unit`);
          assert.deepEqual(r.map, r.json, `${source}: ${r.metric}: the label map holds the JSON labels`);
        }
        assert.deepEqual(new Set(rows.map((r) => r.metric)), new Set(Object.keys(TYPE_OF)), source);
        const meta = await duck.kvMetadata(path);
        assert.equal(meta['futurnal.format_version'], '2');
        assert.match(meta['futurnal.export_id'] ?? '', EXPORT_ID);
      }
    });

    it("writes a declared unit on every row of its metric (a histogram's on its three series)", async () => {
      const units: Record<string, string> = {
        room_temperature_celsius: 'celsius',
        jobs_done_total: 'jobs',
        job_duration_seconds: 'seconds',
      };
      const declared = openStore({ enableCompression: mode.enableCompression, now: () => T0 + 10 * DAY });
      try {
        for (const [name, unit] of Object.entries(units)) {
          const type = name === 'job_duration_seconds' ? 'histogram' : (TYPE_OF[name] as MetricType);
          declared.store.describeMetric({ name, type, unit });
        }
        await declared.store.insertSamples(samples);
        const path = (await declared.store.exportToParquet(join(declared.dir, 'units.parquet'))).path;
        const rows = await labelColumnsOfFile(path);
        assert.equal(rows.length, samples.length);
        for (const r of rows) {
          const family = r.metric.startsWith('job_duration_seconds_') ? 'job_duration_seconds' : r.metric;
          assert.equal(r.unit, units[family], r.metric);
        }
      } finally {
        declared.cleanup();
      }
    });

    it("answers map look-ups in DuckDB: a histogram's buckets by le, totals by metric type", async () => {
      const path = (await s.store.exportToParquet(out())).path;
      const byLe = await duck.rows(
        `SELECT label_map['host'] AS host, element_at(label_map, 'le')[1] AS le, count(*)::DOUBLE AS n, sum(value) AS total
         FROM ${sqlString(path)} WHERE metric_type = 'histogram' AND map_contains(label_map, 'le') GROUP BY ALL`,
      );
      const expected = new Map<string, { n: number; total: number }>();
      for (const x of samples.filter((x) => x.name === 'job_duration_seconds_bucket')) {
        const key = `${x.labels?.host} ${x.labels?.le}`;
        const e = expected.get(key) ?? { n: 0, total: 0 };
        expected.set(key, { n: e.n + 1, total: e.total + x.value });
      }
      assert.equal(byLe.length, expected.size);
      for (const r of byLe) {
        assert.deepEqual({ n: r.n, total: r.total }, expected.get(`${String(r.host)} ${String(r.le)}`));
      }
      const byType = await duck.rows(
        `SELECT metric_type, count(*)::DOUBLE AS n FROM ${sqlString(path)} GROUP BY ALL ORDER BY metric_type`,
      );
      const counts = new Map<string, number>();
      for (const x of samples) counts.set(TYPE_OF[x.name]!, (counts.get(TYPE_OF[x.name]!) ?? 0) + 1);
      assert.deepEqual(
        byType,
        [...counts].sort(([a], [b]) => byText(a, b)).map(([metric_type, n]) => ({ metric_type, n })),
      );
    });

    it('anonymises the label map like the labels and hashes the histogram base name, keeping types', async () => {
      const key = randomBytes(32);
      for (const source of ['raw', '1h'] as const) {
        const path = (
          await s.store.exportToParquet(out(), {
            source,
            anonymize: { key, keepLabels: ['le'], hashMetricNames: true },
          })
        ).path;
        const rows = await labelColumnsOfFile(path);
        const hashed = (name: string) => documentedMetricPseudonym(key, name);
        const names = new Map([
          [hashed('room_temperature_celsius'), 'room_temperature_celsius'],
          [hashed('jobs_done_total'), 'jobs_done_total'],
          ...['_bucket', '_sum', '_count'].map((x): [string, string] => [
            `${hashed('job_duration_seconds')}${x}`,
            `job_duration_seconds${x}`,
          ]),
        ]);
        for (const r of rows) {
          const original = names.get(r.metric);
          assert.ok(original, `${source}: ${r.metric} is the documented pseudonym of a metric name`);
          assert.equal(r.type, TYPE_OF[original], `${source}: ${original}'s type is kept`);
          assert.deepEqual(r.map, r.json, `${source}: the label map holds the JSON labels' pseudonyms`);
          for (const { key: name, value } of r.map as { key: string; value: string }[]) {
            if (name === 'le') assert.ok(BOUNDS.includes(value), 'le kept');
            else assert.match(value, /^[0-9a-f]{16}$/, `${name} hashed`);
          }
        }
        const bytes = readFileSync(path);
        const decoded = await duck.decodedText(path);
        for (const text of ['alpha', 'beta', 'job_duration', 'room_temperature', 'jobs_done']) {
          assert.ok(!bytes.includes(Buffer.from(text)), `${source}: the bytes contain ${text}`);
          assert.ok(!decoded.includes(text), `${source}: DuckDB decodes ${text}`);
        }
      }
    });
  });
}

describe('exportToParquet: exports of three stores loaded together as a data lake', () => {
  const STORES = [
    { seed: 1, minutes: 240, hosts: ['alpha'] },
    { seed: 2, minutes: 90, hosts: ['beta', 'gamma'] },
    { seed: 3, minutes: 400, hosts: ['alpha', 'delta', 'eta'] },
  ];
  const opened: OpenedStore[] = [];
  const lake = tempDir('export-lake-');

  before(async () => {
    for (const [k, spec] of STORES.entries()) {
      const samples = typedSamples(T0 + k * HOUR, spec.minutes, spec.seed, spec.hosts);
      opened.push(await typedStore(MODES[k % MODES.length]!.enableCompression, samples));
    }
  });

  after(() => {
    for (const s of opened) s.cleanup();
    lake.cleanup();
  });

  /** Row count and value sum per metric type, as a store's queryMetrics returns its samples. */
  function totalsOfStore(store: TimeSeriesStorage): Map<string, { n: number; total: number }> {
    const totals = new Map<string, { n: number; total: number }>();
    for (const r of rawOfStore(store)) {
      const type = TYPE_OF[r.metric]!;
      const t = totals.get(type) ?? { n: 0, total: 0 };
      totals.set(type, { n: t.n + 1, total: t.total + r.value });
    }
    return totals;
  }

  for (const source of ['raw', '1h'] as const) {
    it(`tells the ${source} exports apart by their export id and matches each store's totals`, async () => {
      const folder = join(lake.dir, source);
      const ids = new Map<string, TimeSeriesStorage>();
      for (const [k, s] of opened.entries()) {
        const path = join(folder, `machine-${k}.parquet`);
        await s.store.exportToParquet(path, { source, anonymize: true });
        ids.set((await duck.kvMetadata(path))['futurnal.export_id'] ?? '', s.store);
      }
      assert.equal(ids.size, STORES.length, 'three distinct export ids');

      const glob = sqlString(join(folder, '*.parquet'));
      const valueSum = source === 'raw' ? 'sum(f.value)' : 'sum(f.sum)';
      const sampleCount = source === 'raw' ? 'count(*)' : 'sum(f.count)';
      const lakeTotals = await duck.rows(
        `SELECT m.export_id, f.metric_type, ${sampleCount}::DOUBLE AS n, ${valueSum} AS total,
                count(DISTINCT f.filename)::INTEGER AS files
         FROM read_parquet(${glob}, filename = true) f
         JOIN (SELECT file_name, decode(value) AS export_id FROM parquet_kv_metadata(${glob})
               WHERE decode(key) = 'futurnal.export_id') m ON m.file_name = f.filename
         GROUP BY ALL`,
      );
      const seen = new Set<string>();
      for (const r of lakeTotals) {
        const store = ids.get(String(r.export_id));
        assert.ok(store, `an export id of one of the three exports: ${String(r.export_id)}`);
        assert.equal(r.files, 1, 'one file per export id');
        const expected = totalsOfStore(store).get(String(r.metric_type));
        assert.ok(expected, `${String(r.metric_type)} is in that store`);
        assert.equal(r.n, expected.n, `${String(r.export_id)} ${String(r.metric_type)}: samples`);
        assert.ok(close(Number(r.total), expected.total), `${String(r.export_id)} ${String(r.metric_type)}: sum`);
        seen.add(`${String(r.export_id)} ${String(r.metric_type)}`);
      }
      const expectedKeys = [...ids].flatMap(([id, store]) => [...totalsOfStore(store).keys()].map((t) => `${id} ${t}`));
      assert.deepEqual([...seen].sort(), expectedKeys.sort(), 'every export and type is in the lake, nothing else');
    });
  }
});
