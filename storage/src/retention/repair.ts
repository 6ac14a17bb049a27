/**
 * Repair on open: a store left inconsistent by older code (two writers on one file could leave
 * samples, chunks and buckets of a series that no longer exists) or by a damaged file is made
 * consistent again before any job runs, so that no job fails forever on it. Unprocessable head rows
 * go to quarantine (kept until they expire); the tier's and the rollups' rows of a missing series
 * can never be read or expired through their series, so they are deleted.
 */
import type { Db } from '../db/connection.ts';
import type { Quarantine } from '../head/quarantine.ts';
import { INTERVALS } from '../types.ts';

/** Tables keyed by series_id that hold data derived from the head. */
const DERIVED_TABLES = ['samples', 'chunks', ...INTERVALS.map((interval) => `rollup_${interval}`)];

export interface Repair {
  /** Head rows moved to quarantine. */
  quarantined: number;
  /** Rows of missing series deleted from the tier and the rollups. */
  orphansDeleted: number;
}

export function repairOnOpen(db: Db, quarantine: Quarantine, now: number): Repair {
  const quarantined = quarantine.sweepHead(now);
  const orphansDeleted = db
    .transaction(() =>
      DERIVED_TABLES.reduce(
        (n, table) =>
          n + db.prepare(`DELETE FROM ${table} WHERE series_id NOT IN (SELECT id FROM series)`).run().changes,
        0,
      ),
    )
    .immediate();
  return { quarantined, orphansDeleted };
}
