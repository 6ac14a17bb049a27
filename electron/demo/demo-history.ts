/**
 * Demo history: 30 days of synthetic samples at a 1-minute step for every series of the metric
 * catalog (a daily cycle, quieter weekends, noise, a few spikes, counters that restart), labelled
 * source="demo", so the 1h and 1d views have something to show on the first run. Deterministic for
 * a given seed; removable with one deleteSeries call.
 */
import type { MetricSample } from '../../storage/src/index.ts';
import type { ShellStore } from '../host/shell-store.ts';
import { CATALOG, type CatalogSeries, type DemoShape } from '../collector/metric-catalog.ts';
import { seededRandom, type Random } from '../../shared/random.ts';
import { atReportedPrecision } from '../collector/units.ts';
import { DAY_MS, MINUTE_MS } from '../../shared/constants.ts';

export const DEMO_LABEL = { name: 'source', value: 'demo' } as const;
export const DEMO_DAYS = 30;
export const DEMO_STEP_MS = MINUTE_MS;

const SPIKES_PER_SERIES = 4;
const RESTARTS_PER_COUNTER = 3;

export interface DemoPlan {
  /** The newest sample is at or just before this instant (ms). */
  end: number;
  days?: number;
  batchSize?: number;
  seed?: number;
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
    this.spikes = randomWindows(random, SPIKES_PER_SERIES, start, end, Math.max(25 * MINUTE_MS, this.stepMs));
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

/** The demo samples in batches, time-major (every series is appended in time order). */
export function* demoBatches(plan: DemoPlan): Generator<MetricSample[]> {
  const days = plan.days ?? DEMO_DAYS;
  const end = Math.floor(plan.end / DEMO_STEP_MS) * DEMO_STEP_MS;
  const start = end - days * DAY_MS + DEMO_STEP_MS;
  const random = seededRandom(plan.seed ?? 20_240_601);
  const series = CATALOG.map((s) => new DemoSeries(s, start, end, random));
  const batchSize = plan.batchSize ?? 20_000;
  let batch: MetricSample[] = [];
  for (let timestamp = start; timestamp <= end; timestamp += DEMO_STEP_MS) {
    for (const s of series) {
      if ((timestamp - start) % s.stepMs !== 0) continue;
      batch.push({ name: s.name, value: s.valueAt(timestamp), timestamp, labels: s.labels });
    }
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
  let stored = 0;
  for (const batch of demoBatches(plan)) stored += await store.insertSamples(batch);
  await store.rollUpAndCompact();
  store.checkpoint();
  return stored;
}

/** Deletes every demo series; returns the samples deleted. */
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
