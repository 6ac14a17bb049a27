/**
 * Quarantine: head rows that no job can process (a value that is not a finite number, a series
 * that no longer exists, as older code or a damaged file could leave behind) are moved out of the
 * head into the `quarantine` table, so that rollups, compaction and retention go on with the rest.
 * Nothing is silently dropped: the rows stay there, with the reason, until retention expires them
 * like any other sample (or their series is deleted). This module owns the `quarantine` table.
 * A sweep that moves rows bumps the head's version, so the head's per-series view is rebuilt.
 */
import type { Statement } from 'better-sqlite3';
import type { Db } from '../db/connection.ts';
import { UNMOVED_HEAD_ROW } from './head.ts';
import { HeadVersion } from './head-view.ts';

/**
 * A head row no job can process: its series is gone, or its value is not a finite number (not one
 * compaction marked moved: it is in the tier, and goes with its window).
 */
const UNPROCESSABLE = `(NOT EXISTS (SELECT 1 FROM series s WHERE s.id = h.series_id)
  OR typeof(h.value) NOT IN ('integer', 'real') OR h.value IN (9e999, -9e999)) AND ${UNMOVED_HEAD_ROW}`;

export class Quarantine {
  private readonly moveStmt: Statement;
  private readonly dropStmt: Statement;
  private readonly deleteBeforeStmt: Statement;
  private readonly deleteSeriesStmt: Statement;
  private readonly countStmt: Statement;
  private readonly headVersion: HeadVersion;

  constructor(private readonly db: Db) {
    this.headVersion = new HeadVersion(db);
    this.moveStmt = db.prepare(
      `INSERT INTO quarantine (series_id, ts, value, reason, quarantined_at)
       SELECT h.series_id, h.ts, h.value,
         CASE WHEN NOT EXISTS (SELECT 1 FROM series s WHERE s.id = h.series_id) THEN 'series missing'
              ELSE 'value is not a finite number' END, ?
       FROM head h WHERE ${UNPROCESSABLE}`,
    );
    this.dropStmt = db.prepare(`DELETE FROM head AS h WHERE ${UNPROCESSABLE}`);
    this.deleteBeforeStmt = db.prepare('DELETE FROM quarantine WHERE ts < ?');
    this.deleteSeriesStmt = db.prepare('DELETE FROM quarantine WHERE series_id = ?');
    this.countStmt = db.prepare('SELECT COUNT(*) FROM quarantine').pluck();
  }

  /** Moves every unprocessable head row into quarantine, in one transaction; returns rows moved. */
  sweepHead(now: number): number {
    return this.db
      .transaction(() => {
        const moved = this.moveStmt.run(now).changes;
        if (this.dropStmt.run().changes > 0) this.headVersion.bump();
        return moved;
      })
      .immediate();
  }

  deleteBefore(cutoff: number): number {
    return this.deleteBeforeStmt.run(cutoff).changes;
  }

  deleteSeries(seriesId: number): number {
    return this.deleteSeriesStmt.run(seriesId).changes;
  }

  /** Rows held in quarantine. */
  size(): number {
    return this.countStmt.get() as number;
  }
}
