/**
 * The export's reads follow the data, not the span: on a real store file, a series with one sample
 * in 1970 and one in 9999 is exported (raw and as buckets) with a handful of reads of the head, the
 * tier and the rollups, counted by observing the engine's own components.
 */
import { inferMetricType, type MetricCatalog } from '../src/metrics/catalog.ts';
import assert from 'node:assert/strict';
import { join } from 'node:path';
import { describe, it } from 'node:test';
import { openDatabase, type Db } from '../src/db/connection.ts';
import { countBucketRows, rawExportRows, rollupExportRows, type ExportScope } from '../src/export/export-rows.ts';
import { Head } from '../src/head/head.ts';
import { StoreHealth } from '../src/health.ts';
import { MAX_TIMESTAMP } from '../src/ingest/validate.ts';
import type { QueryContext } from '../src/query/query.ts';
import { counterSeriesOf } from '../src/rollup/counter-series.ts';
import { Rollups } from '../src/rollup/rollups.ts';
import { SeriesRegistry } from '../src/series/registry.ts';
import { TimeSeriesStorage } from '../src/storage.ts';
import { ChunkTier } from '../src/tier/chunk-tier.ts';
import { RowTier } from '../src/tier/row-tier.ts';
import { INTERVALS } from '../src/types.ts';
import { MODES, tempDir } from '../../test/support/store.ts';

/** Wraps a component so that every method call on it is counted in `calls`. */
function counted<T extends object>(target: T, calls: { n: number }): T {
  return new Proxy(target, {
    get(obj, key) {
      const member = Reflect.get(obj, key, obj) as unknown;
      if (typeof member !== 'function') return member;
      return (...args: unknown[]) => {
        calls.n++;
        return (member as (...a: unknown[]) => unknown).apply(obj, args);
      };
    },
  });
}

/** The engine's query context over an existing store file, its head, tier and rollups counted. */
function countedContext(db: Db, compressed: boolean, calls: { n: number }): QueryContext {
  const head = new Head(db);
  const health = new StoreHealth(Date.now);
  const registry = new SeriesRegistry(db, 10_000, health);
  const tier = compressed ? new ChunkTier(db, health) : new RowTier(db);
  const catalog: MetricCatalog = {
    metadata: (name) => ({ name, type: inferMetricType(name, (n) => registry.ofMetric(n).length > 0) }),
  };
  return {
    registry,
    catalog,
    head: counted(head, calls),
    tier: counted(tier, calls),
    rollups: counted(new Rollups(db, head, tier, INTERVALS, counterSeriesOf(registry, catalog)), calls),
  };
}

for (const mode of MODES) {
  describe(`export reads (${mode.name})`, () => {
    it('walks only the windows that hold data: 1970 and 9999 in a few reads, not millions', async () => {
      const { dir, cleanup } = tempDir('export-rows-');
      const dbPath = join(dir, 'telemetry.db');
      const store = new TimeSeriesStorage({ dbPath, enableCompression: mode.enableCompression });
      let db: Db | undefined;
      try {
        await store.insertSamples([
          { name: 'span', value: 1, timestamp: 0 },
          { name: 'span', value: 2, timestamp: MAX_TIMESTAMP },
        ]);
        await store.rollUpAndCompact();
        await store.insertSamples([{ name: 'span', value: 3, timestamp: 1 }]); // one more in the head
        store.close();
        db = openDatabase(dbPath, true);
        const calls = { n: 0 };
        const ctx = countedContext(db, mode.enableCompression, calls);
        const scope: ExportScope = { series: [...ctx.registry.all()], start: 0, end: MAX_TIMESTAMP + 1 };
        const raw = [...rawExportRows(ctx, scope)].flat();
        assert.deepEqual(
          raw.map((r) => [r.timestamp, r.value]),
          [
            [0, 1],
            [1, 3],
            [MAX_TIMESTAMP, 2],
          ],
        );
        assert.ok(calls.n <= 20, `raw export: ${calls.n} reads`);
        for (const interval of INTERVALS) {
          calls.n = 0;
          const buckets = [...rollupExportRows(ctx, interval, scope)].flat();
          assert.deepEqual(
            buckets.map((b) => b.count),
            [2, 1],
            interval,
          );
          assert.equal(countBucketRows(ctx, interval, scope), 2);
          assert.ok(calls.n <= 60, `${interval} export: ${calls.n} reads`);
        }
      } finally {
        db?.close();
        store.close();
        cleanup();
      }
    });
  });
}
