/**
 * Rollups: per interval, a table of count/sum/min/max per series and slot, maintained
 * incrementally. Each interval keeps a cursor into the head (the last head id folded in);
 * `aggregate` folds the rows after it into their buckets with one upsert per touched bucket, so
 * its cost follows the new data, a second run changes nothing, and late samples (which arrive in
 * the head like any other) are counted exactly once. Samples are never overwritten (a repeated
 * (series, timestamp) is ignored at ingest), which is what makes the upsert exact.
 */
import type { Statement } from 'better-sqlite3';
import type { Db } from '../db/connection.ts';
import type { Head } from '../head/head.ts';
import { INTERVAL_MS, type Interval } from '../types.ts';
import { accumulate, type SlotSummaries, type Summary } from './bucket-math.ts';

/** Head rows folded per transaction, so a long catch-up never holds the write lock for long. */
export const AGGREGATE_STEP_ROWS = 100_000;

interface IntervalStatements {
  upsert: Statement;
  read: Statement;
  deleteBefore: Statement;
  deleteSeries: Statement;
  any: Statement;
}

export class Rollups {
  private readonly stmts = new Map<Interval, IntervalStatements>();
  private readonly readCursor: Statement;
  private readonly writeCursor: Statement;

  constructor(
    private readonly db: Db,
    private readonly head: Head,
    readonly maintained: readonly Interval[],
  ) {
    for (const interval of maintained) this.stmts.set(interval, prepareInterval(db, interval));
    this.readCursor = db.prepare('SELECT cursor FROM rollup_state WHERE interval = ?').pluck();
    this.writeCursor = db.prepare(
      'INSERT INTO rollup_state (interval, cursor) VALUES (?, ?) ON CONFLICT (interval) DO UPDATE SET cursor = excluded.cursor',
    );
  }

  isMaintained(interval: Interval): boolean {
    return this.stmts.has(interval);
  }

  cursor(interval: Interval): number {
    return (this.readCursor.get(interval) as number | undefined) ?? 0;
  }

  /** The head id up to which every maintained interval has folded its rows. */
  foldedUpTo(): number {
    if (this.maintained.length === 0) return this.head.maxId();
    return Math.min(...this.maintained.map((i) => this.cursor(i)));
  }

  /** Folds every head row after the interval's cursor into its buckets; returns buckets written. */
  aggregate(interval: Interval): number {
    const stmts = this.statements(interval);
    const upTo = this.head.maxId();
    let written = 0;
    for (;;) {
      const step = this.db.transaction(() => {
        const from = this.cursor(interval);
        const rows = this.head.readAfter(from, upTo, AGGREGATE_STEP_ROWS);
        if (rows.length === 0) return -1;
        const touched = new Map<number, SlotSummaries>();
        for (const row of rows) {
          let slots = touched.get(row.seriesId);
          if (!slots) touched.set(row.seriesId, (slots = new Map()));
          accumulate(slots, Math.floor(row.ts / INTERVAL_MS[interval]), row.value);
        }
        let count = 0;
        for (const [seriesId, slots] of touched) {
          for (const [slot, s] of slots) {
            stmts.upsert.run(seriesId, slot, s.count, s.sum, s.min, s.max);
            count++;
          }
        }
        this.writeCursor.run(interval, rows[rows.length - 1]!.id);
        return count;
      });
      const count = step.immediate();
      if (count < 0) return written;
      written += count;
    }
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

function prepareInterval(db: Db, interval: Interval): IntervalStatements {
  const table = `rollup_${interval}`;
  return {
    upsert: db.prepare(
      `INSERT INTO ${table} (series_id, slot, count, sum, min, max) VALUES (?, ?, ?, ?, ?, ?)
       ON CONFLICT (series_id, slot) DO UPDATE SET
         count = count + excluded.count, sum = sum + excluded.sum,
         min = MIN(min, excluded.min), max = MAX(max, excluded.max)`,
    ),
    read: db.prepare(`SELECT slot, count, sum, min, max FROM ${table} WHERE series_id = ? AND slot >= ? AND slot <= ? ORDER BY slot`).raw(),
    deleteBefore: db.prepare(`DELETE FROM ${table} WHERE series_id = ? AND slot < ?`),
    deleteSeries: db.prepare(`DELETE FROM ${table} WHERE series_id = ?`),
    any: db.prepare(`SELECT 1 FROM ${table} WHERE series_id = ? LIMIT 1`).pluck(),
  };
}
