/**
 * The engine's vocabulary: one type for each concept that crosses a module boundary
 * (a sample, a series, a bucket, a query and its result, baselines, alerts, export options, error
 * codes). No behaviour lives here, and nothing is imported but shared/constants.ts: this is the
 * engine's types-only entry point, which shared/ (and through it the browser) may import types
 * from without pulling in Node or better-sqlite3.
 */
import type { Interval } from '../../shared/constants.ts';

export { INTERVALS, INTERVAL_MS, type Interval } from '../../shared/constants.ts';

/** Label name -> value. Key order is irrelevant; an empty value is the same as an absent label. */
export type Labels = Record<string, string>;

/**
 * What a metric measures (Prometheus' types): a gauge is a value that goes up and down; a counter
 * only goes up (a drop is a restart from 0); a histogram is cumulative `<name>_bucket{le}` counters
 * plus `<name>_sum` and `<name>_count`; a summary is precomputed quantiles; unknown is shown as a gauge.
 */
export type MetricType = 'gauge' | 'counter' | 'histogram' | 'summary' | 'unknown';

export const METRIC_TYPES: readonly MetricType[] = ['gauge', 'counter', 'histogram', 'summary', 'unknown'];

/** A metric's declared (or inferred) type, with an optional unit and a one-line help text. */
export interface MetricMetadata {
  /** For a histogram, its base name (without `_bucket`, `_sum`, `_count`). */
  name: string;
  type: MetricType;
  unit?: string;
  help?: string;
}

/** One measurement as a caller hands it to the engine. */
export interface MetricSample {
  name: string;
  /** A finite float64. */
  value: number;
  /** Integer milliseconds since the Unix epoch (UTC). */
  timestamp: number;
  labels?: Labels;
}

/** A series is a metric name plus a canonical label set; `key` is its stable text form. */
export interface SeriesKey {
  metricName: string;
  /** JSON object text with sorted keys and no empty values. */
  labelsJson: string;
}

export interface Series extends SeriesKey {
  id: number;
  labels: Labels;
}

export interface StorageConfig {
  dbPath: string;
  /** Default 30 (the app's telemetry_retention_days setting). */
  retentionDays?: number;
  /** Default true: compact old samples into compressed per-series chunks. */
  enableCompression?: boolean;
  /** Default true. */
  walMode?: boolean;
  /** Default ['1m', '5m', '1h', '1d']. */
  aggregationIntervals?: Interval[];
  /** Most series the store accepts before it rejects new ones. Default 10,000. */
  maxSeries?: number;
  /** Most labels one sample may carry. Default 32. */
  maxLabelsPerSeries?: number;
  /**
   * A hard cap on the database file (SQLite's max_page_count); a write that would pass it fails
   * with a DISK_FULL error and stores nothing, exactly as a full disk would. Default: none.
   */
  maxSizeBytes?: number;
  /** The clock used for retention and "newest complete bucket" decisions (tests move it). */
  now?: () => number;
  /**
   * Default on: the store folds and compacts its head on its own once more than `maxHeadRows`
   * (default 80,000) rows wait in it, or the oldest of them arrived more than `maxHeadAgeMs`
   * (default 60,000) ago. `false` for callers that run `rollUpAndCompact` themselves.
   */
  autoMaintenance?: boolean | { maxHeadRows?: number; maxHeadAgeMs?: number };
}

export interface MetricsSink {
  insertSamples(samples: MetricSample[]): Promise<number>;
}

export type MatchOp = '=' | '!=' | '=~' | '!~';

export type LabelMatcher = string | { op: MatchOp; value: string };

/** Label name -> one matcher, or several that must all hold (`{ host: [{ op: '=~', value: 'web-.*' }, { op: '!=', value: 'web-3' }] }`). */
export type LabelMatchers = Record<string, LabelMatcher | LabelMatcher[]>;

export type Resolution = 'raw' | Interval;

export interface MetricQuery {
  metricName: string;
  /** ms, inclusive. */
  start: number;
  /** ms, exclusive. */
  end: number;
  labels?: LabelMatchers;
  /** Default 'auto'. */
  aggregation?: 'raw' | Interval | 'auto';
  /**
   * Points per series. For 'auto' (default 1000) the finest resolution that fits; for 'raw', when
   * given, a cap: a series with more samples in the range gets maxPoints of them (see sampledFrom).
   */
  maxPoints?: number;
  /**
   * A function of the series: `rate` (per second) and `increase` for counters; `quantile` (with
   * `q`) and `buckets` (the increase of each `le` bucket) for histograms, whose `metricName` is the
   * base name. A function that does not fit the metric's type is an INVALID_QUERY error.
   */
  fn?: QueryFunction;
  /** The quantile for fn 'quantile', in (0, 1). */
  q?: number;
  /** Aggregation across series per time bucket, after the function: keeps only the labels in `by`. */
  aggregate?: { op: AggregateOp; by?: string[] };
}

