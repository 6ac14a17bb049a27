/**
 * Baselines for anomaly detection: per series, the mean, population standard deviation and
 * p50/p95/p99 of its raw samples over the last `windowDays`; and anomaly detection, which compares
 * the newest complete 1m bucket of each series with its baseline and records an `anomaly` alert
 * once per breach.
 *
 * What is measured follows the metric's type (its catalog metadata): a gauge's (or an unknown
 * metric's) values; a counter's rate per second, as counterPoints gives it at 1m (each 1m bucket's
 * increase, reset-aware, over 60 s), for the baseline window and for detection alike, so that both
 * compare the same statistic whatever the sampling interval (a per-sample rate of a counter sampled
 * hourly would be 60 times smaller than its 1m bucket rate). A counter that rises steadily has a
 * steady rate: no anomaly. Histograms (their base name and their `_bucket`, `_sum`, `_count`
 * series) get no baseline: a stored one is removed. A summary is treated as a gauge.
 *
 * Choices: a series with fewer than MIN_BASELINE_SAMPLES samples (for a counter, 1m rates) in the
 * window gets no baseline (an existing one is removed, since it no longer describes the series), so
 * it is not checked. A constant series (stddev 0) breaches when a bucket's average differs from
 * the mean by more than 0.1 % of |mean| (1e-9 when the mean is 0), and such a breach is critical: a
 * constant that moves is as far out as it gets. Otherwise severity follows |z|: >= 2 x threshold critical,
 * >= 1.5 x threshold warning, else info. A series whose window holds a damaged chunk is skipped
 * (its baseline, if any, is kept; the chunk is reported in the store's health), so that one damaged
 * chunk does not stop the job for every other series.
 */
import type { Statement } from 'better-sqlite3';
import { DAY_MS, MINUTE_MS } from '../../../shared/constants.ts';
import type { Db } from '../db/connection.ts';
import type { AlertLog } from '../alerts/alerts.ts';
import { ChunkCorruptError } from '../errors.ts';
import { counterPoints } from '../query/counters.ts';
import { readBuckets, readRaw, type QueryContext } from '../query/query.ts';
import type { Alert, Baseline, Labels, Point, Series, Severity } from '../types.ts';
import { baselineMeasure, type BaselineMeasure } from './measure.ts';
import { summarize } from './stats.ts';

export const DEFAULT_WINDOW_DAYS = 7;
export const MIN_BASELINE_SAMPLES = 30;
export const DEFAULT_Z_THRESHOLD = 3;
/** How far back detection looks for the newest complete 1m bucket. */
const LOOKBACK_MS = 60 * MINUTE_MS;

interface BaselineRow {
  metric_name: string;
  labels: string;
  mean: number;
  stddev: number;
  p50: number;
  p95: number;
  p99: number;
  count: number;
  window_start: number;
  window_end: number;
  computed_at: number;
}

export interface BaselineContext extends QueryContext {
  db: Db;
  alerts: AlertLog;
  now: () => number;
}

function toBaseline(row: BaselineRow): Baseline {
  return {
    metricName: row.metric_name,
    labels: JSON.parse(row.labels) as Labels,
    mean: row.mean,
    stddev: row.stddev,
    p50: row.p50,
    p95: row.p95,
    p99: row.p99,
    count: row.count,
    windowStart: row.window_start,
    windowEnd: row.window_end,
    computedAt: row.computed_at,
  };
}

/** What `read` returns, or undefined when it meets a damaged chunk (already reported by the tier). */
function unlessDamaged<T>(read: () => T): T | undefined {
  try {
    return read();
  } catch (err) {
    if (err instanceof ChunkCorruptError) return undefined;
    throw err;
  }
}

export class Baselines {
  private readonly upsert: Statement;
  private readonly remove: Statement;
  private readonly removeBefore: Statement;

  constructor(private readonly ctx: BaselineContext) {
    this.upsert = ctx.db.prepare(
      `INSERT OR REPLACE INTO baselines (metric_name, labels, mean, stddev, p50, p95, p99, count, window_start, window_end, computed_at)
       VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)`,
    );
    this.remove = ctx.db.prepare('DELETE FROM baselines WHERE metric_name = ? AND labels = ?');
    this.removeBefore = ctx.db.prepare('DELETE FROM baselines WHERE window_end <= ?');
  }

  /** Deletes the baseline of a series (the series is being deleted). */
  deleteSeries(series: Series): void {
    this.remove.run(series.metricName, series.labelsJson);
  }

  /** Deletes the baselines whose window ended by `cutoff` (retention). */
  deleteBefore(cutoff: number): number {
    return this.removeBefore.run(cutoff).changes;
  }

  /** Recomputes every series' baseline over the last `windowDays`; returns rows written. */
  compute(windowDays: number): number {
    const windowEnd = this.ctx.now();
    const windowStart = windowEnd - windowDays * DAY_MS;
    let written = 0;
    for (const s of [...this.ctx.registry.all()]) {
      const measure = baselineMeasure(this.ctx.catalog, s.metricName);
      const points = unlessDamaged(() => this.windowPoints(measure, s.id, windowStart, windowEnd));
      if (!points) continue;
      const values = Float64Array.from(points, (p) => p.value);
      this.ctx.db
        .transaction(() => {
          if (values.length < MIN_BASELINE_SAMPLES) {
            this.remove.run(s.metricName, s.labelsJson);
            return;
          }
          const m = summarize(values);
          this.upsert.run(
            s.metricName,
            s.labelsJson,
            m.mean,
            m.stddev,
            m.p50,
            m.p95,
            m.p99,
            m.count,
            windowStart,
            windowEnd,
            windowEnd,
          );
          written++;
        })
        .immediate();
    }
    return written;
  }

