/**
 * Rollups: per interval, a table of bucket summaries per series and slot (count/sum/min/max, the
 * first and last samples and the counter increase inside the bucket: bucket-math.ts), maintained
 * incrementally. Each interval keeps a cursor into the head (the last head id folded in);
 * `aggregateStep` folds the rows after it into their buckets, so its cost follows the new data, a
 * second run changes nothing, and late samples (which arrive in the head like any other) are
 * counted exactly once. It reads them from the head's in-memory per-series view (head-view.ts), not
 * back from the table, summarises each series' rows in JS (bucket-math.ts) and merges the buckets
 * with prepared upserts, UPSERT_BLOCK to a statement. The rollup job does not run it for the
 * stored intervals: compaction folds their rows in the step that moves them (moveHooks), from the
 * samples it has already read and sorted, and advances their cursors in the last step of the
 * window of head ids it moves (tier/compaction.ts). Samples are never overwritten (a repeated
 * (series, timestamp) is ignored at ingest), which is what makes the upsert exact.
 *
 * The counter columns (first and last samples, increase inside the bucket) are kept for the series
 * the catalog calls counters (a histogram's series included); for others they are NULL, which
 * costs a byte each, and counter functions on such a bucket compute it from its samples.
 * New samples of a bucket that all come after its last one extend it exactly; a late sample landing
 * among those already folded makes the upsert mark the bucket stale (inc NULL, first_ts not); it
 * is recomputed from its samples (tier and folded head rows) in the transaction that advances the
 * cursor (a fold's, or a compaction window's last step), and one a crash left stale by the next.
 *
 * The fine intervals (1m, 5m) are "tier-derived": nothing of them is stored. Their buckets are
 * computed when read, those of compacted samples from the tier (decoding a chunk, or reading a
 * series' rows, is cheaper than storing a 1m row per six samples: ingest, retention and the file
 * all pay for each stored row) and those of head samples from the head's in-memory
 * per-series view, which a query reads anyway; their cursor stays at 0, so every head row counts
 * there as not folded yet (query/query.ts readSlots), and a move has nothing of them to forget.
 * aggregate() has nothing to write for them.
 */
import type { Statement } from 'better-sqlite3';
import type { Db } from '../db/connection.ts';
import type { Head } from '../head/head.ts';
import { byTime } from '../head/head-view.ts';
import { INTERVAL_MS, type Interval } from '../types.ts';
import { ChunkCorruptError } from '../errors.ts';
import type { MoveHooks } from '../tier/compaction.ts';
import type { SeriesSamples, Tier } from '../tier/tier.ts';
import type { CounterSeries } from './counter-series.ts';
import { sqlCounterIncrease, sqlSum, summarize, type SlotSummaries, type Summary } from './bucket-math.ts';

/** The intervals whose compacted buckets are computed from the tier's samples, not stored. */
const TIER_DERIVED_INTERVALS: readonly Interval[] = ['1m', '5m'];

/** Head ids folded per transaction, so a long catch-up never holds the write lock for long. */
export const AGGREGATE_STEP_ROWS = 100_000;

interface IntervalStatements {
  /** Merges one summary into its bucket. */
  upsert: Statement;
  /** Merges UPSERT_BLOCK summaries into their buckets. */
  upsertBlock: Statement;
  read: Statement;
  deleteBefore: Statement;
  deleteSeries: Statement;
  any: Statement;
  next: Statement;
  /** Buckets a fold marked stale (a late sample among folded ones). */
  stale: Statement;
  /** Overwrites a bucket's summary. */
  recomputedIncrease: Statement;
}

export class Rollups {
  private readonly stmts = new Map<Interval, IntervalStatements>();
  private readonly readCursor: Statement;
  private readonly writeCursor: Statement;
  private readonly deleteCursor: Statement;
  /** Maintained intervals whose buckets are computed from the tier when read (nothing stored). */
  readonly tierDerived: readonly Interval[];

