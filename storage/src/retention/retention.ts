/**
 * Retention, a privacy promise: deletes every raw sample (quarantined ones included), rollup bucket
 * (once it lies entirely before the cutoff), alert, incident (ended) and baseline older than the cutoff, drops series left without data,
 * then hands the freed pages back to the file system (incremental vacuum) and checkpoints the WAL
 * with TRUNCATE, so no readable copy of deleted data stays in the database file or its WAL
 * (secure_delete zeroes what is deleted). It decides what goes and in which transactions; each
 * table's owner runs its own DELETE.
 */
import type { AlertLog } from '../alerts/alerts.ts';
import type { IncidentLog } from '../alerts/incidents.ts';
import type { Baselines } from '../baselines/baselines.ts';
import { checkpointWal, type Db } from '../db/connection.ts';
import type { Head } from '../head/head.ts';
import type { Quarantine } from '../head/quarantine.ts';
import type { Rollups } from '../rollup/rollups.ts';
import type { SeriesRegistry } from '../series/registry.ts';
import type { Tier } from '../tier/tier.ts';

export interface RetentionContext {
  db: Db;
  registry: SeriesRegistry;
  head: Head;
  quarantine: Quarantine;
  tier: Tier;
  rollups: Rollups;
  alerts: AlertLog;
  incidents: IncidentLog;
  baselines: Baselines;
}

/** Deletes the data (and baseline) of the given series everywhere and forgets them; returns samples deleted. */
export function dropSeries(ctx: RetentionContext, ids: number[]): number {
  if (ids.length === 0) return 0;
  let samples = 0;
  ctx.db
    .transaction(() => {
      for (const id of ids) {
        samples += ctx.head.deleteSeries(id) + ctx.tier.deleteSeries(id) + ctx.quarantine.deleteSeries(id);
        ctx.rollups.deleteSeries(id);
        const series = ctx.registry.get(id);
        if (series) {
          ctx.baselines.deleteSeries(series);
          ctx.incidents.deleteSeries(series.metricName, series.labelsJson);
        }
      }
      ctx.registry.delete(ids);
    })
    .immediate();
  ctx.registry.forget(ids);
  return samples;
}

function seriesWithoutData(ctx: RetentionContext): number[] {
  const inHead = ctx.head.seriesIds();
  const empty: number[] = [];
  for (const id of ctx.registry.ids()) {
    if (!inHead.has(id) && ctx.tier.latest(id) === undefined && !ctx.rollups.hasData(id)) empty.push(id);
  }
  return empty;
}

/** Series handled per retention transaction: few commits, yet no long write lock. */
const SERIES_PER_STEP = 64;

/** Head rows deleted per retention transaction. */
const HEAD_ROWS_PER_STEP = 20_000;

/**
 * How retention runs: in normal steps, or on a full disk in small steps with the WAL checkpointed
 * and truncated after each, so that no step needs more free space than one step's pages.
 */
export interface RetentionPace {
  seriesPerStep: number;
  afterStep: () => void;
}

export const NORMAL_PACE: RetentionPace = { seriesPerStep: SERIES_PER_STEP, afterStep: () => undefined };

/** Returns rows deleted: samples (quarantined ones included) + buckets + alerts. */
export function deleteBefore(ctx: RetentionContext, cutoff: number, pace: RetentionPace = NORMAL_PACE): number {
  const step = <T>(fn: () => T): T => {
    const result = ctx.db.transaction(fn).immediate();
    pace.afterStep();
    return result;
  };
  // Rows a stopped compaction marked moved are in the tier, which expires them: their copies go first.
  step(() => ctx.head.deleteMoved());
  let deleted = step(() => ctx.quarantine.deleteBefore(cutoff));
  for (let n = HEAD_ROWS_PER_STEP; n === HEAD_ROWS_PER_STEP; deleted += n) {
    n = step(() => ctx.head.deleteBefore(cutoff, HEAD_ROWS_PER_STEP));
  }
  const ids = ctx.registry.ids();
  for (let i = 0; i < ids.length; i += pace.seriesPerStep) {
    const some = ids.slice(i, i + pace.seriesPerStep);
    deleted += step(() => ctx.tier.deleteBefore(some, cutoff) + ctx.rollups.deleteBefore(some, cutoff));
  }
  deleted += step(() => {
    ctx.baselines.deleteBefore(cutoff);
    return ctx.alerts.deleteBefore(cutoff) + ctx.incidents.deleteBefore(cutoff);
  });
  dropSeries(ctx, seriesWithoutData(ctx));
  pace.afterStep();
  return deleted;
}

/** Pages handed back to the file system per incremental_vacuum step. */
const VACUUM_PAGES_PER_STEP = 256;

/** Returns freed pages to the file system and empties the WAL; false when a reader kept the WAL from being reset. */
export function reclaimSpace(db: Db, pace: RetentionPace = NORMAL_PACE): boolean {
  const freePages = (): number => db.pragma('freelist_count', { simple: true }) as number;
  for (let free = freePages(), before = Infinity; free > 0 && free < before; before = free, free = freePages()) {
    db.pragma(`incremental_vacuum(${VACUUM_PAGES_PER_STEP})`);
    pace.afterStep();
  }
  return checkpointWal(db);
}
