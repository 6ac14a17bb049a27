/**
 * The histogram quantile figure of `npm run bench`: `quantile(0.99)` over 30 days of a 12-bucket
 * classic histogram sampled every 10 s (3.1 million bucket samples, compacted), at 1h resolution
 * (720 points), the median of five queries. Also runs alone:
 *
 *   node --import tsx bench/histogram-quantile.ts [--days 30]
 */
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { pathToFileURL } from 'node:url';
import { parseArgs } from 'node:util';
import { DAY_MS, TimeSeriesStorage, type MetricSample } from '../storage/src/index.ts';
import { seededRandom } from '../shared/random.ts';

const BOUNDS = ['0.005', '0.01', '0.025', '0.05', '0.1', '0.25', '0.5', '1', '2.5', '5', '10', '+Inf'];
const STEP = 10_000;
const T0 = Date.UTC(2026, 0, 1);
const REPEATS = 5;

/** Cumulative bucket counters: each 10 s adds up to 40 observations, spread over the buckets by a fixed latency profile. */
function* histogramBatches(days: number): Generator<MetricSample[]> {
  const random = seededRandom(9);
  const totals = BOUNDS.map(() => 0);
  let batch: MetricSample[] = [];
  for (let t = T0; t < T0 + days * DAY_MS; t += STEP) {
    const observations = Math.floor(random() * 40);
    let cumulative = 0;
    BOUNDS.forEach((le, k) => {
      cumulative = k === BOUNDS.length - 1 ? observations : Math.floor(observations * (1 - Math.exp(-(k + 1) / 3)));
      totals[k]! += cumulative;
      batch.push({ name: 'bench_latency_seconds_bucket', labels: { le }, value: totals[k]!, timestamp: t });
    });
    if (batch.length >= 12_000) {
      yield batch;
      batch = [];
    }
  }
  if (batch.length > 0) yield batch;
}

/** Loads the histogram into a fresh store and times the p99 query; returns a line for the report. */
export async function histogramQuantileFigure(days: number): Promise<string> {
  const dir = mkdtempSync(join(tmpdir(), 'bench-quantile-'));
  const store = new TimeSeriesStorage({ dbPath: join(dir, 'telemetry.db'), now: () => T0 + days * DAY_MS });
  try {
    let samples = 0;
    for (const batch of histogramBatches(days)) samples += await store.insertSamples(batch);
    await store.rollUpAndCompact();
    const query = {
      metricName: 'bench_latency_seconds',
      start: T0,
      end: T0 + days * DAY_MS,
      aggregation: '1h' as const,
      fn: 'quantile' as const,
      q: 0.99,
    };
    const times: number[] = [];
    let points = 0;
    for (let i = 0; i < REPEATS; i++) {
      const t = performance.now();
      points = store.queryMetrics(query)[0]?.points.length ?? 0;
      times.push(performance.now() - t);
    }
    const median = times.sort((a, b) => a - b)[Math.floor(REPEATS / 2)]!;
    return (
      `quantile(0.99) of a 12-bucket histogram over ${days} days (${samples.toLocaleString('en-US')} bucket samples ` +
      `every 10 s, compacted) at 1h: ${median.toFixed(1)} ms (median of ${REPEATS}), ${points} points.`
    );
  } finally {
    store.close();
    rmSync(dir, { recursive: true, force: true });
  }
}

if (import.meta.url === pathToFileURL(process.argv[1] ?? '').href) {
  const { values } = parseArgs({ options: { days: { type: 'string', default: '30' } } });
  console.log(await histogramQuantileFigure(Number(values.days)));
}
