/**
 * Compaction: moves head rows into the tier, series by series, in bounded steps (each its own short
 * transaction), so ingest keeps going while it runs and a crash at any moment leaves every sample in
 * exactly one place. Rows the stored rollups have not folded yet are folded in the same step, from
 * the same sorted samples (the rollup job's single pass over a backlog): a step reads each head row
 * once, whether it was folded before or not.
 */
import type { Db } from '../db/connection.ts';
import type { Head, HeadRow } from '../head/head.ts';
import type { Tier } from './tier.ts';

/**
 * Head rows moved per transaction: a job's first step moves at most FIRST_STEP_ROWS (the whole of
 * a steady run, kept short), each next one twice as many up to MAX_STEP_ROWS (a backlog goes in big
 * steps, each rewriting a series' last chunk once for many new samples).
 */
const FIRST_STEP_ROWS = 20_000;
const MAX_STEP_ROWS = 160_000;

function groupBySeries(rows: HeadRow[]): Map<number, HeadRow[]> {
  const groups = new Map<number, HeadRow[]>();
  for (const row of rows) {
    const list = groups.get(row.seriesId);
    if (list) list.push(row);
    else groups.set(row.seriesId, [row]);
  }
  return groups;
}

/** What the rollups do around a move (rollup/rollups.ts). */
export interface MoveHooks {
  /** The head id up to which every stored rollup has folded the rows. */
  foldedUpTo(): number;
  /** Folds one series' rows not folded yet (ascending by time) into the stored rollups. */
  fold(seriesId: number, ts: number[], values: number[]): void;
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
      const rows = head.readAfter(0, upTo, limit);
      if (rows.length === 0) return null;
      const folded = hooks.foldedUpTo();
      for (const [seriesId, list] of groupBySeries(rows)) {
        list.sort((a, b) => a.ts - b.ts);
        const ts = list.map((r) => r.ts);
        const values = list.map((r) => r.value);
        tier.insert(seriesId, ts, values);
        const fresh = list.filter((r) => r.id > folded);
        if (fresh.length === list.length) hooks.fold(seriesId, ts, values);
        else if (fresh.length > 0)
          hooks.fold(
            seriesId,
            fresh.map((r) => r.ts),
            fresh.map((r) => r.value),
          );
      }
      const lastId = rows[rows.length - 1]!.id;
      head.deleteUpTo(lastId);
      hooks.afterMove(lastId);
      return rows.length;
    })
    .immediate();
}
