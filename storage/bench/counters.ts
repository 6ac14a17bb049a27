/**
 * Counter rate benchmark (not a test): one counter and one gauge sampled every 10 s for 30 days,
 * rolled up and compacted, the last hour still in the head. Times (medians) the rate over the 30
 * days at the resolution `auto` picks for 800 points: served from the rollups (counterPoints),
 * computed from the raw samples (readRaw + counterPointsFromRaw, the reference), and the same query
 * for the gauge (readBuckets); prints them and their ratios, per storage mode. `npm run bench` runs
 * it; --quick makes the span 3 days.
 *
 *   node --import tsx storage/bench/counters.ts [--quick]
 */
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { DAY_MS, HOUR_MS } from '../../shared/constants.ts';
import { counterPoints, counterPointsFromRaw } from '../src/query/counters.ts';
import { readBuckets, readRaw, slotCount, type QueryContext } from '../src/query/query.ts';
import { TimeSeriesStorage } from '../src/storage.ts';
import { INTERVALS, type MetricSample } from '../src/types.ts';

const DAYS = process.argv.includes('--quick') ? 3 : 30;
const STEP_MS = 10_000;
const MAX_POINTS = 800;
const REPEATS = 7;
const T0 = Date.UTC(2026, 0, 1);
const END = T0 + DAYS * DAY_MS;

function median(values: number[]): number {
  return [...values].sort((a, b) => a - b)[Math.floor(values.length / 2)]!;
}

function timed(fn: () => unknown): number {
  const times: number[] = [];
  for (let i = 0; i < REPEATS; i++) {
    const t = performance.now();
    fn();
    times.push(performance.now() - t);
  }
  return median(times);
}

/** Samples of the counter (restarting every 9 days) and the gauge in [from, to). */
function samples(from: number, to: number): MetricSample[] {
  const out: MetricSample[] = [];
  for (let t = from; t < to; t += STEP_MS) {
    const i = (t - T0) / STEP_MS;
    out.push({ name: 'requests_total', value: (i % 77_760) * 3 + (i % 7), timestamp: t });
    out.push({ name: 'temperature', value: 20 + Math.sin(i / 500) * 5, timestamp: t });
  }
  return out;
}

async function scenario(enableCompression: boolean): Promise<Record<string, number | string>> {
  const dir = mkdtempSync(join(tmpdir(), 'counters-bench-'));
  const store = new TimeSeriesStorage({ dbPath: join(dir, 'telemetry.db'), enableCompression, now: () => END });
  try {
    for (let t = T0; t < END - HOUR_MS; t += DAY_MS / 4)
      await store.insertSamples(samples(t, Math.min(t + DAY_MS / 4, END - HOUR_MS)));
    await store.rollUpAndCompact();
    await store.insertSamples(samples(END - HOUR_MS, END));
    const ctx = (store as unknown as { queryContext(): QueryContext }).queryContext();
    const [counter, gauge] = ['requests_total', 'temperature'].map((n) => ctx.registry.match(n, undefined)[0]!.id);
    const interval = INTERVALS.find((i) => slotCount(i, T0, END) <= MAX_POINTS) ?? '1d';
    const served = counterPoints(ctx, counter!, interval, T0, END, 'rate');
    const fromRaw = counterPointsFromRaw(readRaw(ctx, counter!, 0, END), interval, T0, END, 'rate');
    if (JSON.stringify(served) !== JSON.stringify(fromRaw))
      throw new Error('the served rate differs from the reference');
    const rollupMs = timed(() => counterPoints(ctx, counter!, interval, T0, END, 'rate'));
    const rawMs = timed(() => counterPointsFromRaw(readRaw(ctx, counter!, 0, END), interval, T0, END, 'rate'));
    const gaugeMs = timed(() => readBuckets(ctx, interval, gauge!, T0, END));
    return {
      mode: enableCompression ? 'compressed' : 'uncompressed',
      resolution: `${interval} (${served.length} points)`,
      'rate from the rollups, ms': +rollupMs.toFixed(3),
      'rate from raw samples, ms': +rawMs.toFixed(3),
      'gauge buckets, ms': +gaugeMs.toFixed(3),
      'raw / rollups': +(rawMs / rollupMs).toFixed(1),
      'rollups / gauge': +(rollupMs / gaugeMs).toFixed(2),
    };
  } finally {
    store.close();
    rmSync(dir, { recursive: true, force: true });
  }
}

const rows = [await scenario(true), await scenario(false)];
console.log(
  `\nCounter rate over ${DAYS} days of one series sampled every 10 s, auto resolution for ${MAX_POINTS} points:`,
);
console.table(rows);
