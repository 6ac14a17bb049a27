/**
 * Keeps a store's layout in step with its configuration when it is opened with other options
 * than last time: samples compacted under the other `enableCompression` setting move into the
 * configured tier, and every rollup interval whose stored buckets may not describe the data (newly
 * configured, or after a change of mode) starts afresh: rebuilt from the tier (a tier-derived one
 * has nothing stored to rebuild), then folding the head from its start. Intervals no longer
 * configured lose their buckets and cursor, which would otherwise go stale. Each step is one
 * transaction per series.
 */
import type { Db } from '../db/connection.ts';
import type { Settings } from '../db/settings.ts';
import type { Rollups } from '../rollup/rollups.ts';
import type { SeriesRegistry } from '../series/registry.ts';
import { DAY_MS } from '../../../shared/constants.ts';
import { INTERVALS, INTERVAL_MS, type Interval } from '../types.ts';
import { MAX_TIMESTAMP } from '../ingest/validate.ts';
import { accumulate, type SlotSummaries } from '../rollup/bucket-math.ts';
import type { Tier } from './tier.ts';

/** Samples of one series read at a time while moving or rebuilding. */
const WINDOW_MS = 7 * DAY_MS;

export type StorageMode = 'compressed' | 'uncompressed';

export interface LayoutContext {
  db: Db;
  settings: Settings;
  registry: SeriesRegistry;
  rollups: Rollups;
  tier: Tier;
  /** The tier of the other mode, over the same file. */
  otherTier: Tier;
  mode: StorageMode;
}

/** A series' samples in windows of at most WINDOW_MS, each starting where its data resumes. */
function* windowsOf(tier: Tier, seriesId: number): Generator<{ ts: number[]; values: number[] }> {
  for (let t = tier.next(seriesId, 0); t !== undefined; t = tier.next(seriesId, t + WINDOW_MS))
    yield tier.read(seriesId, t, Math.min(t + WINDOW_MS, MAX_TIMESTAMP + 1));
}

function moveSeries(ctx: LayoutContext, seriesId: number): void {
  ctx.db
    .transaction(() => {
      for (const part of windowsOf(ctx.otherTier, seriesId)) ctx.tier.insert(seriesId, part.ts, part.values);
      ctx.otherTier.deleteSeries(seriesId);
    })
    .immediate();
}

function rebuildSeries(ctx: LayoutContext, interval: Interval, seriesId: number): void {
  const width = INTERVAL_MS[interval];
  const slots: SlotSummaries = new Map();
  for (const part of windowsOf(ctx.tier, seriesId)) {
    for (let i = 0; i < part.ts.length; i++) {
      accumulate(slots, Math.floor(part.ts[i]! / width), part.ts[i]!, part.values[i]!);
    }
  }
  ctx.db.transaction(() => ctx.rollups.store(interval, seriesId, slots)).immediate();
}

/** Starts an interval afresh: stored buckets rebuilt from the tier (unless tier-derived), head folded from its start. */
function resetInterval(ctx: LayoutContext, interval: Interval): void {
  ctx.rollups.untrack(interval);
  if (!ctx.rollups.isTierDerived(interval)) for (const id of ctx.registry.ids()) rebuildSeries(ctx, interval, id);
  ctx.rollups.track(interval);
}

export function reconcileLayout(ctx: LayoutContext): void {
  const previous = ctx.settings.getText('storage_mode');
  const modeChanged = previous !== null && previous !== ctx.mode;
  if (modeChanged) for (const id of ctx.registry.ids()) moveSeries(ctx, id);
  for (const interval of INTERVALS) {
    if (!ctx.rollups.maintained.includes(interval) && ctx.rollups.isTracked(interval)) ctx.rollups.untrack(interval);
  }
  for (const interval of ctx.rollups.maintained) {
    if (modeChanged || !ctx.rollups.isTracked(interval)) resetInterval(ctx, interval);
  }
  ctx.settings.setText('storage_mode', ctx.mode);
}
