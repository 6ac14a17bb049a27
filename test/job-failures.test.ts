/**
 * A job that fails once does not fail forever: head rows no job can process (a value that is not a
 * number, a series that is gone, as two writers of older code left behind) are set aside in
 * quarantine, the store's health says so, rollups, compaction and retention go on, and retention
 * expires quarantined rows like any other sample. A store left inconsistent is repaired on open,
 * and retention deletes what has expired even while the rollups keep failing.
 */
import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import Database from 'better-sqlite3';

import { DAY, HOUR, MODES, T0, openStore, regularSamples } from './support/store.ts';

const SERIES = [
  { name: 'cpu', labels: { host: 'a' } },
  { name: 'cpu', labels: { host: 'b' } },
];

/** Runs raw SQL on the store's file through a second connection, foreign keys off (as a damaged or old file). */
function damage(dbPath: string, sql: string): void {
  const db = new Database(dbPath);
  db.pragma('foreign_keys = OFF');
  db.exec(sql);
  db.close();
}

function quarantined(dbPath: string): { series_id: number; ts: number; value: unknown; reason: string }[] {
  const db = new Database(dbPath, { readonly: true });
  const rows = db.prepare('SELECT series_id, ts, value, reason FROM quarantine ORDER BY ts').all();
  db.close();
  return rows as { series_id: number; ts: number; value: unknown; reason: string }[];
}

