/**
 * Reads the store for an export: series by series (sorted by metric and labels, which also
 * compresses well), in bounded time windows, yielding batches of rows. Every read completes
 * before a batch is yielded, so no statement stays open while the writer hands control back to
 * the event loop, and memory stays bounded by one window of one series. Each window starts where
 * the series' data resumes, so an export's time follows the data, not the span it covers.
 *
 * A rollup export holds the buckets that overlap [start, end), as queryMetrics returns them,
 * including stored (1h, 1d) buckets whose raw samples retention has already deleted (a 1m or 5m
 * bucket is computed from the samples left). Every row carries its
 * series' metric type, unit and family (export-metric.ts), looked up once per metric name.
 */
import { DAY_MS } from '../../../shared/constants.ts';
import { readBuckets, readRaw, type QueryContext } from '../query/query.ts';
import { INTERVAL_MS, type Interval, type Point, type Series } from '../types.ts';
import { exportMetricCache } from './export-metric.ts';
import type { RawExportRow, RollupExportRow } from './parquet-export.ts';

const BATCH_ROWS = 20_000;
/** Raw samples are read a day of one series at a time. */
const RAW_WINDOW_MS = DAY_MS;
/** Buckets are read this many slots of one series at a time. */
const BUCKET_WINDOW_SLOTS = 10_000;

export interface ExportScope {
  series: Series[];
  start: number;
  end: number;
}

/** The earlier of two optional times. */
function earliest(a: number | undefined, b: number | undefined): number | undefined {
  return a === undefined ? b : b === undefined ? a : Math.min(a, b);
}

/** Where a series' raw samples at or after `from` begin (head and tier), if it has any. */
function nextRaw(ctx: QueryContext, s: Series, from: number): number | undefined {
  return earliest(ctx.tier.next(s.id, from), ctx.head.next(s.id, from));
}

/** The start of the first bucket at or after the aligned `from` that holds data (stored or raw). */
function nextBucket(ctx: QueryContext, interval: Interval, s: Series, from: number): number | undefined {
  const width = INTERVAL_MS[interval];
  const slot = ctx.rollups.nextSlot(interval, s.id, from / width);
  const next = earliest(slot === undefined ? undefined : slot * width, nextRaw(ctx, s, from));
  return next === undefined ? undefined : Math.floor(next / width) * width;
}

/**
 * [from, to) windows of at most `width` within [start, end), each starting where the data resumes
 * (`next`), so the walk follows the data, not the span: empty stretches cost one look-up each.
 */
function* windows(
  next: (from: number) => number | undefined,
  start: number,
  end: number,
  width: number,
): Generator<[number, number]> {
  let from = next(start);
  while (from !== undefined && from < end) {
    const to = Math.min(end, from + width);
    yield [from, to];
    from = to < end ? next(to) : undefined;
  }
}

function* rawPoints(ctx: QueryContext, s: Series, scope: ExportScope): Generator<Point[]> {
  for (const [from, to] of windows((t) => nextRaw(ctx, s, t), scope.start, scope.end, RAW_WINDOW_MS))
    yield readRaw(ctx, s.id, from, to);
}

function* bucketPoints(ctx: QueryContext, interval: Interval, s: Series, scope: ExportScope): Generator<Point[]> {
  const width = INTERVAL_MS[interval];
  const alignedStart = Math.floor(scope.start / width) * width;
  const next = (t: number) => nextBucket(ctx, interval, s, t);
  for (const [from, to] of windows(next, alignedStart, scope.end, BUCKET_WINDOW_SLOTS * width)) {
    yield readBuckets(ctx, interval, s.id, from, to);
  }
}

function* batched<Row>(rows: Generator<Row[]>): Generator<Row[]> {
  let batch: Row[] = [];
  for (const part of rows) {
    batch.push(...part);
    if (batch.length >= BATCH_ROWS) {
      yield batch;
      batch = [];
    }
  }
  if (batch.length > 0) yield batch;
}

export function rawExportRows(ctx: QueryContext, scope: ExportScope): Generator<RawExportRow[]> {
  const metricOf = exportMetricCache(ctx.catalog);
  return batched(
    (function* () {
      for (const s of scope.series) {
        const metric = metricOf(s.metricName);
        for (const points of rawPoints(ctx, s, scope)) {
          yield points.map((p) => ({
            metricName: s.metricName,
            timestamp: p.timestamp,
            value: p.value,
            labels: s.labels,
            metric,
          }));
        }
      }
    })(),
  );
}

export function rollupExportRows(
  ctx: QueryContext,
  interval: Interval,
  scope: ExportScope,
): Generator<RollupExportRow[]> {
  const metricOf = exportMetricCache(ctx.catalog);
  return batched(
    (function* () {
      for (const s of scope.series) {
        const metric = metricOf(s.metricName);
        for (const points of bucketPoints(ctx, interval, s, scope)) {
          yield points.map((p) => ({
            metricName: s.metricName,
            bucket: p.timestamp,
            count: p.count!,
            sum: p.sum!,
            min: p.min!,
            max: p.max!,
            avg: p.value,
            labels: s.labels,
            metric,
          }));
        }
      }
    })(),
  );
}

/** Raw samples in the scope, for the progress total. */
export function countRawRows(ctx: QueryContext, scope: ExportScope): number {
  let total = 0;
  for (const s of scope.series) total += ctx.tier.count(s.id, scope.start, scope.end, Number.MAX_SAFE_INTEGER);
  return total + ctx.head.countRange(scope.start, scope.end);
}

/** Buckets in the scope, for the progress total: a counting pass over the same reads. */
export function countBucketRows(ctx: QueryContext, interval: Interval, scope: ExportScope): number {
  let total = 0;
  for (const s of scope.series) for (const points of bucketPoints(ctx, interval, s, scope)) total += points.length;
  return total;
}