  list(filter: { metricName?: string; labels?: Labels } = {}): Baseline[] {
    const rows = (
      filter.metricName === undefined
        ? this.ctx.db.prepare('SELECT * FROM baselines ORDER BY metric_name, labels').all()
        : this.ctx.db.prepare('SELECT * FROM baselines WHERE metric_name = ? ORDER BY labels').all(filter.metricName)
    ) as BaselineRow[];
    const wanted = Object.entries(filter.labels ?? {});
    return rows.map(toBaseline).filter((b) => wanted.every(([name, value]) => (b.labels[name] ?? '') === value));
  }

  /** Records an `anomaly` alert for each series whose newest complete 1m bucket is out of bounds. */
  detect(zThreshold: number): Alert[] {
    const newestCompleteEnd = Math.floor(this.ctx.now() / MINUTE_MS) * MINUTE_MS;
    const recorded: Alert[] = [];
    for (const baseline of this.list()) {
      const series = this.ctx.registry
        .ofMetric(baseline.metricName)
        .find((s) => s.labelsJson === JSON.stringify(baseline.labels));
      const measure = series && baselineMeasure(this.ctx.catalog, series.metricName);
      if (!series || !measure) continue;
      const buckets = unlessDamaged(() =>
        this.minutePoints(measure, series.id, newestCompleteEnd - LOOKBACK_MS, newestCompleteEnd),
      );
      const bucket = buckets?.at(-1);
      if (!bucket) continue;
      const breach = assess(baseline, bucket.value, zThreshold);
      if (!breach || this.ctx.alerts.has(series.metricName, series.labelsJson, 'anomaly', bucket.timestamp)) continue;
      recorded.push(this.record(series, baseline, bucket.timestamp, bucket.value, breach, zThreshold, measure));
    }
    return recorded;
  }

  /** The values a baseline describes over [start, end): raw samples, 1m rates of a counter, none for a histogram. */
  private windowPoints(measure: BaselineMeasure | undefined, seriesId: number, start: number, end: number): Point[] {
    if (measure === undefined) return [];
    if (measure === 'rate') return minuteRates(this.ctx, seriesId, start, end);
    return readRaw(this.ctx, seriesId, start, end);
  }

  /** What detection compares, per 1m bucket: its average, or a counter's rate. */
  private minutePoints(measure: BaselineMeasure, seriesId: number, start: number, end: number): Point[] {
    if (measure === 'rate') return minuteRates(this.ctx, seriesId, start, end);
    return readBuckets(this.ctx, '1m', seriesId, start, end);
  }

  private record(
    series: Series,
    baseline: Baseline,
    timestamp: number,
    value: number,
    breach: Breach,
    zThreshold: number,
    measure: BaselineMeasure,
  ): Alert {
    const what = measure === 'rate' ? `rose at ${value}/s` : `averaged ${value}`;
    const message =
      `${series.metricName} ${what} in the minute from ${new Date(timestamp).toISOString()}, ` +
      `${breach.direction} the baseline mean ${baseline.mean} ± ${zThreshold}σ (σ = ${baseline.stddev}` +
      `${Number.isFinite(breach.z) ? `, z = ${breach.z.toFixed(2)}` : ''})`;
    const alert = {
      metricName: series.metricName,
      labels: series.labels,
      alertType: 'anomaly',
      severity: breach.severity,
      value,
      threshold: breach.threshold,
      timestamp,
      message,
    };
    return { id: this.ctx.alerts.record(alert), ...alert };
  }
}

/**
 * A counter's rate in each 1m bucket of [start, end). An increase beyond the float64 range (a
 * client recording values near Number.MAX_VALUE) saturates at ±Number.MAX_VALUE, so the statistics
 * stay finite, as the gauges' do; a bucket whose overflows went both ways (NaN) is left out.
 */
function minuteRates(ctx: QueryContext, seriesId: number, start: number, end: number): Point[] {
  return counterPoints(ctx, seriesId, '1m', start, end, 'rate').flatMap((p) =>
    Number.isNaN(p.value)
      ? []
      : [{ timestamp: p.timestamp, value: Math.min(Number.MAX_VALUE, Math.max(-Number.MAX_VALUE, p.value)) }],
  );
}

interface Breach {
  z: number;
  severity: Severity;
  threshold: number;
  direction: 'above' | 'below';
}

/** Whether an average breaches a baseline, and how badly. */
export function assess(
  baseline: Pick<Baseline, 'mean' | 'stddev'>,
  value: number,
  zThreshold: number,
): Breach | undefined {
  const above = value > baseline.mean;
  const direction = above ? 'above' : 'below';
  if (baseline.stddev === 0) {
    const tolerance = Math.max(Math.abs(baseline.mean) * 1e-3, 1e-9);
    if (Math.abs(value - baseline.mean) <= tolerance) return undefined;
    return {
      z: Number.POSITIVE_INFINITY,
      severity: 'critical',
      threshold: baseline.mean + (above ? tolerance : -tolerance),
      direction,
    };
  }
  const z = (value - baseline.mean) / baseline.stddev;
  if (Math.abs(z) <= zThreshold) return undefined;
  const severity: Severity =
    Math.abs(z) >= 2 * zThreshold ? 'critical' : Math.abs(z) >= 1.5 * zThreshold ? 'warning' : 'info';
  return { z, severity, threshold: baseline.mean + Math.sign(z) * zThreshold * baseline.stddev, direction };
}
