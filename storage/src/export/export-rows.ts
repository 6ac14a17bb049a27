/**
 * Reads the store for an export: series by series (sorted by metric and labels, which also
 * compresses well), in bounded time windows, yielding batches of rows. Every read completes
 * before a batch is yielded, so no statement stays open while the writer hands control back to
 * the event loop, and memory stays bounded by one window of one series.
 */
import { readBuckets, readRaw, type QueryContext } from '../query/query.ts';
import { INTERVAL_MS, type Interval, type Series } from '../types.ts';
import type { RawExportRow, RollupExportRow } from './parquet-export.ts';

const BATCH_ROWS = 20_000;
/** Raw samples are read a day of one series at a time. */
const RAW_WINDOW_MS = 86_400_000;
/** Buckets are read this many slots of one series at a time. */
const BUCKET_WINDOW_SLOTS = 10_000;

export interface ExportScope {
  series: Series[];
  start: number;
  end: number;
}

/** The series' time span within [start, end), or undefined when it holds nothing there. */
function span(ctx: QueryContext, s: Series, start: number, end: number): [number, number] | undefined {
  const inHead = ctx.head.spanOf(s.id);
  const earliest = Math.min(ctx.tier.earliest(s.id) ?? Number.POSITIVE_INFINITY, inHead?.[0] ?? Number.POSITIVE_INFINITY);
  const latest = Math.max(ctx.tier.latest(s.id) ?? Number.NEGATIVE_INFINITY, inHead?.[1] ?? Number.NEGATIVE_INFINITY);
  const from = Math.max(start, earliest);
  const to = Math.min(end, latest + 1);
  return from < to ? [from, to] : undefined;
}

function* windows(from: number, to: number, width: number): Generator<[number, number]> {
  for (let t = from; t < to; t += width) yield [t, Math.min(to, t + width)];
}

export function* rawExportRows(ctx: QueryContext, scope: ExportScope): Generator<RawExportRow[]> {
  let batch: RawExportRow[] = [];
  for (const s of scope.series) {
    const range = span(ctx, s, scope.start, scope.end);
    if (!range) continue;
    for (const [from, to] of windows(range[0], range[1], RAW_WINDOW_MS)) {
      for (const p of readRaw(ctx, s.id, from, to)) {
        batch.push({ metricName: s.metricName, timestamp: p.timestamp, value: p.value, labels: s.labels });
      }
      if (batch.length >= BATCH_ROWS) {
        yield batch;
        batch = [];
      }
    }
  }
  if (batch.length > 0) yield batch;
}

export function* rollupExportRows(ctx: QueryContext, interval: Interval, scope: ExportScope): Generator<RollupExportRow[]> {
  const width = INTERVAL_MS[interval];
  let batch: RollupExportRow[] = [];
  for (const s of scope.series) {
    const range = span(ctx, s, scope.start, scope.end);
    if (!range) continue;
    const alignedFrom = Math.floor(range[0] / width) * width;
    for (const [from, to] of windows(alignedFrom, range[1], BUCKET_WINDOW_SLOTS * width)) {
      for (const p of readBuckets(ctx, interval, s.id, Math.max(from, scope.start), to)) {
        batch.push({ metricName: s.metricName, bucket: p.timestamp, count: p.count!, sum: p.sum!, min: p.min!, max: p.max!, avg: p.value, labels: s.labels });
      }
      if (batch.length >= BATCH_ROWS) {
        yield batch;
        batch = [];
      }
    }
  }
  if (batch.length > 0) yield batch;
}

/** Raw samples in the scope, for the progress total. */
export function countRawRows(ctx: QueryContext, scope: ExportScope): number {
  let total = 0;
  for (const s of scope.series) total += ctx.tier.count(s.id, scope.start, scope.end, Number.MAX_SAFE_INTEGER);
  return total + ctx.head.countRange(scope.start, scope.end);
}
