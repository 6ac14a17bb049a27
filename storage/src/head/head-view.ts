/**
 * The head's per-series view: every head row (but those compaction marked moved), in memory,
 * grouped by series in append (id) order, so that a query reads its own series' head rows without
 * touching any other series' rows, however large the head (as Prometheus keeps a memSeries per
 * series in its head); the rollups' folds, compaction, the repeat check at ingest, retention and
 * the head's counts read it too, none of them the table. Head (head.ts) keeps it exact: each of its
 * writes changes the view in the same call. A rolled-back append shows as the head's id sequence
 * going back below the view's; a deletion or a mark bumps a version kept in a TEMP table, which a
 * rolled-back transaction rolls back too. A view behind either is rebuilt from the head table, as
 * it is on open.
 */
import type { Statement } from 'better-sqlite3';
import type { Db } from '../db/connection.ts';
import type { SampleSpan } from '../tier/tier.ts';
import type { HeadRow } from './head.ts';

const INITIAL_CAPACITY = 16;
/** Repeat checks by scan of a series whose time order is unknown, before one sorts it instead. */
const SCANS_BEFORE_SORT = 256;

/** Some of one series' head rows, as parallel columns. */
export interface SeriesColumns {
  ids: Float64Array;
  ts: Float64Array;
  values: Float64Array;
}

/** A series' rows (in id order) by (ts, id): as they are when ids follow time, the usual case. */
export function byTime(rows: SeriesColumns): SeriesColumns {
  const { ids, ts, values } = rows;
  let sorted = true;
  for (let i = 1; i < ts.length && sorted; i++) sorted = ts[i - 1]! <= ts[i]!;
  if (sorted) return rows;
  // Positions grow with ids, so ties in ts keep id order.
  const order = Array.from(ts.keys()).sort((a, b) => ts[a]! - ts[b]! || a - b);
  const pick = (column: Float64Array): Float64Array => Float64Array.from(order, (i) => column[i]!);
  return { ids: pick(ids), ts: pick(ts), values: pick(values) };
}

/** A series' oldest head rows with id up to a bound, and how many rows up to that bound come after them. */
export interface FirstRows extends SeriesColumns {
  left: number;
}

const NO_ROWS: FirstRows = { ids: new Float64Array(0), ts: new Float64Array(0), values: new Float64Array(0), left: 0 };

/** One series' head rows, in id order, in three growable columns; `byTime` orders them by (ts, id) when ids do not. */
class SeriesRows {
  private ids = new Float64Array(INITIAL_CAPACITY);
  private ts = new Float64Array(INITIAL_CAPACITY);
  private values = new Float64Array(INITIAL_CAPACITY);
  private first = 0;
  private end = 0;
  /** Positions by (ts, id), when the id order is not the time order (late samples); undefined when it is. */
  private byTime: Int32Array | undefined;
  /** Whether byTime (or its absence: id order is time order) holds for the rows as they are. */
  private valid = true;
  /** Repeat checks that scanned the rows since the time order was last computed (see hasTs). */
  private scansUnsorted = 0;

  get size(): number {
    return this.end - this.first;
  }

  push(id: number, ts: number, value: number): void {
    if (this.end === this.ids.length) this.reallocate();
    if (this.byTime || (this.end > this.first && ts < this.ts[this.end - 1]!)) this.valid = false;
    this.ids[this.end] = id;
    this.ts[this.end] = ts;
    this.values[this.end] = value;
    this.end++;
  }

  /** Drops the rows with id <= `id` (a prefix: ids grow); returns how many. */
  dropUpTo(id: number): number {
    const to = this.idBound(id);
    const dropped = to - this.first;
    if (dropped > 0) {
      this.first = to;
      this.changed();
    }
    return dropped;
  }

  /** The oldest rows (in id order) with id <= `upTo`, at most `limit` (views of the columns, not copies). */
  firstRows(upTo: number, limit: number): FirstRows {
    const bound = this.idBound(upTo);
    const to = Math.min(bound, this.first + limit);
    return {
      ids: this.ids.subarray(this.first, to),
      ts: this.ts.subarray(this.first, to),
      values: this.values.subarray(this.first, to),
      left: bound - to,
    };
  }

