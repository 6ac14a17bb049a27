/**
 * Demo history: 30 days of synthetic samples at a 1-minute step for every series of the metric
 * catalog (a daily cycle, quieter weekends, noise, a few spikes, counters that restart) and for its
 * histograms (cumulative `_bucket{le}`, `_sum`, `_count`: calls whose latency is log-normal, slower
 * during spikes), labelled source="demo", so the 1h and 1d views have something to show on the
 * first run, and a few clear recent spikes (RECENT_SPIKES) so that its alerting (demo-alerts.ts)
 * has incidents to show in the last week. Deterministic for a given seed; removable with one
 * deleteSeries call.
 */
import { HISTOGRAM_SUFFIXES, INF_BOUND, LE_LABEL, type MetricSample } from '../../storage/src/index.ts';
import type { ShellStore } from '../host/shell-store.ts';
import {
  CATALOG,
  DEMO_HISTOGRAMS,
  METRIC,
  type CatalogSeries,
  type DemoHistogram,
  type DemoShape,
} from '../collector/metric-catalog.ts';
import { seededRandom, type Random } from '../../shared/random.ts';
import { atReportedPrecision } from '../collector/units.ts';
import { DAY_MS, DEMO_LABEL, HOUR_MS, MINUTE_MS } from '../../shared/constants.ts';
import type { DemoProgress } from '../../shared/events.ts';

export const DEMO_DAYS = 30;
export const DEMO_STEP_MS = MINUTE_MS;

const SPIKES_PER_SERIES = 4;

/** Spikes at fixed times before the history's end, beside the random ones: clear recent incidents. */
const RECENT_SPIKES: readonly { name: string; process: string; agoMs: number; lengthMs: number }[] = [
  { name: METRIC.residentMemory, process: 'host', agoMs: 26 * HOUR_MS, lengthMs: 25 * MINUTE_MS },
  { name: METRIC.residentMemory, process: 'host', agoMs: 3 * HOUR_MS, lengthMs: 12 * MINUTE_MS },
  { name: METRIC.cpu, process: 'renderer', agoMs: 50 * HOUR_MS, lengthMs: 20 * MINUTE_MS },
];
const RESTARTS_PER_COUNTER = 3;

export interface DemoPlan {
  /** The newest sample is at or just before this instant (ms). */
  end: number;
  days?: number;
  batchSize?: number;
  seed?: number;
  /** Called after each stored batch (phase 'samples', in ms of history written) and before the fold ('rollups'). */
  onProgress?: (progress: DemoProgress) => void;
}

/** Standard normal noise (Box-Muller). */
function gaussian(random: Random): number {
  return Math.sqrt(-2 * Math.log(1 - random())) * Math.cos(2 * Math.PI * random());
}

/** -1..1 over a UTC day, peaking at 15:00; weekends swing 40 % less. */
function dailyCycle(timestamp: number): number {
  const phase = (timestamp % DAY_MS) / DAY_MS;
  const weekday = new Date(timestamp).getUTCDay();
  const weekend = weekday === 0 || weekday === 6 ? 0.6 : 1;
  return Math.sin(2 * Math.PI * (phase - 0.375)) * weekend;
}

interface Window {
  from: number;
  to: number;
}

function randomWindows(random: Random, count: number, start: number, end: number, maxLengthMs: number): Window[] {
  return Array.from({ length: count }, () => {
    const from = start + Math.floor(random() * (end - start));
    return { from, to: from + 5 * MINUTE_MS + Math.floor(random() * maxLengthMs) };
  });
}

/** Produces one series' values in time order. */
class DemoSeries {
  readonly labels: Record<string, string>;
  readonly name: string;
  readonly stepMs: number;
  private readonly shape: DemoShape;
  private readonly start: number;
  private readonly spikes: Window[];
  private readonly restarts: number[];
  private readonly random: Random;
  private counter = 0;

