/**
 * The benchmark workload every benchmark uses: a desktop telemetry collector sending 200 series
 * (20 metrics x 10 label sets) every 10 s, in time order, interleaved across series, in batches.
 * Deterministic for a seed (a small PRNG, never Math.random).
 *
 * The mix of the 20 metrics, with the precision a real collector reports:
 * - 7 decimal gauges with a daily cycle, a slow random walk and noise: CPU per core (0.1 %, with
 *   spikes), process CPU (0.01 %), memory used (0.01 %), load1 (0.01), event-loop delay (0.001 ms,
 *   p50 and p99), request duration (0.001 ms, log-normal), temperature (0.1 °C).
 * - 6 integer gauges: battery (whole %, discharging and charging), resident memory (whole 4 KiB
 *   pages, as Linux reports it), V8 heap used (any byte count, saw-tooth from garbage collection),
 *   free disk space (4 KiB blocks, slowly shrinking, mostly unchanged), open fds, websocket
 *   connections (daily cycle).
 * - 5 monotonic integer counters: HTTP requests, network bytes received and sent (bursty), GC
 *   runs, HTTP errors (rare).
 * - 2 full-precision noisy floats computed by division: event-loop utilisation (active / total
 *   time) and cache hit ratio (hits / lookups), so that no codec wins on decimals alone.
 * Label sets mix key orders (some unsorted) as callers send them.
 */

import { seededRandom, type Random as Rng } from '../shared/random.ts';
import type { Labels, MetricSample } from '../storage/src/index.ts';
import { DAY_MS } from '../storage/src/index.ts';

export type MetricKind = 'decimal-gauge' | 'integer-gauge' | 'counter' | 'noisy-float';

export interface WorkloadOptions {
  /** Timestamp of the first collection, ms. */
  start: number;
  /** Total samples across all series. */
  samples: number;
  batchSize: number;
  /** Default 10,000. */
  intervalMs?: number;
  /** Default 1. */
  seed?: number;
  /** Each collection's timestamp is late by 0..jitterMs ms (timer drift); default 0. */
  jitterMs?: number;
}

type Model = (t: number) => number;

interface MetricSpec {
  name: string;
  kind: MetricKind;
  labels: (i: number) => Labels;
  model: (rng: Rng, i: number) => Model;
}

const SERIES_PER_METRIC = 10;
const PAGE = 4096;

const HOSTS = (i: number) => `h${i + 1}`;
const PROCESSES = [
  'main',
  'renderer',
  'gpu',
  'utility',
  'worker-1',
  'worker-2',
  'worker-3',
  'extension-host',
  'indexer',
  'updater',
];
const ROUTES = ['/api/metrics', '/api/query', '/api/alerts', '/api/export', '/api/series'];

