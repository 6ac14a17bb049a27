/**
 * Baselines for anomaly detection: per series, the mean, population standard deviation and
 * p50/p95/p99 of its raw samples over the last `windowDays`; and anomaly detection, which compares
 * each complete 1m bucket of each series since it was last checked (baselines.checked_to) with its
 * baseline, records an `anomaly` alert once per breaching minute and carries the series' anomaly
 * incident (alerts/runs.ts: consecutive breaching minutes in one direction are one incident).
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
import { ANOMALY_Z_THRESHOLD, DAY_MS, MINUTE_MS } from '../../../shared/constants.ts';
import type { Db } from '../db/connection.ts';
import type { AlertLog } from '../alerts/alerts.ts';
import type { IncidentLog, IncidentSubject } from '../alerts/incidents.ts';
import { advance, type Run } from '../alerts/runs.ts';
import { ChunkCorruptError } from '../errors.ts';
import { counterPoints } from '../query/counters.ts';
import { readBuckets, readRaw, type QueryContext } from '../query/query.ts';
import type { Alert, Baseline, Incident, Labels, Point, Series, Severity } from '../types.ts';
import { baselineMeasure, type BaselineMeasure } from './measure.ts';
import { summarize } from './stats.ts';

export const DEFAULT_WINDOW_DAYS = 7;
export const MIN_BASELINE_SAMPLES = 30;
export const DEFAULT_Z_THRESHOLD = ANOMALY_Z_THRESHOLD;
/** The furthest back detection goes: a baseline's default window. */
const MAX_LOOKBACK_MS = DEFAULT_WINDOW_DAYS * DAY_MS;

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
  incidents: IncidentLog;
  now: () => number;
}

/** What one detection found: the alerts it recorded, and the incidents it opened or whose state changed. */
export interface Detection {
  alerts: Alert[];
  incidents: Incident[];
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
  private readonly checkedToStmt: Statement;
  private readonly setCheckedStmt: Statement;

  constructor(private readonly ctx: BaselineContext) {
    // An upsert, so that a recomputed baseline keeps how far detection checked its series.
    this.upsert = ctx.db.prepare(
      `INSERT INTO baselines (metric_name, labels, mean, stddev, p50, p95, p99, count, window_start, window_end, computed_at)
       VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)
       ON CONFLICT (metric_name, labels) DO UPDATE SET mean = excluded.mean, stddev = excluded.stddev,
         p50 = excluded.p50, p95 = excluded.p95, p99 = excluded.p99, count = excluded.count,
         window_start = excluded.window_start, window_end = excluded.window_end, computed_at = excluded.computed_at`,
    );
    this.checkedToStmt = ctx.db
      .prepare('SELECT checked_to FROM baselines WHERE metric_name = ? AND labels = ?')
      .pluck();
    this.setCheckedStmt = ctx.db.prepare('UPDATE baselines SET checked_to = ? WHERE metric_name = ? AND labels = ?');
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

  /**
   * Compares each series' complete 1m buckets since it was last checked (never checked: from when
   * its baseline was computed, or from `since`; at most a week back) with its baseline: records an `anomaly`
   * alert per breaching minute and carries the series' anomaly incident (consecutive breaching
   * minutes in one direction form one incident). The newest complete minute is always checked
   * again, so a call with another zThreshold sees it; recording it twice is avoided.
   */
  detect(zThreshold: number, { at = this.ctx.now(), since }: { at?: number; since?: number } = {}): Detection {
    const to = Math.floor(at / MINUTE_MS) * MINUTE_MS;
    const found: Detection = { alerts: [], incidents: [] };
    for (const baseline of this.list()) {
      const labelsJson = JSON.stringify(baseline.labels);
      const series = this.ctx.registry.ofMetric(baseline.metricName).find((s) => s.labelsJson === labelsJson);
      const measure = series && baselineMeasure(this.ctx.catalog, series.metricName);
      if (!series || !measure) continue;
      const checkedTo = this.checkedToStmt.get(series.metricName, labelsJson) as number | null;
      const firstMinute = Math.floor((since ?? baseline.windowEnd) / MINUTE_MS) * MINUTE_MS;
      const from = Math.max(Math.min(checkedTo ?? firstMinute, to - MINUTE_MS), to - MAX_LOOKBACK_MS);
      const buckets = unlessDamaged(() => this.minutePoints(measure, series.id, from, to));
      if (!buckets) continue;
      this.ctx.db
        .transaction(() => {
          const values = new Map(buckets.map((b) => [b.timestamp, b.value]));
          found.alerts.push(...this.recordBreaches(series, baseline, values, zThreshold, measure));
          found.incidents.push(...this.carryIncident(series, baseline, values, { from, to }, zThreshold, measure));
          this.setCheckedStmt.run(to, series.metricName, labelsJson);
        })
        .immediate();
    }
    return found;
  }

  /** Records an `anomaly` alert for each breaching minute not recorded yet. */
  private recordBreaches(
    series: Series,
    baseline: Baseline,
    values: Map<number, number>,
    zThreshold: number,
    measure: BaselineMeasure,
  ): Alert[] {
    const recorded: Alert[] = [];
    for (const [minute, value] of values) {
      const breach = assess(baseline, value, zThreshold);
      if (!breach || this.ctx.alerts.has(series.metricName, series.labelsJson, 'anomaly', minute)) continue;
      recorded.push(this.record(series, baseline, minute, value, breach, zThreshold, measure));
    }
    return recorded;
  }

  /** Carries the series' anomaly incident through [from, to); returns incidents opened or whose state changed. */
  private carryIncident(
    series: Series,
    baseline: Baseline,
    values: Map<number, number>,
    range: { from: number; to: number },
    zThreshold: number,
    measure: BaselineMeasure,
  ): Incident[] {
    const open = this.ctx.incidents.openAnomaly(series.metricName, series.labelsJson);
    const condition = { breach: (v: number) => assess(baseline, v, zThreshold)?.direction, forMs: 0 };
    const result = advance(open, values, range.from, range.to, condition);
    const anomaly = {
      mean: baseline.mean,
      stddev: baseline.stddev,
      z: zThreshold,
      windowStart: baseline.windowStart,
      windowEnd: baseline.windowEnd,
      measure,
    };
    const subjectOf = (run: Run): IncidentSubject => {
      const atPeak = assess(baseline, run.peak, zThreshold)!;
      return {
        ruleId: null,
        kind: 'anomaly',
        metricName: series.metricName,
        labelsJson: series.labelsJson,
        severity: atPeak.severity,
        threshold: atPeak.threshold,
        anomaly,
      };
    };
    const runs = [...result.resolved, ...(result.open ? [result.open] : [])];
    return runs.flatMap((run) => {
      const stored = this.ctx.incidents.save(subjectOf(run), run);
      const unchanged = run.id !== undefined && open !== undefined && (run.end === null) === (open.end === null);
      return unchanged ? [] : [stored];
    });
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
    const window = `${new Date(baseline.windowStart).toISOString()} to ${new Date(baseline.windowEnd).toISOString()}`;
    const message =
      `${series.metricName} ${what} in the minute from ${new Date(timestamp).toISOString()}, ` +
      `${Number.isFinite(breach.z) ? `${Math.abs(breach.z).toFixed(1)}σ ` : ''}${breach.direction} ` +
      `the baseline mean ${baseline.mean} ± ${zThreshold}σ (σ = ${baseline.stddev}) of ${window}`;
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
