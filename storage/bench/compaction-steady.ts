/**
 * Steady-state maintenance benchmark (not a test): 200 series at 10 samples/s each (2,000
 * samples/s) arrive in batches of 10 s by a simulated clock (the store's `now` option, so a window
 * passes faster than real time), and the store maintains itself (automatic maintenance, default
 * thresholds). After each batch the script waits for the store's own work and times every turn of
 * the event loop meanwhile: each is one maintenance step (one transaction), the longest time the
 * loop was held. Prints the p50, p99 and largest step, and the mean cost of a run (wall and CPU
 * time) in the first and the last tenth of the stretch, which should stay flat (compaction costs
 * what is new).
 *
 *   node --import tsx storage/bench/compaction-steady.ts [--minutes 10 | --full]
 *
 * --full runs a whole two-hour chunk window (14.4 M samples; minutes of real time).
 */
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { setImmediate as nextTurn } from 'node:timers/promises';
import { parseArgs } from 'node:util';
import { TimeSeriesStorage, type MetricSample } from '../src/index.ts';

const T0 = Date.UTC(2026, 0, 1);
const SERIES = 200;
const PER_SECOND = 10;
const BATCH_SECONDS = 10;
const WINDOW_MINUTES = 120;

function batchOfSamples(batch: number): MetricSample[] {
  const out: MetricSample[] = [];
  for (let i = 0; i < BATCH_SECONDS * PER_SECOND; i++) {
    const timestamp = T0 + batch * BATCH_SECONDS * 1000 + (i * 1000) / PER_SECOND;
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

/** Wall and CPU time of one step, ms. */
interface StepTime {
  wall: number;
  cpu: number;
}

/**
 * Times each turn of the event loop until the store's own maintenance is idle; each turn is one
 * step. The CPU time is the process's own, which a machine shared with other work does not inflate.
 */
async function stepTimes(store: TimeSeriesStorage): Promise<StepTime[]> {
  let idle = false;
  const done = store.maintenanceIdle().then(() => (idle = true));
  const steps: StepTime[] = [];
  let last = performance.now();
  let cpu = process.cpuUsage();
  while (!idle) {
    await nextTurn();
    const t = performance.now();
    const used = process.cpuUsage(cpu);
    steps.push({ wall: t - last, cpu: (used.user + used.system) / 1000 });
    last = t;
    cpu = process.cpuUsage();
  }
  await done;
  return steps;
}

function sumOf(times: StepTime[]): StepTime {
  return times.reduce((sum, t) => ({ wall: sum.wall + t.wall, cpu: sum.cpu + t.cpu }), { wall: 0, cpu: 0 });
}

function percentile(sorted: number[], p: number): number {
  return sorted[Math.min(sorted.length - 1, Math.floor((p / 100) * sorted.length))]!;
}

function options(): { minutes: number } {
  const { values } = parseArgs({ options: { minutes: { type: 'string', default: '10' }, full: { type: 'boolean' } } });
  return { minutes: values.full ? WINDOW_MINUTES : Number(values.minutes) };
}

async function main(): Promise<void> {
  const { minutes } = options();
  const batches = (minutes * 60) / BATCH_SECONDS;
  const dir = mkdtempSync(join(tmpdir(), 'compaction-steady-bench-'));
  let now = T0;
  const store = new TimeSeriesStorage({ dbPath: join(dir, 'telemetry.db'), now: () => now });
  const steps: StepTime[] = [];
  const runCost: StepTime[] = [];
  try {
    for (let batch = 0; batch < batches; batch++) {
      now = T0 + (batch + 1) * BATCH_SECONDS * 1000;
      await store.insertSamples(batchOfSamples(batch));
      const times = await stepTimes(store);
      steps.push(...times);
      if (times.length > 1) runCost.push(sumOf(times));
    }
  } finally {
    store.close();
    rmSync(dir, { recursive: true, force: true });
  }
  const tenth = Math.max(1, Math.floor(runCost.length / 10));
  const mean = (runs: StepTime[]): string => {
    const { wall, cpu } = sumOf(runs);
    return `${(wall / runs.length).toFixed(0)} ms (CPU ${(cpu / runs.length).toFixed(0)} ms)`;
  };
  const spread = (kind: keyof StepTime): string => {
    const sorted = steps.map((s) => s[kind]).sort((a, b) => a - b);
    const at = (p: number): string => percentile(sorted, p).toFixed(1);
    return `p50 ${at(50)} ms, p99 ${at(99)} ms, largest ${sorted.at(-1)!.toFixed(1)} ms`;
  };
  console.log(
    `Maintenance at 2,000 samples/s for ${minutes} simulated minutes, the store's own runs (${runCost.length}, ${steps.length} steps): ` +
      `step ${spread('wall')} (CPU: ${spread('cpu')}); a run costs ${mean(runCost.slice(0, tenth))} in the first tenth, ` +
      `${mean(runCost.slice(-tenth))} in the last.`,
  );
}

await main();
