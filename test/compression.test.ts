/**
 * Compressed storage through the engine: samples come back bit for bit after compaction, late
 * samples into compacted windows are accepted, counted once and readable, retention splits a
 * chunk exactly at the cutoff, and the store's own connection reads chunks through metrics_raw
 * while the plain sqlite3 shell sees only the head.
 */
import assert from 'node:assert/strict';
import { execFileSync } from 'node:child_process';
import { readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, it } from 'node:test';
import Database from 'better-sqlite3';
import { ChunkCorruptError, INTERVALS, type MetricSample, type TimeSeriesStorage } from '../storage/src/index.ts';
import { DAY, HOUR, MINUTE, T0, openStore, regularSamples } from './support/store.ts';

const EXACT = [
  -0,
  0,
  5e-324,
  -5e-324,
  2.2250738585072014e-308,
  Number.MAX_VALUE,
  -Number.MAX_VALUE,
  0.1 + 0.2,
  1 / 3,
  123456789.123456,
  -42,
  1e300,
  2 ** 53 + 2,
];

async function settle(store: {
  intervals: readonly string[];
  aggregate(i: never): Promise<number>;
  compact(): Promise<number>;
}): Promise<void> {
  for (const interval of store.intervals) await store.aggregate(interval as never);
  await store.compact();
}

