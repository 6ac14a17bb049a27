/**
 * Long jobs run in bounded steps: while a rollup or compaction works through a large backlog,
 * ingest and queries go on between its steps, and every sample still ends up counted once.
 */
import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
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
      const s = openStore({ enableCompression: mode.enableCompression });
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
