/**
 * Rollups: per interval, a table of bucket summaries per series and slot (count/sum/min/max, the
 * first and last samples and the counter increase inside the bucket: bucket-math.ts), maintained
 * incrementally. Each interval keeps a cursor into the head (the last head id folded in);
 * `aggregateStep` folds the rows after it into their buckets with one grouped upsert, so
 * its cost follows the new data, a second run changes nothing, and late samples (which arrive in
 * the head like any other) are counted exactly once. The rollup job does not run it for the stored
 * intervals: compaction folds their rows in the step that moves them (moveHooks), from the samples
 * it has already read and sorted, in the same transaction, and advances their cursors once every
 * row up to a window's last id has moved (a row after the cursor still in the head is not folded
 * yet; one already moved left the head folded). Samples are never overwritten (a repeated
 * (series, timestamp) is ignored at ingest), which is what makes the upsert exact.
 *
 * The counter columns (first and last samples, increase inside the bucket) are kept for the series
 * the catalog calls counters (a histogram's series included); for others they are NULL, which
 * costs a byte each, and counter functions on such a bucket compute it from its samples. Counters
 * are folded in their own statement, with window functions (each row's neighbours in its bucket).
 * New samples of a bucket that all come after its last one extend it exactly; a late sample landing
 * among those already folded makes the upsert mark the bucket stale (inc NULL, first_ts not), and
 * the same transaction recomputes it from its samples (tier and folded head rows).
 *
 * With compression, the fine intervals (1m, 5m) are "tier-derived": their rows cover only samples
 * still in the head, and buckets of compacted samples are computed from the chunks when read
 * (decoding is cheaper than storing a 1m row per six samples). Compaction calls forgetMoved in the
 * same transaction that moves a series' samples, so every sample counts in exactly one place.
 */
import type { Statement } from 'better-sqlite3';
import type { Db } from '../db/connection.ts';
import type { Head } from '../head/head.ts';
import { INTERVAL_MS, type Interval } from '../types.ts';
import { ChunkCorruptError } from '../errors.ts';
import type { MoveHooks, MovedRows } from '../tier/compaction.ts';
import type { SeriesSamples, Tier } from '../tier/tier.ts';
import type { CounterSeries } from './counter-series.ts';
import { sqlCounterIncrease, sqlSum, summarize, type SlotSummaries, type Summary } from './bucket-math.ts';

/** The intervals whose compacted buckets are computed from compressed chunks, not stored. */
export const TIER_DERIVED_INTERVALS: readonly Interval[] = ['1m', '5m'];

/** Head ids folded per transaction, so a long catch-up never holds the write lock for long. */
export const AGGREGATE_STEP_ROWS = 100_000;

interface IntervalStatements {
  /** Folds head rows with from < id <= to into their buckets (in SQLite, one pass per kind of series). */
  fold: FoldStatements;
  /** Merges one summary into its bucket. */
  upsert: Statement;
  read: Statement;
  deleteBefore: Statement;
  deleteSeries: Statement;
  any: Statement;
  next: Statement;
  /** Deletes a series' buckets with from <= slot <= to. */
  deleteSlots: Statement;
  /** Buckets a fold marked stale (a late sample among folded ones). */
  stale: Statement;
  /** A series' head rows in [start, end) with id <= upTo, by time. */
  headSamples: Statement;
  /** Overwrites a bucket's summary. */
  recomputedIncrease: Statement;
}

/** One statement for the counter series (listed in temp.counter_series), one for the others. */
interface FoldStatements {
  counters: Statement;
  others: Statement;
}

function runFold(fold: FoldStatements, ...params: number[]): number {
  return fold.others.run(...params).changes + fold.counters.run(...params).changes;
}

export class Rollups {
  private readonly stmts = new Map<Interval, IntervalStatements>();
  private readonly readCursor: Statement;
  private readonly writeCursor: Statement;
  private readonly deleteCursor: Statement;
  private readonly clearCounters: Statement;
  private readonly addCounter: Statement;