describe('compressed storage', () => {
  it('returns every float64 bit for bit and every timestamp to the millisecond after compaction', async () => {
    const s = openStore({ enableCompression: true });
    try {
      const samples = EXACT.map((value, i) => ({ name: 'exact', value, timestamp: T0 + i * 7 + (i % 3) }));
      await s.store.insertSamples(samples);
      await settle(s.store);
      assert.deepEqual(s.store.sql('SELECT COUNT(*) AS n FROM main.head'), [{ n: 0 }], 'everything was compacted');
      const [r] = s.store.queryMetrics({ metricName: 'exact', start: T0, end: T0 + HOUR, aggregation: 'raw' });
      assert.equal(r!.points.length, EXACT.length);
      r!.points.forEach((p, i) => {
        assert.equal(p.timestamp, samples[i]!.timestamp);
        assert.ok(Object.is(p.value, EXACT[i]), `value ${i}: ${p.value} vs ${EXACT[i]}`);
      });
      const viaView = s.store.sql(
        'SELECT value FROM metrics_raw WHERE metric_name = ? ORDER BY timestamp',
        'exact',
      ) as { value: number }[];
      assert.ok(
        viaView.every((v, i) => Object.is(v.value, EXACT[i])),
        'the app connection reads the chunks exactly too',
      );
    } finally {
      s.cleanup();
    }
  });

  it('accepts late samples into compacted windows, counts them once and reads them in order', async () => {
    const s = openStore({ enableCompression: true });
    try {
      const series = [{ name: 'late', labels: { k: 'a' } }];
      await s.store.insertSamples(regularSamples(series, T0, 2 * 360, 20_000, (_, i) => i));
      await settle(s.store);
      const late = [T0 + 5_000, T0 + 3 * HOUR + 1, T0 + 7 * HOUR + 10_000].map((timestamp) => ({
        name: 'late',
        labels: { k: 'a' },
        value: 1000,
        timestamp,
      }));
      assert.equal(await s.store.insertSamples(late), 3);
      assert.equal(await s.store.insertSamples(late), 0, 'a repeat of a late sample is ignored');
      const check = () => {
        const [r] = s.store.queryMetrics({ metricName: 'late', start: T0, end: T0 + DAY, aggregation: 'raw' });
        assert.equal(r!.points.length, 723);
        assert.ok(r!.points.every((p, i, a) => i === 0 || a[i - 1]!.timestamp < p.timestamp));
        for (const interval of ['1m', '5m', '1h', '1d'] as const) {
          const [b] = s.store.queryMetrics({ metricName: 'late', start: T0, end: T0 + DAY, aggregation: interval });
          assert.equal(
            b!.points.reduce((n, p) => n + p.count!, 0),
            723,
            `${interval} counts each sample once`,
          );
          assert.equal(
            b!.points.reduce((n, p) => n + p.sum!, 0),
            (719 * 720) / 2 + 3000,
            `${interval} sum`,
          );
        }
        const [m] = s.store.queryMetrics({ metricName: 'late', start: T0, end: T0 + MINUTE, aggregation: '1m' });
        assert.deepEqual(m!.points[0], { timestamp: T0, value: 1003 / 4, count: 4, sum: 1003, min: 0, max: 1000 });
      };
      check();
      await s.store.aggregate('1m');
      check();
      await settle(s.store);
      check();
      s.reopen();
      check();
    } finally {
      s.cleanup();
    }
  });

  it('splits the chunk that holds the retention cutoff and drops the windows before it', async () => {
    const now = T0 + 40 * DAY + 30 * MINUTE; // the cutoff falls inside a two-hour window
    const s = openStore({ enableCompression: true, retentionDays: 30, now: () => now });
    try {
      const samples = regularSamples([{ name: 'r' }], T0, 20 * 24 * 6, 600_000, (_, i) => Math.sin(i) * 1e3);
      await s.store.insertSamples(samples);
      await settle(s.store);
      const cutoff = now - 30 * DAY;
      await s.store.applyRetention();
      const read = () =>
        s.store
          .queryMetrics({ metricName: 'r', start: 0, end: now, aggregation: 'raw' })[0]!
          .points.map((p) => [p.timestamp, p.value]);
      const kept = samples.filter((x) => x.timestamp >= cutoff);
      assert.equal(kept[0]!.timestamp, cutoff, 'premise: a sample lies at the cutoff');
      assert.deepEqual(
        read(),
        kept.map((x) => [x.timestamp, x.value]),
        'the samples from the cutoff on, bit for bit',
      );
      assert.equal(s.store.getStats().samples, kept.length);
      const chunks = s.store.sql('SELECT MIN(first_ts) AS first FROM chunks') as { first: number }[];
      assert.equal(chunks[0]!.first, cutoff, 'no chunk keeps a sample before the cutoff');
      // A late sample into the split window is merged with what retention kept of it.
      const late = { name: 'r', timestamp: cutoff + 5 * MINUTE, value: 0.1 };
      await s.store.insertSamples([late]);
      await settle(s.store);
      assert.deepEqual(
        read(),
        [...kept, late].sort((a, b) => a.timestamp - b.timestamp).map((x) => [x.timestamp, x.value]),
      );
    } finally {
      s.cleanup();
    }
  });

  it('shows the plain sqlite3 shell only what is still in the head', async () => {
    const s = openStore({ enableCompression: true });
    try {
      await s.store.insertSamples(regularSamples([{ name: 'm' }], T0, 60, 10_000, (_, i) => i));
      await settle(s.store);
      await s.store.insertSamples(regularSamples([{ name: 'm' }], T0 + HOUR, 3, 10_000, (_, i) => i));
      s.store.checkpoint();
      const shell = (sql: string) => execFileSync('sqlite3', [s.dbPath, sql], { encoding: 'utf8' }).trim();
      assert.equal(shell('SELECT COUNT(*) FROM metrics_raw;'), '3');
      assert.equal(shell('SELECT SUM(count) FROM chunks;'), '60');
      assert.deepEqual(s.store.sql('SELECT COUNT(*) AS n FROM metrics_raw'), [{ n: 63 }]);
    } finally {
      s.cleanup();
    }
  });
});

interface ChunkRow {
  series_id: number;
  first_ts: number;
  last_ts: number;
  payload: Buffer;
}

