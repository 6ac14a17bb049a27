/**
 * The head: every accepted sample is first appended here, in arrival order, so that a commit
 * touches only the table's right edge (a few pages) whatever the number of series. Rollups read
 * the head from their cursor on; compaction moves rows that every stored rollup has seen into the
 * tier. This module owns the `head` table: every statement on it is here, prepared once, and
 * each write keeps the in-memory per-series view (head-view.ts) exact, which the reads of one
 * series' rows use. (head-append.ts turns a batch into head rows.)
 */
import type { Statement } from 'better-sqlite3';
import type { Db } from '../db/connection.ts';
import type { SampleSpan } from '../tier/tier.ts';
import { HeadVersion, HeadView, type FirstRows } from './head-view.ts';

export interface HeadRow {
  id: number;
  seriesId: number;
  ts: number;
  value: number;
}

/** Rows per multi-row INSERT statement. */
const INSERT_BLOCK = 200;

export class Head {
  private readonly insertBlock: Statement;
  private readonly insertOne: Statement;
  private readonly existsStmt: Statement;
  private readonly allStmt: Statement;
  private readonly deleteIdsStmt: Statement;
  private readonly idOfRowStmt: Statement;
  private readonly deleteBeforeStmt: Statement;
  private readonly maxIdStmt: Statement;
  private readonly deleteSeriesStmt: Statement;
  private readonly countRangeStmt: Statement;
  private readonly countBeforeStmt: Statement;
  private readonly totalsStmt: Statement;
  private readonly buffer: number[] = [];
  private readonly view = new HeadView();
  private readonly version: HeadVersion;
  /** The deletions' version the view reflects; -1 until it is built, or once a write left it behind. */
  private viewVersion = -1;
  /** The highest id appended to the view (ids only grow, so a rolled-back append leaves maxId() below it). */
  private viewMaxId = -1;

  constructor(db: Db) {
    this.version = new HeadVersion(db);
    const values = Array.from({ length: INSERT_BLOCK }, () => '(?, ?, ?)').join(', ');
    this.insertBlock = db.prepare(`INSERT INTO head (series_id, ts, value) VALUES ${values}`);
    this.insertOne = db.prepare('INSERT INTO head (series_id, ts, value) VALUES (?, ?, ?)');
    this.existsStmt = db.prepare('SELECT 1 FROM head WHERE ts = ? AND series_id = ? LIMIT 1').pluck();
    this.allStmt = db.prepare('SELECT id, series_id, ts, value FROM head ORDER BY id').raw();
    this.deleteIdsStmt = db.prepare('DELETE FROM head WHERE id IN (SELECT value FROM json_each(?))');
    this.idOfRowStmt = db.prepare('SELECT id FROM head WHERE id <= ? ORDER BY id LIMIT 1 OFFSET ?').pluck();
    this.deleteBeforeStmt = db
      .prepare('DELETE FROM head WHERE id IN (SELECT id FROM head WHERE ts < ? LIMIT ?) RETURNING id, series_id')
      .raw();
    this.maxIdStmt = db.prepare("SELECT COALESCE((SELECT seq FROM sqlite_sequence WHERE name = 'head'), 0)").pluck();
    this.deleteSeriesStmt = db.prepare('DELETE FROM head WHERE series_id = ?');
    this.countRangeStmt = db.prepare('SELECT COUNT(*) FROM head WHERE ts >= ? AND ts < ?').pluck();
    this.countBeforeStmt = db.prepare('SELECT COUNT(*), MIN(ts), MAX(ts) FROM head WHERE ts < ?').raw();
    this.totalsStmt = db.prepare('SELECT COUNT(*), MIN(ts), MAX(ts) FROM head').raw();
  }

  /** Queues one sample; call flush() before the transaction commits. */
  push(seriesId: number, ts: number, value: number): void {
    this.buffer.push(seriesId, ts, value);
    if (this.buffer.length === INSERT_BLOCK * 3) this.flush();
  }

