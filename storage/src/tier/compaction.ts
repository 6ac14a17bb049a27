/**
 * Compaction: moves head rows into the tier, series by series, in bounded steps (each its own short
 * transaction), so ingest keeps going while it runs and a crash at any moment leaves every sample in
 * exactly one place. A step takes each series' rows from the head's in-memory per-series view
 * (head-view.ts), not back from the table. Rows the stored rollups have not folded yet are folded
 * in the same step, from the same sorted samples (the rollup job's single pass over a backlog): a
 * step reads each head row once, whether it was folded before or not.
 */
import type { Db } from '../db/connection.ts';
import type { Head } from '../head/head.ts';
import { byTime } from '../head/head-view.ts';
import type { Tier } from './tier.ts';

/**
 * Head rows moved per transaction: a job's first step moves at most FIRST_STEP_ROWS (the whole of
 * a steady run, kept short), each next one twice as many up to MAX_STEP_ROWS (a backlog goes in big
 * steps, each rewriting a series' last chunk once for many new samples).
 */
const FIRST_STEP_ROWS = 20_000;
const MAX_STEP_ROWS = 160_000;

/** What the rollups do around a move (rollup/rollups.ts). */
export interface MoveHooks {
  /** The head id up to which every stored rollup has folded the rows. */
  foldedUpTo(): number;
  /** Folds one series' rows not folded yet (ascending by time) into the stored rollups. */
  fold(seriesId: number, ts: ArrayLike<number>, values: ArrayLike<number>): void;
  /** Once they went: the stored rollups have folded every row up to lastId. */
  afterMove(lastId: number): void;
}

/** The steps of one compaction job: each moves the next head rows with id <= upTo (see compactionStep). */
export function compactionSteps(db: Db, head: Head, tier: Tier, upTo: number, hooks: MoveHooks): () => number | null {
  let limit = FIRST_STEP_ROWS;
  return () => {
    const moved = compactionStep(db, head, tier, upTo, hooks, limit);
    limit = Math.min(2 * limit, MAX_STEP_ROWS);
    return moved;
  };
}

/**
 * Moves the next head rows with id <= upTo (at most `limit`) into the tier, folding those the
 * stored rollups have not folded yet; returns how many, or null when none are left.
 */
function compactionStep(db: Db, head: Head, tier: Tier, upTo: number, hooks: MoveHooks, limit: number): number | null {
  return db
    .transaction(() => {
      // Ids are consecutive but for rows deleted since: a step takes the next `limit` ids, from the head's view.
      const first = head.firstIdAfter(0);
      if (first === undefined || first > upTo) return null;
      const lastId = Math.min(upTo, first + limit - 1);
      const folded = hooks.foldedUpTo();
      let moved = 0;
      for (const [seriesId, rows] of head.seriesRowsBetween(0, lastId)) {
        const { ids, ts, values } = byTime(rows);
        tier.insert(seriesId, ts, values);
        moved += ts.length;
        if (ids.every((id) => id > folded)) hooks.fold(seriesId, ts, values);
        else if (ids.some((id) => id > folded)) {
          const isFresh = (_: number, i: number): boolean => ids[i]! > folded;
          hooks.fold(seriesId, ts.filter(isFresh), values.filter(isFresh));
        }
      }
      head.deleteUpTo(lastId);
      hooks.afterMove(lastId);
      return moved;
    })
    .immediate();
}
