/**
 * The head: every accepted sample is first appended here, in arrival order, so that a commit
 * touches only the table's right edge (a few pages) whatever the number of series. Rollups fold
 * the head from their cursor on; compaction moves rows into the tier, folding those no stored
 * rollup has folded yet, and marks them moved (`head_moved`) until the end of its window deletes
 * them: no read of the head sees a marked row. This module owns the `head` and `head_moved`
 * tables' writes and the engine's reads of them (the SQL views of db/app-views.ts and the
 * migrations' views read them too): every statement is here, prepared once, and each write keeps
 * the in-memory per-series view (head-view.ts) exact, from which every read of rows comes
 * (queries, folds, compaction, the repeat check, retention, counts). (head-append.ts turns a batch
 * into head rows.)
 */
import type { Statement } from 'better-sqlite3';
import type { Db } from '../db/connection.ts';
import { INSERT_BLOCK_ROWS, MultiRowInsert } from '../db/multi-row-insert.ts';
import type { SampleSpan } from '../tier/tier.ts';
import { HeadVersion, HeadView, type FirstRows, type SeriesColumns } from './head-view.ts';

export interface HeadRow {
  id: number;
  seriesId: number;
  ts: number;
  value: number;
}

/**
 * An SQL condition on a head row `h`: no mark of compaction covers it (`head_moved`: the rows of a
 * series up to an id are in the tier already, and go at the end of the compaction's window).
 */
export const UNMOVED_HEAD_ROW = `NOT EXISTS (SELECT 1 FROM head_moved m WHERE m.series_id = h.series_id AND h.id <= m.up_to)`;

const VALUES_PER_ROW = 3;

export class Head {
  private readonly db: Db;
  private readonly inserter: MultiRowInsert;
  private readonly allStmt: Statement;
  private readonly deleteIdsStmt: Statement;
  private readonly deleteUpToStmt: Statement;
  private readonly markMovedStmt: Statement;
  private readonly unmarkUpToStmt: Statement;
  private readonly anyMovedStmt: Statement;
  private readonly deleteMovedStmt: Statement;
  private readonly maxIdStmt: Statement;
  private readonly deleteSeriesStmt: Statement;
  private readonly unmarkSeriesStmt: Statement;
  /** Queued rows' series id, ts and value, `queued` rows of them; a full buffer is one statement's parameters. */
  private readonly buffer: number[] = new Array<number>(INSERT_BLOCK_ROWS * VALUES_PER_ROW).fill(0);
  private queued = 0;
  private readonly view = new HeadView();
  private readonly version: HeadVersion;
  /** The deletions' version the view reflects; -1 until it is built, or once a write left it behind. */
  private viewVersion = -1;
  /** The highest id appended to the view (ids only grow, so a rolled-back append leaves maxId() below it). */
  private viewMaxId = -1;

  constructor(db: Db) {
    this.db = db;
    this.version = new HeadVersion(db);
    this.inserter = new MultiRowInsert(db, 'head', ['series_id', 'ts', 'value']);
    this.allStmt = db
      .prepare(`SELECT id, series_id, ts, value FROM head h WHERE ${UNMOVED_HEAD_ROW} ORDER BY id`)
      .raw();
    this.deleteIdsStmt = db.prepare('DELETE FROM head WHERE id IN (SELECT value FROM json_each(?))');
    this.deleteUpToStmt = db.prepare('DELETE FROM head WHERE id <= ?');
    this.markMovedStmt = db.prepare(
      `INSERT INTO head_moved (series_id, up_to) VALUES (?, ?)
       ON CONFLICT (series_id) DO UPDATE SET up_to = MAX(up_to, excluded.up_to)`,
    );
    this.unmarkUpToStmt = db.prepare('DELETE FROM head_moved WHERE up_to <= ?');
    this.anyMovedStmt = db.prepare('SELECT EXISTS (SELECT 1 FROM head_moved)').pluck();
    this.deleteMovedStmt = db.prepare(
      `DELETE FROM head WHERE id <= (SELECT MAX(up_to) FROM head_moved)
         AND id <= (SELECT up_to FROM head_moved m WHERE m.series_id = head.series_id)`,
    );
    this.maxIdStmt = db.prepare("SELECT COALESCE((SELECT seq FROM sqlite_sequence WHERE name = 'head'), 0)").pluck();
    this.deleteSeriesStmt = db.prepare('DELETE FROM head WHERE series_id = ?');
    this.unmarkSeriesStmt = db.prepare('DELETE FROM head_moved WHERE series_id = ?');
  }

