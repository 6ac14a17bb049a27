/**
 * Rollups: per interval, a table of count/sum/min/max per series and slot, maintained
 * incrementally. Each interval keeps a cursor into the head (the last head id folded in);
 * `aggregateStep` folds the rows after it into their buckets with one grouped upsert, so
 * its cost follows the new data, a second run changes nothing, and late samples (which arrive in
 * the head like any other) are counted exactly once. Samples are never overwritten (a repeated
 * (series, timestamp) is ignored at ingest), which is what makes the upsert exact.
 *
 * With compression, the fine intervals (1m, 5m) are "tier-derived": their rows cover only samples
 * still in the head, and buckets of compacted samples are computed from the chunks when read
 * (decoding is cheaper than storing a 1m row per six samples). Compaction calls forgetMoving in the
 * same transaction that moves the samples, so every sample counts in exactly one place.
 */
import type { Statement } from 'better-sqlite3';
import type { Db } from '../db/connection.ts';
import type { Head } from '../head/head.ts';
import { INTERVAL_MS, type Interval } from '../types.ts';
import { sqlSum, type SlotSummaries, type Summary } from './bucket-math.ts';

/** The intervals whose compacted buckets are computed from compressed chunks, not stored. */
export const TIER_DERIVED_INTERVALS: readonly Interval[] = ['1m', '5m'];

/** Head ids folded per transaction, so a long catch-up never holds the write lock for long. */
export const AGGREGATE_STEP_ROWS = 100_000;

interface IntervalStatements {
  /** Folds head rows with from < id <= to into their buckets (in SQLite, one pass). */
  fold: Statement;
  /** Merges one summary into its bucket. */
  upsert: Statement;
  read: Statement;
  deleteBefore: Statement;
  deleteSeries: Statement;
  any: Statement;
  next: Statement;
  /** Lists in temp.moved_buckets the buckets of head rows with from < id <= to. */
  collectMoving: Statement;
  /** Deletes the buckets listed in temp.moved_buckets. */
  forgetMoved: Statement;
  /** Folds head rows with from < id <= to that fall in the buckets listed in temp.moved_buckets. */
  refoldMoved: Statement;
}

export class Rollups {
  private readonly stmts = new Map<Interval, IntervalStatements>();
  private readonly readCursor: Statement;
  private readonly writeCursor: Statement;
  private readonly deleteCursor: Statement;
  private readonly clearMoved: Statement;

