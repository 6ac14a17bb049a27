/**
 * The engine maintains itself: a library user who never calls the rollup job gets a folded,
 * compacted store equal to one maintained by hand; queries stay exact while the store's own job
 * runs; the option turns it off; an explicit call waits for it; a failed run is in the health and
 * retried; close() during it leaves a sound file with every acknowledged sample (and rows its
 * compaction marked moved, which the next job deletes). (Crash safety of the automatic path is in crash.test.ts.)
 */
import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { performance } from 'node:perf_hooks';
import { setImmediate as nextTurn, setTimeout as sleep } from 'node:timers/promises';
import Database from 'better-sqlite3';
import {
  DEFAULT_MAX_HEAD_ROWS,
  InvalidArgumentError,
  TimeSeriesStorage,
  type MetricQuery,
  type MetricSample,
  type StorageConfig,
} from '../storage/src/index.ts';
import { MINUTE, MODES, T0, headRows, openStore, regularSamples, type OpenedStore } from './support/store.ts';

const METRICS = ['auto_cpu_percent', 'auto_rss_bytes', 'auto_requests_total', 'auto_queue_depth'];
const SERIES = METRICS.flatMap((name) => Array.from({ length: 50 }, (_, k) => ({ name, labels: { host: `h${k}` } })));
const PER_SERIES = 1_000;
const TOTAL = SERIES.length * PER_SERIES;
const STEP_MS = 10_000;
const END = T0 + PER_SERIES * STEP_MS;

/** 200,000 samples over 200 series, integer values (so sums are exact in any order), counters rising with resets. */
function workload(): MetricSample[] {
  return regularSamples(SERIES, T0, PER_SERIES, STEP_MS, (k, i) =>
    SERIES[k]!.name.endsWith('_total') ? (i % 300) * (k + 1) : (k * 7 + i * 13) % 1_000,
  );
}

async function insertInBatches(store: TimeSeriesStorage, samples: MetricSample[], size: number): Promise<void> {
  for (let i = 0; i < samples.length; i += size) await store.insertSamples(samples.slice(i, i + size));
}

function everyQuery(store: TimeSeriesStorage): unknown[] {
  return METRICS.flatMap((metricName) =>
    (['raw', '1m', '1h'] as const).map((aggregation) =>
      store.queryMetrics({ metricName, start: T0, end: END, aggregation }),
    ),
  );
}

/** Samples and their sum as a query sees them, per resolution. */
function totals(store: TimeSeriesStorage, aggregation: MetricQuery['aggregation']): { count: number; sum: number } {
  let count = 0;
  let sum = 0;
  for (const metricName of METRICS) {
    for (const series of store.queryMetrics({ metricName, start: T0, end: END, aggregation })) {
      for (const p of series.points) {
        count += p.count ?? 1;
        sum += p.sum ?? p.value;
      }
    }
  }
  return { count, sum };
}

/** Waits, a turn of the event loop at a time, for a condition the store's own work brings about (with a generous guard). */
async function until(condition: () => boolean, what: string): Promise<void> {
  const started = performance.now();
  while (!condition()) {
    if (performance.now() - started > 10_000) assert.fail(`timed out waiting until ${what}`);
    await nextTurn();
  }
}

function withStore(config: Partial<StorageConfig>, run: (s: OpenedStore) => Promise<void>): Promise<void> {
  const s = openStore(config);
  return run(s).finally(() => s.cleanup());
}

