/**
 * The first run: a store with less than an hour of data and no demo history. The panel then
 * offers the demo and fits the range to the data there is (still "the last N", so it stays live).
 */
import type { Status } from '../../../shared/panel-api.ts';
import { HOUR_MS, MINUTE_MS } from '../../../shared/constants.ts';
import type { TimeRange } from './time-range.ts';

/** Below this much recorded history the store counts as new. */
export const FIRST_RUN_SPAN_MS = HOUR_MS;
/** The shortest range a first run shows (a store seconds old still gets a readable axis). */
const MIN_FITTED_MS = 5 * MINUTE_MS;

export function isFirstRun(status: Status): boolean {
  if (status.hasDemoData) return false;
  return status.oldest === null || status.newest === null || status.newest - status.oldest < FIRST_RUN_SPAN_MS;
}

/** The last N minutes, N covering everything stored (a minute to spare), at least MIN_FITTED_MS. */
export function rangeFittingData(status: Status, now: number): TimeRange {
  const stored = status.oldest === null ? 0 : now - status.oldest;
  const minutes = Math.ceil(stored / MINUTE_MS) + 1;
  return { kind: 'relative', durationMs: Math.max(minutes * MINUTE_MS, MIN_FITTED_MS) };
}
