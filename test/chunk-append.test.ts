/**
 * Compressed compaction of in-order samples a little at a time (as automatic maintenance moves
 * them): each small run is a chunk of its own, nothing decoded or rewritten, until the window's
 * partial chunks fill a chunk or are too many, when they are rewritten into full ones; a series
 * reaching a new window leaves its previous window cut as one compaction of everything would cut
 * it. Every query stays exact throughout.
 */
import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { HOUR, T0, openStore, regularSamples } from './support/store.ts';

const SERIES = [{ name: 'steady', labels: { k: '0' } }];
/** One sample a second: 7,200 per two-hour window, chunks of 720. */
const STEP_MS = 1_000;

describe('compaction a little at a time (compressed)', () => {
  it('writes small runs as chunks of their own, then rewrites them into full chunks, and closes a window as a whole compaction would', async () => {
    const all = regularSamples(SERIES, T0, 7_500, STEP_MS, (_, i) => Math.round(Math.sin(i / 50) * 1e4) / 100);
    const stepwise = openStore({ autoMaintenance: false });
    const atOnce = openStore({ autoMaintenance: false });
    try {
      const chunks = (s: ReturnType<typeof openStore>, before = T0 + 2 * HOUR) =>
        s.store.sql(
          `SELECT first_ts, last_ts, count, payload FROM chunks WHERE first_ts < ${before} ORDER BY first_ts`,
        );
      const counts = (s: ReturnType<typeof openStore>) => chunks(s).map((c) => (c as { count: number }).count);
      const compactNext = async (from: number, to: number) => {
        await stepwise.store.insertSamples(all.slice(from, to));
        await stepwise.store.rollUpAndCompact();
        const [raw] = stepwise.store.queryMetrics({
          metricName: 'steady',
          start: T0,
          end: T0 + 3 * HOUR,
          aggregation: 'raw',
        });
        assert.deepEqual(
          raw!.points.map((p) => [p.timestamp, p.value]),
          all.slice(0, to).map((s) => [s.timestamp, s.value]),
          `every sample after ${to}`,
        );
      };
      for (let k = 1; k <= 7; k++) await compactNext((k - 1) * 100, k * 100);
      assert.deepEqual(counts(stepwise), [100, 100, 100, 100, 100, 100, 100], 'seven runs, seven chunks');
      await compactNext(700, 800);
      assert.deepEqual(counts(stepwise), [720, 80], 'filled a chunk: rewritten as a full one and the rest');
      await compactNext(800, 900);
      await compactNext(900, 1_000);
      assert.deepEqual(counts(stepwise), [720, 80, 100, 100]);
      // Up to the end of the window in runs below a chunk: never more than MAX_PARTIAL_CHUNKS (8) partial ones.
      for (let from = 1_000; from < 7_200; from += 100) {
        await compactNext(from, from + 100);
        const partial = counts(stepwise).filter((n) => n < 720).length;
        assert.ok(partial <= 8, `${partial} partial chunks after ${from + 100} samples`);
      }
      // The series reaches the next window: the previous one is left as one compaction of everything leaves it.
      await compactNext(7_200, 7_500);
      await atOnce.store.insertSamples(all);
      await atOnce.store.rollUpAndCompact();
      assert.deepEqual(
        counts(stepwise),
        Array.from({ length: 10 }, () => 720),
      );
      assert.deepEqual(chunks(stepwise), chunks(atOnce), 'the closed window is cut and encoded as at once');
    } finally {
      stepwise.cleanup();
      atOnce.cleanup();
    }
  });
});

describe('compaction from the head (both modes)', () => {
  for (const enableCompression of [true, false]) {
    it(`moves every row past a gap in head ids wider than a step (${enableCompression ? 'compressed' : 'uncompressed'})`, async () => {
      const s = openStore({ enableCompression, autoMaintenance: false });
      try {
        // 30,000 head ids of a series deleted before compaction, then the rows that stay.
        await s.store.insertSamples(regularSamples([{ name: 'gone' }], T0, 30_000, STEP_MS, (_, i) => i));
        const kept = regularSamples([{ name: 'kept' }], T0, 5_000, STEP_MS, (_, i) => i / 4);
        await s.store.insertSamples(kept);
        assert.equal(s.store.deleteSeries({ metricName: 'gone', labels: {} }), 30_000);
        const { moved } = await s.store.rollUpAndCompact();
        assert.equal(moved, 5_000);
        assert.deepEqual(s.store.sql('SELECT COUNT(*) AS n FROM head'), [{ n: 0 }], 'the head is empty');
        const [raw] = s.store.queryMetrics({ metricName: 'kept', start: T0, end: T0 + 2 * HOUR, aggregation: 'raw' });
        assert.deepEqual(
          raw!.points.map((p) => [p.timestamp, p.value]),
          kept.map((k) => [k.timestamp, k.value]),
        );
      } finally {
        s.cleanup();
      }
    });
  }
});
