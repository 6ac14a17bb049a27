/**
 * The state machine of one alerting series, minute by minute (pure, no storage): consecutive
 * breaching 1m buckets form a run; a run is pending until its breaching minutes cover `for`, then
 * firing; the first minute that does not breach (no value, a value on the right side of the
 * threshold, or a breach in the other direction) ends it: a firing run is resolved there, a run
 * that never fired is dropped (Prometheus: a pending alert that clears becomes inactive). Rules and
 * anomaly checks both go through it.
 */
import { MINUTE_MS } from '../../../shared/constants.ts';

export type Direction = 'above' | 'below';

/** A run of breaching minutes. Times are minute starts (ms). */
export interface Run {
  /** The stored incident it continues, if any. */
  id?: number;
  start: number;
  /** The first minute that no longer breached; null while the run goes on. */
  end: number | null;
  /** The last breaching minute. */
  lastBreach: number;
  /** The minute whose completion made it fire; null while pending. */
  firedAt: number | null;
  peak: number;
  direction: Direction;
}

export interface Condition {
  /** The direction a value breaches in, or undefined when it does not breach. */
  breach: (value: number) => Direction | undefined;
  /** How long the breach must last before the run fires (0: at its first minute). */
  forMs: number;
}

/** What advancing one series through a range of minutes gives. */
export interface Advance {
  /** Runs that fired and ended in the range (resolved), oldest first. */
  resolved: Run[];
  /** The run still going at the range's end (pending or firing), if any. */
  open: Run | undefined;
  /** The open run given at the start ended without ever firing (a stored pending incident to drop). */
  droppedPending: boolean;
}

const further = (direction: Direction, a: number, b: number): number =>
  direction === 'above' ? Math.max(a, b) : Math.min(a, b);

/**
 * Carries a series' open run through the complete minutes [from, to) (both minute-aligned), the
 * series' 1m values given by minute start. A run whose last breach is before `from` - 1 minute
 * (minutes in between were never evaluated) ends after its last breach.
 */
export function advance(
  open: Run | undefined,
  values: ReadonlyMap<number, number>,
  from: number,
  to: number,
  condition: Condition,
): Advance {
  const resolved: Run[] = [];
  let droppedPending = false;
  let current = open && { ...open };
  const close = (end: number): void => {
    if (!current) return;
    if (current.firedAt !== null) resolved.push({ ...current, end });
    else if (current.id !== undefined) droppedPending = true;
    current = undefined;
  };
  if (current && current.lastBreach + MINUTE_MS < from) close(current.lastBreach + MINUTE_MS);
  for (let minute = from; minute < to; minute += MINUTE_MS) {
    const value = values.get(minute);
    const direction = value === undefined ? undefined : condition.breach(value);
    if (current && direction !== current.direction) close(minute);
    if (direction === undefined || value === undefined) continue;
    if (current) {
      current.peak = further(direction, current.peak, value);
      current.lastBreach = minute;
    } else {
      current = { start: minute, end: null, lastBreach: minute, firedAt: null, peak: value, direction };
    }
    if (current.firedAt === null && minute + MINUTE_MS - current.start >= condition.forMs) current.firedAt = minute;
  }
  return { resolved, open: current, droppedPending };
}