const METRICS: readonly MetricSpec[] = [
  {
    name: 'host_cpu_usage_percent',
    kind: 'decimal-gauge',
    labels: (i) => ({ host: 'h1', core: String(i) }),
    model: (rng) =>
      decimalGauge(rng, {
        base: between(rng, 5, 25),
        amp: between(rng, 3, 10),
        walk: 1.5,
        noise: 3,
        spike: 0.02,
        min: 0,
        max: 100,
        decimals: 1,
      }),
  },
  {
    name: 'process_cpu_percent',
    kind: 'decimal-gauge',
    labels: (i) => ({ process: PROCESSES[i]!, pid: String(1200 + 37 * i) }),
    model: (rng) =>
      decimalGauge(rng, {
        base: between(rng, 0.5, 12),
        amp: between(rng, 0.5, 4),
        walk: 0.5,
        noise: 1,
        spike: 0.01,
        min: 0,
        max: 800,
        decimals: 2,
      }),
  },
  {
    name: 'host_memory_used_percent',
    kind: 'decimal-gauge',
    labels: (i) => ({ host: HOSTS(i) }),
    model: (rng) =>
      decimalGauge(rng, {
        base: between(rng, 35, 75),
        amp: between(rng, 2, 8),
        walk: 0.2,
        noise: 0.05,
        spike: 0,
        min: 0,
        max: 100,
        decimals: 2,
      }),
  },
  {
    name: 'host_load1',
    kind: 'decimal-gauge',
    labels: (i) => ({ host: HOSTS(i) }),
    model: (rng) =>
      decimalGauge(rng, {
        base: between(rng, 0.3, 3),
        amp: between(rng, 0.2, 1.5),
        walk: 0.08,
        noise: 0.1,
        spike: 0.01,
        min: 0,
        max: 64,
        decimals: 2,
      }),
  },
  {
    name: 'eventloop_delay_milliseconds',
    kind: 'decimal-gauge',
    labels: (i) => ({ quantile: i % 2 === 0 ? '0.5' : '0.99', process: PROCESSES[i >> 1]! }),
    model: (rng, i) =>
      decimalGauge(rng, {
        base: i % 2 === 0 ? between(rng, 10, 11) : between(rng, 15, 40),
        amp: 0.5,
        walk: 0.05,
        noise: i % 2 === 0 ? 0.15 : 4,
        spike: 0.01,
        min: 0,
        max: 1e4,
        decimals: 3,
      }),
  },
  {
    name: 'http_request_duration_milliseconds',
    kind: 'decimal-gauge',
    labels: (i) => ({ route: ROUTES[i % 5]!, method: i < 5 ? 'GET' : 'POST' }),
    model: (rng) => logNormalGauge(rng, between(rng, 5, 150), 0.25, 3),
  },
  {
    name: 'host_temperature_celsius',
    kind: 'decimal-gauge',
    labels: (i) => ({ sensor: `core${i}`, host: 'h1' }),
    model: (rng) =>
      decimalGauge(rng, {
        base: between(rng, 42, 60),
        amp: between(rng, 2, 6),
        walk: 0.3,
        noise: 0.4,
        spike: 0.01,
        min: 20,
        max: 105,
        decimals: 1,
      }),
  },
  {
    name: 'battery_charge_percent',
    kind: 'integer-gauge',
    labels: (i) => ({ device: `battery${i}` }),
    model: (rng) => battery(rng),
  },
  {
    name: 'process_resident_memory_bytes',
    kind: 'integer-gauge',
    labels: (i) => ({ process: PROCESSES[i]! }),
    model: (rng) => pagedMemory(rng),
  },
  {
    name: 'nodejs_heap_used_bytes',
    kind: 'integer-gauge',
    labels: (i) => ({ space: i < 5 ? 'old' : 'new', process: PROCESSES[i % 5]! }),
    model: (rng) => heapSawtooth(rng),
  },
  {
    name: 'disk_free_bytes',
    kind: 'integer-gauge',
    labels: (i) => ({ mountpoint: i === 0 ? '/' : `/mnt/d${i}`, host: HOSTS(i % 3) }),
    model: (rng) => diskFree(rng),
  },
  {
    name: 'process_open_fds',
    kind: 'integer-gauge',
    labels: (i) => ({ process: PROCESSES[i]! }),
    model: (rng) => integerWalk(rng, Math.round(between(rng, 20, 300)), 0.3, 0),
  },
  {
    name: 'websocket_connections_active',
    kind: 'integer-gauge',
    labels: (i) => ({ server: `ws${i}` }),
    model: (rng) => cyclicInteger(rng, between(rng, 10, 500)),
  },
  {
    name: 'http_requests_total',
    kind: 'counter',
    labels: (i) => ({ route: ROUTES[i % 5]!, method: i < 5 ? 'GET' : 'POST', code: '200' }),
    model: (rng) => poissonCounter(rng, between(rng, 0.5, 40)),
  },
  {
    name: 'network_receive_bytes_total',
    kind: 'counter',
    labels: (i) => ({ host: HOSTS(i >> 1), device: i % 2 === 0 ? 'eth0' : 'wlan0' }),
    model: (rng) => byteCounter(rng, between(rng, 2e4, 2e6)),
  },
  {
    name: 'network_transmit_bytes_total',
    kind: 'counter',
    labels: (i) => ({ device: i % 2 === 0 ? 'eth0' : 'wlan0', host: HOSTS(i >> 1) }),
    model: (rng) => byteCounter(rng, between(rng, 5e3, 5e5)),
  },
  {
    name: 'process_gc_collections_total',
    kind: 'counter',
    labels: (i) => ({ process: PROCESSES[i % 5]!, kind: i < 5 ? 'minor' : 'major' }),
    model: (rng, i) => poissonCounter(rng, i < 5 ? between(rng, 0.1, 0.5) : between(rng, 0.002, 0.02)),
  },
  {
    name: 'http_errors_total',
    kind: 'counter',
    labels: (i) => ({ route: ROUTES[i % 5]!, code: i < 5 ? '500' : '404' }),
    model: (rng) => poissonCounter(rng, between(rng, 0.0005, 0.01)),
  },
  {
    name: 'nodejs_eventloop_utilization_ratio',
    kind: 'noisy-float',
    labels: (i) => ({ process: PROCESSES[i]! }),
    model: (rng) => utilisation(rng),
  },
  {
    name: 'cache_hit_ratio',
    kind: 'noisy-float',
    labels: (i) => ({
      cache: ['query', 'series', 'labels', 'chunks', 'rollups'][i % 5]!,
      tier: i < 5 ? 'memory' : 'disk',
    }),
    model: (rng) => hitRatio(rng),
  },
];

