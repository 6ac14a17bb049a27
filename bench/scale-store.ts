/**
 * One size of the scale run (`npm run bench -- --scale`, bench/run.ts runs it in a child process
 * per size, so that each size's memory is its own): loads a compressed store, with its automatic
 * maintenance on as a library user gets it, with `--samples` samples over 1,000 series (the
 * workload's 200 series on five instances, each with its own seed), one sample per series every
 * 2 minutes, so that every size holds more than a day; settles it; then times a one-day raw
 * query of one series and a 30-day auto query of one metric on one instance (10 series), both
 * ending at the newest sample. The event loop turns after each batch, as between a collector's
 * batches, so the store's automatic maintenance runs during the load: the ingest figures include
 * it. Prints one JSON line. Ingest and settling are also given in CPU
 * time, which a machine shared with other work does not inflate as it does wall time.
 *
 *   node --import tsx bench/scale-store.ts --samples 1000000
 */
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { setImmediate as nextTurn } from 'node:timers/promises';
import { parseArgs } from 'node:util';
import { DAY_MS, TimeSeriesStorage, type MetricQuery, type MetricSample } from '../storage/src/index.ts';
import { filesSize } from './designs/design.ts';
import { workloadBatches, workloadSeries } from './workload.ts';

const INSTANCES = 5;
const STEP_MS = 2 * 60_000;
/** Ticks of every series per batch: 10 × 1,000 series = batches of 10,000 samples. */
const TICKS_PER_BATCH = 10;
const T0 = Date.UTC(2026, 0, 1);
const QUERY_RUNS = 7;

/** Batches of samples of the 1,000 series, in time order, TICKS_PER_BATCH ticks each. */
function* scaleBatches(samples: number): Generator<MetricSample[]> {
  const perInstance = Math.floor(samples / INSTANCES);
  const batchSize = workloadSeries().length * TICKS_PER_BATCH;
  const generators = Array.from({ length: INSTANCES }, (_, k) =>
    workloadBatches({ start: T0, samples: perInstance, batchSize, intervalMs: STEP_MS, seed: k + 1 }),
  );
  for (;;) {
    const batch: MetricSample[] = [];
    generators.forEach((generator, k) => {
      const next = generator.next();
      if (!next.done) for (const s of next.value) batch.push({ ...s, labels: { ...s.labels, instance: `i${k}` } });
    });
    if (batch.length === 0) return;
    yield batch;
  }
}

/** CPU time (user + system) of a process.cpuUsage() difference, in ms. */
function cpuMs({ user, system }: NodeJS.CpuUsage): number {
  return (user + system) / 1000;
}

function median(values: number[]): number {
  return values.sort((a, b) => a - b)[Math.floor(values.length / 2)]!;
}

/** Median wall and CPU time of a query, ms. */
function timeQuery(run: () => unknown): { wallMs: number; cpuMs: number } {
  const runs = Array.from({ length: QUERY_RUNS }, () => {
    const [started, cpu] = [performance.now(), process.cpuUsage()];
    run();
    return { wall: performance.now() - started, cpu: cpuMs(process.cpuUsage(cpu)) };
  });
  return { wallMs: median(runs.map((r) => r.wall)), cpuMs: median(runs.map((r) => r.cpu)) };
}

const { values } = parseArgs({ options: { samples: { type: 'string', default: '1000000' } } });
const samples = Number(values.samples);
const dir = mkdtempSync(join(tmpdir(), 'bench-scale-'));
const dbPath = join(dir, 'telemetry.db');
let clock = T0;
const store = new TimeSeriesStorage({ dbPath, now: () => clock });
try {
  let ingestMs = 0;
  let ingestCpuMs = 0;
  let newest = T0;
  for (const batch of scaleBatches(samples)) {
    newest = batch.reduce((max, s) => Math.max(max, s.timestamp), newest);
    clock = newest;
    const [started, cpu] = [performance.now(), process.cpuUsage()];
    await store.insertSamples(batch);
    // As a collector between batches, the event loop turns: the store's own maintenance runs then.
    await nextTurn();
    ingestMs += performance.now() - started;
    ingestCpuMs += cpuMs(process.cpuUsage(cpu));
  }
  const [settleStarted, settleCpu] = [performance.now(), process.cpuUsage()];
  await store.maintenanceIdle();
  await store.rollUpAndCompact();
  const settleMs = performance.now() - settleStarted;
  const settleCpuMs = cpuMs(process.cpuUsage(settleCpu));
  store.checkpoint();
  const end = newest + 1;
  const oneDay: MetricQuery = {
    metricName: 'process_cpu_percent',
    labels: { process: 'main', instance: 'i0' },
    start: end - DAY_MS,
    end,
    aggregation: 'raw',
  };
  const thirtyDays: MetricQuery = {
    metricName: 'process_cpu_percent',
    labels: { instance: 'i0' },
    start: end - 30 * DAY_MS,
    end,
    aggregation: 'auto',
  };
  const [day] = store.queryMetrics(oneDay);
  const month = store.queryMetrics(thirtyDays);
  const mib = (bytes: number) => Math.round((bytes / 1048576) * 10) / 10;
  console.log(
    JSON.stringify({
      samples: store.getStats().samples,
      days: Math.round(((newest - T0) / DAY_MS) * 10) / 10,
      ingestPerSecond: Math.round((samples / ingestMs) * 1000),
      ingestPerCpuSecond: Math.round((samples / ingestCpuMs) * 1000),
      settleMs: Math.round(settleMs),
      settleCpuMsPerMillion: Math.round((settleCpuMs / samples) * 1e6),
      bytesPerSample: filesSize(dbPath, `${dbPath}-wal`) / samples,
      oneDay: timeQuery(() => store.queryMetrics(oneDay)),
      oneDayPoints: day?.points.length ?? 0,
      thirtyDayAuto: timeQuery(() => store.queryMetrics(thirtyDays)),
      thirtyDayResolution: month[0]?.resolution,
      thirtyDayPoints: month.reduce((n, s) => n + s.points.length, 0),
      rssMiB: mib(process.memoryUsage.rss()),
      peakRssMiB: mib(process.resourceUsage().maxRSS * 1024),
    }),
  );
} finally {
  store.close();
  rmSync(dir, { recursive: true, force: true });
}
