/**
 * Export benchmark (not a test): streams generated raw rows through writeParquetExport and prints
 * the time (wall and CPU), file size and peak RSS. Rows are generated lazily in batches, as the
 * engine reads them, so the peak RSS measures the export, not a materialised data set. Every row
 * carries a metric type and, for half the metrics, a unit, and two labels (so the label map is
 * measured with the rest).
 *
 *   node --import tsx storage/bench/export.ts [--rows 1000000] [--anonymize] [--keep]
 */

import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { parseArgs } from 'node:util';
import { writeParquetExport } from '../src/export/parquet-export.ts';
import type { RawExportRow } from '../src/export/parquet-export.ts';
import type { ExportMetric } from '../src/export/export-metric.ts';
import type { Labels, MetricType } from '../src/types.ts';

interface BenchOptions {
  rows: number;
  anonymize: boolean;
  keep: boolean;
}

const BATCH_ROWS = 10_000;
const SERIES = 200;
const START_MS = Date.UTC(2024, 0, 1);

function options(): BenchOptions {
  const { values } = parseArgs({
    options: {
      rows: { type: 'string', default: '1000000' },
      anonymize: { type: 'boolean', default: false },
      keep: { type: 'boolean', default: false },
    },
  });
  const rows = Number(values.rows);
  if (!Number.isSafeInteger(rows) || rows < 0) throw new Error(`--rows must be a whole number, got ${values.rows}`);
  return { rows, anonymize: values.anonymize, keep: values.keep };
}

const TYPES: readonly MetricType[] = ['gauge', 'counter', 'unknown'];

/**
 * 200 series (shared label and metric objects, as the engine's series cache would hand them), 1 s
 * apart; a third each gauges, counters and untyped, every other metric with a unit.
 */
function* generatedRows(total: number): Generator<RawExportRow[]> {
  const series: { metricName: string; labels: Labels; metric: ExportMetric }[] = Array.from(
    { length: SERIES },
    (_, i) => ({
      metricName: `system.metric_${i % 20}`,
      labels: { host: `host-${i % 10}`, core: String(Math.floor(i / 20)) },
      metric: {
        type: TYPES[(i % 20) % TYPES.length] as MetricType,
        unit: i % 2 ? 'seconds' : null,
        family: `system.metric_${i % 20}`,
      },
    }),
  );
  for (let start = 0; start < total; start += BATCH_ROWS) {
    const batch: RawExportRow[] = [];
    for (let i = start; i < Math.min(start + BATCH_ROWS, total); i++) {
      const { metricName, labels, metric } = series[i % SERIES] as (typeof series)[number];
      batch.push({
        metricName,
        labels,
        metric,
        timestamp: START_MS + Math.floor(i / SERIES) * 1_000,
        value: Math.sin(i) * 100,
      });
    }
    yield batch;
  }
}

function mib(bytes: number): string {
  return `${(bytes / 2 ** 20).toFixed(1)} MiB`;
}

async function main(): Promise<void> {
  const { rows, anonymize, keep } = options();
  const dir = mkdtempSync(join(tmpdir(), 'export-bench-'));
  const rssBefore = process.memoryUsage().rss;
  const cpuBefore = process.cpuUsage();
  const started = performance.now();
  const result = await writeParquetExport({
    path: join(dir, 'bench.parquet'),
    source: 'raw',
    rows: generatedRows(rows),
    expectedRows: rows,
    anonymize,
    range: { start: START_MS, end: START_MS + rows * 1_000 },
  });
  const seconds = (performance.now() - started) / 1_000;
  const cpu = process.cpuUsage(cpuBefore);
  const peakRss = process.resourceUsage().maxRSS * 1024;
  console.table({
    rows: result.rows.toLocaleString('en-US'),
    anonymised: anonymize,
    time: `${seconds.toFixed(2)} s`,
    'CPU time': `${((cpu.user + cpu.system) / 1e6).toFixed(2)} s`,
    'rows/s': Math.round(result.rows / seconds).toLocaleString('en-US'),
    'file size': mib(result.bytes),
    'RSS before export': mib(rssBefore),
    'peak RSS': mib(peakRss),
  });
  if (keep) console.log(`kept ${result.path}`);
  else rmSync(dir, { recursive: true, force: true });
}

await main();