  /** Drops the rows whose id is in `ids`. */
  remove(ids: ReadonlySet<number>): void {
    let kept = this.first;
    for (let i = this.first; i < this.end; i++) {
      if (ids.has(this.ids[i]!)) continue;
      this.ids[kept] = this.ids[i]!;
      this.ts[kept] = this.ts[i]!;
      this.values[kept] = this.values[i]!;
      kept++;
    }
    this.end = kept;
    this.changed();
  }

  /** The rows with afterId < id <= upToId, in id order (views of the columns, not copies). */
  between(afterId: number, upToId: number): SeriesColumns {
    const [from, to] = [this.idBound(afterId), this.idBound(upToId)];
    return { ids: this.ids.subarray(from, to), ts: this.ts.subarray(from, to), values: this.values.subarray(from, to) };
  }

  /** The first id after `afterId`, if any. */
  firstIdAfter(afterId: number): number | undefined {
    const k = this.idBound(afterId);
    return k < this.end ? this.ids[k] : undefined;
  }

  /** The first position in [first, end) whose id is > `id`. */
  private idBound(id: number): number {
    let lo = this.first;
    let hi = this.end;
    while (lo < hi) {
      const mid = (lo + hi) >>> 1;
      if (this.ids[mid]! <= id) lo = mid + 1;
      else hi = mid;
    }
    return lo;
  }

  /** Rows with ts in [start, end), by (ts, id). */
  range(start: number, end: number): HeadRow[] {
    const order = this.timeOrder();
    const from = this.lowerBound(order, start);
    const to = this.lowerBound(order, end);
    const rows: HeadRow[] = new Array(Math.max(0, to - from));
    for (let k = from; k < to; k++) rows[k - from] = this.row(this.at(order, k));
    return rows;
  }

  /** The last row with after < ts < before, if any. */
  lastBefore(before: number, after: number): HeadRow | undefined {
    const order = this.timeOrder();
    const k = this.lowerBound(order, before) - 1;
    if (k < this.first) return undefined;
    const row = this.row(this.at(order, k));
    return row.ts > after ? row : undefined;
  }

  /** The first timestamp at or after `from`, if any. */
  next(from: number): number | undefined {
    const order = this.timeOrder();
    const k = this.lowerBound(order, from);
    return k < this.end ? this.ts[this.at(order, k)] : undefined;
  }

  /** The latest timestamp, if any row is left. */
  latest(): number | undefined {
    const order = this.timeOrder();
    return this.end > this.first ? this.ts[this.at(order, this.end - 1)] : undefined;
  }

  private row(i: number): HeadRow {
    return { id: this.ids[i]!, seriesId: 0, ts: this.ts[i]!, value: this.values[i]! };
  }

  /** The position of the k-th row by time (k in [first, end)). */
  private at(order: Int32Array | undefined, k: number): number {
    return order ? order[k - this.first]! : k;
  }

  /**
   * Whether a row has timestamp `ts`: a binary search when the time order is known; otherwise a
   * scan of this series' rows (late samples each change the order, so sorting for each would cost
   * more), until enough scans have gone by to pay for sorting once.
   */
  hasTs(ts: number): boolean {
    if (!this.valid && ++this.scansUnsorted <= SCANS_BEFORE_SORT) {
      for (let i = this.first; i < this.end; i++) if (this.ts[i] === ts) return true;
      return false;
    }
    const order = this.timeOrder();
    const k = this.lowerBound(order, ts);
    return k < this.end && this.ts[this.at(order, k)] === ts;
  }

  /** The ids of at most `limit` rows with ts < `before` (by time when the order is known, else by id; never sorted for it). */
  idsBefore(before: number, limit: number): number[] {
    const ids: number[] = [];
    if (this.valid) {
      const to = Math.min(this.lowerBound(this.byTime, before), this.first + limit);
      for (let k = this.first; k < to; k++) ids.push(this.ids[this.at(this.byTime, k)]!);
    } else {
      for (let i = this.first; i < this.end && ids.length < limit; i++) {
        if (this.ts[i]! < before) ids.push(this.ids[i]!);
      }
    }
    return ids;
  }

