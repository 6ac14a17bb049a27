/**
 * The facts both sides of the wire agree on, in one place: time units, the rollup intervals and
 * their widths, and the retention bounds. The engine, the shell and the panel all import them from
 * here; this module imports nothing, so it compiles for Node and the browser alike.
 */

export const SECOND_MS = 1_000;
export const MINUTE_MS = 60 * SECOND_MS;
export const HOUR_MS = 60 * MINUTE_MS;
export const DAY_MS = 24 * HOUR_MS;

/** A rollup width. Buckets are aligned in UTC: `floor(ts / width) * width`. */
export type Interval = '1m' | '5m' | '1h' | '1d';

export const INTERVALS: readonly Interval[] = ['1m', '5m', '1h', '1d'];

export const INTERVAL_MS: Readonly<Record<Interval, number>> = {
  '1m': MINUTE_MS,
  '5m': 5 * MINUTE_MS,
  '1h': HOUR_MS,
  '1d': DAY_MS,
};

/** telemetry_retention_days: an integer in [MIN_RETENTION_DAYS, MAX_RETENTION_DAYS]. */
export const MIN_RETENTION_DAYS = 1;
export const MAX_RETENTION_DAYS = 3650;
export const DEFAULT_RETENTION_DAYS = 30;

/**
 * The files SQLite keeps beside a database, by the suffix they add to its path: the engine knows
 * them (an export must not overwrite one) and so does the shell (a damaged store is moved aside with them).
 */
export const SQLITE_SUFFIXES = { wal: '-wal', shm: '-shm', journal: '-journal' } as const;

/**
 * The label every demo series carries (electron/demo/): the shell loads, removes and leaves it out
 * of exports by it, and the panel marks and hides demo series by it.
 */
export const DEMO_LABEL = { name: 'source', value: 'demo' } as const;

/**
 * Prometheus' naming of a classic histogram's series: `<base>_bucket{le}`, `<base>_sum` and
 * `<base>_count` (a summary's `_sum` and `_count` too). The engine infers types from it; the
 * collector reports a `_sum` at its base name's precision.
 */
export const HISTOGRAM_SUFFIXES = { bucket: '_bucket', sum: '_sum', count: '_count' } as const;

/** The base name of a histogram's `_bucket`, `_sum` or `_count` series name, else undefined. */
export function histogramBase(name: string): string | undefined {
  const suffix = Object.values(HISTOGRAM_SUFFIXES).find((s) => name.endsWith(s) && name.length > s.length);
  return suffix === undefined ? undefined : name.slice(0, -suffix.length);
}

/**
 * Anomaly detection's z: a 1m bucket outside mean ± z·stddev of its series' baseline is an anomaly.
 * The panel draws the baseline band with the same z, so the band is exactly the alerting band.
 */
export const ANOMALY_Z_THRESHOLD = 3;

/** How far back an alert rule's preview looks, and a new rule's first evaluation. */
export const ALERT_LOOKBACK_DAYS = 7;