  /** Queues one sample; call flush() before the transaction commits. */
  push(seriesId: number, ts: number, value: number): void {
    const at = this.queued++ * VALUES_PER_ROW;
    this.buffer[at] = seriesId;
    this.buffer[at + 1] = ts;
    this.buffer[at + 2] = value;
    if (this.queued === INSERT_BLOCK_ROWS) this.flush();
  }

  flush(): void {
    const buf = this.buffer;
    const rows = this.queued;
    if (rows === 0) return;
    const lastId = this.inserter.run(buf, rows);
    // The rows of one statement, and of one transaction, take consecutive ids (AUTOINCREMENT, one writer).
    const firstId = lastId - rows + 1;
    if (firstId - 1 === this.viewMaxId) {
      for (let k = 0; k < rows; k++) {
        const at = k * VALUES_PER_ROW;
        this.view.add(firstId + k, buf[at]!, buf[at + 1]!, buf[at + 2]!);
      }
      this.viewMaxId = lastId;
    } else {
      this.viewVersion = -1;
    }
    this.queued = 0;
  }

  /** Drops queued rows (when the batch's transaction is abandoned). */
  discard(): void {
    this.queued = 0;
  }

  /** Whether the series has a head row at `ts` (from the per-series view: the head has no index on ts). */
  exists(seriesId: number, ts: number): boolean {
    return this.current().hasSample(seriesId, ts);
  }

  /** The highest id ever appended (ids are never reused). */
  maxId(): number {
    return this.maxIdStmt.get() as number;
  }

  /**
   * A series' oldest rows (in id order) with id <= upTo, at most `limit`, and how many with id <=
   * upTo are left after them (compaction moves a series' rows oldest first).
   */
  firstRows(seriesId: number, upTo: number, limit: number): FirstRows {
    return this.current().firstRows(seriesId, upTo, limit);
  }

  /**
   * Rows of one series with ts in [start, end), by time, from the per-series view: what a query
   * reads costs its own rows, whatever the head holds of other series.
   */
  readSeriesRange(seriesId: number, start: number, end: number): HeadRow[] {
    return this.current().range(seriesId, start, end);
  }

  /**
   * Each series' rows with id in (afterId, upToId], in id order, from the per-series view (what the
   * rollups fold: no row read back from the table). The arrays are views of the view's columns,
   * valid until the head's next write.
   */
  seriesRowsBetween(afterId: number, upToId: number): Map<number, SeriesColumns> {
    return this.current().between(afterId, upToId);
  }

  /** The smallest head id after `afterId`, if any (from the per-series view). */
  firstIdAfter(afterId: number): number | undefined {
    return this.current().firstIdAfter(afterId);
  }

  /**
   * Deletes every row with id <= `id` (the end of a compaction window), the rows marked moved
   * among them too, and the marks that cover no row left.
   */
  deleteUpTo(id: number): void {
    const deleted = this.deleteUpToStmt.run(id).changes;
    this.unmarkUpToStmt.run(id);
    if (deleted > 0) this.changed(() => this.view.dropUpTo(id));
  }

