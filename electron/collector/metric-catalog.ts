/**
 * The app's own metrics: every metric the collector records with its declared type, unit and help
 * (declared in the store at start), every series with its labels, and the shape of its synthetic
 * demo history. Names follow Prometheus conventions; the suffix gives the display unit (units.ts).
 */
import type { Labels, MetricMetadata } from '../../storage/src/index.ts';
import { HOUR_MS, MINUTE_MS } from '../../shared/constants.ts';

export const METRIC = {
  cpu: 'process_cpu_percent',
  residentMemory: 'process_resident_memory_bytes',
  heapUsed: 'process_heap_used_bytes',
  loopDelayMean: 'process_event_loop_delay_mean_milliseconds',
  loopDelayP99: 'process_event_loop_delay_p99_milliseconds',
  dbSize: 'telemetry_db_size_bytes',
  walSize: 'telemetry_wal_size_bytes',
  samplesIngested: 'telemetry_samples_ingested_total',
  rollupDuration: 'telemetry_rollup_duration_milliseconds',
  jobErrors: 'telemetry_job_errors_total',
  exportDuration: 'telemetry_export_duration_seconds',
  load1: 'host_load1',
  freeMemory: 'host_memory_free_bytes',
  panelCalls: 'telemetry_panel_calls_total',
  panelCallDuration: 'telemetry_panel_call_duration_seconds',
} as const;

export type MetricName = (typeof METRIC)[keyof typeof METRIC];

/** What each metric is: declared in the store when the host starts (host-service.ts). */
export const METRIC_METADATA: Readonly<Record<MetricName, Omit<MetricMetadata, 'name'>>> = {
  [METRIC.cpu]: { type: 'gauge', unit: 'percent', help: 'CPU used by the process since the previous sample' },
  [METRIC.residentMemory]: { type: 'gauge', unit: 'bytes', help: 'Resident memory of the process' },
  [METRIC.heapUsed]: { type: 'gauge', unit: 'bytes', help: 'V8 heap in use by the process' },
  [METRIC.loopDelayMean]: {
    type: 'gauge',
    unit: 'milliseconds',
    help: 'Mean event-loop delay of the process since the previous sample',
  },
  [METRIC.loopDelayP99]: {
    type: 'gauge',
    unit: 'milliseconds',
    help: '99th percentile of the event-loop delay of the process since the previous sample',
  },
  [METRIC.dbSize]: { type: 'gauge', unit: 'bytes', help: 'Size of the telemetry database file' },
  [METRIC.walSize]: { type: 'gauge', unit: 'bytes', help: 'Size of the telemetry database write-ahead log' },
  [METRIC.samplesIngested]: { type: 'counter', help: 'Samples the collector stored since the host started' },
  [METRIC.rollupDuration]: { type: 'gauge', unit: 'milliseconds', help: 'Duration of the last rollup job' },
  [METRIC.jobErrors]: { type: 'counter', help: "Failures of the storage host's background jobs, per job" },
  [METRIC.exportDuration]: { type: 'gauge', unit: 'seconds', help: 'Duration of a Parquet export' },
  [METRIC.load1]: { type: 'gauge', help: "The machine's one-minute load average" },
  [METRIC.freeMemory]: { type: 'gauge', unit: 'bytes', help: 'Free memory of the machine' },
  [METRIC.panelCalls]: { type: 'counter', help: 'Panel API calls the storage host answered, per method' },
  [METRIC.panelCallDuration]: {
    type: 'histogram',
    unit: 'seconds',
    help: 'Time the storage host took to answer a panel API call',
  },
};

/** Upper bounds (seconds) of the buckets of METRIC.panelCallDuration, besides +Inf. */
export const PANEL_CALL_BUCKETS: readonly number[] = [0.0005, 0.001, 0.0025, 0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 1];

/** The storage host's background jobs (host/jobs.ts); each failure counts in METRIC.jobErrors{job}. */
export const HOST_JOBS = ['rollup', 'baselines', 'retention', 'checkpoint', 'alerts'] as const;

/** The processes the collector measures: the storage host, Electron main (or the preview server), the renderer. */
export type ProcessRole = 'host' | 'main' | 'renderer';

/** How a series' demo history looks: a level, a daily cycle, noise, rare spikes, an optional trend. */
export interface DemoShape {
  base: number;
  /** Amplitude of the daily cycle (peaks mid-afternoon UTC). */
  daily: number;
  /** Standard deviation of the noise. */
  noise: number;
  /** Added during a spike (negative for dips). */
  spike: number;
  min: number;
  max?: number;
  /** Growth per day (a database that fills up). */
  trendPerDay?: number;
  /** A counter: the value accumulates the rate per minute and restarts now and then. */
  counter?: boolean;
  /** Sample spacing when not every minute (exports happen a few times a day). */
  stepMs?: number;
}

export interface CatalogSeries {
  name: MetricName;
  labels: Labels;
  demo: DemoShape;
}