describe('chunk checksums', () => {
  const series = [
    { name: 'cpu', labels: { core: '0' } },
    { name: 'cpu', labels: { core: '1' } },
  ];
  /** Two series over two chunk windows each, all compacted into chunks, the store closed. */
  async function compactedFile(): Promise<{ s: ReturnType<typeof openStore>; samples: MetricSample[] }> {
    const s = openStore();
    const samples = regularSamples(
      series,
      T0,
      1_200,
      10_000,
      (k, i) => Math.round((k + 1) * 1000 * Math.sin(i / 50)) / 100,
    );
    await s.store.insertSamples(samples);
    await s.store.rollUpAndCompact();
    assert.equal(
      (s.store.sql('SELECT COUNT(*) AS n FROM head')[0] as { n: number }).n,
      0,
      'premise: every sample in chunks',
    );
    s.store.close();
    return { s, samples };
  }

  const points = (samples: MetricSample[], core: string, start: number, end: number) =>
    samples
      .filter((x) => x.labels!.core === core && x.timestamp >= start && x.timestamp < end)
      .map((x) => ({ timestamp: x.timestamp, value: x.value }));

  it('finds every bit flipped in a chunk of a real file: a typed CHUNK_CORRUPT for that series and range, never a wrong number', async () => {
    const { s, samples } = await compactedFile();
    try {
      const pristine = readFileSync(s.dbPath);
      const db = new Database(s.dbPath, { readonly: true });
      const chunks = db
        .prepare('SELECT series_id, first_ts, last_ts, payload FROM chunks ORDER BY id')
        .all() as ChunkRow[];
      const coreOf = new Map(
        (db.prepare('SELECT id, labels FROM series').all() as { id: number; labels: string }[]).map((r) => [
          r.id,
          (JSON.parse(r.labels) as { core: string }).core,
        ]),
      );
      db.close();
      assert.equal(chunks.length, 4, 'premise: two chunks per series');
      const end = T0 + DAY;
      for (let flip = 0; flip < 12; flip++) {
        const chunk: ChunkRow = chunks[flip % chunks.length]!;
        const at: number = pristine.indexOf(chunk.payload);
        assert.ok(
          at > 0 && pristine.indexOf(chunk.payload, at + 1) < 0,
          'premise: the payload is found once in the file',
        );
        const damaged = Buffer.from(pristine);
        const byte = at + Math.floor(((flip + 0.5) / 12) * chunk.payload.length);
        damaged[byte]! ^= 1 << (flip % 8);
        writeFileSync(s.dbPath, damaged);
        const store = s.reopen();
        const bad = coreOf.get(chunk.series_id)!;
        const what = `flip ${flip} at byte ${byte}`;
        assert.throws(
          () => store.queryMetrics({ metricName: 'cpu', labels: { core: bad }, start: T0, end, aggregation: 'raw' }),
          (err: unknown) => {
            assert.ok(err instanceof ChunkCorruptError, what);
            assert.equal(err.code, 'CHUNK_CORRUPT');
            assert.deepEqual([err.seriesId, err.start, err.end], [chunk.series_id, chunk.first_ts, chunk.last_ts]);
            return true;
          },
        );
        assert.deepEqual(
          store.getStats().problems.map((p) => [p.kind, p.subject]),
          [['chunk-corrupt', `series ${chunk.series_id}`]],
          what,
        );
        await assert.rejects(store.exportToParquet(join(s.dir, 'out.parquet')), { code: 'CHUNK_CORRUPT' }, what);
        // the rest of the store reads exactly: the other series, and the same series outside the damaged chunk
        const good = bad === '0' ? '1' : '0';
        const [other] = store.queryMetrics({
          metricName: 'cpu',
          labels: { core: good },
          start: T0,
          end,
          aggregation: 'raw',
        });
        assert.deepEqual(other!.points, points(samples, good, T0, end), what);
        const [from, to] = chunk.first_ts === T0 ? [chunk.last_ts + 1, end] : [T0, chunk.first_ts];
        const [rest] = store.queryMetrics({
          metricName: 'cpu',
          labels: { core: bad },
          start: from,
          end: to,
          aggregation: 'raw',
        });
        assert.deepEqual(rest!.points, points(samples, bad, from, to), what);
        store.deleteSeries({ metricName: 'cpu', labels: { core: bad } });
        assert.deepEqual(store.getStats().problems, [], `${what}: deleting the series clears the report`);
      }
    } finally {
      s.cleanup();
    }
  });

  it('lets the jobs work around a damaged chunk: late data, rollups, baselines and retention go on', async () => {
    const { s, samples } = await compactedFile();
    try {
      const db = new Database(s.dbPath);
      const [damaged] = db
        .prepare(
          'SELECT c.id, c.series_id, c.first_ts, c.last_ts FROM chunks c JOIN series s ON s.id = c.series_id WHERE s.labels = \'{"core":"0"}\' ORDER BY c.first_ts',
        )
        .all() as (ChunkRow & { id: number })[];
      db.prepare('UPDATE chunks SET checksum = checksum + 1 WHERE id = ?').run(damaged!.id);
      db.close();
      assert.equal(damaged!.first_ts, T0, 'premise: the first window of core 0 is damaged');

      const store = s.reopen({ now: () => T0 + 5 * HOUR });
      const late = { name: 'cpu', labels: { core: '0' }, timestamp: T0 + HOUR + 5_000, value: 42.5 };
      assert.equal(await store.insertSamples([late]), 1, 'a late sample for the damaged window is stored');
      await store.rollUpAndCompact();
      assert.equal((store.sql('SELECT COUNT(*) AS n FROM head')[0] as { n: number }).n, 0, 'compaction went on');
      assert.throws(
        () => store.queryMetrics({ metricName: 'cpu', labels: { core: '0' }, start: T0, end: T0 + DAY }),
        { code: 'CHUNK_CORRUPT' },
        'the damaged range still reads as damaged',
      );
      assert.ok((await store.computeBaselines()) >= 1, 'baselines are computed for the intact series');
      assert.deepEqual(
        store.getBaselines().map((b) => b.labels.core),
        ['1'],
      );
      await store.detectAnomalies();

      const later = s.reopen({ now: () => T0 + 30 * DAY + HOUR });
      const preview = later.previewRetention(30);
      const expiredIntact = points(samples, '1', T0, T0 + HOUR).length;
      assert.equal(
        preview.samples,
        expiredIntact + 720,
        'the preview counts the damaged chunk whole, as retention deletes it',
      );
      await later.applyRetention();
      assert.deepEqual(later.getStats().problems, [], 'retention deleted the damaged chunk whole');
      const [rest] = later.queryMetrics({
        metricName: 'cpu',
        labels: { core: '0' },
        start: T0,
        end: T0 + DAY,
        aggregation: 'raw',
      });
      assert.deepEqual(rest!.points, [
        { timestamp: late.timestamp, value: late.value },
        ...points(samples, '0', T0 + 2 * HOUR, T0 + DAY),
      ]);
    } finally {
      s.cleanup();
    }
  });

  it('gives the chunks of a file written before checksums theirs when it is opened', async () => {
    const { s, samples } = await compactedFile();
    try {
      // Undo migrations 3 to 9 (checksums, quarantine, the store marker, metric metadata, counter
      // rollups, alert rules and incidents): a file as version 2 wrote it, but for views and the
      // head's marks (migrations 10 to 12 do theirs again).
      const db = new Database(s.dbPath);
      db.exec('ALTER TABLE chunks DROP COLUMN checksum; DROP TABLE quarantine; DROP TABLE metric_metadata;');
      db.exec('DROP TABLE alert_rules; DROP TABLE incidents; ALTER TABLE baselines DROP COLUMN checked_to;');
      for (const interval of INTERVALS) {
        db.exec(`DROP INDEX rollup_${interval}_stale`);
        for (const column of ['first_ts', 'first', 'last_ts', 'last', 'inc'])
          db.exec(`ALTER TABLE rollup_${interval} DROP COLUMN ${column}`);
      }
      db.pragma('application_id = 0');
      db.pragma('user_version = 2');
      db.close();
      const store = s.reopen();
      for (const core of ['0', '1']) {
        const [r] = store.queryMetrics({
          metricName: 'cpu',
          labels: { core },
          start: T0,
          end: T0 + DAY,
          aggregation: 'raw',
        });
        assert.deepEqual(r!.points, points(samples, core, T0, T0 + DAY));
      }
      assert.deepEqual(store.getStats().problems, []);
    } finally {
      s.cleanup();
    }
  });
});