  /** How many rows have ts in [start, end), and their time span (never sorted for it). */
  span(start: number, end: number): SampleSpan {
    let [samples, oldest, newest] = [0, Infinity, -Infinity];
    if (this.valid) {
      const [from, to] = [this.lowerBound(this.byTime, start), this.lowerBound(this.byTime, end)];
      samples = Math.max(0, to - from);
      if (samples > 0) {
        [oldest, newest] = [this.ts[this.at(this.byTime, from)]!, this.ts[this.at(this.byTime, to - 1)]!];
      }
    } else {
      for (let i = this.first; i < this.end; i++) {
        const ts = this.ts[i]!;
        if (ts < start || ts >= end) continue;
        samples++;
        oldest = Math.min(oldest, ts);
        newest = Math.max(newest, ts);
      }
    }
    return { samples, oldest: samples > 0 ? oldest : null, newest: samples > 0 ? newest : null };
  }

  /** The first k in [first, end) whose row by time has ts >= `ts`. */
  private lowerBound(order: Int32Array | undefined, ts: number): number {
    let lo = this.first;
    let hi = this.end;
    while (lo < hi) {
      const mid = (lo + hi) >>> 1;
      if (this.ts[this.at(order, mid)]! < ts) lo = mid + 1;
      else hi = mid;
    }
    return lo;
  }

  private timeOrder(): Int32Array | undefined {
    if (this.valid) return this.byTime;
    this.valid = true;
    this.scansUnsorted = 0;
    this.byTime = undefined;
    for (let i = this.first + 1; i < this.end; i++) {
      if (this.ts[i]! < this.ts[i - 1]!) {
        const positions = Int32Array.from({ length: this.size }, (_, k) => this.first + k);
        // ids grow with position, so a stable sort by ts orders by (ts, id).
        this.byTime = positions.sort((a, b) => this.ts[a]! - this.ts[b]! || a - b);
        break;
      }
    }
    return this.byTime;
  }

  /**
   * After rows were dropped: positions moved, so byTime no longer holds; columns a quarter full
   * shrink (the memory of a drained head goes back), an empty or half-empty start is reclaimed.
   */
  private changed(): void {
    if (this.byTime) this.valid = false;
    if (this.ids.length > INITIAL_CAPACITY && this.size * 4 < this.ids.length) this.reallocate();
    else if (this.first === this.end) this.first = this.end = 0;
    else if (this.first > this.ids.length / 2) this.shift();
  }

  /** Moves the rows left to the start of the columns. */
  private shift(): void {
    for (const column of [this.ids, this.ts, this.values]) column.copyWithin(0, this.first, this.end);
    this.end -= this.first;
    this.first = 0;
    if (this.byTime) this.valid = false;
  }

  /** New columns of twice the rows' size, the rows at their start. */
  private reallocate(): void {
    const capacity = Math.max(INITIAL_CAPACITY, this.size * 2);
    const copy = (column: Float64Array): Float64Array<ArrayBuffer> => {
      const grown = new Float64Array(capacity);
      grown.set(column.subarray(this.first, this.end));
      return grown;
    };
    this.ids = copy(this.ids);
    this.ts = copy(this.ts);
    this.values = copy(this.values);
    this.end -= this.first;
    this.first = 0;
    if (this.byTime) this.valid = false;
  }
}

export class HeadView {
  private readonly bySeries = new Map<number, SeriesRows>();

  add(id: number, seriesId: number, ts: number, value: number): void {
    let rows = this.bySeries.get(seriesId);
    if (!rows) this.bySeries.set(seriesId, (rows = new SeriesRows()));
    rows.push(id, ts, value);
  }

  /** Drops every row with id <= `id`. */
  dropUpTo(id: number): void {
    for (const [seriesId, rows] of this.bySeries) {
      rows.dropUpTo(id);
      if (rows.size === 0) this.bySeries.delete(seriesId);
    }
  }

  /** Drops the given rows. */
  remove(deleted: readonly { id: number; seriesId: number }[]): void {
    const bySeries = new Map<number, Set<number>>();
    for (const { id, seriesId } of deleted) {
      const ids = bySeries.get(seriesId);
      if (ids) ids.add(id);
      else bySeries.set(seriesId, new Set([id]));
    }
    for (const [seriesId, ids] of bySeries) {
      const rows = this.bySeries.get(seriesId);
      rows?.remove(ids);
      if (rows?.size === 0) this.bySeries.delete(seriesId);
    }
  }

  /** Whether the series has a row at `ts`. */
  hasSample(seriesId: number, ts: number): boolean {
    return this.bySeries.get(seriesId)?.hasTs(ts) ?? false;
  }