for (const mode of MODES) {
  describe(`jobs that meet data they cannot process (${mode.name})`, () => {
    it('sets bad head rows aside, reports them, and the jobs succeed; retention expires them', async () => {
      let now = T0 + 2 * DAY;
      const s = openStore({ enableCompression: mode.enableCompression, retentionDays: 1, now: () => now });
      try {
        await s.store.insertSamples(regularSamples(SERIES, T0 + DAY, 60, 60_000, (k, i) => k * 100 + i));
        damage(
          s.dbPath,
          `INSERT INTO head (series_id, ts, value) VALUES (1, ${T0 + DAY + 7 * HOUR}, 'not a number');
           INSERT INTO head (series_id, ts, value) VALUES (999, ${T0 + DAY + 8 * HOUR}, 5);
           INSERT INTO head (series_id, ts, value) VALUES (2, ${T0 + DAY + 9 * HOUR}, 9e999);`,
        );
        const { moved } = await s.store.rollUpAndCompact();
        assert.equal(moved, 120, 'every good sample was compacted');
        const problems = s.store.getStats().problems;
        assert.deepEqual(
          problems.map((p) => [p.kind, p.subject]),
          [['quarantined', 'head']],
        );
        assert.match(problems[0]!.message, /^3 samples that no job could process .* were set aside/);
        assert.deepEqual(
          quarantined(s.dbPath).map((r) => [r.series_id, r.value, r.reason]),
          [
            [1, 'not a number', 'value is not a finite number'],
            [999, 5, 'series missing'],
            [2, Infinity, 'value is not a finite number'],
          ],
        );
        const [a] = s.store.queryMetrics({
          metricName: 'cpu',
          labels: { host: 'a' },
          start: T0,
          end: T0 + 3 * DAY,
          aggregation: '1h',
        });
        assert.deepEqual(
          a!.points.map((p) => p.count),
          [60],
          'the good samples are all in the rollups',
        );

        now = T0 + 3 * DAY;
        assert.ok((await s.store.applyRetention()) >= 123);
        assert.deepEqual(quarantined(s.dbPath), [], 'retention expires quarantined rows too');
        assert.deepEqual(s.store.getStats().problems, [], 'nothing left to report');
        assert.equal(s.store.getStats().samples, 0);
      } finally {
        s.cleanup();
      }
    });

    it('repairs on open a store that two writers of older code left with orphan rows', async () => {
      const s = openStore({ enableCompression: mode.enableCompression, retentionDays: 1, now: () => T0 + 2 * DAY });
      try {
        await s.store.insertSamples(regularSamples(SERIES, T0 + DAY, 60, 60_000, (k, i) => k * 100 + i));
        s.store.close();
        // The other writer's retention dropped series 2 while this one still appended to it.
        damage(
          s.dbPath,
          `DELETE FROM head WHERE series_id = 2; DELETE FROM series WHERE id = 2;
           INSERT INTO head (series_id, ts, value) VALUES (2, ${T0 + DAY + 2 * HOUR}, 1), (2, ${T0 + 10}, 2);
           INSERT INTO rollup_1h (series_id, slot, count, sum, min, max) VALUES (2, 1, 1, 1, 1, 1);`,
        );
        const store = s.reopen({ now: () => T0 + 2 * DAY });
        assert.deepEqual(
          store.getStats().problems.map((p) => [p.kind, p.subject]),
          [
            ['quarantined', 'head'],
            ['quarantined', 'orphans'],
          ],
        );
        await store.rollUpAndCompact();
        assert.ok((await store.applyRetention()) >= 1, 'the expired orphan sample is deleted');
        assert.deepEqual(
          quarantined(s.dbPath).map((r) => [r.series_id, r.ts]),
          [[2, T0 + DAY + 2 * HOUR]],
        );
        assert.equal(store.getStats().samples, 60);
        const check = new Database(s.dbPath, { readonly: true });
        assert.equal(check.pragma('integrity_check', { simple: true }), 'ok');
        assert.deepEqual(check.pragma('foreign_key_check'), []);
        check.close();
      } finally {
        s.cleanup();
      }
    });

    it('keeps a failing compaction reported when retention folds without trouble', async () => {
      const s = openStore({ enableCompression: mode.enableCompression, now: () => T0 + DAY });
      try {
        await s.store.insertSamples(regularSamples(SERIES, T0, 60, 60_000, () => 1));
        const tierTable = mode.enableCompression ? 'chunks' : 'samples';
        damage(
          s.dbPath,
          `CREATE TRIGGER refuse BEFORE INSERT ON ${tierTable} BEGIN SELECT RAISE(ABORT, 'refused by a test trigger'); END;`,
        );
        await assert.rejects(s.store.rollUpAndCompact(), /refused by a test trigger/);
        await s.store.applyRetention();
        assert.deepEqual(
          s.store.getStats().problems.map((p) => [p.kind, p.subject]),
          [['job-failed', 'rollup']],
          "retention's own fold succeeded, but compaction still fails",
        );
      } finally {
        s.cleanup();
      }
    });

    it('a compaction that fails inside its window: queries stay exact, and retention deletes the rows it marked moved', async () => {
      let now = T0 + DAY;
      const s = openStore({
        enableCompression: mode.enableCompression,
        retentionDays: 1,
        autoMaintenance: false,
        now: () => now,
      });
      const rows = (table: string) => (s.store.sql(`SELECT COUNT(*) AS n FROM ${table}`)[0] as { n: number }).n;
      try {
        // Four series of 3,000 samples: a step moves 5,000 rows at most, so the window takes several.
        const four = [0, 1, 2, 3].map((k) => ({ name: 'cpu', labels: { host: `h${k}` } }));
        const samples = regularSamples(four, T0, 3_000, 5_000, (k, i) => k * 10_000 + i);
        await s.store.insertSamples(samples);
        damage(
          s.dbPath,
          `CREATE TRIGGER refuse BEFORE INSERT ON head_moved WHEN (SELECT COUNT(*) FROM head_moved) >= 2
             BEGIN SELECT RAISE(ABORT, 'refused by a test trigger'); END;`,
        );
        await assert.rejects(s.store.rollUpAndCompact(), /refused by a test trigger/);
        damage(s.dbPath, 'DROP TRIGGER refuse;');
        assert.ok(rows('head_moved') > 0, 'premise: a step committed its marks before one failed');
        assert.equal(rows('head'), samples.length, 'premise: the marked rows are still in the head table');
        for (const aggregation of ['raw', '1h'] as const) {
          const series = s.store.queryMetrics({ metricName: 'cpu', start: T0, end: T0 + DAY, aggregation });
          const points = series.flatMap((r) => r.points);
          assert.equal(
            points.reduce((n, p) => n + (p.count ?? 1), 0),
            samples.length,
            `${aggregation}: every sample once`,
          );
        }

        // The older half expires; every series keeps data (so none is dropped with its rows).
        now = T0 + DAY + 2 * HOUR;
        const cutoff = T0 + 2 * HOUR;
        await s.store.applyRetention();
        const expired = (s.store.sql(`SELECT COUNT(*) AS n FROM head WHERE ts < ${cutoff}`)[0] as { n: number }).n;
        assert.deepEqual([expired, rows('head_moved')], [0, 0], 'no expired row is left in the head table');
        assert.equal(s.store.getStats().samples, samples.filter((x) => x.timestamp >= cutoff).length);
      } finally {
        s.cleanup();
      }
    });

    it('deletes what has expired even while the rollups fail, and says so until they succeed', async () => {
      let now = T0 + DAY;
      const s = openStore({ enableCompression: mode.enableCompression, retentionDays: 1, now: () => now });
      try {
        await s.store.insertSamples(regularSamples(SERIES, T0, 60, 60_000, () => 1));
        damage(
          s.dbPath,
          `CREATE TRIGGER refuse BEFORE INSERT ON rollup_1h BEGIN SELECT RAISE(ABORT, 'refused by a test trigger'); END;`,
        );
        await assert.rejects(s.store.rollUpAndCompact(), /refused by a test trigger/);
        const [failed] = s.store.getStats().problems;
        assert.deepEqual([failed?.kind, failed?.subject], ['job-failed', 'rollup']);
        assert.match(failed!.message, /rollup failed: refused by a test trigger/);

        now = T0 + 3 * DAY;
        assert.ok((await s.store.applyRetention()) >= 120);
        assert.equal(s.store.getStats().samples, 0, 'every expired sample is deleted');
        await s.store.insertSamples(regularSamples(SERIES, now - HOUR, 10, 60_000, () => 2));
        await assert.rejects(s.store.rollUpAndCompact(), /refused by a test trigger/);
        assert.equal(s.store.getStats().problems[0]?.kind, 'job-failed');

        damage(s.dbPath, 'DROP TRIGGER refuse;');
        await s.store.rollUpAndCompact();
        assert.deepEqual(s.store.getStats().problems, [], 'the failure is cleared once the job succeeds');
      } finally {
        s.cleanup();
      }
    });
  });
}
