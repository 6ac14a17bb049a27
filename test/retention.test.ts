/**
 * Retention as a privacy promise: old samples, buckets and alerts go, emptied series go, the file
 * shrinks, and a unique label value of deleted data is no longer anywhere in the database file or
 * its WAL. Also: the retention setting persists, and a preview tells what a change would delete.
 */
import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { statSync } from 'node:fs';
import Database from 'better-sqlite3';
import { DAY, MODES, fileContains, openStore, regularSamples } from './support/store.ts';

const NOW = Date.UTC(2026, 5, 1);
const SECRET = 'host-SECRET-9c41e7';

function count(dbPath: string, sql: string): number {
  const db = new Database(dbPath, { readonly: true });
  try {
    return db.prepare(sql).pluck().get() as number;
  } finally {
    db.close();
  }
}

for (const mode of MODES) {
  describe(`retention (${mode.name})`, () => {
    it('deletes old data everywhere, shrinks the file and leaves no readable trace of it', async () => {
      const s = openStore({ enableCompression: mode.enableCompression, retentionDays: 30, now: () => NOW });
      try {
        const old = [{ name: 'cpu', labels: { host: SECRET } }];
        const kept = [{ name: 'cpu', labels: { host: 'kept' } }];
        const start = NOW - 60 * DAY;
        await s.store.insertSamples(regularSamples(old, start, 20 * 24 * 60, 60_000, (_, i) => i));
        for (let day = 0; day < 60; day += 5) {
          await s.store.insertSamples(regularSamples(kept, start + day * DAY, 5 * 24 * 60, 60_000, (_, i) => i % 97));
        }
        for (const i of s.store.intervals) await s.store.aggregate(i);
        await s.store.compact();
        s.store.recordAlert({
          metricName: 'cpu',
          labels: { host: SECRET },
          alertType: 'anomaly',
          severity: 'warning',
          value: 1,
          threshold: 0,
          timestamp: start + DAY,
        });
        s.store.checkpoint();
        const sizeBefore = statSync(s.dbPath).size;
        assert.ok(
          fileContains(s.dbPath, SECRET),
          'the secret is in the file before retention (so the search can fail)',
        );

        const preview = s.store.previewRetention(30);
        const cutoff = NOW - 30 * DAY;
        assert.equal(preview.cutoff, cutoff);
        assert.equal(preview.samples, 20 * 24 * 60 + 30 * 24 * 60);
        assert.equal(preview.from, start);

        const deleted = await s.store.applyRetention();
        assert.ok(deleted >= preview.samples, `deleted ${deleted} rows, at least the ${preview.samples} samples`);
        const rawCount = (where: string) =>
          (s.store.sql(`SELECT COUNT(*) AS n FROM metrics_raw ${where}`)[0] as { n: number }).n;
        assert.equal(rawCount(`WHERE timestamp < ${cutoff}`), 0);
        assert.equal(rawCount(''), 30 * 24 * 60);
        for (const [interval, width] of [
          ['1m', 60_000],
          ['5m', 300_000],
          ['1h', 3_600_000],
          ['1d', DAY],
        ] as const) {
          assert.equal(
            count(s.dbPath, `SELECT COUNT(*) FROM metrics_${interval} WHERE bucket + ${width} <= ${cutoff}`),
            0,
            interval,
          );
        }
        assert.equal(
          count(s.dbPath, 'SELECT MIN(bucket) FROM metrics_1d'),
          Math.floor(cutoff / DAY) * DAY,
          'a bucket straddling the cutoff stays',
        );
        assert.equal(
          count(s.dbPath, `SELECT COUNT(*) FROM series WHERE labels LIKE '%SECRET%'`),
          0,
          'the emptied series is gone',
        );
        assert.equal(count(s.dbPath, `SELECT COUNT(*) FROM alerts`), 0);
        assert.deepEqual(s.store.listLabels('cpu'), [{ name: 'host', values: ['kept'] }]);

        assert.ok(
          statSync(s.dbPath).size < sizeBefore,
          `the file shrank (${sizeBefore} -> ${statSync(s.dbPath).size})`,
        );
        assert.equal(fileContains(s.dbPath, SECRET), false, 'no copy of the deleted label value in the database file');
        assert.equal(fileContains(`${s.dbPath}-wal`, SECRET), false, 'none in the WAL either');
        assert.equal(count(s.dbPath, 'PRAGMA integrity_check') as unknown, 'ok');
      } finally {
        s.cleanup();
      }
    });

    it('persists the retention setting, validates it, and applies a shorter one', async () => {
      const s = openStore({ enableCompression: mode.enableCompression, now: () => NOW });
      try {
        assert.equal(s.store.retentionDays, 30, 'default');
        await s.store.insertSamples(regularSamples([{ name: 'm' }], NOW - 10 * DAY, 10 * 24, 3_600_000, (_, i) => i));
        for (const bad of [0, 3651, 2.5, Number.NaN, '7']) {
          assert.throws(() => s.store.setRetentionDays(bad as number), { code: 'INVALID_ARGUMENT' });
          assert.throws(() => s.store.previewRetention(bad as number), { code: 'INVALID_ARGUMENT' });
        }
        s.store.setRetentionDays(7);
        const reopened = s.reopen();
        assert.equal(reopened.retentionDays, 7, 'survives a restart');
        assert.equal(reopened.previewRetention(7).samples, 3 * 24);
        await reopened.applyRetention();
        assert.equal(reopened.getStats().oldest, NOW - 7 * DAY);
        assert.ok(reopened.getStats().lastRetention === NOW);
      } finally {
        s.cleanup();
      }
    });

    it('reports a deletion another connection can still read, and finishes it at the next checkpoint', async () => {
      const s = openStore({ enableCompression: mode.enableCompression, now: () => NOW });
      const reader = new Database(s.dbPath, { readonly: true });
      try {
        await s.store.insertSamples(
          regularSamples(
            [{ name: 'cpu', labels: { host: SECRET } }, { name: 'cpu' }],
            NOW - DAY,
            100,
            60_000,
            (_, i) => i,
          ),
        );
        await s.store.rollUpAndCompact();
        const secretRows = reader.prepare(`SELECT COUNT(*) FROM series WHERE labels LIKE '%SECRET%'`).pluck();
        reader.exec('BEGIN');
        assert.equal(secretRows.get(), 1, 'the reader holds a snapshot with the series');

        assert.equal(s.store.deleteSeries({ labels: { host: SECRET } }), 100);
        assert.equal(secretRows.get(), 1, 'premise: the older snapshot still reads the deleted rows');
        const pending = () => s.store.getStats().problems.filter((p) => p.kind === 'deletion-pending');
        assert.equal(pending().length, 1, 'reported while the snapshot can read them');
        assert.equal(s.store.checkpoint(), false);
        assert.equal(pending().length, 1, 'still pending while the reader stays');

        reader.exec('COMMIT');
        assert.equal(s.store.checkpoint(), true);
        assert.deepEqual(pending(), [], 'finished at the next checkpoint');
        assert.equal(secretRows.get(), 0);
        assert.equal(fileContains(s.dbPath, SECRET), false, 'no copy in the database file');
        assert.equal(fileContains(`${s.dbPath}-wal`, SECRET), false, 'none in the WAL');

        assert.equal(s.store.deleteSeries({ labels: { host: 'none' } }), 0);
        assert.deepEqual(pending(), [], 'a deletion no snapshot can read is not reported');
      } finally {
        reader.close();
        s.cleanup();
      }
    });

    it('folds the head rows it deletes into the buckets that straddle the cutoff first', async () => {
      const now = NOW + 30 * 60_000; // the cutoff falls in the middle of an hour
      const s = openStore({ enableCompression: mode.enableCompression, autoMaintenance: false, now: () => now });
      try {
        const cutoff = now - 30 * DAY;
        const samples = regularSamples([{ name: 'edge' }], cutoff - 90 * 60_000, 180, 60_000, (_, i) => i);
        await s.store.insertSamples(samples);
        await s.store.applyRetention();

        const hour = Math.floor(cutoff / 3_600_000) * 3_600_000;
        const inHour = samples.filter((x) => x.timestamp >= hour && x.timestamp < hour + 3_600_000);
        assert.ok(
          inHour.some((x) => x.timestamp < cutoff),
          'premise: the hour holds samples that retention deletes',
        );
        const [hourly] = s.store.queryMetrics({ metricName: 'edge', start: hour, end: hour + 1, aggregation: '1h' });
        assert.deepEqual(
          { count: hourly!.points[0]!.count, sum: hourly!.points[0]!.sum },
          { count: inHour.length, sum: inHour.reduce((n, x) => n + x.value, 0) },
          'the straddling bucket keeps the deleted samples it summarises',
        );
        const [raw] = s.store.queryMetrics({ metricName: 'edge', start: 0, end: now, aggregation: 'raw' });
        assert.deepEqual(
          raw!.points.map((p) => p.timestamp),
          samples.filter((x) => x.timestamp >= cutoff).map((x) => x.timestamp),
        );
      } finally {
        s.cleanup();
      }
    });

    it('keeps a straddling counter bucket whole when only a late sample after the cutoff waits in the head', async () => {
      const now = NOW + 30 * 60_000; // the cutoff falls in the middle of an hour
      const s = openStore({ enableCompression: mode.enableCompression, autoMaintenance: false, now: () => now });
      try {
        const cutoff = now - 30 * DAY;
        const samples = regularSamples([{ name: 'edge_total' }], cutoff - 90 * 60_000, 180, 60_000, (_, i) => 10 * i);
        await s.store.insertSamples(samples);
        await s.store.rollUpAndCompact();
        // A late sample after the cutoff, between two folded ones of the hour that holds the cutoff.
        const next = samples.find((x) => x.timestamp > cutoff)!;
        const late = { name: 'edge_total', labels: {}, timestamp: next.timestamp + 30_000, value: next.value + 5 };
        assert.equal(await s.store.insertSamples([late]), 1);
        await s.store.applyRetention();
        await s.store.rollUpAndCompact();

        const hour = Math.floor(cutoff / 3_600_000) * 3_600_000;
        const inHour = [...samples, late]
          .filter((x) => x.timestamp >= hour && x.timestamp < hour + 3_600_000)
          .sort((a, b) => a.timestamp - b.timestamp);
        const [hourly] = s.store.queryMetrics({
          metricName: 'edge_total',
          start: hour,
          end: hour + 1,
          aggregation: '1h',
        });
        const bucket = hourly!.points[0]!;
        assert.deepEqual(
          { count: bucket.count, sum: bucket.sum },
          { count: inHour.length, sum: inHour.reduce((n, x) => n + x.value, 0) },
          'the straddling bucket keeps the deleted samples it summarises',
        );
        const [increase] = s.store.queryMetrics({
          metricName: 'edge_total',
          start: hour,
          end: hour + 3_600_000,
          aggregation: '1h',
          fn: 'increase',
        });
        assert.equal(
          increase!.points[0]!.value,
          inHour.at(-1)!.value - inHour[0]!.value,
          'its increase still counts the deleted samples',
        );
      } finally {
        s.cleanup();
      }
    });

    it('deletes exactly the head rows before the cutoff when they arrived out of time order', async () => {
      const s = openStore({ enableCompression: mode.enableCompression, autoMaintenance: false, now: () => NOW });
      try {
        // Two days of minutes for two series, in a fixed shuffled order and small batches: most are late samples.
        const n = 2 * 24 * 60;
        const samples = ['a', 'b'].flatMap((host) =>
          Array.from({ length: n }, (_, k) => (k * 1009) % n).map((i) => ({
            name: 'shuffled',
            labels: { host },
            value: i,
            timestamp: NOW - 2 * DAY + i * 60_000,
          })),
        );
        for (let i = 0; i < samples.length; i += 250) await s.store.insertSamples(samples.slice(i, i + 250));
        s.store.setRetentionDays(1);
        const preview = s.store.previewRetention(1);
        assert.equal(preview.cutoff, NOW - DAY, 'the cutoff');
        const expired = samples.filter((x) => x.timestamp < preview.cutoff).map((x) => x.timestamp);
        const kept = samples.filter((x) => x.timestamp >= preview.cutoff);
        assert.ok(
          kept.some((x) => x.timestamp === preview.cutoff),
          'premise: a sample lies on the cutoff',
        );
        assert.deepEqual(
          { samples: preview.samples, from: preview.from, to: preview.to },
          { samples: expired.length, from: Math.min(...expired), to: Math.max(...expired) },
        );
        await s.store.applyRetention();
        assert.equal(s.store.getStats().samples, kept.length);
        for (const host of ['a', 'b']) {
          const [raw] = s.store.queryMetrics({
            metricName: 'shuffled',
            labels: { host },
            start: 0,
            end: NOW,
            aggregation: 'raw',
          });
          assert.deepEqual(
            raw!.points.map((p) => p.timestamp),
            kept
              .filter((x) => x.labels.host === host)
              .map((x) => x.timestamp)
              .sort((x, y) => x - y),
          );
        }
      } finally {
        s.cleanup();
      }
    });

    it('removes a selection of series with all their data (demo history removal)', async () => {
      const s = openStore({ enableCompression: mode.enableCompression, now: () => NOW });
      try {
        await s.store.insertSamples(
          regularSamples(
            [{ name: 'a', labels: { source: 'demo' } }, { name: 'b', labels: { source: 'demo' } }, { name: 'a' }],
            NOW - DAY,
            100,
            60_000,
            (_, i) => i,
          ),
        );
        for (const i of s.store.intervals) await s.store.aggregate(i);
        await s.store.compact();
        assert.equal(s.store.deleteSeries({ labels: { source: 'demo' } }), 200);
        assert.deepEqual(s.store.listMetrics(), [{ name: 'a', type: 'unknown', seriesCount: 1 }]);
        assert.equal(count(s.dbPath, `SELECT COUNT(*) FROM metrics_1m WHERE labels LIKE '%demo%'`), 0);
        assert.equal(s.store.getStats().samples, 100);
      } finally {
        s.cleanup();
      }
    });
  });
}