  /** At most `limit` rows with ts < `before`, a series at a time. */
  rowsBefore(before: number, limit: number): { id: number; seriesId: number }[] {
    const out: { id: number; seriesId: number }[] = [];
    for (const [seriesId, rows] of this.bySeries) {
      if (out.length === limit) break;
      for (const id of rows.idsBefore(before, limit - out.length)) out.push({ id, seriesId });
    }
    return out;
  }

  /** How many rows have ts in [start, end), and their time span. */
  span(start: number, end: number): SampleSpan {
    const total: SampleSpan = { samples: 0, oldest: null, newest: null };
    for (const rows of this.bySeries.values()) {
      const { samples, oldest, newest } = rows.span(start, end);
      if (samples === 0) continue;
      total.samples += samples;
      total.oldest = Math.min(total.oldest ?? oldest!, oldest!);
      total.newest = Math.max(total.newest ?? newest!, newest!);
    }
    return total;
  }

  /** The series' oldest rows (in id order) with id <= `upTo`, at most `limit`. */
  firstRows(seriesId: number, upTo: number, limit: number): FirstRows {
    return this.bySeries.get(seriesId)?.firstRows(upTo, limit) ?? NO_ROWS;
  }

  /** Drops the series' rows with id <= `id`. */
  dropSeriesUpTo(seriesId: number, id: number): void {
    const rows = this.bySeries.get(seriesId);
    rows?.dropUpTo(id);
    if (rows?.size === 0) this.bySeries.delete(seriesId);
  }

  /** How many rows the series has. */
  size(seriesId: number): number {
    return this.bySeries.get(seriesId)?.size ?? 0;
  }

  dropSeries(seriesId: number): void {
    this.bySeries.delete(seriesId);
  }

  clear(): void {
    this.bySeries.clear();
  }

  /** The series' rows with ts in [start, end), by (ts, id). */
  range(seriesId: number, start: number, end: number): HeadRow[] {
    const rows = this.bySeries.get(seriesId)?.range(start, end) ?? [];
    for (const row of rows) row.seriesId = seriesId;
    return rows;
  }

  /** Each series' rows with afterId < id <= upToId, in id order (see SeriesRows.between); series without any left out. */
  between(afterId: number, upToId: number): Map<number, SeriesColumns> {
    const out = new Map<number, SeriesColumns>();
    for (const [seriesId, rows] of this.bySeries) {
      const part = rows.between(afterId, upToId);
      if (part.ts.length > 0) out.set(seriesId, part);
    }
    return out;
  }

  /** The smallest id after `afterId` of any series, if any. */
  firstIdAfter(afterId: number): number | undefined {
    let first: number | undefined;
    for (const rows of this.bySeries.values()) {
      const id = rows.firstIdAfter(afterId);
      if (id !== undefined && (first === undefined || id < first)) first = id;
    }
    return first;
  }

  lastBefore(seriesId: number, before: number, after: number): HeadRow | undefined {
    const row = this.bySeries.get(seriesId)?.lastBefore(before, after);
    if (row) row.seriesId = seriesId;
    return row;
  }

  next(seriesId: number, from: number): number | undefined {
    return this.bySeries.get(seriesId)?.next(from);
  }

  latestBySeries(): Map<number, number> {
    const latest = new Map<number, number>();
    for (const [seriesId, rows] of this.bySeries) latest.set(seriesId, rows.latest()!);
    return latest;
  }

  seriesIds(): Set<number> {
    return new Set(this.bySeries.keys());
  }
}

/**
 * The view's version, in a TEMP table of the connection: bumped in the transaction of each head
 * write, so that a rolled-back write leaves it behind the view's (see the header).
 */
export class HeadVersion {
  private readonly getStmt: Statement;
  private readonly bumpStmt: Statement;

  constructor(db: Db) {
    db.exec('CREATE TEMP TABLE IF NOT EXISTS head_version (n INTEGER NOT NULL)');
    db.exec('INSERT INTO temp.head_version (n) SELECT 0 WHERE NOT EXISTS (SELECT 1 FROM temp.head_version)');
    this.getStmt = db.prepare('SELECT n FROM temp.head_version').pluck();
    this.bumpStmt = db.prepare('UPDATE temp.head_version SET n = n + 1 RETURNING n').pluck();
  }

  get(): number {
    return this.getStmt.get() as number;
  }

  /** Bumps the version; returns the new one. */
  bump(): number {
    return this.bumpStmt.get() as number;
  }
}