describe('reopening with other options', () => {
  async function expectEverything(store: TimeSeriesStorage, samples: number, sum: number): Promise<void> {
    const [raw] = store.queryMetrics({ metricName: 'm', start: T0, end: T0 + DAY, aggregation: 'raw' });
    assert.equal(raw!.points.length, samples);
    for (const interval of ['1m', '5m', '1h', '1d'] as const) {
      const [b] = store.queryMetrics({ metricName: 'm', start: T0, end: T0 + DAY, aggregation: interval });
      assert.equal(
        b!.points.reduce((n, p) => n + p.count!, 0),
        samples,
        `${interval} count`,
      );
      assert.equal(
        b!.points.reduce((n, p) => n + p.sum!, 0),
        sum,
        `${interval} sum`,
      );
    }
  }

  it('moves compacted samples between the compressed and uncompressed tiers and keeps every rollup exact', async () => {
    const s = openStore({ enableCompression: true });
    try {
      await s.store.insertSamples(regularSamples([{ name: 'm' }], T0, 600, 30_000, (_, i) => i));
      await settle(s.store);
      await s.store.insertSamples(regularSamples([{ name: 'm' }], T0 + 6 * HOUR, 10, 30_000, () => 1));
      await s.store.aggregate('1m');
      await expectEverything(s.store, 610, (599 * 600) / 2 + 10);
      const rows = s.reopen({ enableCompression: false });
      await expectEverything(rows, 610, (599 * 600) / 2 + 10);
      assert.deepEqual(rows.sql('SELECT COUNT(*) AS n FROM chunks'), [{ n: 0 }], 'the chunks moved into rows');
      await settle(rows);
      await expectEverything(rows, 610, (599 * 600) / 2 + 10);
      const back = s.reopen({ enableCompression: true });
      await expectEverything(back, 610, (599 * 600) / 2 + 10);
      assert.deepEqual(back.sql('SELECT COUNT(*) AS n FROM samples'), [{ n: 0 }], 'the rows moved back into chunks');
      await settle(back);
      await expectEverything(back, 610, (599 * 600) / 2 + 10);
    } finally {
      s.cleanup();
    }
  });

  it('rebuilds an interval that is configured after data was compacted, and drops one no longer configured', async () => {
    const s = openStore({ enableCompression: false, aggregationIntervals: ['1m'] });
    try {
      await s.store.insertSamples(regularSamples([{ name: 'm' }], T0, 600, 30_000, (_, i) => i));
      await settle(s.store);
      const wider = s.reopen({ aggregationIntervals: ['1m', '1h'] });
      assert.deepEqual(
        wider.sql('SELECT COUNT(*) AS n, SUM(count) AS c FROM rollup_1h'),
        [{ n: 5, c: 600 }],
        'rebuilt from the tier',
      );
      await expectEverything(wider, 600, (599 * 600) / 2);
      const narrower = s.reopen({ aggregationIntervals: ['1h'] });
      assert.deepEqual(
        narrower.sql('SELECT COUNT(*) AS n FROM rollup_1m'),
        [{ n: 0 }],
        'an interval no longer kept is dropped',
      );
      await expectEverything(narrower, 600, (599 * 600) / 2);
    } finally {
      s.cleanup();
    }
  });
});
