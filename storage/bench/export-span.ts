/**
 * Export over a wide span benchmark (not a test): one series with a sample in 1970 and one in 9999,
 * exported raw and as 1m buckets from both tiers; prints each export's time. The export walks only
 * where the series has data, so the time follows the two rows, not the 8,000 years between them.
 *
 *   node --import tsx storage/bench/export-span.ts
 */

import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { MAX_TIMESTAMP, TimeSeriesStorage } from '../src/index.ts';

async function main(): Promise<void> {
  const figures: Record<string, string>[] = [];
  for (const enableCompression of [true, false]) {
    const dir = mkdtempSync(join(tmpdir(), 'export-span-bench-'));
    const store = new TimeSeriesStorage({ dbPath: join(dir, 'telemetry.db'), enableCompression, retentionDays: 3650 });
    try {
      await store.insertSamples([
        { name: 'span', value: 1, timestamp: 0 },
        { name: 'span', value: 2, timestamp: MAX_TIMESTAMP },
      ]);
      await store.rollUpAndCompact();
      for (const source of ['raw', '1m'] as const) {
        const started = performance.now();
        const result = await store.exportToParquet(join(dir, `${source}.parquet`), { source });
        figures.push({
          tier: enableCompression ? 'compressed' : 'uncompressed',
          source,
          rows: String(result.rows),
          time: `${(performance.now() - started).toFixed(1)} ms`,
        });
      }
    } finally {
      store.close();
      rmSync(dir, { recursive: true, force: true });
    }
  }
  console.table(figures);
}

await main();