export type QueryFunction = 'rate' | 'increase' | 'quantile' | 'buckets';
export const QUERY_FUNCTIONS: readonly QueryFunction[] = ['rate', 'increase', 'quantile', 'buckets'];

export type AggregateOp = 'sum' | 'avg' | 'min' | 'max' | 'count';
export const AGGREGATE_OPS: readonly AggregateOp[] = ['sum', 'avg', 'min', 'max', 'count'];

export interface Point {
  timestamp: number;
  value: number;
  count?: number;
  sum?: number;
  min?: number;
  max?: number;
}

export interface SeriesResult {
  metricName: string;
  labels: Labels;
  resolution: Resolution;
  points: Point[];
  /**
   * Set when a raw series was thinned to maxPoints: the number of samples the range holds. The
   * points are then maxPoints of them, evenly spaced by index, the first and the last included.
   */
  sampledFrom?: number;
  /** The function applied, if any (points are then its values: a rate, an increase, a quantile). */
  fn?: QueryFunction;
  /** Set for an aggregated series: the labels it keeps (those of `aggregate.by` it has). */
  aggregatedBy?: string[];
}

/** The mergeable summary of the samples of one series in one bucket. */
export interface Bucket {
  seriesId: number;
  /** Bucket start, ms, aligned to the interval. */
  bucket: number;
  count: number;
  sum: number;
  min: number;
  max: number;
}

export type Severity = 'info' | 'warning' | 'critical';

export interface Baseline {
  metricName: string;
  labels: Labels;
  mean: number;
  /** Population standard deviation. */
  stddev: number;
  /** Linear interpolation between closest ranks (numpy's default, R's type 7). */
  p50: number;
  p95: number;
  p99: number;
  count: number;
  windowStart: number;
  windowEnd: number;
  computedAt: number;
}

export interface NewAlert {
  metricName: string;
  labels?: Labels;
  alertType: string;
  severity: Severity;
  value: number;
  threshold: number;
  timestamp?: number;
  message?: string;
}

export interface Alert {
  id: number;
  metricName: string;
  labels: Labels;
  alertType: string;
  severity: Severity;
  value: number;
  threshold: number;
  timestamp: number;
  message: string | null;
}

export interface AlertFilter {
  start?: number;
  end?: number;
  metricName?: string;
  severity?: Severity;
  limit?: number;
}

/** A comparison of an alert rule: the condition holds when the value is above (`>`) or below (`<`) the threshold. */
export type AlertOp = '>' | '<';

/**
 * A user's alert rule (alerts/rules.ts): the series `metricName{labels}`, optionally through a
 * function (`rate`/`increase` of a counter, `quantile` of a histogram) and an aggregation across
 * series, compared per complete 1m bucket with a threshold in the metric's unit; it fires once the
 * condition has held for `forSeconds` (see README "Alert rules and incidents").
 */
export interface AlertRule {
  id?: number;
  name: string;
  metricName: string;
  labels?: MetricQuery['labels'];
  fn?: 'rate' | 'increase' | 'quantile';
  /** The quantile for fn 'quantile', in (0, 1). */
  q?: number;
  aggregate?: MetricQuery['aggregate'];
  op: AlertOp;
  threshold: number;
  forSeconds: number;
  severity: Severity;
  /** Default true; a paused rule is not evaluated. */
  enabled?: boolean;
}

export type IncidentState = 'pending' | 'firing' | 'resolved';

/** The baseline an anomaly incident was measured against. */
export interface AnomalyBaseline {
  mean: number;
  stddev: number;
  /** The configured z: the band is mean ± z·stddev. */
  z: number;
  windowStart: number;
  windowEnd: number;
  /** What was compared: a 1m bucket's average, or a counter's rate per second in it. */
  measure: 'value' | 'rate';
}

/**
 * Consecutive breaching minutes of one rule or one anomaly check on one series. `start` is the
 * start of the first breaching minute, `end` the start of the first minute that no longer breached
 * (null while ongoing). Beyond the fields: the threshold (a rule's, or the band's edge that
 * was crossed), when it began firing, the rule's name, the anomaly's baseline.
 */