  constructor(
    private readonly db: Db,
    private readonly head: Head,
    private readonly tier: Tier,
    readonly maintained: readonly Interval[],
    /** Maintained intervals whose compacted part is computed from the tier when read. */
    readonly tierDerived: readonly Interval[],
    /** The series whose buckets keep the counter columns. */
    private readonly counterSeries: CounterSeries,
  ) {
    db.exec('CREATE TEMP TABLE IF NOT EXISTS counter_series (id INTEGER PRIMARY KEY)');
    this.clearCounters = db.prepare('DELETE FROM temp.counter_series');
    this.addCounter = db.prepare('INSERT INTO temp.counter_series (id) VALUES (?)');
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
   * Once series' head rows moved into the tier (deleted from the head in this transaction): rebuilds
   * the tier-derived buckets they lie in from each series' head rows folded into them that stay, so
   * that the moved samples count only in the tier.
   */
  forgetMoved(moves: readonly MovedRows[]): void {
    for (const interval of this.tierDerived) {
      const cursor = this.cursor(interval);
      const width = INTERVAL_MS[interval];
      for (const { seriesId, ids, ts } of moves) {
        // An interval that folded none of a series' moved rows has no bucket of them to rebuild.
        if (cursor < ids[0]!) continue;
        const [fromSlot, toSlot] = [Math.floor(ts[0]! / width), Math.floor(ts.at(-1)! / width)];
        this.statements(interval).deleteSlots.run(seriesId, fromSlot, toSlot);
        const staying = this.head
          .readSeriesRange(seriesId, fromSlot * width, (toSlot + 1) * width)
          .filter((row) => row.id <= cursor);
        const summaries = summarize(
          staying.map((row) => row.ts),
          staying.map((row) => row.value),
          width,
        );
        this.store(interval, seriesId, summaries);
      }
    }
  }

  /** Lists the counter series in temp.counter_series, for the folds that follow in the transaction. */
  private listCounters(): void {
    this.clearCounters.run();
    for (const id of this.counterSeries.ids()) this.addCounter.run(id);
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
    const counter = this.counterSeries.has(seriesId);
    for (const [slot, s] of slots) upsert.run(seriesId, slot, ...summaryColumns(s, counter));
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
   * yet (one pass over a backlog instead of one grouped statement per interval, then a move), and
   * to keep the tier-derived buckets to the head. The stored intervals' cursors must be equal (the
   * rollup job aligns them first).
   */
  moveHooks(): MoveHooks {
    const stored = this.storedIntervals();
    return {
      foldedUpTo: () => this.foldedUpTo(),
      fold: (seriesId, ts, values) => {
        checkFinite(seriesId, values);
        for (const interval of stored) this.store(interval, seriesId, summarize(ts, values, INTERVAL_MS[interval]));
      },
      moved: (moves) => this.forgetMoved(moves),
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
   * in one transaction; returns buckets written, or null when the cursor has reached `upTo`.
   */
  aggregateStep(interval: Interval, upTo: number): number | null {
    const stmts = this.statements(interval);
    return this.db
      .transaction(() => {
        const from = this.cursor(interval);
        if (from >= upTo) return null;
        const to = Math.min(upTo, from + AGGREGATE_STEP_ROWS);
        this.listCounters();
        const changes = runFold(stmts.fold, from, to);
        this.recomputeStale(interval, to);
        this.writeCursor.run(interval, to);
        return changes;
      })
      .immediate();
  }

  /** Materialised summaries of one series with fromSlot <= slot <= toSlot. */
  read(interval: Interval, seriesId: number, fromSlot: number, toSlot: number): SlotSummaries {
    const out: SlotSummaries = new Map();
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
   * summarise: the tier's (unless the interval is tier-derived, whose rows cover only the head) and
   * the head rows folded so far (id <= upTo). In a bucket straddling a retention cutoff the expired
   * samples' part of the increase is gone (its other columns stay exact). One beside a damaged chunk
   * cannot be recomputed: it stays stale (its increase unknown, its other columns exact) and is
   * tried again at the next fold, until retention deletes the chunk.
   */
  private recomputeStale(interval: Interval, upTo: number): void {
    const stmts = this.statements(interval);
    const width = INTERVAL_MS[interval];
    for (const [seriesId, slot] of stmts.stale.all() as [number, number][]) {
      const [start, end] = [slot * width, (slot + 1) * width];
      const stored = this.isTierDerived(interval) ? { ts: [], values: [] } : this.readTier(seriesId, start, end);
      if (!stored) continue;
      const inHead = stmts.headSamples.all(start, end, seriesId, upTo) as [number, number][];
      const ts = [...stored.ts, ...inHead.map((r) => r[0])];
      const values = [...stored.values, ...inHead.map((r) => r[1])];
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
function checkFinite(seriesId: number, values: number[]): void {
  for (const value of values) {
    if (typeof value !== 'number' || !Number.isFinite(value)) {
      throw new Error(`series ${seriesId} has a head row whose value is not a finite number`);
    }
  }
}

/** A summary's columns, in COLUMNS order after series_id and slot (the counter ones NULL unless `counter`). */
function summaryColumns(s: Summary, counter: boolean): (number | null)[] {
  const counterColumns = counter ? [s.firstTs, s.first, s.lastTs, s.last, s.inc] : [null, null, null, null, null];
  return [s.count, s.sum, s.min, s.max, ...counterColumns];
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

/** count/sum/min/max of a group of head rows. */
const FOLD_COLUMNS = `COUNT(*), ${sqlSum('SUM(value)')}, MIN(value), MAX(value)`;

/** The buckets of the head rows of non-counter series matching `where` (its ? parameters are the statement's). */
function othersSelect(width: number, where: string): string {
  return `SELECT series_id, ts / ${width}, ${FOLD_COLUMNS}, NULL, NULL, NULL, NULL, NULL
    FROM head WHERE ${where} AND series_id NOT IN temp.counter_series GROUP BY series_id, ts / ${width}`;
}

/**
 * The buckets of the head rows of counter series matching `where`, summarised in one pass: window
 * functions give each row its predecessor and successor in its bucket (values are never NULL, so a
 * NULL one marks the bucket's first or last row; the first row adds 0 to the increase).
 */
function countersSelect(width: number, where: string): string {
  return `SELECT series_id, slot, COUNT(*), ${sqlSum('SUM(value)')}, MIN(value), MAX(value),
      MIN(ts), MAX(CASE WHEN previous IS NULL THEN value END), MAX(ts), MAX(CASE WHEN following IS NULL THEN value END),
      TOTAL(CASE WHEN previous IS NULL THEN 0 ELSE ${sqlCounterIncrease('previous', 'value')} END)
    FROM (
      SELECT series_id, ts / ${width} AS slot, ts, value,
        LAG(value) OVER bucket AS previous, LEAD(value) OVER bucket AS following
      FROM head WHERE ${where} AND series_id IN temp.counter_series
      WINDOW bucket AS (PARTITION BY series_id, ts / ${width} ORDER BY ts)
    )
    GROUP BY series_id, slot`;
}

/** Buckets a fold must recompute (the condition of the migration's partial index rollup_<interval>_stale). */
const STALE = 'first_ts IS NOT NULL AND inc IS NULL';

function foldStatements(db: Db, table: string, width: number, where: string, conflict: string): FoldStatements {
  return {
    counters: db.prepare(`INSERT INTO ${table} (${COLUMNS}) ${countersSelect(width, where)} ${conflict}`),
    others: db.prepare(`INSERT INTO ${table} (${COLUMNS}) ${othersSelect(width, where)} ${conflict}`),
  };
}

function prepareInterval(db: Db, interval: Interval): IntervalStatements {
  const table = `rollup_${interval}`;
  const width = INTERVAL_MS[interval];
  return {
    fold: foldStatements(
      db,
      table,
      width,
      'id > ? AND id <= ?',
      `ON CONFLICT (series_id, slot) DO UPDATE SET ${MERGE}`,
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
    deleteBefore: db.prepare(`DELETE FROM ${table} WHERE series_id = ? AND slot < ?`),
    deleteSeries: db.prepare(`DELETE FROM ${table} WHERE series_id = ?`),
    any: db.prepare(`SELECT 1 FROM ${table} WHERE series_id = ? LIMIT 1`).pluck(),
    next: db.prepare(`SELECT MIN(slot) FROM ${table} WHERE series_id = ? AND slot >= ?`).pluck(),
    deleteSlots: db.prepare(`DELETE FROM ${table} WHERE series_id = ? AND slot >= ? AND slot <= ?`),
    stale: db.prepare(`SELECT series_id, slot FROM ${table} WHERE ${STALE}`).raw(),
    headSamples: db
      .prepare('SELECT ts, value FROM head WHERE ts >= ? AND ts < ? AND series_id = ? AND id <= ? ORDER BY ts')
      .raw(),
    recomputedIncrease: db.prepare(`UPDATE ${table} SET inc = ? WHERE series_id = ? AND slot = ?`),
  };
}
