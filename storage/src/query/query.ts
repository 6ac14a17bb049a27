/**
 * Queries: finds the series whose labels satisfy the matchers, picks the resolution ('auto': the
 * finest whose point count per series fits maxPoints), and reads raw samples (tier + head) or
 * buckets (materialised rollups plus the head rows not folded in yet, merged exactly, as
 * TimescaleDB's real-time aggregates do), so no query misses data that is stored. With `fn`, the
 * series are a function of the stored ones (functions.ts); with `aggregate`, they are then
 * aggregated across series per time bucket (aggregate.ts). A raw result given maxPoints keeps at
 * most that many points per series, evenly spaced, and says so.
 */
import { InvalidQueryError } from '../errors.ts';
import { isLabelName } from '../ingest/validate.ts';
import type { MetricCatalog } from '../metrics/catalog.ts';
import type { Head, HeadRow } from '../head/head.ts';
import { accumulate, mergeInto, summarize, type SlotSummaries, type Summary } from '../rollup/bucket-math.ts';
import type { Rollups } from '../rollup/rollups.ts';
import type { SeriesRegistry } from '../series/registry.ts';
import type { Tier } from '../tier/tier.ts';
import {
  AGGREGATE_OPS,
  INTERVALS,
  INTERVAL_MS,
  type Interval,
  type MetricQuery,
  QUERY_FUNCTIONS,
  type Point,
  type Resolution,
  type Series,
  type SeriesResult,
} from '../types.ts';
import { aggregateSeries } from './aggregate.ts';
import { aggregatesBeforeFunction, functionSeries } from './functions.ts';

export interface QueryContext {
  registry: SeriesRegistry;
  head: Head;
  tier: Tier;
  rollups: Rollups;
  catalog: MetricCatalog;
}

export const DEFAULT_MAX_POINTS = 1000;

/** A query's resolution as asked: raw, an interval, or auto. */
export type Aggregation = NonNullable<MetricQuery['aggregation']>;

const AGGREGATIONS = new Set<string>(['raw', 'auto', ...INTERVALS]);

function validateFunction(q: MetricQuery): void {
  if (q.fn !== undefined && !QUERY_FUNCTIONS.includes(q.fn)) {
    throw new InvalidQueryError(`unknown function ${JSON.stringify(q.fn)}: use ${QUERY_FUNCTIONS.join(', ')}`);
  }
  if (q.fn === 'quantile') {
    if (typeof q.q !== 'number' || !(q.q > 0 && q.q < 1))
      throw new InvalidQueryError(`quantile needs q, a number between 0 and 1 (exclusive), got ${String(q.q)}`);
  } else if (q.q !== undefined) {
    throw new InvalidQueryError(`q is only for fn 'quantile', not ${q.fn === undefined ? 'a query without fn' : q.fn}`);
  }
}

function validateAggregate(q: MetricQuery): void {
  if (q.aggregate === undefined) return;
  const { aggregate } = q;
  if (aggregate === null || typeof aggregate !== 'object')
    throw new InvalidQueryError('aggregate must be an object { op, by? }');
  if (!AGGREGATE_OPS.includes(aggregate.op)) {
    throw new InvalidQueryError(
      `unknown aggregation op ${JSON.stringify(aggregate.op)}: use ${AGGREGATE_OPS.join(', ')}`,
    );
  }
  if (aggregate.by === undefined) return;
  if (!Array.isArray(aggregate.by)) throw new InvalidQueryError('aggregate.by must be an array of label names');
  for (const name of aggregate.by as unknown[]) {
    if (typeof name !== 'string' || !isLabelName(name))
      throw new InvalidQueryError(`aggregate.by: ${JSON.stringify(name)} is not a label name`);
  }
}