for (const mode of MODES) {
  describe(`automatic maintenance (${mode.name})`, () => {
    it('leaves a store that was never maintained by hand equal to one that was, with its head (nearly) empty', async () => {
      const samples = workload();
      const auto = openStore({ enableCompression: mode.enableCompression });
      const byHand = openStore({ enableCompression: mode.enableCompression, autoMaintenance: false });
      try {
        await insertInBatches(auto.store, samples, 1_000);
        await auto.store.maintenanceIdle();
        await insertInBatches(byHand.store, samples, 1_000);
        await byHand.store.rollUpAndCompact();
        assert.ok(headRows(auto.store) < DEFAULT_MAX_HEAD_ROWS, `${headRows(auto.store)} rows left in the head`);
        assert.equal(headRows(byHand.store), 0);
        assert.deepEqual(everyQuery(auto.store), everyQuery(byHand.store));
        assert.equal(totals(auto.store, '1h').count, TOTAL);
      } finally {
        auto.cleanup();
        byHand.cleanup();
      }
    });

    it('answers queries exactly between the steps of its own job', () =>
      withStore({ enableCompression: mode.enableCompression }, async ({ store }) => {
        const samples = workload().slice(0, 2 * DEFAULT_MAX_HEAD_ROWS);
        const expected = { count: samples.length, sum: samples.reduce((n, s) => n + s.value, 0) };
        await insertInBatches(store, samples, 10_000); // no turn of the event loop: the job starts after
        assert.equal(headRows(store), samples.length);
        let idle = false;
        void store.maintenanceIdle().then(() => (idle = true));
        const heads = new Set<number>();
        let polls = 0;
        while (!idle) {
          heads.add(headRows(store));
          for (const aggregation of ['raw', '1m', '1h'] as const)
            assert.deepEqual(totals(store, aggregation), expected, `${aggregation} after ${polls} steps`);
          polls++;
          await nextTurn();
        }
        assert.ok(polls >= 3, `queries ran between ${polls} steps`);
        assert.ok(heads.size >= 2, 'the head shrank while the queries ran');
        assert.equal(headRows(store), 0);
        assert.deepEqual(totals(store, '1h'), expected);
      }));

    it('folds a head older than maxHeadAgeMs: at the next write by the store clock, else on its own timer', async () => {
      let now = T0;
      await withStore({ enableCompression: mode.enableCompression, now: () => now }, async ({ store }) => {
        await store.insertSamples(regularSamples(SERIES.slice(0, 2), T0, 10, 1_000, () => 1));
        await store.maintenanceIdle();
        assert.equal(headRows(store), 20, 'young and small: left in the head');
        now += MINUTE;
        await store.insertSamples(regularSamples(SERIES.slice(0, 2), T0 + 10_000, 1, 1_000, () => 1));
        await store.maintenanceIdle();
        assert.equal(headRows(store), 0, 'the oldest row waited a minute: folded');
      });
      await withStore(
        { enableCompression: mode.enableCompression, autoMaintenance: { maxHeadAgeMs: 20 } },
        async ({ store }) => {
          await store.insertSamples(regularSamples(SERIES.slice(0, 2), T0, 10, 1_000, () => 1));
          await until(() => headRows(store) === 0, 'the timer folded a quiet head');
          assert.equal(totals(store, '1h').count, 20);
        },
      );
    });

    it('folds nothing on its own with autoMaintenance: false', () =>
      withStore({ enableCompression: mode.enableCompression, autoMaintenance: false }, async ({ store }) => {
        await insertInBatches(store, workload().slice(0, 2 * DEFAULT_MAX_HEAD_ROWS), 5_000);
        await store.maintenanceIdle();
        await sleep(50);
        assert.equal(headRows(store), 2 * DEFAULT_MAX_HEAD_ROWS);
        assert.equal(store.sql('SELECT * FROM rollup_state WHERE cursor > 0').length, 0, 'no interval folded');
      }));

    it('makes an explicit rollUpAndCompact wait for its own job, then fold what came since', () =>
      withStore({ enableCompression: mode.enableCompression }, async ({ store }) => {
        const samples = workload();
        await store.insertSamples(samples.slice(0, 100_000));
        await nextTurn(); // the store's own job starts
        const explicit = store.rollUpAndCompact();
        await store.insertSamples(samples.slice(100_000, 100_050));
        await explicit;
        await store.rollUpAndCompact();
        await store.maintenanceIdle();
        assert.equal(headRows(store), 0);
        assert.equal(totals(store, '1h').count, 100_050);
        assert.deepEqual(store.getStats().problems, []);
      }));

    it('reports a failed run in the health, never as an unhandled rejection, and retries on its timer', async () => {
      const rejections: unknown[] = [];
      const onRejection = (reason: unknown) => rejections.push(reason);
      process.on('unhandledRejection', onRejection);
      const s = openStore({
        enableCompression: mode.enableCompression,
        autoMaintenance: { maxHeadRows: 100, maxHeadAgeMs: 20 },
      });
      try {
        const other = new Database(s.dbPath);
        other.exec(`CREATE TRIGGER refuse BEFORE INSERT ON rollup_1h BEGIN SELECT RAISE(ABORT, 'refused'); END`);
        await s.store.insertSamples(regularSamples(SERIES.slice(0, 2), T0, 100, 1_000, () => 1));
        await until(() => s.store.getStats().problems.some((p) => p.kind === 'job-failed'), 'the run failed');
        assert.deepEqual(
          s.store.getStats().problems.map((p) => [p.kind, p.subject]),
          [['job-failed', 'rollup']],
        );
        assert.equal(headRows(s.store), 200, 'nothing was folded');
        other.exec('DROP TRIGGER refuse');
        other.close();
        await until(() => headRows(s.store) === 0, 'a later run folded the head');
        await s.store.maintenanceIdle();
        assert.deepEqual(s.store.getStats().problems, []);
        assert.equal(totals(s.store, '1h').count, 200);
        assert.deepEqual(rejections, []);
      } finally {
        process.off('unhandledRejection', onRejection);
        s.cleanup();
      }
    });

    it('closes during its own job without an error, leaving a sound file with every sample', async () => {
      const rejections: unknown[] = [];
      const onRejection = (reason: unknown) => rejections.push(reason);
      process.on('unhandledRejection', onRejection);
      const s = openStore({ enableCompression: mode.enableCompression });
      try {
        const samples = workload();
        await insertInBatches(s.store, samples, 10_000);
        await until(() => headRows(s.store) < samples.length, 'the job began');
        assert.ok(headRows(s.store) > 0, 'closed before the job was done');
        const marks = (s.store.sql('SELECT COUNT(*) AS n FROM head_moved')[0] as { n: number }).n;
        assert.ok(marks > 0, 'closed inside a window: rows marked moved are still in the head table');
        const queued = s.store.rollUpAndCompact();
        s.store.close();
        await assert.rejects(queued, { code: 'STORE_CLOSED' });
        await sleep(50); // the job's next step would run here
        const check = new Database(s.dbPath, { readonly: true });
        assert.equal(check.pragma('integrity_check', { simple: true }), 'ok');
        check.close();
        const store = s.reopen({ autoMaintenance: false });
        assert.deepEqual(
          store.sql('SELECT COUNT(*) AS n FROM head_moved'),
          [{ n: 0 }],
          'the open deleted the marked rows',
        );
        assert.equal(totals(store, 'raw').count, samples.length);
        assert.equal(totals(store, '1h').count, samples.length);
        await store.rollUpAndCompact();
        assert.equal(totals(store, '1m').count, samples.length);
        assert.deepEqual(
          store.sql('SELECT (SELECT COUNT(*) FROM head) AS rows, (SELECT COUNT(*) FROM head_moved) AS marks'),
          [{ rows: 0, marks: 0 }],
        );
        assert.deepEqual(rejections, []);
      } finally {
        process.off('unhandledRejection', onRejection);
        s.cleanup();
      }
    });
  });
}

describe('automatic maintenance: configuration', () => {
  for (const autoMaintenance of [
    null,
    'yes',
    { maxHeadRows: 0 },
    { maxHeadRows: 1.5 },
    { maxHeadAgeMs: -1 },
    { maxHeadAgeMs: 2 ** 31 },
  ]) {
    it(`refuses ${JSON.stringify(autoMaintenance)} with INVALID_ARGUMENT`, () => {
      assert.throws(
        () => new TimeSeriesStorage({ dbPath: ':memory:', autoMaintenance: autoMaintenance as never }),
        InvalidArgumentError,
      );
    });
  }
});