/** The 20 metric names, in the order the collector sends them. */
export const WORKLOAD_METRICS: readonly string[] = METRICS.map((m) => m.name);

/** The kind of each metric (see the header comment), for per-kind reports. */
export const WORKLOAD_METRIC_KINDS: Readonly<Record<string, MetricKind>> = Object.fromEntries(
  METRICS.map((m) => [m.name, m.kind]),
);

/** The 200 series in send order: every label set of the first metric, then the next metric... */
export function workloadSeries(): { name: string; labels: Record<string, string> }[] {
  return METRICS.flatMap((m) =>
    Array.from({ length: SERIES_PER_METRIC }, (_, i) => ({ name: m.name, labels: m.labels(i) })),
  );
}

/** Yields batches of `batchSize` samples (the last may be shorter), in time order. */
export function* workloadBatches(opts: WorkloadOptions): Generator<MetricSample[]> {
  const interval = opts.intervalMs ?? 10_000;
  const seed = opts.seed ?? 1;
  const series = workloadSeries();
  const models = METRICS.flatMap((m, mi) =>
    Array.from({ length: SERIES_PER_METRIC }, (_, i) =>
      m.model(seededRandom(hash(seed, mi * SERIES_PER_METRIC + i)), i),
    ),
  );
  const jitter = seededRandom(hash(seed, -1));
  let batch: MetricSample[] = [];
  let emitted = 0;
  for (let tick = 0; emitted < opts.samples; tick++) {
    const t = opts.start + tick * interval + Math.floor(jitter() * ((opts.jitterMs ?? 0) + 1));
    for (let s = 0; s < series.length && emitted < opts.samples; s++, emitted++) {
      const { name, labels } = series[s]!;
      batch.push({ name, labels, timestamp: t, value: models[s]!(t) });
      if (batch.length === opts.batchSize) {
        yield batch;
        batch = [];
      }
    }
  }
  if (batch.length > 0) yield batch;
}

// ---- value models -------------------------------------------------------------------------

interface GaugeShape {
  base: number;
  amp: number;
  /** Standard deviation of the random walk's step (the walk is pulled back to 0). */
  walk: number;
  noise: number;
  /** Probability of a short spike per sample. */
  spike: number;
  min: number;
  max: number;
  decimals: number;
}

function decimalGauge(rng: Rng, g: GaugeShape): Model {
  const phase = rng();
  let drift = 0;
  return (t) => {
    drift = 0.98 * drift + g.walk * gauss(rng);
    const spike = rng() < g.spike ? g.base * between(rng, 1, 4) : 0;
    const x = g.base + g.amp * daily(t, phase) + drift + g.noise * gauss(rng) + spike;
    return roundTo(clamp(x, g.min, g.max), g.decimals);
  };
}

function logNormalGauge(rng: Rng, median: number, sigma: number, decimals: number): Model {
  const phase = rng();
  return (t) => roundTo(median * (1 + 0.3 * daily(t, phase)) * Math.exp(sigma * gauss(rng)), decimals);
}

function battery(rng: Rng): Model {
  let level = Math.round(between(rng, 30, 100));
  let charging = rng() < 0.5;
  return () => {
    if (rng() < 0.02) level += charging ? 1 : -1;
    if (level <= 15) charging = true;
    if (level >= 100) charging = false;
    return clamp(level, 0, 100);
  };
}