export function validateQuery(q: MetricQuery): { aggregation: Aggregation; maxPoints: number } {
  if (q === null || typeof q !== 'object') throw new InvalidQueryError('the query must be an object');
  if (typeof q.metricName !== 'string' || q.metricName.length === 0)
    throw new InvalidQueryError('metricName must be a non-empty string');
  for (const key of ['start', 'end'] as const) {
    if (typeof q[key] !== 'number' || !Number.isFinite(q[key]))
      throw new InvalidQueryError(`${key} must be a finite number of milliseconds`);
  }
  if (q.start >= q.end) {
    throw new InvalidQueryError(
      `the time range is ${q.start === q.end ? 'empty' : 'reversed'}: start ${q.start} must be before end ${q.end}`,
    );
  }
  const aggregation: Aggregation = q.aggregation ?? 'auto';
  if (!AGGREGATIONS.has(aggregation)) {
    throw new InvalidQueryError(
      `unknown aggregation ${JSON.stringify(aggregation)}: use raw, auto, ${INTERVALS.join(', ')}`,
    );
  }
  const maxPoints = q.maxPoints ?? DEFAULT_MAX_POINTS;
  if (typeof maxPoints !== 'number' || !Number.isInteger(maxPoints) || maxPoints < 1) {
    throw new InvalidQueryError(`maxPoints must be an integer of at least 1, got ${String(maxPoints)}`);
  }
  validateFunction(q);
  validateAggregate(q);
  return { aggregation, maxPoints };
}

/** Number of aligned buckets of an interval that overlap [start, end). */
export function slotCount(interval: Interval, start: number, end: number): number {
  const width = INTERVAL_MS[interval];
  return Math.floor((end - 1) / width) - Math.floor(start / width) + 1;
}

/** Each series' head rows with ts in [start, end), by time. */
function headRowsBySeries(
  ctx: QueryContext,
  series: readonly Series[],
  start: number,
  end: number,
): Map<number, HeadRow[]> {
  return new Map(series.map((s) => [s.id, ctx.head.readSeriesRange(s.id, start, end)]));
}

/** Whether every series has at most maxPoints raw samples in the query's range. */
function fitsRaw(
  ctx: QueryContext,
  series: readonly Series[],
  headRows: Map<number, HeadRow[]>,
  q: MetricQuery,
  maxPoints: number,
): boolean {
  return series.every((s) => {
    const inHead = headRows.get(s.id)?.length ?? 0;
    return inHead <= maxPoints && inHead + ctx.tier.count(s.id, q.start, q.end, maxPoints + 1 - inHead) <= maxPoints;
  });
}

/**
 * 'auto': raw when allowed and every series' samples in the range fit maxPoints, else the finest
 * interval whose bucket count fits, else 1d. (An aggregation across series is not allowed raw:
 * raw points line up across series only where their timestamps coincide.)
 */
export function pickResolution(
  ctx: QueryContext,
  series: readonly Series[],
  q: MetricQuery,
  maxPoints: number,
  rawAllowed: boolean,
  headRows = () => headRowsBySeries(ctx, series, q.start, q.end),
): Resolution {
  if (rawAllowed && fitsRaw(ctx, series, headRows(), q, maxPoints)) return 'raw';
  return INTERVALS.find((i) => slotCount(i, q.start, q.end) <= maxPoints) ?? '1d';
}

/** Head rows of one series with ts in [start, end), by time. */
function headRowsOf(ctx: QueryContext, seriesId: number, start: number, end: number): HeadRow[] {
  return ctx.head.readSeriesRange(seriesId, start, end);
}

/** Raw samples of one series in [start, end): the tier's and the head's runs merged by time. */
export function readRaw(
  ctx: QueryContext,
  seriesId: number,
  start: number,
  end: number,
  headRows = headRowsOf(ctx, seriesId, start, end),
): Point[] {
  const stored = ctx.tier.read(seriesId, start, end);
  const points: Point[] = new Array(stored.ts.length + headRows.length);
  let i = 0;
  let j = 0;
  for (let k = 0; k < points.length; k++) {
    const row = headRows[j];
    if (i < stored.ts.length && (row === undefined || stored.ts[i]! <= row.ts)) {
      points[k] = { timestamp: stored.ts[i]!, value: stored.values[i]! };
      i++;
    } else {
      points[k] = { timestamp: row!.ts, value: row!.value };
      j++;
    }
  }
  return points;
}

