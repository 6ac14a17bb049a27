/**
 * One size of the scale run (`npm run bench -- --scale`, bench/run.ts runs it in a child process
 * per size, so that each size's memory is its own): loads a compressed store, with its automatic
 * maintenance on as a library user gets it, with `--samples` samples over 1,000 series (the
 * workload's 200 series on five instances, each with its own seed), a sample per series every 2
 * minutes; settles it; then times a one-day raw query of one series and a 30-day auto query (for
 * a chart 800 points wide: 1h buckets) of one metric on one instance (10 series), both ending at
 * the newest sample. So that the queries do the same work at every size and only the store
 * around them grows, the 10 queried series always hold the same 30 days (21,600 samples each;
 * fewer with the --quick sizes) and the other 990 series share the rest, ending at the same time,
 * so that they span more days the larger the store. The event loop turns after each batch, as
 * between a collector's batches, so the store's automatic maintenance runs during the load: the
 * ingest figures include it. Prints one JSON line. Ingest and settling are also given in CPU time,
 * which a machine shared with other work does not inflate as it does wall time.
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
const BATCH_SIZE = 10_000;
const T0 = Date.UTC(2026, 0, 1);
const QUERY_RUNS = 7;
/** The queried series: one metric on one instance. */
const QUERIED = { name: 'process_cpu_percent', instance: 'i0' };
const QUERIED_SERIES = workloadSeries().filter((s) => s.name === QUERIED.name).length;
const QUERIED_DAYS = 30;

/** Where each kind of series starts: the queried ones QUERIED_DAYS back (at most a quarter of the samples), the others as far back as the rest reaches. */
function plan(samples: number): { queriedFrom: number; othersFrom: number } {
  const queriedTicks = Math.min((QUERIED_DAYS * DAY_MS) / STEP_MS, Math.floor(samples / 4 / QUERIED_SERIES));
  const others = INSTANCES * workloadSeries().length - QUERIED_SERIES;
  const otherTicks = Math.floor((samples - queriedTicks * QUERIED_SERIES) / others);
  return { queriedFrom: T0 - queriedTicks * STEP_MS, othersFrom: T0 - otherTicks * STEP_MS };
}

/** Batches of BATCH_SIZE samples in time order, ending at T0 (see plan). */
function* scaleBatches(samples: number): Generator<MetricSample[]> {
  const { queriedFrom, othersFrom } = plan(samples);
  const start = Math.min(queriedFrom, othersFrom);
  // One tick of every series of an instance per step of its generator.
  const ticks = Array.from({ length: INSTANCES }, (_, k) =>
    workloadBatches({ start, samples: Infinity, batchSize: workloadSeries().length, intervalMs: STEP_MS, seed: k + 1 }),
  );
  let batch: MetricSample[] = [];
  for (let t = start; t < T0; t += STEP_MS) {
    ticks.forEach((generator, k) => {
      const instance = `i${k}`;
      for (const s of generator.next().value as MetricSample[]) {
        const queried = s.name === QUERIED.name && instance === QUERIED.instance;
        if (t >= (queried ? queriedFrom : othersFrom)) batch.push({ ...s, labels: { ...s.labels, instance } });
      }
    });
    if (batch.length >= BATCH_SIZE) {
      yield batch;
      batch = [];
    }
  }
  if (batch.length > 0) yield batch;
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
  let newest = -Infinity;
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
    metricName: QUERIED.name,
    labels: { process: 'main', instance: QUERIED.instance },
    start: end - DAY_MS,
    end,
    aggregation: 'raw',
  };
  const thirtyDays: MetricQuery = {
    metricName: QUERIED.name,
    labels: { instance: QUERIED.instance },
    start: end - 30 * DAY_MS,
    end,
    aggregation: 'auto',
    maxPoints: 800,
  };
  const [day] = store.queryMetrics(oneDay);
  const month = store.queryMetrics(thirtyDays);
  const mib = (bytes: number) => Math.round((bytes / 1048576) * 10) / 10;
  console.log(
    JSON.stringify({
      samples: store.getStats().samples,
      days: Math.round(((T0 - plan(samples).othersFrom) / DAY_MS) * 10) / 10,
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