  constructor(
    private readonly db: Db,
    private readonly head: Head,
    private readonly tier: Tier,
    readonly maintained: readonly Interval[],
    /** The series whose buckets keep the counter columns. */
    private readonly counterSeries: CounterSeries,
  ) {
    this.tierDerived = maintained.filter((interval) => TIER_DERIVED_INTERVALS.includes(interval));
    for (const interval of maintained) this.stmts.set(interval, prepareInterval(db, interval));
    this.readCursor = db.prepare('SELECT cursor FROM rollup_state WHERE interval = ?').pluck();
    this.deleteCursor = db.prepare('DELETE FROM rollup_state WHERE interval = ?');
    this.writeCursor = db.prepare(
      'INSERT INTO rollup_state (interval, cursor) VALUES (?, ?) ON CONFLICT (interval) DO UPDATE SET cursor = excluded.cursor',
    );
  }

  isMaintained(interval: Interval): boolean {
    return this.stmts.has(interval);
  }

  isTierDerived(interval: Interval): boolean {
    return this.tierDerived.includes(interval);
  }

  /** Whether the interval has a cursor (is being folded) in this file. */
  isTracked(interval: Interval): boolean {
    return this.readCursor.get(interval) !== undefined;
  }

  /** Starts folding the interval from the head's beginning. */
  track(interval: Interval): void {
    this.writeCursor.run(interval, 0);
  }

  /** Forgets the interval's buckets and cursor. */
  untrack(interval: Interval): void {
    this.db
      .transaction(() => {
        this.db.prepare(`DELETE FROM rollup_${interval}`).run();
        this.deleteCursor.run(interval);
      })
      .immediate();
  }

  /** Adds summaries to an interval's stored buckets (merged into any already there). */
  store(interval: Interval, seriesId: number, slots: SlotSummaries): void {
    const { upsert, upsertBlock } = this.statements(interval);
    const counter = this.counterSeries.has(seriesId);
    const params: (number | null)[] = [];
    for (const [slot, s] of slots) {
      if (counter)
        params.push(seriesId, slot, s.count, s.sum, s.min, s.max, s.firstTs, s.first, s.lastTs, s.last, s.inc);
      else params.push(seriesId, slot, s.count, s.sum, s.min, s.max, null, null, null, null, null);
      if (params.length === UPSERT_BLOCK * UPSERT_PARAMS) {
        upsertBlock.run(params);
        params.length = 0;
      }
    }
    for (let i = 0; i < params.length; i += UPSERT_PARAMS) upsert.run(params.slice(i, i + UPSERT_PARAMS));
  }

  cursor(interval: Interval): number {
    return (this.readCursor.get(interval) as number | undefined) ?? 0;
  }

  /**
   * The head id up to which compaction may move rows: every interval whose buckets are stored has
   * folded them. Tier-derived intervals need not have: buckets of moved samples are read from the
   * tier and the head, never stored.
   */
  foldedUpTo(): number {
    const stored = this.storedIntervals();
    if (stored.length === 0) return this.head.maxId();
    return Math.min(...stored.map((i) => this.cursor(i)));
  }

  /** The maintained intervals whose buckets are all stored (not tier-derived). */
  storedIntervals(): Interval[] {
    return this.maintained.filter((i) => !this.isTierDerived(i));
  }

  /**
   * What compaction calls to fold, in the same step, the rows the stored intervals have not folded
   * yet (one pass over a backlog instead of one grouped statement per interval, then a move). The
   * stored intervals' cursors must be equal (the rollup job aligns them first).
   */
  moveHooks(): MoveHooks {
    const stored = this.storedIntervals();
    return {
      foldedUpTo: () => this.foldedUpTo(),
      fold: (seriesId, ts, values) => {
        checkFinite(seriesId, values);
        for (const interval of stored) this.store(interval, seriesId, summarize(ts, values, INTERVAL_MS[interval]));
      },
      afterMove: (lastId) => {
        for (const interval of stored) {
          if (this.cursor(interval) >= lastId) continue;
          this.recomputeStale(interval, lastId);
          this.writeCursor.run(interval, lastId);
        }
      },
    };
  }