/** At most `maxPoints` of the points, evenly spaced by index; the last always, the first too when maxPoints > 1. */
function evenlySpaced<T>(points: T[], maxPoints: number): T[] {
  if (points.length <= maxPoints) return points;
  if (maxPoints === 1) return [points.at(-1)!];
  const step = (points.length - 1) / (maxPoints - 1);
  return Array.from({ length: maxPoints }, (_, k) => points[Math.round(k * step)]!);
}

function mergeSlots(into: SlotSummaries, from: SlotSummaries): void {
  for (const [slot, s] of from) {
    const existing = into.get(slot);
    if (existing) mergeInto(existing, s);
    else into.set(slot, s);
  }
}

function alignedRange(interval: Interval, start: number, end: number): [number, number] {
  const width = INTERVAL_MS[interval];
  return [Math.floor(start / width) * width, (Math.floor((end - 1) / width) + 1) * width];
}

/**
 * The stored summary with the increase computed from the samples left: its count, sum, min and max
 * are exact (the samples of a bucket straddling a retention cutoff may be partly gone), and its
 * first and last samples are the stored ones where known (a non-counter's are not stored).
 */
function withIncreaseOf(stored: Summary, fromRaw: Summary): Summary {
  const firstKnown = !Number.isNaN(stored.firstTs) && stored.firstTs <= fromRaw.firstTs;
  const lastKnown = !Number.isNaN(stored.lastTs) && stored.lastTs >= fromRaw.lastTs;
  return {
    ...stored,
    firstTs: firstKnown ? stored.firstTs : fromRaw.firstTs,
    first: firstKnown ? stored.first : fromRaw.first,
    lastTs: lastKnown ? stored.lastTs : fromRaw.lastTs,
    last: lastKnown ? stored.last : fromRaw.last,
    inc: fromRaw.inc,
  };
}

/**
 * Replaces the summaries whose counter increase is unknown (NaN: a late sample not folded yet, a
 * series not folded as a counter) by ones computed from their raw samples (the tier's and every
 * head row), read in one pass over the span of those buckets.
 */
function recomputeUnknown(
  ctx: QueryContext,
  seriesId: number,
  width: number,
  slots: SlotSummaries,
  headRows: HeadRow[],
): void {
  const unknown = [...slots].filter(([, s]) => Number.isNaN(s.inc)).map(([slot]) => slot);
  if (unknown.length === 0) return;
  const [start, end] = [Math.min(...unknown) * width, (Math.max(...unknown) + 1) * width];
  const points = readRaw(
    ctx,
    seriesId,
    start,
    end,
    headRows.filter((r) => r.ts >= start && r.ts < end),
  );
  const fromRaw = summarize(
    points.map((p) => p.timestamp),
    points.map((p) => p.value),
    width,
  );
  for (const slot of unknown) {
    // A bucket straddling a retention cutoff may have no samples left to compute from.
    const summary = fromRaw.get(slot);
    if (summary) slots.set(slot, withIncreaseOf(slots.get(slot)!, summary));
    else slots.delete(slot);
  }
}

/**
 * Summaries of one series' buckets overlapping [start, end), by slot ascending: the materialised
 * ones, plus those computed from the tier (for a tier-derived interval, or one the store does not
 * maintain), plus the head rows not folded in yet (`headRows`: the series' head rows over the
 * aligned range, by time). count/sum/min/max/first/last are exact; so is the counter increase
 * when `counters` is set: a bucket whose increase is unknown (its parts interleave in time: a late
 * sample not folded yet, or one beside a damaged chunk) is recomputed from its raw samples.
 */