  /**
   * Marks a series' rows up to `lastId` as moved into the tier (a compaction step, which moved its
   * first rows in id order): from then on no read of the head sees them, and the end of the
   * window deletes them with every other row of its ids, as one id range.
   */
  markMoved(seriesId: number, lastId: number): void {
    this.markMovedStmt.run(seriesId, lastId);
    this.changed(() => this.view.dropSeriesUpTo(seriesId, lastId));
  }

  /**
   * Deletes the rows marked moved that a compaction left behind when it stopped inside a window (a
   * crash, a close, a failed step), with their marks: on open, and before retention (jobs run one
   * at a time, so no compaction is under way then).
   */
  deleteMoved(): number {
    if (this.anyMovedStmt.get() === 0) return 0;
    return this.db.transaction(() => {
      const deleted = this.deleteMovedStmt.run().changes;
      this.unmarkUpToStmt.run(Infinity);
      return deleted;
    })();
  }

  /** Deletes at most `limit` rows older than `ts` (retention deletes in bounded transactions); returns rows deleted. */
  deleteBefore(ts: number, limit: number): number {
    const doomed = this.current().rowsBefore(ts, limit);
    if (doomed.length === 0) return 0;
    const deleted = this.deleteIdsStmt.run(JSON.stringify(doomed.map((row) => row.id))).changes;
    this.changed(() => this.view.remove(doomed));
    return deleted;
  }

  /** Deletes every head row of a series (those marked moved too: they are in the tier); returns the unmarked ones. */
  deleteSeries(seriesId: number): number {
    const rows = this.current().size(seriesId);
    // Without a row or a mark, the series has nothing here: no scan of the head (it has no index on series).
    if (this.unmarkSeriesStmt.run(seriesId).changes === 0 && rows === 0) return 0;
    this.deleteSeriesStmt.run(seriesId);
    if (rows > 0) this.changed(() => this.view.dropSeries(seriesId));
    return rows;
  }

  /** Latest timestamp per series among head rows. */
  latestBySeries(): Map<number, number> {
    return this.current().latestBySeries();
  }

  /** The first timestamp of a series in the head at or after `from`, if any. */
  next(seriesId: number, from: number): number | undefined {
    return this.current().next(seriesId, from);
  }

  /** A series' last row with after < ts < before, if any. */
  lastBefore(seriesId: number, before: number, after: number): { ts: number; value: number } | undefined {
    const row = this.current().lastBefore(seriesId, before, after);
    return row && { ts: row.ts, value: row.value };
  }

  countRange(start: number, end: number): number {
    return this.current().span(start, end).samples;
  }

  /** How many rows lie before `ts`, and their time span. */
  countBefore(ts: number): SampleSpan {
    return this.current().span(-Infinity, ts);
  }

  /** How many rows the head holds, and their time span. */
  totals(): SampleSpan {
    return this.current().span(-Infinity, Infinity);
  }

  seriesIds(): Set<number> {
    return this.current().seriesIds();
  }

  /**
   * A deletion or a mark: bumps the version in its transaction and applies it to the view, when the
   * view was exact before it; otherwise the view stays behind and is rebuilt on the next read.
   */
  private changed(apply: () => void): void {
    const version = this.version.bump();
    if (version !== this.viewVersion + 1) return;
    apply();
    this.viewVersion = version;
  }

  /**
   * The view, rebuilt from the table first when a write it reflects was rolled back (the deletions'
   * version or the highest id went back), when it was left behind, and on first use.
   */
  private current(): HeadView {
    const version = this.version.get();
    const maxId = this.maxId();
    if (version !== this.viewVersion || maxId !== this.viewMaxId) {
      this.view.clear();
      for (const [id, seriesId, ts, value] of this.allStmt.iterate() as IterableIterator<unknown[]>) {
        // A damaged value (text in an old or edited file) stays NaN, which compaction refuses (quarantine).
        this.view.add(id as number, seriesId as number, ts as number, typeof value === 'number' ? value : NaN);
      }
      this.viewVersion = version;
      this.viewMaxId = maxId;
    }
    return this.view;
  }
}
