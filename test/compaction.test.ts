/**
 * Long jobs run in bounded steps: while a rollup or compaction works through a large backlog,
 * ingest and queries go on between its steps, and every sample still ends up counted once.
 */
import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import Database from 'better-sqlite3';
import { DAY, MODES, T0, openStore, regularSamples } from './support/store.ts';

const SERIES = Array.from({ length: 20 }, (_, k) => ({ name: 'backlog', labels: { k: String(k) } }));

for (const mode of MODES) {
  describe(`bounded steps (${mode.name})`, () => {
    it('lets ingest and queries run between the steps of a long rollup and compaction', async () => {
      // The backlog waits in the head for the calls below (the store's own maintenance would fold it first).
      const s = openStore({ enableCompression: mode.enableCompression, autoMaintenance: false });
      try {
        const backlog = regularSamples(SERIES, T0, 15_000, 10_000, (k, i) => k + (i % 100));
        for (let i = 0; i < backlog.length; i += 50_000) await s.store.insertSamples(backlog.slice(i, i + 50_000));
        const order: string[] = [];
        const late = regularSamples(SERIES, T0 + 3 * DAY, 3, 10_000, () => 1);

        const aggregating = s.store.aggregate('1m').then(() => order.push('aggregate'));
        const during = s.store.insertSamples(late.slice(0, 20)).then((n) => order.push(`insert ${n}`));
        await Promise.all([aggregating, during]);
        assert.deepEqual(order, ['insert 20', 'aggregate'], 'the insert ran between rollup steps');

        for (const interval of s.store.intervals) await s.store.aggregate(interval);
        order.length = 0;
        const compacting = s.store.compact().then((moved) => order.push(`compact ${moved}`));
        const inserting = s.store.insertSamples(late.slice(20)).then((n) => order.push(`insert ${n}`));
        const reading = Promise.resolve().then(() => {
          const [r] = s.store.queryMetrics({
            metricName: 'backlog',
            labels: { k: '3' },
            start: T0,
            end: T0 + 4 * DAY,
            aggregation: '1h',
          });
          order.push(`query ${r!.points.reduce((n, p) => n + p.count!, 0)}`);
        });
        await Promise.all([compacting, inserting, reading]);
        assert.equal(order.at(-1), `compact ${backlog.length + 20}`, 'compaction finished last');
        assert.ok(order.includes('insert 40') && order.includes('query 15003'), order.join(', '));

        for (const interval of s.store.intervals) await s.store.aggregate(interval);
        await s.store.compact();
        for (const aggregation of ['raw', '1m', '1d'] as const) {
          const total = s.store
            .queryMetrics({ metricName: 'backlog', start: T0, end: T0 + 4 * DAY, aggregation, maxPoints: 100_000 })
            .reduce((n, r) => n + r.points.reduce((m, p) => m + (p.count ?? 1), 0), 0);
          assert.equal(total, backlog.length + late.length, `${aggregation}: every sample once`);
        }
      } finally {
        s.cleanup();
      }
    });
  });
}

for (const mode of MODES) {
  describe(`the rollup job (${mode.name})`, () => {
    it('rolls up and compacts in one call and keeps every interval exact, late samples included', async () => {
      // Automatic maintenance off: the moves counted are those of the explicit calls.
      const s = openStore({ enableCompression: mode.enableCompression, autoMaintenance: false });
      try {
        const first = regularSamples(SERIES, T0, 2_000, 10_000, (k, i) => k * 10 + (i % 7));
        await s.store.insertSamples(first);
        const { moved } = await s.store.rollUpAndCompact();
        assert.equal(moved, first.length);
        const late = regularSamples(SERIES, T0 + 5_000, 50, 10_000, () => 100);
        const next = regularSamples(SERIES, T0 + 2_000 * 10_000, 30, 10_000, () => 1);
        await s.store.insertSamples([...late, ...next]);
        assert.equal((await s.store.rollUpAndCompact()).moved, late.length + next.length);
        assert.equal((await s.store.rollUpAndCompact()).buckets, 0, 'a second run finds nothing new');
        const expectedSum = first.reduce((n, x) => n + x.value, 0) + late.length * 100 + next.length;
        for (const aggregation of ['1m', '5m', '1h', '1d'] as const) {
          const points = s.store
            .queryMetrics({ metricName: 'backlog', start: T0, end: T0 + DAY, aggregation })
            .flatMap((r) => r.points);
          assert.equal(
            points.reduce((n, p) => n + p.count!, 0),
            first.length + late.length + next.length,
            `${aggregation} count`,
          );
          assert.equal(
            points.reduce((n, p) => n + p.sum!, 0),
            expectedSum,
            `${aggregation} sum`,
          );
        }
      } finally {
        s.cleanup();
      }
    });
  });
}

describe('compaction of in-order samples (compressed)', () => {
  it('rewrites only the last chunk of a window, and cuts the chunks as one compaction of everything would', async () => {
    // One series at 1 s: 7,200 samples per two-hour window, ten chunks of 720.
    const series = [{ name: 'steady', labels: { k: '0' } }];
    const all = regularSamples(series, T0, 6_000, 1_000, (_, i) => (i % 500) / 4);
    const rounds = [all.slice(0, 2_500), all.slice(2_500, 4_000), all.slice(4_000)];
    const chunksOf = (s: ReturnType<typeof openStore>) =>
      s.store.sql('SELECT first_ts, last_ts, count, payload FROM chunks ORDER BY first_ts');
    const stepwise = openStore({ autoMaintenance: false });
    const atOnce = openStore({ autoMaintenance: false });
    try {
      await stepwise.store.insertSamples(rounds[0]!);
      await stepwise.store.rollUpAndCompact();
      const writes = new Database(stepwise.dbPath);
      writes.exec(`CREATE TABLE chunk_writes (kind TEXT NOT NULL);
        CREATE TRIGGER count_updates AFTER UPDATE ON chunks BEGIN INSERT INTO chunk_writes VALUES ('update'); END;
        CREATE TRIGGER count_inserts AFTER INSERT ON chunks BEGIN INSERT INTO chunk_writes VALUES ('insert'); END;`);
      const counted = (): Record<string, number> =>
        Object.fromEntries(
          (
            writes.prepare('SELECT kind, COUNT(*) AS n FROM chunk_writes GROUP BY kind').all() as {
              kind: string;
              n: number;
            }[]
          ).map((r) => [r.kind, r.n]),
        );
      await stepwise.store.insertSamples(rounds[1]!);
      await stepwise.store.rollUpAndCompact();
      // 2,500 samples left a last chunk of 340 (3 x 720 + 340); 1,500 more fill it and add two chunks.
      assert.deepEqual(counted(), { update: 1, insert: 2 }, 'only the last chunk was rewritten');
      await stepwise.store.insertSamples(rounds[2]!);
      await stepwise.store.rollUpAndCompact();
      writes.close();

      await atOnce.store.insertSamples(all);
      await atOnce.store.rollUpAndCompact();
      assert.deepEqual(chunksOf(stepwise), chunksOf(atOnce));
      const [r] = stepwise.store.queryMetrics({ metricName: 'steady', start: T0, end: T0 + DAY, aggregation: 'raw' });
      assert.deepEqual(
        r!.points,
        all.map((x) => ({ timestamp: x.timestamp, value: x.value })),
      );
    } finally {
      stepwise.cleanup();
      atOnce.cleanup();
    }
  });
});
