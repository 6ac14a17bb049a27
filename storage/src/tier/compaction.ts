/**
 * Compaction: moves head rows into the tier in bounded steps (each its own short transaction), so
 * ingest keeps going while it runs and a crash at any moment leaves every sample in exactly one
 * place. A job goes through the head in windows of consecutive ids, taking each series' rows from
 * the head's in-memory per-series view (head-view.ts), not back from the table. A job's first
 * window (a steady run of automatic maintenance) moves series by series in steps bounded by rows
 * and time; a step marks the rows it moved (head.markMoved: no reader of the head sees them from
 * its commit on) and the window's last step deletes all its ids as one range, so that the head's
 * pages are written once per window, not once per step. A backlog's later windows move in one step
 * each. Rows the stored rollups have not folded yet are folded in the step that moves them, from
 * the same sorted samples (the rollup job's single pass over a backlog); their cursors advance in a
 * window's last step. Until then a series already moved has no visible head row of the window left
 * for a query or a later fold to count again, and one not moved yet still has all of them in the
 * head. Rows a stopped job marked stay hidden until the end of a later window that covers their
 * ids deletes them, or the open or retention does (head.deleteMoved).
 */
import type { Db } from '../db/connection.ts';
import type { Head } from '../head/head.ts';
import { byTime, type SeriesColumns } from '../head/head-view.ts';
import type { Step } from '../steps.ts';
import type { Tier } from './tier.ts';

/**
 * A job's first window: the whole of a steady run of automatic maintenance (its default
 * maxHeadRows), moved in steps of at most STEP_ROWS rows, each ending early once it has worked for
 * STEP_BUDGET_MS (checked after each series, by the wall clock: a busy or cold process moves fewer
 * series per step). A series with more rows in the window than a step moves its oldest first. The
 * larger the window, the more samples each series brings to its chunks per run (with 80,000 rows
 * over 200 series, 400: about 1.25x the sustained throughput of 20,000), for 24 bytes a row of
 * memory in the head's view.
 */
export const FIRST_WINDOW_ROWS = 80_000;
export const STEP_ROWS = 5_000;
const STEP_BUDGET_MS = 10;
/**
 * A backlog's next windows double up to MAX_WINDOW_ROWS ids, each moved in one step: a big step
 * rewrites each series' last chunks once for many new samples.
 */
const MAX_WINDOW_ROWS = 160_000;

/** What the rollups do around a move (rollup/rollups.ts). */
export interface MoveHooks {
  /** The head id up to which every stored rollup has folded the rows. */
  foldedUpTo(): number;
  /** Folds one series' rows not folded yet (ascending by time) into the stored rollups. */
  fold(seriesId: number, ts: ArrayLike<number>, values: ArrayLike<number>): void;
  /** Once every row with id <= lastId left the head: the stored rollups have folded them all. */
  afterMove(lastId: number): void;
}

/**
 * A window: its last id and, for a job's first window, the series that still have rows up to it
 * (ids descending: the next one is popped off the end); a later window has none and moves whole.
 */
interface Window {
  upTo: number;
  queue?: number[];
}

/** The steps of one compaction job, moving the head rows with id <= upTo, window by window. */
export function compactionSteps(db: Db, head: Head, tier: Tier, upTo: number, hooks: MoveHooks): Step {
  let windows = 0;
  let window: Window | undefined;
  return () => {
    if (!window || !window.queue?.length) window = nextWindow(head, upTo, windows++);
    if (!window) return null;
    const current = window;
    return db
      .transaction(() =>
        current.queue
          ? seriesStep(head, tier, hooks, current.upTo, current.queue)
          : windowStep(head, tier, hooks, current.upTo),
      )
      .immediate();
  };
}

/**
 * The `index`-th window of a job: the next ids up to upTo, from the first one left (ids are
 * consecutive but for rows deleted since); undefined when none are left.
 */
function nextWindow(head: Head, upTo: number, index: number): Window | undefined {
  const first = head.firstIdAfter(0);
  if (first === undefined || first > upTo) return undefined;
  const last = Math.min(upTo, first + Math.min(FIRST_WINDOW_ROWS * 2 ** index, MAX_WINDOW_ROWS) - 1);
  if (index > 0) return { upTo: last };
  return { upTo: last, queue: [...head.seriesRowsBetween(0, last).keys()].sort((a, b) => b - a) };
}

/**
 * Moves the next series' rows of a first window into the tier (see FIRST_WINDOW_ROWS); takes the
 * series done off the queue, and advances the rollups' cursors once it is empty. Returns rows moved.
 */
function seriesStep(head: Head, tier: Tier, hooks: MoveHooks, upTo: number, queue: number[]): number {
  const started = performance.now();
  const folded = hooks.foldedUpTo();
  let moved = 0;
  while (queue.length > 0 && moved < STEP_ROWS && (moved === 0 || performance.now() - started < STEP_BUDGET_MS)) {
    const seriesId = queue.at(-1)!;
    const rows = head.firstRows(seriesId, upTo, STEP_ROWS - moved);
    if (rows.ids.length > 0) {
      moved += moveSeries(tier, hooks, seriesId, rows, folded);
      head.markMoved(seriesId, rows.ids[rows.ids.length - 1]!);
    }
    if (rows.left === 0) queue.pop();
  }
  if (queue.length === 0) {
    // The window's last step: every row of its ids is moved, and goes as one id range.
    head.deleteUpTo(upTo);
    hooks.afterMove(upTo);
  }
  return moved;
}

/** Moves every head row with id <= upTo (a backlog's later window) into the tier; returns how many. */
function windowStep(head: Head, tier: Tier, hooks: MoveHooks, upTo: number): number {
  const folded = hooks.foldedUpTo();
  let moved = 0;
  for (const [seriesId, rows] of head.seriesRowsBetween(0, upTo))
    moved += moveSeries(tier, hooks, seriesId, rows, folded);
  head.deleteUpTo(upTo);
  hooks.afterMove(upTo);
  return moved;
}

/**
 * Writes some of a series' head rows (in id order) into the tier and folds those the stored
 * rollups have not folded yet (id > folded); the head keeps them for now. Returns how many.
 */
function moveSeries(tier: Tier, hooks: MoveHooks, seriesId: number, rows: SeriesColumns, folded: number): number {
  const { ids, ts, values } = byTime(rows);
  tier.insert(seriesId, ts, values);
  if (ids.every((id) => id > folded)) hooks.fold(seriesId, ts, values);
  else if (ids.some((id) => id > folded)) {
    const isFresh = (_: number, i: number): boolean => ids[i]! > folded;
    hooks.fold(seriesId, ts.filter(isFresh), values.filter(isFresh));
  }
  return ts.length;
}
