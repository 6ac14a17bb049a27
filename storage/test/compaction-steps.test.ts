/**
 * Compaction moves the head series by series (tier/compaction.ts): a step moves whole series (the
 * oldest rows of one larger than a step), folds what the stored rollups have not, and the stored
 * intervals' cursors advance only in a window's last step. Between any two steps of the rollup job, every query (raw samples, every
 * interval, counter increase) answers exactly what the same store answers once settled, late
 * samples and a series larger than a step included. The steps of a job's first window (a steady
 * run of automatic maintenance) move at most STEP_ROWS rows each.
 */
import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { setImmediate as nextTurn } from 'node:timers/promises';
import type { MetricQuery, MetricSample, TimeSeriesStorage } from '../src/index.ts';
import { FIRST_WINDOW_ROWS, STEP_ROWS } from '../src/tier/compaction.ts';
import { DAY, MODES, T0, headRows, openStore, regularSamples } from '../../test/support/store.ts';

const SMALL = [
  ...Array.from({ length: 6 }, (_, k) => ({ name: 'steps_requests_total', labels: { host: `h${k}` } })),
  ...Array.from({ length: 6 }, (_, k) => ({ name: 'steps_queue_depth', labels: { host: `h${k}` } })),
];
const BIG = [{ name: 'steps_big_total', labels: { host: 'big' } }];
const STEP_MS = 10_000;
const END = T0 + 2 * DAY;

/** Integer values (sums exact in any order); the counters rise with resets. */
function value(name: string, k: number, i: number): number {
  return name.endsWith('_total') ? (i % 250) * (k + 1) : (k * 7 + i * 13) % 500;
}

/**
 * What is settled before the job (so that its moves merge into stored chunks), then the head it
 * compacts, more than the first window: new samples of every series (the big series' more than
 * STEP_ROWS), and late ones (between stored and between head samples) that arrive after them.
 */
function workload(): { settled: MetricSample[]; head: MetricSample[] } {
  const sample = (series: typeof SMALL, start: number, count: number, step: number) =>
    regularSamples(series, start, count, step, (k, i) => value(series[k]!.name, k, i));
  const settled = [...sample(SMALL, T0, 300, STEP_MS), ...sample(BIG, T0, 300, STEP_MS)];
  const fresh = [
    ...sample(SMALL, T0 + 300 * STEP_MS, 400, STEP_MS),
    ...sample(BIG, T0 + DAY, FIRST_WINDOW_ROWS, 1_000),
  ];
  const late = [...sample(SMALL, T0 + 5_000, 40, 7 * STEP_MS), ...sample(BIG, T0 + DAY + 500, 300, 20_000)];
  return { settled, head: [...fresh, ...late] };
}

function everyQuery(store: TimeSeriesStorage): unknown[] {
  const queries: MetricQuery[] = [];
  for (const metricName of ['steps_requests_total', 'steps_queue_depth', 'steps_big_total']) {
    for (const aggregation of ['raw', '1m', '5m', '1h', '1d'] as const) {
      queries.push({ metricName, start: T0, end: END, aggregation, maxPoints: 100_000 });
    }
  }
  for (const metricName of ['steps_requests_total', 'steps_big_total']) {
    for (const aggregation of ['1m', '1h'] as const)
      queries.push({ metricName, start: T0, end: END, aggregation, fn: 'increase' });
  }
  // And the plain SQL views, which add the head rows compaction has not moved yet.
  const views = ['raw', '1m', '1h'].map((interval) =>
    store.sql(
      `SELECT metric_name, labels, COUNT(*) AS n, SUM(${interval === 'raw' ? 'value' : 'count'}) AS total
       FROM metrics_${interval} GROUP BY metric_name, labels ORDER BY metric_name, labels`,
    ),
  );
  return [...queries.map((q) => store.queryMetrics(q)), ...views];
}

for (const mode of MODES) {
  describe(`compaction steps (${mode.name})`, () => {
    it('answers every query as the settled store does between any two steps, moving at most STEP_ROWS per step of the first window', async () => {
      const { settled, head } = workload();
      const subject = openStore({ enableCompression: mode.enableCompression, autoMaintenance: false });
      const reference = openStore({ enableCompression: mode.enableCompression, autoMaintenance: false });
      try {
        for (const s of [subject, reference]) {
          await s.store.insertSamples(settled);
          await s.store.rollUpAndCompact();
          await s.store.insertSamples(head);
        }
        await reference.store.rollUpAndCompact();
        const expected = everyQuery(reference.store);
        // The tier-derived intervals fold the head first: the job must rebuild their buckets of what it moves.
        for (const interval of ['1m', '5m'] as const) await subject.store.aggregate(interval);

        let done = false;
        const job = subject.store.rollUpAndCompact().then((result) => ((done = true), result));
        const heads = [headRows(subject.store)];
        while (!done) {
          assert.deepEqual(everyQuery(subject.store), expected, `between steps, ${heads.at(-1)} head rows left`);
          await nextTurn();
          heads.push(headRows(subject.store));
        }
        assert.equal((await job).moved, head.length);
        assert.equal(heads.at(-1), 0);
        // The first window's steps move STEP_ROWS rows at most; the backlog beyond it moves in one.
        const firstWindow = heads.filter((rows) => heads[0]! - rows < FIRST_WINDOW_ROWS);
        assert.ok(
          firstWindow.length >= FIRST_WINDOW_ROWS / STEP_ROWS,
          `${firstWindow.length} steps in the first window`,
        );
        firstWindow.forEach((rows, i) => {
          const moved = rows - heads[i + 1]!;
          assert.ok(moved <= STEP_ROWS, `a step of the first window moved ${moved} rows`);
        });
        assert.ok(heads[firstWindow.length]! > 0, 'a backlog beyond the first window');
        assert.deepEqual(everyQuery(subject.store), expected);
      } finally {
        subject.cleanup();
        reference.cleanup();
      }
    });
  });
}
