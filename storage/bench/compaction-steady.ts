/**
 * Steady-state compaction benchmark (not a test): 200 series at 10 samples/s each (2,000 samples/s),
 * one rollUpAndCompact per simulated minute through one two-hour chunk window (--minutes, default
 * 30); prints the time of each run at a few points and the slowest. Compaction should cost what is
 * new, so the runs stay flat as the window fills.
 *
 *   node --import tsx storage/bench/compaction-steady.ts [--minutes 30]
 */
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { parseArgs } from 'node:util';
import { TimeSeriesStorage, type MetricSample } from '../src/index.ts';

const T0 = Date.UTC(2026, 0, 1);
const SERIES = 200;
const PER_SECOND = 10;
const MINUTE_MS = 60_000;

function minuteOfSamples(minute: number): MetricSample[] {
  const out: MetricSample[] = [];
  for (let i = 0; i < 60 * PER_SECOND; i++) {
    const timestamp = T0 + minute * MINUTE_MS + (i * 1000) / PER_SECOND;
    for (let k = 0; k < SERIES; k++) {
      out.push({
        name: `steady_${k % 20}`,
        labels: { host: `h${Math.floor(k / 20)}` },
        value: (i % 100) + k,
        timestamp,
      });
    }
  }
  return out;
}

async function main(): Promise<void> {
  const minutes = Number(parseArgs({ options: { minutes: { type: 'string', default: '30' } } }).values.minutes);
  const dir = mkdtempSync(join(tmpdir(), 'compaction-steady-bench-'));
  let now = T0;
  const store = new TimeSeriesStorage({ dbPath: join(dir, 'telemetry.db'), now: () => now, autoMaintenance: false });
  const runs: number[] = [];
  try {
    for (let minute = 0; minute < minutes; minute++) {
      const samples = minuteOfSamples(minute);
      for (let i = 0; i < samples.length; i += 10_000) await store.insertSamples(samples.slice(i, i + 10_000));
      now = T0 + (minute + 1) * MINUTE_MS;
      const started = performance.now();
      await store.rollUpAndCompact();
      runs.push(performance.now() - started);
    }
  } finally {
    store.close();
    rmSync(dir, { recursive: true, force: true });
  }
  const at = (minute: number): string => `${runs[Math.min(minute, runs.length) - 1]!.toFixed(0)} ms`;
  console.log(
    `rollUpAndCompact at 2,000 samples/s, one run per minute: minute 1 ${at(1)}, minute 10 ${at(10)}, ` +
      `minute ${runs.length} ${at(runs.length)}, slowest ${Math.max(...runs).toFixed(0)} ms`,
  );
}

await main();