  constructor(series: CatalogSeries, start: number, end: number, random: Random) {
    this.name = series.name;
    this.labels = { ...series.labels, [DEMO_LABEL.name]: DEMO_LABEL.value };
    this.shape = series.demo;
    this.stepMs = series.demo.stepMs ?? DEMO_STEP_MS;
    this.start = start;
    this.random = random;
    this.spikes = [
      ...randomWindows(random, SPIKES_PER_SERIES, start, end, Math.max(25 * MINUTE_MS, this.stepMs)),
      ...RECENT_SPIKES.filter((r) => r.name === series.name && r.process === series.labels.process).map((r) => ({
        from: end - r.agoMs,
        to: end - r.agoMs + r.lengthMs,
      })),
    ];
    this.restarts = series.demo.counter
      ? randomWindows(random, RESTARTS_PER_COUNTER, start, end, 0).map((w) => w.from)
      : [];
  }

  valueAt(timestamp: number): number {
    const s = this.shape;
    const spiking = this.spikes.some((w) => timestamp >= w.from && timestamp < w.to);
    const trend = ((s.trendPerDay ?? 0) * (timestamp - this.start)) / DAY_MS;
    const level =
      s.base + trend + s.daily * dailyCycle(timestamp) + s.noise * gaussian(this.random) + (spiking ? s.spike : 0);
    const clamped = Math.min(Math.max(level, s.min), s.max ?? Number.POSITIVE_INFINITY);
    return s.counter ? this.accumulate(timestamp, clamped) : atReportedPrecision(this.name, clamped);
  }

  /** A counter adds its per-minute rate and drops to zero when the process "restarts". */
  private accumulate(timestamp: number, ratePerMinute: number): number {
    const restarted = this.restarts.some((r) => r > timestamp - this.stepMs && r <= timestamp);
    this.counter = restarted ? 0 : this.counter + Math.round((ratePerMinute * this.stepMs) / MINUTE_MS);
    return this.counter;
  }
}

/** The standard normal distribution function (Abramowitz and Stegun 7.1.26: within 1.5e-7). */
function normalCdf(x: number): number {
  const z = Math.abs(x) / Math.SQRT2;
  const t = 1 / (1 + 0.3275911 * z);
  const poly = t * (0.254829592 + t * (-0.284496736 + t * (1.421413741 + t * (-1.453152027 + t * 1.061405429))));
  const erf = 1 - poly * Math.exp(-z * z);
  return x >= 0 ? (1 + erf) / 2 : (1 - erf) / 2;
}

/** One histogram's series: each step's calls (a DemoShape per minute) spread over the buckets, restarting with the process. */
class DemoHistogramSeries {
  readonly stepMs: number;
  private readonly calls: DemoSeries;
  private readonly spikes: Window[];
  private readonly restarts: number[];
  /** Cumulative count per bound, the last for +Inf. */
  private readonly buckets: number[];
  private sum = 0;
  private count = 0;

  constructor(
    private readonly histogram: DemoHistogram,
    start: number,
    end: number,
    random: Random,
  ) {
    this.calls = new DemoSeries({ name: histogram.name, labels: {}, demo: histogram.calls }, start, end, random);
    this.stepMs = this.calls.stepMs;
    this.spikes = randomWindows(random, SPIKES_PER_SERIES, start, end, Math.max(25 * MINUTE_MS, this.stepMs));
    this.restarts = randomWindows(random, RESTARTS_PER_COUNTER, start, end, 0).map((w) => w.from);
    this.buckets = new Array<number>(histogram.bounds.length + 1).fill(0);
  }

