/**
 * The storage host's background jobs, run one at a time through a single queue so that no two of
 * them write at once: rollups (aggregate every maintained interval, then compact) every minute,
 * through the same `rollUpAndCompact` the store also runs on its own as its head grows (a call waits
 * for the store's own run, so the job folds what is left and its duration is recorded as before),
 * baselines every 15 minutes (and at start-up), alert rules and anomaly checks every minute
 * (`evaluateAlertRules`, the incidents it reports handed to `onIncidents`), retention at
 * start-up, daily and whenever the setting changes, and a WAL checkpoint after retention and every
 * few minutes. Work the panel starts (demo history) goes through the same queue. A job that fails
 * is reported (onError) and counted in `telemetry_job_errors_total{job}`, and runs again on its
 * timer; the store itself says what went wrong in its health (getStats().problems).
 */
import { performance } from 'node:perf_hooks';
import type { Incident, Labels } from '../../storage/src/index.ts';
import type { ShellStore } from './shell-store.ts';
import { METRIC, type HOST_JOBS, type MetricName } from '../collector/metric-catalog.ts';
import { ShellError } from './shell-errors.ts';
import { DAY_MS, MINUTE_MS } from '../../shared/constants.ts';

export type JobName = (typeof HOST_JOBS)[number];

export type JobTimings = Record<JobName, number>;

export const DEFAULT_JOB_TIMINGS: JobTimings = {
  rollup: MINUTE_MS,
  baselines: 15 * MINUTE_MS,
  retention: DAY_MS,
  checkpoint: 5 * MINUTE_MS,
  alerts: MINUTE_MS,
};

export interface JobDeps {
  store: ShellStore;
  /** Records a sample of one of the app's metrics (written through the host's sink). */
  record: (name: MetricName, value: number, labels?: Labels) => Promise<unknown>;
  onError: (job: JobName, err: unknown) => void;
  /** The incidents an evaluation opened or changed (for notifications). */
  onIncidents?: (incidents: Incident[]) => void;
}

export class JobScheduler {
  private readonly deps: JobDeps;
  private queue: Promise<unknown> = Promise.resolve();
  private timers: NodeJS.Timeout[] = [];
  /** Failures per job since the host started (a Prometheus counter: it restarts with the process). */
  private readonly failures = new Map<JobName, number>();
  private stopped = false;
  /** When the timers started, and their periods: when each job next runs. */
  private started: { at: number; timings: JobTimings } | undefined;

  constructor(deps: JobDeps) {
    this.deps = deps;
  }

  /** Applies retention, computes baselines and evaluates alerts now (start-up), then runs every job on its timer. */
  start(timings: JobTimings = DEFAULT_JOB_TIMINGS): void {
    this.started = { at: Date.now(), timings };
    this.runReported('retention');
    this.runReported('baselines');
    this.runReported('alerts');
    for (const job of Object.keys(timings) as JobName[]) {
      this.timers.push(setInterval(() => this.runReported(job), timings[job]));
    }
  }

  /** When a job's timer next fires (ms since the epoch), or null when the timers are not running. */
  nextRun(job: JobName): number | null {
    if (!this.started || this.stopped) return null;
    const { at, timings } = this.started;
    return at + (Math.floor((Date.now() - at) / timings[job]) + 1) * timings[job];
  }

  /** Runs one job after whatever is queued; rejects when the job fails (and counts the failure). */
  run(job: JobName): Promise<void> {
    return this.exclusive(() =>
      this.jobs[job]().catch(async (err: unknown) => {
        await this.countFailure(job);
        throw err;
      }),
    );
  }

  /** Runs `task` alone in the queue (no job runs meanwhile). */
  exclusive<T>(task: () => Promise<T>): Promise<T> {
    if (this.stopped) return Promise.reject(new ShellError('STORE_CLOSED', 'the storage host is shutting down'));
    const result = this.queue.then(task);
    this.queue = result.catch(() => undefined);
    return result;
  }

  /** Stops the timers and waits for the queued work to finish. */
  async stop(): Promise<void> {
    this.stopped = true;
    for (const timer of this.timers) clearInterval(timer);
    this.timers = [];
    await this.queue;
  }

  private async countFailure(job: JobName): Promise<void> {
    const total = (this.failures.get(job) ?? 0) + 1;
    this.failures.set(job, total);
    // On a full disk the count cannot be stored either; the failure itself is still reported.
    await this.deps.record(METRIC.jobErrors, total, { job }).catch(() => undefined);
  }

  private runReported(job: JobName): void {
    if (this.stopped) return;
    this.run(job).catch((err: unknown) => this.deps.onError(job, err));
  }

  private readonly jobs: Record<JobName, () => Promise<void>> = {
    rollup: async () => {
      const started = performance.now();
      await this.deps.store.rollUpAndCompact();
      await this.deps.record(METRIC.rollupDuration, performance.now() - started);
    },
    baselines: async () => {
      await this.deps.store.computeBaselines();
    },
    alerts: async () => {
      const incidents = await this.deps.store.evaluateAlertRules();
      this.deps.onIncidents?.(incidents);
    },
    retention: async () => {
      await this.deps.store.applyRetention();
      this.deps.store.checkpoint();
    },
    checkpoint: async () => {
      this.deps.store.checkpoint();
    },
  };
}
