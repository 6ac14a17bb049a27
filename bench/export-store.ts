/**
 * Export through the engine (run by bench/run.ts in a child process, so the peak RSS is the
 * export's own): loads a compressed store with the workload, then exports every raw sample to
 * Parquet, anonymised, and prints one JSON line with the time, rows, bytes and memory.
 *
 *   node --import tsx bench/export-store.ts [--samples 1000000]
 */
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { parseArgs } from 'node:util';
import { TimeSeriesStorage } from '../storage/src/index.ts';
import { workloadBatches } from './workload.ts';

const { values } = parseArgs({ options: { samples: { type: 'string', default: '1000000' } } });
const samples = Number(values.samples);
const dir = mkdtempSync(join(tmpdir(), 'bench-export-'));
const store = new TimeSeriesStorage({ dbPath: join(dir, 'telemetry.db') });
try {
  for (const batch of workloadBatches({ start: Date.UTC(2026, 0, 1), samples, batchSize: 10_000 }))
    await store.insertSamples(batch);
  for (const interval of store.intervals) await store.aggregate(interval);
  await store.compact();
  const rssBefore = process.memoryUsage.rss();
  const t = performance.now();
  const result = await store.exportToParquet(join(dir, 'export.parquet'), { anonymize: true });
  const seconds = (performance.now() - t) / 1000;
  const mib = (bytes: number) => Math.round((bytes / 1048576) * 10) / 10;
  console.log(
    JSON.stringify({
      rows: result.rows,
      seconds,
      fileMiB: mib(result.bytes),
      rssBeforeMiB: mib(rssBefore),
      peakRssMiB: mib(process.resourceUsage().maxRSS * 1024),
    }),
  );
} finally {
  store.close();
  rmSync(dir, { recursive: true, force: true });
}