  samplesAt(timestamp: number): MetricSample[] {
    const h = this.histogram;
    if (this.restarts.some((r) => r > timestamp - this.stepMs && r <= timestamp)) this.reset();
    const calls = Math.round((this.calls.valueAt(timestamp) * this.stepMs) / MINUTE_MS);
    const spiking = this.spikes.some((w) => timestamp >= w.from && timestamp < w.to);
    const median = h.medianSeconds * (spiking ? h.spikeFactor : 1);
    // The expected share of calls at or below each bound, rounded: cumulative, as the bounds grow.
    h.bounds.forEach((bound, i) => {
      this.buckets[i]! += Math.round(calls * normalCdf(Math.log(bound / median) / h.sigma));
    });
    this.buckets[h.bounds.length]! += calls;
    this.sum += calls * median * Math.exp((h.sigma * h.sigma) / 2);
    this.count += calls;
    const labels = { [DEMO_LABEL.name]: DEMO_LABEL.value };
    const les = [...h.bounds.map(String), INF_BOUND];
    const sumName = `${h.name}${HISTOGRAM_SUFFIXES.sum}`;
    return [
      ...les.map((le, i) => ({
        name: `${h.name}${HISTOGRAM_SUFFIXES.bucket}`,
        value: this.buckets[i]!,
        timestamp,
        labels: { ...labels, [LE_LABEL]: le },
      })),
      { name: sumName, value: atReportedPrecision(sumName, this.sum), timestamp, labels },
      { name: `${h.name}${HISTOGRAM_SUFFIXES.count}`, value: this.count, timestamp, labels },
    ];
  }

  private reset(): void {
    this.buckets.fill(0);
    this.sum = 0;
    this.count = 0;
  }
}

/** The demo samples in batches, time-major (every series is appended in time order). */
export function* demoBatches(plan: DemoPlan): Generator<MetricSample[]> {
  const days = plan.days ?? DEMO_DAYS;
  const end = Math.floor(plan.end / DEMO_STEP_MS) * DEMO_STEP_MS;
  const start = end - days * DAY_MS + DEMO_STEP_MS;
  const random = seededRandom(plan.seed ?? 20_240_601);
  const series = CATALOG.map((s) => new DemoSeries(s, start, end, random));
  const histograms = DEMO_HISTOGRAMS.map((h) => new DemoHistogramSeries(h, start, end, random));
  const batchSize = plan.batchSize ?? 20_000;
  let batch: MetricSample[] = [];
  for (let timestamp = start; timestamp <= end; timestamp += DEMO_STEP_MS) {
    for (const s of series) {
      if ((timestamp - start) % s.stepMs !== 0) continue;
      batch.push({ name: s.name, value: s.valueAt(timestamp), timestamp, labels: s.labels });
    }
    for (const h of histograms) if ((timestamp - start) % h.stepMs === 0) batch.push(...h.samplesAt(timestamp));
    if (batch.length >= batchSize) {
      yield batch;
      batch = [];
    }
  }
  if (batch.length > 0) yield batch;
}

/** Replaces any demo history with a fresh one ending at `plan.end`, then rolls it up and compacts. */
export async function loadDemoHistory(store: ShellStore, plan: DemoPlan): Promise<number> {
  removeDemoHistory(store);
  const total = (plan.days ?? DEMO_DAYS) * DAY_MS;
  const historyStart = plan.end - total;
  let stored = 0;
  for (const batch of demoBatches(plan)) {
    stored += await store.insertSamples(batch);
    const written = batch[batch.length - 1]!.timestamp - historyStart;
    plan.onProgress?.({ phase: 'samples', done: Math.min(Math.max(written, 0), total), total });
  }
  plan.onProgress?.({ phase: 'rollups', done: total, total });
  await store.rollUpAndCompact();
  store.checkpoint();
  return stored;
}

/** Deletes every demo series, with its alerts and baselines; returns the samples deleted. */
export function removeDemoHistory(store: ShellStore): number {
  return store.deleteSeries({ labels: { [DEMO_LABEL.name]: DEMO_LABEL.value } });
}

export function hasDemoHistory(store: ShellStore): boolean {
  return store
    .listMetrics()
    .some((m) =>
      store.listLabels(m.name).some((l) => l.name === DEMO_LABEL.name && l.values.includes(DEMO_LABEL.value)),
    );
}
