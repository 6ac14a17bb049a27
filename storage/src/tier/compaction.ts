/**
 * Compaction: moves head rows that every stored rollup interval has folded into the tier, series by
 * series, in bounded steps (each its own short transaction), so ingest keeps going while it runs
 * and a crash at any moment leaves every sample in exactly one place.
 */
import type { Db } from '../db/connection.ts';
import type { Head, HeadRow } from '../head/head.ts';
import type { Tier } from './tier.ts';

/** Head rows moved per transaction. */
export const COMPACTION_STEP_ROWS = 100_000;

function groupBySeries(rows: HeadRow[]): Map<number, HeadRow[]> {
  const groups = new Map<number, HeadRow[]>();
  for (const row of rows) {
    const list = groups.get(row.seriesId);
    if (list) list.push(row);
    else groups.set(row.seriesId, [row]);
  }
  return groups;
}

/** Called inside each step's transaction, before the head rows with afterId < id <= lastId go. */
export type BeforeMove = (afterId: number, lastId: number) => void;

/** Moves the next head rows with id <= upTo into the tier; returns how many, or null when none are left. */
export function compactionStep(db: Db, head: Head, tier: Tier, upTo: number, beforeMove: BeforeMove): number | null {
  return db
    .transaction(() => {
      const rows = head.readAfter(0, upTo, COMPACTION_STEP_ROWS);
      if (rows.length === 0) return null;
      for (const [seriesId, list] of groupBySeries(rows)) {
        list.sort((a, b) => a.ts - b.ts);
        tier.insert(
          seriesId,
          list.map((r) => r.ts),
          list.map((r) => r.value),
        );
      }
      const lastId = rows[rows.length - 1]!.id;
      beforeMove(0, lastId);
      head.deleteUpTo(lastId);
      return rows.length;
    })
    .immediate();
}