  constructor(
    private readonly db: Db,
    private readonly head: Head,
    readonly maintained: readonly Interval[],
    /** Maintained intervals whose compacted part is computed from the tier when read. */
    readonly tierDerived: readonly Interval[],
  ) {
    db.exec(
      'CREATE TEMP TABLE IF NOT EXISTS moved_buckets (series_id INTEGER NOT NULL, slot INTEGER NOT NULL, PRIMARY KEY (series_id, slot)) WITHOUT ROWID',
    );
    this.clearMoved = db.prepare('DELETE FROM temp.moved_buckets');
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

  /**
   * Before head rows with afterId < id <= lastId move into the tier: rebuilds the tier-derived
   * buckets they touch from the other head rows folded into them, so that, once moved, those
   * samples count only in the tier. Runs inside the move's transaction.
   */
  forgetMoving(afterId: number, lastId: number): void {
    if (this.tierDerived.length === 0) return;
    const [first, last] = this.head.tsSpan(afterId, lastId);
    for (const interval of this.tierDerived) {
      const width = INTERVAL_MS[interval];
      const stmts = this.statements(interval);
      this.clearMoved.run();
      stmts.collectMoving.run(afterId, lastId);
      stmts.forgetMoved.run();
      stmts.refoldMoved.run(
        Math.floor(first / width) * width,
        (Math.floor(last / width) + 1) * width,
        lastId,
        this.cursor(interval),
      );
    }
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
    const upsert = this.statements(interval).upsert;
    for (const [slot, s] of slots) upsert.run(seriesId, slot, s.count, s.sum, s.min, s.max);
  }

  cursor(interval: Interval): number {
    return (this.readCursor.get(interval) as number | undefined) ?? 0;
  }

  /**
   * The head id up to which compaction may move rows: every interval whose buckets are stored has
   * folded them. Tier-derived intervals need not have: buckets of moved samples are read from the
   * tier, and forgetMoving keeps their rows to what is still in the head.
   */
  foldedUpTo(): number {
    const stored = this.maintained.filter((i) => !this.isTierDerived(i));
    if (stored.length === 0) return this.head.maxId();
    return Math.min(...stored.map((i) => this.cursor(i)));
  }

  /**
   * Folds the next head rows after the interval's cursor, up to head id `upTo`, into their buckets
   * in one transaction; returns buckets written, or null when the cursor has reached `upTo`.
   */
  aggregateStep(interval: Interval, upTo: number): number | null {
    const stmts = this.statements(interval);
    return this.db
      .transaction(() => {
        const from = this.cursor(interval);
        if (from >= upTo) return null;
        const to = Math.min(upTo, from + AGGREGATE_STEP_ROWS);
        const changes = stmts.fold.run(from, to).changes;
        this.writeCursor.run(interval, to);
        return changes;
      })
      .immediate();
  }

  /** Materialised summaries of one series with fromSlot <= slot <= toSlot. */
  read(interval: Interval, seriesId: number, fromSlot: number, toSlot: number): SlotSummaries {
    const out: SlotSummaries = new Map();
    const rows = this.statements(interval).read.all(seriesId, fromSlot, toSlot) as number[][];
    for (const [slot, count, sum, min, max] of rows) {
      out.set(slot!, { count: count!, sum: sum!, min: min!, max: max! } satisfies Summary);
    }
    return out;
  }

  /** Deletes buckets lying entirely before the cutoff; returns how many. */
  deleteBefore(seriesId: number, cutoff: number): number {
    let deleted = 0;
    for (const [interval, stmts] of this.stmts) {
      deleted += stmts.deleteBefore.run(seriesId, Math.floor(cutoff / INTERVAL_MS[interval])).changes;
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

  private statements(interval: Interval): IntervalStatements {
    const stmts = this.stmts.get(interval);
    if (!stmts) throw new Error(`interval ${interval} is not maintained`);
    return stmts;
  }
}

/** How an upsert folds new counts into a stored bucket (the sum saturating, never NULL: bucket-math.ts). */
const MERGE = `count = count + excluded.count, sum = ${sqlSum('sum + excluded.sum')}, min = MIN(min, excluded.min), max = MAX(max, excluded.max)`;

/** count/sum/min/max of a group of head rows. */
const FOLD_COLUMNS = `COUNT(*), ${sqlSum('SUM(value)')}, MIN(value), MAX(value)`;

function prepareInterval(db: Db, interval: Interval): IntervalStatements {
  const table = `rollup_${interval}`;
  const width = INTERVAL_MS[interval];
  return {
    fold: db.prepare(
      `INSERT INTO ${table} (series_id, slot, count, sum, min, max)
       SELECT series_id, ts / ${INTERVAL_MS[interval]}, ${FOLD_COLUMNS}
       FROM head WHERE id > ? AND id <= ? GROUP BY series_id, ts / ${INTERVAL_MS[interval]}
       ON CONFLICT (series_id, slot) DO UPDATE SET ${MERGE}`,
    ),
    upsert: db.prepare(
      `INSERT INTO ${table} (series_id, slot, count, sum, min, max) VALUES (?, ?, ?, ?, ?, ?)
       ON CONFLICT (series_id, slot) DO UPDATE SET ${MERGE}`,
    ),
    read: db
      .prepare(
        `SELECT slot, count, sum, min, max FROM ${table} WHERE series_id = ? AND slot >= ? AND slot <= ? ORDER BY slot`,
      )
      .raw(),
    deleteBefore: db.prepare(`DELETE FROM ${table} WHERE series_id = ? AND slot < ?`),
    deleteSeries: db.prepare(`DELETE FROM ${table} WHERE series_id = ?`),
    any: db.prepare(`SELECT 1 FROM ${table} WHERE series_id = ? LIMIT 1`).pluck(),
    next: db.prepare(`SELECT MIN(slot) FROM ${table} WHERE series_id = ? AND slot >= ?`).pluck(),
    collectMoving: db.prepare(
      `INSERT OR IGNORE INTO temp.moved_buckets (series_id, slot) SELECT series_id, ts / ${width} FROM head WHERE id > ? AND id <= ?`,
    ),
    forgetMoved: db.prepare(
      `DELETE FROM ${table} WHERE (series_id, slot) IN (SELECT series_id, slot FROM temp.moved_buckets)`,
    ),
    refoldMoved: db.prepare(
      `INSERT INTO ${table} (series_id, slot, count, sum, min, max)
       SELECT series_id, ts / ${width}, ${FOLD_COLUMNS}
       FROM head WHERE ts >= ? AND ts < ? AND +id > ? AND +id <= ? AND (series_id, ts / ${width}) IN (SELECT series_id, slot FROM temp.moved_buckets)
       GROUP BY series_id, ts / ${width}`,
    ),
  };
}
