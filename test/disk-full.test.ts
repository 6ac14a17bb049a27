/**
 * A full disk: when the database cannot grow (SQLite's own SQLITE_FULL, here from a size cap),
 * a write fails with a typed DISK_FULL error, stores nothing of its batch, loses nothing already
 * stored, and the store works again once space is freed.
 */
import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import Database from 'better-sqlite3';
import { StorageError } from '../storage/src/index.ts';
import { DAY, MODES, T0, openStore, regularSamples } from './support/store.ts';

for (const mode of MODES) {
  describe(`full disk (${mode.name})`, () => {
    it('rejects the batch that does not fit with DISK_FULL and keeps everything stored before', async () => {
      const s = openStore({
        enableCompression: mode.enableCompression,
        maxSizeBytes: 2 * 1024 * 1024,
        now: () => T0 + 40 * DAY,
      });
      try {
        const series = Array.from({ length: 50 }, (_, k) => ({ name: 'fill', labels: { k: String(k) } }));
        let stored = 0;
        let failure: unknown;
        for (let batch = 0; batch < 1000 && failure === undefined; batch++) {
          const samples = regularSamples(
            series,
            T0 + batch * 200_000,
            20,
            10_000,
            (k, i) => k * 1e6 + batch * 20 + i + 0.5,
          );
          try {
            stored += await s.store.insertSamples(samples);
          } catch (err) {
            failure = err;
          }
        }
        assert.ok(failure instanceof StorageError, `a typed error, got ${String(failure)}`);
        assert.equal(failure.code, 'DISK_FULL');
        assert.match(failure.message, /disk is full/);
        assert.ok(stored > 0);
        assert.equal(s.store.getStats().samples, stored, 'nothing of the failed batch, nothing lost');
        const [one] = s.store.queryMetrics({
          metricName: 'fill',
          labels: { k: '7' },
          start: T0,
          end: T0 + DAY,
          aggregation: 'raw',
        });
        assert.equal(one!.points.length, stored / 50);
        assert.ok(one!.points.every((p, i) => p.value === 7e6 + i + 0.5));
        s.store.close();
        const check = new Database(s.dbPath, { readonly: true });
        assert.equal(check.pragma('integrity_check', { simple: true }), 'ok');
        check.close();

        const reopened = s.reopen({ retentionDays: 30, now: () => T0 + 30 * DAY + 100_000_000 });
        await reopened.applyRetention();
        assert.equal(
          await reopened.insertSamples(regularSamples(series, T0 + 35 * DAY, 2, 10_000, () => 1)),
          100,
          'space freed by retention is usable again',
        );
      } finally {
        s.cleanup();
      }
    });
  });
}