  /**
   * Folds the next head rows after the interval's cursor, up to head id `upTo`, into their buckets
   * in one transaction; returns buckets written, or null when the cursor has reached `upTo` (at
   * once for a tier-derived interval, which stores nothing).
   */
  aggregateStep(interval: Interval, upTo: number): number | null {
    if (this.isTierDerived(interval)) return null;
    const width = INTERVAL_MS[interval];
    return this.db
      .transaction(() => {
        const from = this.cursor(interval);
        if (from >= upTo) return null;
        const to = Math.min(upTo, from + AGGREGATE_STEP_ROWS);
        let written = 0;
        for (const [seriesId, rows] of this.head.seriesRowsBetween(from, to)) {
          const { ts, values } = byTime(rows);
          checkFinite(seriesId, values);
          const slots = summarize(ts, values, width);
          this.store(interval, seriesId, slots);
          written += slots.size;
        }
        this.recomputeStale(interval, to);
        this.writeCursor.run(interval, to);
        return written;
      })
      .immediate();
  }

  /** Materialised summaries of one series with fromSlot <= slot <= toSlot (none for a tier-derived interval). */
  read(interval: Interval, seriesId: number, fromSlot: number, toSlot: number): SlotSummaries {
    const out: SlotSummaries = new Map();
    if (this.isTierDerived(interval)) return out;
    const rows = this.statements(interval).read.all(seriesId, fromSlot, toSlot) as (number | null)[][];
    for (const [slot, count, sum, min, max, firstTs, first, lastTs, last, inc] of rows) {
      out.set(slot!, {
        count: count!,
        sum: sum!,
        min: min!,
        max: max!,
        firstTs: firstTs ?? Number.NaN,
        first: first ?? Number.NaN,
        lastTs: lastTs ?? Number.NaN,
        last: last ?? Number.NaN,
        inc: inc ?? Number.NaN,
      } satisfies Summary);
    }
    return out;
  }

  /**
   * Recomputes the increase of the buckets the last fold marked stale from the samples they
   * summarise: the tier's and the head rows folded so far (id <= upTo). In a bucket straddling a retention cutoff the expired
   * samples' part of the increase is gone (its other columns stay exact). One beside a damaged chunk
   * cannot be recomputed: it stays stale (its increase unknown, its other columns exact) and is
   * tried again at the next fold, until retention deletes the chunk.
   */
  private recomputeStale(interval: Interval, upTo: number): void {
    const stmts = this.statements(interval);
    const width = INTERVAL_MS[interval];
    for (const [seriesId, slot] of stmts.stale.all() as [number, number][]) {
      const [start, end] = [slot * width, (slot + 1) * width];
      const stored = this.readTier(seriesId, start, end);
      if (!stored) continue;
      const inHead = this.head.readSeriesRange(seriesId, start, end).filter((row) => row.id <= upTo);
      const ts = [...stored.ts, ...inHead.map((row) => row.ts)];
      const values = [...stored.values, ...inHead.map((row) => row.value)];
      const order = ts.map((_, i) => i).sort((a, b) => ts[a]! - ts[b]!);
      const summary = summarize(
        order.map((i) => ts[i]!),
        order.map((i) => values[i]!),
        width,
      ).get(slot)!;
      // count/sum/min/max and first/last are exact already (the upsert merges them whatever the order).
      stmts.recomputedIncrease.run(summary.inc, seriesId, slot);
    }
  }

  /** Deletes the given series' buckets lying entirely before the cutoff, one statement per interval; returns how many. */
  deleteBefore(seriesIds: readonly number[], cutoff: number): number {
    const ids = JSON.stringify(seriesIds);
    let deleted = 0;
    for (const [interval, stmts] of this.stmts) {
      deleted += stmts.deleteBefore.run(ids, Math.floor(cutoff / INTERVAL_MS[interval])).changes;
    }
    return deleted;
  }

  deleteSeries(seriesId: number): number {
    let deleted = 0;
    for (const stmts of this.stmts.values()) deleted += stmts.deleteSeries.run(seriesId).changes;
    return deleted;
  }

  /** The first materialised slot of a series at an interval at or after `fromSlot`, if any. */
  nextSlot(interval: Interval, seriesId: number, fromSlot: number): number | undefined {
    const stmts = this.stmts.get(interval);
    if (!stmts) return undefined;
    return (stmts.next.get(seriesId, fromSlot) as number | null) ?? undefined;
  }

  hasData(seriesId: number): boolean {
    for (const stmts of this.stmts.values()) if (stmts.any.get(seriesId) !== undefined) return true;
    return false;
  }

