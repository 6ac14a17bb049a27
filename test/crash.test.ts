/**
 * Crash safety: a child process inserting batches is killed with SIGKILL at random moments, again
 * and again on the same database; every batch it reported as stored is found afterwards, exactly
 * once (raw and in the rollups), and the reopened database passes integrity_check. The writer's
 * store is maintained either by the rollup job called over and over, or by the store on its own.
 */
import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import Database from 'better-sqlite3';
import { TimeSeriesStorage } from '../storage/src/index.ts';
import { CRASH_BATCH_SIZE, CRASH_T0, crashBatch } from './support/crash-batches.ts';
import { runAndKill, type CrashMaintenance } from './support/crash-run.ts';
import { MODES, rng, tempDir } from './support/store.ts';
import { join } from 'node:path';

/** Kills per run: the automatic path runs fewer (it folds every few batches, so each kill has a good chance to land in it). */
const KILLS: Record<CrashMaintenance, number> = { explicit: 20, automatic: 8 };

for (const mode of MODES) {
  for (const maintenance of ['explicit', 'automatic'] as const) {
    describe(`crash safety (${mode.name}, ${maintenance} maintenance)`, () => {
      it(`keeps every resolved batch through ${KILLS[maintenance]} SIGKILLs`, async () => {
        const { dir, cleanup } = tempDir('crash-');
        const dbPath = join(dir, 'telemetry.db');
        const next = rng(7);
        const confirmed = new Set<number>();
        let first = 0;
        try {
          for (let k = 0; k < KILLS[maintenance]; k++) {
            const delay = Math.floor(next() * 400);
            const reported = await runAndKill(dbPath, first, mode.enableCompression, delay, maintenance);
            for (const n of reported) confirmed.add(n);
            first = Math.max(first, ...reported) + 1;
          }
          const store = new TimeSeriesStorage({
            dbPath,
            enableCompression: mode.enableCompression,
            autoMaintenance: false,
          });
          try {
            const check = new Database(dbPath, { readonly: true });
            assert.equal(check.pragma('integrity_check', { simple: true }), 'ok');
            check.close();
            const points = store
              .queryMetrics({
                metricName: 'crash_test_total',
                start: CRASH_T0,
                end: CRASH_T0 + 1e12,
                aggregation: 'raw',
              })
              .flatMap((r) => r.points.map((p) => ({ series: r.labels.series!, ...p })));
            const stored = new Map(points.map((p) => [`${p.series}|${p.timestamp}`, p.value]));
            assert.equal(stored.size, points.length, 'no sample is stored twice');
            for (const n of confirmed) {
              for (const s of crashBatch(n)) {
                assert.equal(stored.get(`${s.labels!.series}|${s.timestamp}`), s.value, `batch ${n} survived`);
              }
            }
            assert.equal(points.length % CRASH_BATCH_SIZE, 0, 'batches are stored whole or not at all');
            assert.ok(confirmed.size >= KILLS[maintenance], `${confirmed.size} batches confirmed`);
            const hourly = store.queryMetrics({
              metricName: 'crash_test_total',
              start: CRASH_T0,
              end: CRASH_T0 + 1e12,
              aggregation: '1h',
            });
            const folded = hourly.flatMap((r) => r.points).reduce((n, p) => n + p.count!, 0);
            assert.equal(folded, points.length, 'every sample is in the buckets exactly once');
            const head = (store.sql('SELECT COUNT(*) AS n FROM head')[0] as { n: number }).n;
            assert.ok(head < points.length, `the writer's maintenance moved samples out of the head (${head} left)`);
          } finally {
            store.close();
          }
        } finally {
          cleanup();
        }
      });
    });
  }
}
