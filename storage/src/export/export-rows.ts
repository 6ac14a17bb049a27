/**
 * Reads the store for an export: series by series (sorted by metric and labels, which also
 * compresses well), in bounded time windows, yielding batches of rows. Every read completes
 * before a batch is yielded, so no statement stays open while the writer hands control back to
 * the event loop, and memory stays bounded by one window of one series.
 *
 * A rollup export holds the buckets that overlap [start, end), as queryMetrics returns them,
 * including buckets whose raw samples retention has already deleted.
 */
import { DAY_MS } from '../../../shared/constants.ts';
import { readBuckets, readRaw, type QueryContext } from '../query/query.ts';
import { INTERVAL_MS, type Interval, type Point, type Series } from '../types.ts';
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

/** The span [first, last] of a series' raw samples, in the head and the tier. */
function rawSpan(ctx: QueryContext, s: Series): [number, number] | undefined {
  const inHead = ctx.head.spanOf(s.id);
  const first = Math.min(ctx.tier.earliest(s.id) ?? Number.POSITIVE_INFINITY, inHead?.[0] ?? Number.POSITIVE_INFINITY);
  const last = Math.max(ctx.tier.latest(s.id) ?? Number.NEGATIVE_INFINITY, inHead?.[1] ?? Number.NEGATIVE_INFINITY);
  return first <= last ? [first, last] : undefined;
}

/** The span of a series' buckets at an interval: its raw span joined with its stored buckets. */
function bucketSpan(ctx: QueryContext, interval: Interval, s: Series): [number, number] | undefined {
  const width = INTERVAL_MS[interval];
  const raw = rawSpan(ctx, s);
  const slots = ctx.rollups.slotSpan(interval, s.id);
  const first = Math.min(raw?.[0] ?? Number.POSITIVE_INFINITY, slots ? slots[0] * width : Number.POSITIVE_INFINITY);
  const last = Math.max(raw?.[1] ?? Number.NEGATIVE_INFINITY, slots ? slots[1] * width : Number.NEGATIVE_INFINITY);
  return first <= last ? [first, last] : undefined;
}

/** [from, to) windows of `width` covering the part of [first, last] that lies in [start, end). */
function* windows(
  span: [number, number] | undefined,
  start: number,
  end: number,
  width: number,
): Generator<[number, number]> {
  if (!span) return;
  const from = Math.max(start, span[0]);
  const to = Math.min(end, span[1] + 1);
  for (let t = from; t < to; t += width) yield [t, Math.min(to, t + width)];
}

function* rawPoints(ctx: QueryContext, s: Series, scope: ExportScope): Generator<Point[]> {
  for (const [from, to] of windows(rawSpan(ctx, s), scope.start, scope.end, RAW_WINDOW_MS))
    yield readRaw(ctx, s.id, from, to);
}

function* bucketPoints(ctx: QueryContext, interval: Interval, s: Series, scope: ExportScope): Generator<Point[]> {
  const width = INTERVAL_MS[interval];
  const alignedStart = Math.floor(scope.start / width) * width;
  for (const [from, to] of windows(
    bucketSpan(ctx, interval, s),
    alignedStart,
    scope.end,
    BUCKET_WINDOW_SLOTS * width,
  )) {
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
  return batched(
    (function* () {
      for (const s of scope.series) {
        for (const points of rawPoints(ctx, s, scope)) {
          yield points.map((p) => ({
            metricName: s.metricName,
            timestamp: p.timestamp,
            value: p.value,
            labels: s.labels,
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
  return batched(
    (function* () {
      for (const s of scope.series) {
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