  /** The tier's samples in [start, end), or undefined when a damaged chunk holds some of them. */
  private readTier(seriesId: number, start: number, end: number): SeriesSamples | undefined {
    try {
      return this.tier.read(seriesId, start, end);
    } catch (err) {
      if (err instanceof ChunkCorruptError) return undefined;
      throw err;
    }
  }

  private statements(interval: Interval): IntervalStatements {
    const stmts = this.stmts.get(interval);
    if (!stmts) throw new Error(`interval ${interval} is not maintained`);
    return stmts;
  }
}

/** Values no rollup can hold (a damaged or old file's head) fail the job, which sets their rows aside. */
function checkFinite(seriesId: number, values: ArrayLike<number>): void {
  for (let i = 0; i < values.length; i++) {
    const value = values[i];
    if (typeof value !== 'number' || !Number.isFinite(value)) {
      throw new Error(`series ${seriesId} has a head row whose value is not a finite number`);
    }
  }
}

const COLUMNS = 'series_id, slot, count, sum, min, max, first_ts, first, last_ts, last, inc';

/**
 * How an upsert folds new buckets into stored ones (the sum saturating, never NULL: bucket-math.ts).
 * Every expression reads the stored row as it was. When the new samples interleave with the stored
 * ones, inc becomes NULL: the bucket is stale, recomputed before the transaction ends. Where either
 * side has no counter columns (NULL), the result has none (MIN with a NULL is NULL).
 */
const MERGE = `count = count + excluded.count, sum = ${sqlSum('sum + excluded.sum')},
  min = MIN(min, excluded.min), max = MAX(max, excluded.max),
  inc = CASE
    WHEN excluded.first_ts > last_ts THEN inc + excluded.inc + ${sqlCounterIncrease('last', 'excluded.first')}
    WHEN excluded.last_ts < first_ts THEN excluded.inc + inc + ${sqlCounterIncrease('excluded.last', 'first')}
  END,
  first = CASE WHEN excluded.first_ts < first_ts THEN excluded.first ELSE first END,
  first_ts = MIN(first_ts, excluded.first_ts),
  last = CASE WHEN excluded.last_ts > last_ts THEN excluded.last ELSE last END,
  last_ts = MAX(last_ts, excluded.last_ts)`;

/** Buckets a fold must recompute (the condition of the migration's partial index rollup_<interval>_stale). */
const STALE = 'first_ts IS NOT NULL AND inc IS NULL';

/** Buckets per multi-row upsert, and the parameters of one. */
const UPSERT_BLOCK = 32;
const UPSERT_PARAMS = 11;

function prepareInterval(db: Db, interval: Interval): IntervalStatements {
  const table = `rollup_${interval}`;
  const row = `(${Array.from({ length: UPSERT_PARAMS }, () => '?').join(', ')})`;
  return {
    upsertBlock: db.prepare(
      `INSERT INTO ${table} (${COLUMNS}) VALUES ${Array.from({ length: UPSERT_BLOCK }, () => row).join(', ')}
       ON CONFLICT (series_id, slot) DO UPDATE SET ${MERGE}`,
    ),
    upsert: db.prepare(
      `INSERT INTO ${table} (${COLUMNS}) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)
       ON CONFLICT (series_id, slot) DO UPDATE SET ${MERGE}`,
    ),
    read: db
      .prepare(
        `SELECT slot, count, sum, min, max, first_ts, first, last_ts, last, inc FROM ${table}
         WHERE series_id = ? AND slot >= ? AND slot <= ? ORDER BY slot`,
      )
      .raw(),
    deleteBefore: db.prepare(`DELETE FROM ${table} WHERE series_id IN (SELECT value FROM json_each(?)) AND slot < ?`),
    deleteSeries: db.prepare(`DELETE FROM ${table} WHERE series_id = ?`),
    any: db.prepare(`SELECT 1 FROM ${table} WHERE series_id = ? LIMIT 1`).pluck(),
    next: db.prepare(`SELECT MIN(slot) FROM ${table} WHERE series_id = ? AND slot >= ?`).pluck(),
    stale: db.prepare(`SELECT series_id, slot FROM ${table} WHERE ${STALE}`).raw(),
    recomputedIncrease: db.prepare(`UPDATE ${table} SET inc = ? WHERE series_id = ? AND slot = ?`),
  };
}