function pagedMemory(rng: Rng): Model {
  const basePages = Math.round(between(rng, 150, 1500) * 256);
  let pages = basePages;
  return () => {
    pages += Math.round(gauss(rng) * 40 + (basePages - pages) * 0.01);
    if (rng() < 0.005) pages -= Math.round(pages * between(rng, 0.05, 0.2));
    return Math.max(1, pages) * PAGE;
  };
}

function heapSawtooth(rng: Rng): Model {
  const floor = between(rng, 20e6, 200e6);
  const growth = between(rng, 50e3, 2e6);
  let used = floor;
  return () => {
    used += growth * between(rng, 0.5, 1.5);
    if (used > floor * 1.6 || rng() < 0.01) used = floor * between(rng, 0.97, 1.05);
    return Math.round(used);
  };
}

function diskFree(rng: Rng): Model {
  let blocks = Math.round(between(rng, 2e6, 1.2e8));
  return () => {
    if (rng() < 0.3) blocks -= Math.round(between(rng, 1, 64));
    if (rng() < 0.002) blocks += Math.round(between(rng, 1e3, 1e5));
    return blocks * PAGE;
  };
}

function integerWalk(rng: Rng, base: number, pStep: number, min: number): Model {
  let x = base;
  return () => {
    if (rng() < pStep) x += rng() < 0.5 + (base - x) * 0.02 ? 1 : -1;
    return Math.max(min, x);
  };
}

function cyclicInteger(rng: Rng, base: number): Model {
  const phase = rng();
  return (t) => Math.max(0, Math.round(base * (1 + 0.5 * daily(t, phase)) + Math.sqrt(base) * gauss(rng)));
}

function poissonCounter(rng: Rng, ratePerSecond: number): Model {
  const phase = rng();
  let total = Math.floor(ratePerSecond * between(rng, 0, 7 * 86_400));
  return (t) => {
    total += poisson(rng, ratePerSecond * 10 * (1 + 0.6 * daily(t, phase)));
    return total;
  };
}

function byteCounter(rng: Rng, bytesPerSecond: number): Model {
  const phase = rng();
  let total = Math.floor(between(rng, 1e8, 1e11));
  return (t) => {
    const burst = rng() < 0.03 ? between(rng, 5, 50) : 1;
    const rate = bytesPerSecond * (1 + 0.7 * daily(t, phase)) * Math.exp(0.5 * gauss(rng)) * burst;
    total += Math.round(rate * 10);
    return total;
  };
}

function utilisation(rng: Rng): Model {
  const busy = between(rng, 0.02, 0.4);
  const phase = rng();
  return (t) => {
    const activeMs = 10_000 * clamp(busy * (1 + 0.5 * daily(t, phase) + 0.2 * gauss(rng)), 0.001, 1);
    const idleMs = 10_000 - activeMs + 3 * gauss(rng);
    return activeMs / (activeMs + idleMs);
  };
}

function hitRatio(rng: Rng): Model {
  const hitRate = between(rng, 0.6, 0.99);
  const lookups = between(rng, 50, 5000);
  return () => {
    const n = Math.max(1, poisson(rng, lookups));
    const hits = Math.min(n, poisson(rng, n * hitRate));
    return hits / n;
  };
}

// ---- numeric helpers --------------------------------------------------------------------------

function hash(seed: number, n: number): number {
  return Math.imul(seed ^ 0x9e3779b9, 0x85ebca6b) ^ Math.imul(n + 0x7f4a7c15, 0xc2b2ae35);
}

function gauss(rng: Rng): number {
  return Math.sqrt(-2 * Math.log(1 - rng())) * Math.cos(2 * Math.PI * rng());
}

function poisson(rng: Rng, lambda: number): number {
  if (lambda > 30) return Math.max(0, Math.round(lambda + Math.sqrt(lambda) * gauss(rng)));
  const limit = Math.exp(-lambda);
  let k = 0;
  for (let p = rng(); p > limit; p *= rng()) k++;
  return k;
}

function between(rng: Rng, lo: number, hi: number): number {
  return lo + (hi - lo) * rng();
}

function daily(t: number, phase: number): number {
  return Math.sin(2 * Math.PI * (t / DAY_MS + phase));
}

function clamp(x: number, lo: number, hi: number): number {
  return x < lo ? lo : x > hi ? hi : x;
}

/** What a collector sends after formatting to `decimals` places: the nearest double. */
function roundTo(x: number, decimals: number): number {
  const scale = 10 ** decimals;
  return Math.round(x * scale) / scale;
}