export interface Incident {
  id: number;
  ruleId: number | null;
  kind: 'rule' | 'anomaly';
  metricName: string;
  labels: Labels;
  severity: Severity;
  state: IncidentState;
  start: number;
  end: number | null;
  /** The most extreme value in the incident's direction. */
  peak: number;
  direction: 'above' | 'below';
  acknowledged: boolean;
  threshold: number;
  /** Start of the minute whose completion made it fire (null while pending). */
  firedAt: number | null;
  /** The rule's name (rule incidents whose rule still exists). */
  ruleName?: string;
  anomaly?: AnomalyBaseline;
}

export interface IncidentFilter {
  state?: IncidentState;
  severity?: Severity;
  metricName?: string;
}

export type TimestampPrecision = 'ms' | 's' | 'min' | 'h';

export interface AnonymizeOptions {
  /** Label names kept verbatim (e.g. `quantile`, `le`). */
  keepLabels?: string[];
  /** Label names removed. */
  dropLabels?: string[];
  /** Default false. */
  hashMetricNames?: boolean;
  /** Truncation of timestamps; default 's'. */
  timestampPrecision?: TimestampPrecision;
  /** 32 bytes; default: fresh random bytes for this export, never written anywhere. */
  key?: Uint8Array;
}

export interface ExportOptions {
  start?: number;
  end?: number;
  source?: Resolution;
  anonymize?: boolean | AnonymizeOptions;
  /**
   * Only the series whose labels satisfy these matchers (as a query's); e.g.
   * `{ source: { op: '!=', value: 'demo' } }` leaves the demo history out. Default: every series.
   */
  labels?: LabelMatchers;
  onProgress?: (done: number, total: number) => void;
  /** Aborting it cancels the export between row groups: CANCELLED, and no file is left behind. */
  signal?: AbortSignal;
}

export interface ExportResult {
  path: string;
  rows: number;
  bytes: number;
}

/** The stable code of every error the engine throws on purpose (errors.ts). */
export type StorageErrorCode =
  | 'INVALID_SAMPLE'
  | 'INVALID_QUERY'
  | 'INVALID_ARGUMENT'
  | 'CARDINALITY_LIMIT'
  | 'DISK_FULL'
  | 'STORE_CLOSED'
  | 'EXPORT_FAILED'
  | 'CANCELLED'
  /** Opening: the file is damaged (SQLite reports corruption or its integrity check fails). */
  | 'CORRUPT'
  /** Opening: the file is not this engine's store (not SQLite, empty, or another program's database). */
  | 'NOT_A_STORE'
  /** Opening: the store was written by a newer version of the engine. */
  | 'SCHEMA_TOO_NEW'
  /** Opening: the file or its folder cannot be opened (permissions, a missing folder, a read-only disk). */
  | 'CANNOT_OPEN'
  /** Opening: another process already has the store open for writing. */
  | 'STORE_LOCKED'
  /** Reading: a stored chunk fails its checksum; the data of that series and range cannot be trusted. */
  | 'CHUNK_CORRUPT';

export interface StoreStats {
  samples: number;
  series: number;
  oldest: number | null;
  newest: number | null;
  dbBytes: number;
  walBytes: number;
  lastRollup: number | null;
  lastRetention: number | null;
  /** What the store noticed and could not fix on its own; empty when all is well (health.ts). */
  problems: StoreProblem[];
}

/** The kinds of trouble a store reports in its stats. */
export type StoreProblemKind =
  /** A background job (rollup, compaction, retention, checkpoint) failed; `subject` names it. */
  | 'job-failed'
  /** Rows a job could not process were set aside so the job could go on; `subject` names what. */
  | 'quarantined'
  /** A stored chunk failed its checksum; `subject` names the series. */
  | 'chunk-corrupt'
  /** The WAL keeps growing because another connection holds a read snapshot open. */
  | 'wal-growing'
  /** Deleted rows are still readable by another connection's snapshot until the next checkpoint. */
  | 'deletion-pending';

export interface StoreProblem {
  kind: StoreProblemKind;
  subject: string;
  message: string;
  /** When the problem was first seen (ms since the epoch). */
  since: number;
  /** How many times it was seen since. */
  count: number;
}

export interface RetentionPreview {
  cutoff: number;
  samples: number;
  from: number | null;
  to: number | null;
}

export interface SeriesSelector {
  metricName?: string;
  labels: LabelMatchers;
}
