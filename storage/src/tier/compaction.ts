/**
 * Compaction: moves head rows into the tier in bounded steps (each its own short transaction), so
 * ingest keeps going while it runs and a crash at any moment leaves every sample in exactly one
 * place. A job goes through the head in windows of consecutive ids; each window's rows move series
 * by series (read from the head's per-series view), so a window rewrites each series' last chunk
 * once, whatever the number of its steps. Rows the stored rollups have not folded yet are folded in
 * the step that moves them, from the same sorted samples (the rollup job's single pass over a
 * backlog); their cursors advance in a window's last step. Until then a series already moved has
 * no head row of the window left for a query or a later fold to count again, and one not moved
 * yet still has all of them in the head.
 */
import type { Db } from '../db/connection.ts';
import type { Head } from '../head/head.ts';
import type { SeriesHeadRows } from '../head/head-view.ts';
import type { Step } from '../steps.ts';
import type { Tier } from './tier.ts';

/**
 * A job's first window: the whole of a steady run of automatic maintenance (its default
 * maxHeadRows), moved in steps of at most STEP_ROWS rows, each ending early once it has worked for
 * STEP_BUDGET_MS (checked after each series, by the wall clock: a busy or cold process moves fewer
 * series per step). A series with more rows in the window than a step moves its oldest first.
 */
export const FIRST_WINDOW_ROWS = 20_000;
export const STEP_ROWS = 5_000;
const STEP_BUDGET_MS = 10;
/**
 * A backlog's next windows double up to MAX_WINDOW_ROWS, each moved in one step: the head pages a
 * step deletes from are those of its window, so small steps over a large window would write every
 * page of it again at each step.
 */
const MAX_WINDOW_ROWS = 160_000;

/** What the rollups do around a move (rollup/rollups.ts). */
export interface MoveHooks {
  /** The head id up to which every stored rollup has folded the rows. */
  foldedUpTo(): number;
  /** Folds one series' rows not folded yet (ascending by time) into the stored rollups. */
  fold(seriesId: number, ts: number[], values: number[]): void;
  /** Once the series' rows a step moved left the head for the tier. */
  moved(moves: readonly MovedRows[]): void;
  /** Once every row with id <= lastId left the head: the stored rollups have folded them all. */
  afterMove(lastId: number): void;
}

/** A window: its last id, the series that still have rows up to it (ids descending: the next one is popped off the end), its steps' bounds. */
interface Window {
  upTo: number;
  queue: number[];
  stepRows: number;
  stepMs: number;
}

/** One series' rows a step moved: their ids (ascending) and their timestamps by time. */
export interface MovedRows {
  seriesId: number;
  ids: number[];
  ts: number[];
}

/** The steps of one compaction job, moving the head rows with id <= upTo, window by window. */
export function compactionSteps(db: Db, head: Head, tier: Tier, upTo: number, hooks: MoveHooks): Step {
  let windows = 0;
  let window: Window | undefined;
  return () => {
    if (!window || window.queue.length === 0) window = nextWindow(head, upTo, windows++);
    if (!window) return null;
    const current = window;
    return db.transaction(() => compactionStep(head, tier, hooks, current)).immediate();
  };
}

/** The `index`-th window of a job: the next rows with id <= upTo, by id; undefined when none are left. */
function nextWindow(head: Head, upTo: number, index: number): Window | undefined {
  const rows = Math.min(FIRST_WINDOW_ROWS * 2 ** index, MAX_WINDOW_ROWS);
  const last = Math.min(upTo, head.idOfRow(rows, upTo) ?? upTo);
  const queue = [...head.countsUpTo(last).keys()].sort((a, b) => b - a);
  if (queue.length === 0) return undefined;
  return index === 0
    ? { upTo: last, queue, stepRows: STEP_ROWS, stepMs: STEP_BUDGET_MS }
    : { upTo: last, queue, stepRows: rows, stepMs: Infinity };
}

/**
 * Moves the next series' rows of the window into the tier (see FIRST_WINDOW_ROWS), folding those
 * the stored rollups have not folded yet; takes the series done off the window's queue, and
 * advances the rollups' cursors once it is empty. Returns rows moved.
 */
function compactionStep(head: Head, tier: Tier, hooks: MoveHooks, window: Window): number {
  const started = performance.now();
  const { upTo, queue } = window;
  const folded = hooks.foldedUpTo();
  const moves: MovedRows[] = [];
  let budget = window.stepRows;
  while (queue.length > 0 && budget > 0 && (moves.length === 0 || performance.now() - started < window.stepMs)) {
    const seriesId = queue.at(-1)!;
    const rows = head.firstRows(seriesId, upTo, budget);
    if (rows.ids.length > 0) moves.push(moveSeries(tier, hooks, seriesId, rows, folded));
    budget -= rows.ids.length;
    if (rows.left === 0) queue.pop();
  }
  const moved = head.deleteFirstRows(moves);
  hooks.moved(moves);
  if (queue.length === 0) hooks.afterMove(upTo);
  return moved;
}

/** Writes a series' oldest head rows into the tier and folds those not folded yet; the head keeps them for now. */
function moveSeries(tier: Tier, hooks: MoveHooks, seriesId: number, rows: SeriesHeadRows, folded: number): MovedRows {
  const sorted = byTime(rows);
  tier.insert(seriesId, sorted.ts, sorted.values);
  foldFresh(hooks, seriesId, sorted, folded);
  return { seriesId, ids: rows.ids, ts: sorted.ts };
}

/** A series' rows ordered by time (they are in id order, which late samples put out of time order). */
function byTime(rows: SeriesHeadRows): SeriesHeadRows {
  const { ids, ts, values } = rows;
  let ordered = true;
  for (let i = 1; i < ts.length && ordered; i++) ordered = ts[i - 1]! <= ts[i]!;
  if (ordered) return rows;
  const order = ids.map((_, i) => i).sort((a, b) => ts[a]! - ts[b]! || a - b);
  return { ids: order.map((i) => ids[i]!), ts: order.map((i) => ts[i]!), values: order.map((i) => values[i]!) };
}

/** Folds the rows (by time) the stored rollups have not folded yet: those with id > folded. */
function foldFresh(hooks: MoveHooks, seriesId: number, rows: SeriesHeadRows, folded: number): void {
  const fresh = rows.ids.flatMap((id, i) => (id > folded ? [i] : []));
  if (fresh.length === rows.ids.length) hooks.fold(seriesId, rows.ts, rows.values);
  else if (fresh.length > 0)
    hooks.fold(
      seriesId,
      fresh.map((i) => rows.ts[i]!),
      fresh.map((i) => rows.values[i]!),
    );
}