export function readSlots(
  ctx: QueryContext,
  interval: Interval,
  seriesId: number,
  start: number,
  end: number,
  counters: boolean,
  headRows = headRowsOf(ctx, seriesId, ...alignedRange(interval, start, end)),
): [number, Summary][] {
  const width = INTERVAL_MS[interval];
  const fromSlot = Math.floor(start / width);
  const toSlot = Math.floor((end - 1) / width);
  const maintained = ctx.rollups.isMaintained(interval);
  const slots: SlotSummaries = maintained ? ctx.rollups.read(interval, seriesId, fromSlot, toSlot) : new Map();
  if (!maintained || ctx.rollups.isTierDerived(interval)) {
    const stored = ctx.tier.read(seriesId, fromSlot * width, (toSlot + 1) * width);
    mergeSlots(slots, summarize(stored.ts, stored.values, width));
  }
  const cursor = maintained ? ctx.rollups.cursor(interval) : 0;
  const pending: SlotSummaries = new Map();
  for (const row of headRows) if (row.id > cursor) accumulate(pending, Math.floor(row.ts / width), row.ts, row.value);
  mergeSlots(slots, pending);
  if (counters) recomputeUnknown(ctx, seriesId, width, slots, headRows);
  return [...slots.entries()].sort((a, b) => a[0] - b[0]);
}

/** Buckets of one series overlapping [start, end) (see readSlots). */
export function readBuckets(
  ctx: QueryContext,
  interval: Interval,
  seriesId: number,
  start: number,
  end: number,
  headRows?: HeadRow[],
): Point[] {
  const width = INTERVAL_MS[interval];
  return readSlots(ctx, interval, seriesId, start, end, false, headRows).map(([slot, s]) => ({
    timestamp: slot * width,
    value: s.sum / s.count,
    count: s.count,
    sum: s.sum,
    min: s.min,
    max: s.max,
  }));
}

/** Each series of the metric, as stored: raw samples or buckets (count, sum, min, max; value = the average). */
function storedSeries(ctx: QueryContext, q: MetricQuery, aggregation: Aggregation, maxPoints: number): SeriesResult[] {
  const series = ctx.registry.match(q.metricName, q.labels);
  if (series.length === 0) return [];
  const rawHead = headRowsBySeries(ctx, series, q.start, q.end);
  const resolution: Resolution =
    aggregation === 'auto'
      ? pickResolution(ctx, series, q, maxPoints, q.aggregate === undefined, () => rawHead)
      : aggregation;
  const headRows =
    resolution === 'raw' ? rawHead : headRowsBySeries(ctx, series, ...alignedRange(resolution, q.start, q.end));
  return series.map((s): SeriesResult => {
    const own = headRows.get(s.id) ?? [];
    const points =
      resolution === 'raw'
        ? readRaw(ctx, s.id, q.start, q.end, own)
        : readBuckets(ctx, resolution, s.id, q.start, q.end, own);
    return { metricName: s.metricName, labels: { ...s.labels }, resolution, points };
  });
}

/** The series aggregated across, per time bucket (see aggregate.ts). */
function aggregated(results: SeriesResult[], q: MetricQuery): SeriesResult[] {
  const [first] = results;
  if (first === undefined || q.aggregate === undefined) return results;
  return aggregateSeries(results, q.aggregate.op, q.aggregate.by).map((group) => ({
    metricName: q.metricName,
    resolution: first.resolution,
    ...(q.fn === undefined ? {} : { fn: q.fn }),
    ...group,
  }));
}

/** A raw series given maxPoints keeps at most that many points, evenly spaced, and says how many there were. */
function capped(result: SeriesResult, maxPoints: number): SeriesResult {
  if (result.resolution !== 'raw' || result.points.length <= maxPoints) return result;
  return { ...result, points: evenlySpaced(result.points, maxPoints), sampledFrom: result.points.length };
}

/**
 * The query: each matching series as stored, or a function of it (functions.ts); then the
 * aggregation across series, if asked; then a raw result's cap, if maxPoints was given.
 */
export function queryMetrics(ctx: QueryContext, q: MetricQuery): SeriesResult[] {
  const { aggregation, maxPoints } = validateQuery(q);
  const results =
    q.fn === undefined ? storedSeries(ctx, q, aggregation, maxPoints) : functionSeries(ctx, q, aggregation, maxPoints);
  const out = q.aggregate === undefined || aggregatesBeforeFunction(q) ? results : aggregated(results, q);
  return q.maxPoints === undefined ? out : out.map((r) => capped(r, maxPoints));
}
