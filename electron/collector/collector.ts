/**
 * The collector: every 10 s it measures the app itself (CPU, memory and event-loop delay of each
 * process, database and WAL size, samples ingested, the panel API's calls and their latency) and
 * the machine (load, free memory) and writes the samples through the engine's MetricsSink; at start
 * it declares the type, unit and help of every metric it records (metric-catalog.ts). The storage host measures itself and the store;
 * the process that owns the host (Electron main or the preview server) measures itself (and the
 * renderer, where Electron tells it) and sends its samples to the host.
 */
import { freemem, loadavg } from 'node:os';
import { monitorEventLoopDelay, performance, type IntervalHistogram } from 'node:perf_hooks';
import type { MetricSample, MetricsSink, TimeSeriesStorage } from '../../storage/src/index.ts';
import { METRIC, METRIC_METADATA, type MetricName, type ProcessRole } from './metric-catalog.ts';
import type { PanelCallStats } from './panel-calls.ts';
import { atReportedPrecision } from './units.ts';

export const COLLECT_EVERY_MS = 10_000;

const NS_PER_MS = 1e6;

/** Measures the current Node process: CPU since the previous sample, memory, event-loop delay. */
export class ProcessSampler {
  readonly role: ProcessRole;
  private cpu = process.cpuUsage();
  private at = performance.now();
  private readonly delay: IntervalHistogram = monitorEventLoopDelay({ resolution: 10 });

  constructor(role: ProcessRole) {
    this.role = role;
    this.delay.enable();
  }

  sample(timestamp: number): MetricSample[] {
    const cpu = process.cpuUsage(this.cpu);
    const now = performance.now();
    const cpuPercent = ((cpu.user + cpu.system) / 1000 / Math.max(now - this.at, 1)) * 100;
    this.cpu = process.cpuUsage();
    this.at = now;
    const memory = process.memoryUsage();
    const labels = { process: this.role };
    const samples: MetricSample[] = [
      { name: METRIC.cpu, value: cpuPercent, timestamp, labels },
      { name: METRIC.residentMemory, value: memory.rss, timestamp, labels },
      { name: METRIC.heapUsed, value: memory.heapUsed, timestamp, labels },
      { name: METRIC.loopDelayMean, value: this.delay.mean / NS_PER_MS, timestamp, labels },
      { name: METRIC.loopDelayP99, value: this.delay.percentile(99) / NS_PER_MS, timestamp, labels },
    ];
    this.delay.reset();
    return samples.filter((s) => Number.isFinite(s.value));
  }

  stop(): void {
    this.delay.disable();
  }
}

/**
 * The collector's sink: hands samples to the store at their unit's reported precision, and
 * counts what it stored (the telemetry_samples_ingested_total counter).
 */
export class CountingSink implements MetricsSink {
  private stored = 0;
  private readonly inner: MetricsSink;

  constructor(inner: MetricsSink) {
    this.inner = inner;
  }

  get total(): number {
    return this.stored;
  }

  async insertSamples(samples: MetricSample[]): Promise<number> {
    const stored = await this.inner.insertSamples(
      samples.map((s) => ({ ...s, value: atReportedPrecision(s.name, s.value) })),
    );
    this.stored += stored;
    return stored;
  }
}

export interface HostCollectorDeps {
  sink: CountingSink;
  sampler: ProcessSampler;
  /** Current database and WAL size. */
  fileSizes: () => { dbBytes: number; walBytes: number };
  now: () => number;
  /** The panel API's calls, when this host answers them. */
  panelCalls?: PanelCallStats;
}

/**
 * Declares every metric of the catalog in the store. A declaration the store refuses (its data says
 * otherwise, e.g. an older version recorded the name as another type) is reported and skipped.
 */
export function declareAppMetrics(
  store: Pick<TimeSeriesStorage, 'describeMetric'>,
  onError: (name: MetricName, err: unknown) => void,
): void {
  for (const [name, meta] of Object.entries(METRIC_METADATA) as [MetricName, (typeof METRIC_METADATA)[MetricName]][]) {
    try {
      store.describeMetric({ name, ...meta });
    } catch (err) {
      onError(name, err);
    }
  }
}

/** What the storage host records about itself, the store and the machine at one instant. */
export function hostSamples(deps: HostCollectorDeps, timestamp: number): MetricSample[] {
  const { dbBytes, walBytes } = deps.fileSizes();
  return [
    ...deps.sampler.sample(timestamp),
    { name: METRIC.dbSize, value: dbBytes, timestamp },
    { name: METRIC.walSize, value: walBytes, timestamp },
    { name: METRIC.samplesIngested, value: deps.sink.total, timestamp },
    { name: METRIC.load1, value: loadavg()[0] ?? 0, timestamp },
    { name: METRIC.freeMemory, value: freemem(), timestamp },
    ...(deps.panelCalls?.samples(timestamp) ?? []),
  ];
}

/** Collects the host's samples once; returns how many were stored. */
export async function collectHostOnce(deps: HostCollectorDeps): Promise<number> {
  return deps.sink.insertSamples(hostSamples(deps, deps.now()));
}

/** Runs `task` every `ms` until the returned function is called; a failure is reported, never thrown. */
export function every(ms: number, task: () => Promise<unknown>, onError: (err: unknown) => void): () => void {
  const timer = setInterval(() => {
    task().catch(onError);
  }, ms);
  return () => clearInterval(timer);
}

/**
 * The owning process (Electron main or the preview server) measures itself every 10 s, adds what
 * it knows of other processes (`extra`: the renderer, in Electron), and hands the samples to the host.
 */
export function startParentCollector(
  record: (samples: MetricSample[]) => Promise<unknown>,
  extra: (timestamp: number) => MetricSample[],
  onError: (err: unknown) => void,
): () => void {
  const sampler = new ProcessSampler('main');
  const stop = every(
    COLLECT_EVERY_MS,
    async () => {
      const timestamp = Date.now();
      await record([...sampler.sample(timestamp), ...extra(timestamp)]);
    },
    onError,
  );
  return () => {
    stop();
    sampler.stop();
  };
}