/** A histogram's demo history: calls per step (a DemoShape) and their latency, log-normal around a median. */
export interface DemoHistogram {
  name: MetricName;
  bounds: readonly number[];
  calls: DemoShape;
  /** Median latency (seconds); a spike multiplies it by `spikeFactor`. */
  medianSeconds: number;
  /** Standard deviation of the latency's natural logarithm. */
  sigma: number;
  spikeFactor: number;
}

const MB = 1024 * 1024;
const GB = 1024 * MB;
/** The demo's panel calls are counted every 5 minutes. */
const DEMO_CALLS_STEP_MS = 5 * MINUTE_MS;

function perProcess(name: MetricName, shapes: Partial<Record<ProcessRole, DemoShape>>): CatalogSeries[] {
  return Object.entries(shapes).map(([process, demo]) => ({ name, labels: { process }, demo }));
}

export const CATALOG: readonly CatalogSeries[] = [
  ...perProcess(METRIC.cpu, {
    host: { base: 3, daily: 2, noise: 0.8, spike: 60, min: 0, max: 200 },
    main: { base: 2, daily: 1.5, noise: 0.5, spike: 35, min: 0, max: 200 },
    renderer: { base: 6, daily: 4, noise: 1.5, spike: 80, min: 0, max: 200 },
  }),
  ...perProcess(METRIC.residentMemory, {
    host: { base: 120 * MB, daily: 15 * MB, noise: 3 * MB, spike: 80 * MB, min: 30 * MB },
    main: { base: 150 * MB, daily: 10 * MB, noise: 2 * MB, spike: 40 * MB, min: 40 * MB },
    renderer: { base: 220 * MB, daily: 30 * MB, noise: 6 * MB, spike: 150 * MB, min: 60 * MB },
  }),
  ...perProcess(METRIC.heapUsed, {
    host: { base: 40 * MB, daily: 8 * MB, noise: 2 * MB, spike: 60 * MB, min: 8 * MB },
    main: { base: 60 * MB, daily: 6 * MB, noise: 2 * MB, spike: 30 * MB, min: 10 * MB },
  }),
  ...perProcess(METRIC.loopDelayMean, {
    host: { base: 10.6, daily: 0.3, noise: 0.2, spike: 40, min: 10 },
    main: { base: 10.4, daily: 0.2, noise: 0.15, spike: 25, min: 10 },
  }),
  ...perProcess(METRIC.loopDelayP99, {
    host: { base: 13, daily: 1.5, noise: 0.8, spike: 250, min: 10 },
    main: { base: 12, daily: 1, noise: 0.6, spike: 120, min: 10 },
  }),
  {
    name: METRIC.dbSize,
    labels: {},
    demo: { base: 20 * MB, daily: 0, noise: 40_000, spike: 0, min: 0, trendPerDay: 3 * MB },
  },
  { name: METRIC.walSize, labels: {}, demo: { base: 2 * MB, daily: 1 * MB, noise: 400_000, spike: 30 * MB, min: 0 } },
  {
    name: METRIC.samplesIngested,
    labels: {},
    demo: { base: 120, daily: 10, noise: 5, spike: 0, min: 0, counter: true },
  },
  { name: METRIC.rollupDuration, labels: {}, demo: { base: 15, daily: 5, noise: 4, spike: 400, min: 1 } },
  // Failures of the host's background jobs (jobs.ts), per job: none but during a spike.
  ...HOST_JOBS.map((job) => ({
    name: METRIC.jobErrors,
    labels: { job },
    demo: { base: 0, daily: 0, noise: 0, spike: 0.05, min: 0, counter: true, stepMs: HOUR_MS },
  })),
  {
    name: METRIC.exportDuration,
    labels: {},
    demo: { base: 4, daily: 1, noise: 1.5, spike: 30, min: 0.5, stepMs: 6 * HOUR_MS },
  },
  { name: METRIC.load1, labels: {}, demo: { base: 0.8, daily: 0.6, noise: 0.2, spike: 3.5, min: 0 } },
  {
    name: METRIC.freeMemory,
    labels: {},
    demo: { base: 6 * GB, daily: -1.5 * GB, noise: 200 * MB, spike: -2 * GB, min: 200 * MB },
  },
  // Panel calls per method, every 5 minutes: the window polls its status and queries its charts.
  ...(
    [
      ['query', 40],
      ['getStatus', 12],
      ['listMetrics', 2],
    ] as const
  ).map(([method, perMinute]) => ({
    name: METRIC.panelCalls,
    labels: { method },
    demo: {
      base: perMinute,
      daily: perMinute / 2,
      noise: perMinute / 10,
      spike: 0,
      min: 0,
      counter: true,
      stepMs: DEMO_CALLS_STEP_MS,
    },
  })),
];

/** The histograms of the demo history: the latency of the panel calls above, every 5 minutes. */
export const DEMO_HISTOGRAMS: readonly DemoHistogram[] = [
  {
    name: METRIC.panelCallDuration,
    bounds: PANEL_CALL_BUCKETS,
    calls: { base: 54, daily: 27, noise: 5, spike: 0, min: 0, stepMs: DEMO_CALLS_STEP_MS },
    medianSeconds: 0.004,
    sigma: 0.9,
    spikeFactor: 8,
  },
];
