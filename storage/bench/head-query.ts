/**
 * Queries over a large head benchmark (not a test): 200 series, 2,000 samples each (400,000), all
 * still in the head (automatic maintenance off), then the same queries after rollUpAndCompact;
 * prints the median times and their ratio. One series over the whole range, and one metric (ten
 * series) over it: raw, at 1h and auto; and one metric filtered by a label. The head's rows are read
 * through its per-series view (head/head-view.ts).
 *
 *   node --import tsx storage/bench/head-query.ts
 */
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { TimeSeriesStorage, type MetricQuery, type MetricSample } from '../src/index.ts';

const T0 = Date.UTC(2026, 0, 1);
const SERIES = 200;
const SAMPLES = 2_000;
const STEP_MS = 10_000;
const RUNS = 7;

function batchAt(i: number): MetricSample[] {
  return Array.from({ length: SERIES }, (_, k) => ({
    name: `bench_metric_${k % 20}`,
    labels: { host: `host-${Math.floor(k / 20)}` },
    value: i + k,
    timestamp: T0 + i * STEP_MS,
  }));
}

function medianMs(run: () => unknown): number {
  run();
  const times = Array.from({ length: RUNS }, () => {
    const started = performance.now();
    run();
    return performance.now() - started;
  });
  return times.sort((a, b) => a - b)[Math.floor(RUNS / 2)]!;
}

async function main(): Promise<void> {
  const dir = mkdtempSync(join(tmpdir(), 'head-query-bench-'));
  const store = new TimeSeriesStorage({
    dbPath: join(dir, 'telemetry.db'),
    now: () => T0 + SAMPLES * STEP_MS,
    autoMaintenance: false,
  });
  try {
    for (let i = 0; i < SAMPLES; i += 5) await store.insertSamples([0, 1, 2, 3, 4].flatMap((d) => batchAt(i + d)));
    const range = { start: T0, end: T0 + SAMPLES * STEP_MS, aggregation: 'raw' as const };
    const queries: Record<string, MetricQuery> = {
      'one series, whole range': { metricName: 'bench_metric_3', labels: { host: 'host-4' }, ...range },
      'one metric (10 series), whole range': { metricName: 'bench_metric_3', ...range },
      'one metric filtered by a label (host-2)': { metricName: 'bench_metric_3', labels: { host: 'host-2' }, ...range },
      'one series, whole range, 1h': {
        metricName: 'bench_metric_3',
        labels: { host: 'host-4' },
        ...range,
        aggregation: '1h',
      },
      'one metric (10 series), whole range, auto (maxPoints 100)': {
        metricName: 'bench_metric_3',
        ...range,
        aggregation: 'auto',
        maxPoints: 100,
      },
    };
    const inHead = Object.fromEntries(
      Object.entries(queries).map(([k, q]) => [k, medianMs(() => store.queryMetrics(q))]),
    );
    await store.rollUpAndCompact();
    console.table(
      Object.entries(queries).map(([name, q]) => {
        const settled = medianMs(() => store.queryMetrics(q));
        const points = store.queryMetrics(q).reduce((n, s) => n + s.points.length, 0);
        return {
          query: name,
          points,
          'all in the head, ms': inHead[name]!.toFixed(1),
          'after maintenance, ms': settled.toFixed(1),
          'head / settled': (inHead[name]! / settled).toFixed(1),
        };
      }),
    );
  } finally {
    store.close();
    rmSync(dir, { recursive: true, force: true });
  }
}

await main();
