/**
 * The app's own metrics: every series the collector records, with its labels and the shape of its
 * synthetic demo history. Names follow Prometheus conventions; the suffix gives the unit (units.ts).
 */
import type { Labels } from '../../storage/src/index.ts';
import { HOUR_MS } from '../../shared/constants.ts';

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
} as const;

export type MetricName = (typeof METRIC)[keyof typeof METRIC];

/** The storage host's background jobs (host/jobs.ts); each failure counts in METRIC.jobErrors{job}. */
export const HOST_JOBS = ['rollup', 'baselines', 'retention', 'checkpoint'] as const;

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

const MB = 1024 * 1024;
const GB = 1024 * MB;

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
];