  flush(): void {
    const buf = this.buffer;
    if (buf.length === 0) return;
    let offset = 0;
    let lastId = 0;
    for (; offset + INSERT_BLOCK * 3 <= buf.length; offset += INSERT_BLOCK * 3) {
      lastId = Number(this.insertBlock.run(buf.slice(offset, offset + INSERT_BLOCK * 3)).lastInsertRowid);
    }
    for (; offset < buf.length; offset += 3) {
      lastId = Number(this.insertOne.run(buf[offset], buf[offset + 1], buf[offset + 2]).lastInsertRowid);
    }
    // The rows of one statement, and of one transaction, take consecutive ids (AUTOINCREMENT, one writer).
    const firstId = lastId - buf.length / 3 + 1;
    if (firstId - 1 === this.viewMaxId) {
      for (let k = 0; k < buf.length; k += 3) this.view.add(firstId + k / 3, buf[k]!, buf[k + 1]!, buf[k + 2]!);
      this.viewMaxId = lastId;
    } else {
      this.viewVersion = -1;
    }
    buf.length = 0;
  }

  /** Drops queued rows (when the batch's transaction is abandoned). */
  discard(): void {
    this.buffer.length = 0;
  }

  exists(seriesId: number, ts: number): boolean {
    return this.existsStmt.get(ts, seriesId) !== undefined;
  }

  /** The highest id ever appended (ids are never reused). */
  maxId(): number {
    return this.maxIdStmt.get() as number;
  }

  /** How many rows of each series have id <= `id` (series with none are left out). */
  countsUpTo(id: number): Map<number, number> {
    return this.current().countsUpTo(id);
  }

  /** The id of the n-th row (from 1) by id among those with id <= upTo, if there are that many. */
  idOfRow(n: number, upTo: number): number | undefined {
    return this.idOfRowStmt.get(upTo, n - 1) as number | undefined;
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
   * Deletes rows that firstRows gave: for each series, its first rows in id order (`ids`, ascending);
   * returns rows deleted.
   */
  deleteFirstRows(prefixes: readonly { seriesId: number; ids: readonly number[] }[]): number {
    // In ascending order the deletion walks the table's pages once.
    const ids = prefixes.flatMap((p) => p.ids).sort((a, b) => a - b);
    if (ids.length === 0) return 0;
    const deleted = this.deleteIdsStmt.run(JSON.stringify(ids)).changes;
    const apply = (): void => {
      for (const { seriesId, ids: own } of prefixes)
        if (own.length > 0) this.view.dropSeriesUpTo(seriesId, own.at(-1)!);
    };
    if (deleted > 0) this.changed(apply);
    return deleted;
  }

  /** Deletes at most `limit` rows older than `ts` (retention deletes in bounded transactions); returns rows deleted. */
  deleteBefore(ts: number, limit: number): number {
    const deleted = (this.deleteBeforeStmt.all(ts, limit) as [number, number][]).map(([id, seriesId]) => ({
      id,
      seriesId,
    }));
    if (deleted.length > 0) this.changed(() => this.view.remove(deleted));
    return deleted.length;
  }

  /** Deletes every head row of a series; returns rows deleted. */
  deleteSeries(seriesId: number): number {
    if (!this.current().has(seriesId)) return 0;
    const deleted = this.deleteSeriesStmt.run(seriesId).changes;
    if (deleted > 0) this.changed(() => this.view.dropSeries(seriesId));
    return deleted;
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
    return this.countRangeStmt.get(start, end) as number;
  }

  /** How many rows lie before `ts`, and their time span. */
  countBefore(ts: number): SampleSpan {
    return toSpan(this.countBeforeStmt.get(ts) as SpanRow);
  }

  /** How many rows the head holds, and their time span. */
  totals(): SampleSpan {
    return toSpan(this.totalsStmt.get() as SpanRow);
  }

  seriesIds(): Set<number> {
    return this.current().seriesIds();
  }

  /**
   * A deletion: bumps the version in its transaction and applies it to the view, when the view was
   * exact before it; otherwise the view stays behind and is rebuilt on the next read.
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
      for (const [id, seriesId, ts, value] of this.allStmt.iterate() as IterableIterator<number[]>) {
        this.view.add(id!, seriesId!, ts!, value!);
      }
      this.viewVersion = version;
      this.viewMaxId = maxId;
    }
    return this.view;
  }
}

type SpanRow = [count: number, oldest: number | null, newest: number | null];

function toSpan([samples, oldest, newest]: SpanRow): SampleSpan {
  return { samples, oldest, newest };
}
