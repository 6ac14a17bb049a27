/**
 * Bucket arithmetic shared by rollups, queries and rebuilds: the mergeable count/sum/min/max
 * summary (slot = floor(ts / width), UTC-aligned) that lets buckets be merged exactly.
 *
 * A sum is a float64 that saturates: past the float64 range it is +Infinity or -Infinity, and once
 * sums that overflowed both ways meet (+Infinity + -Infinity, NaN in IEEE arithmetic, which SQLite
 * would store as NULL) it is +Infinity: its size is beyond float64 and its sign unknown. Every place
 * that adds sums (here, and the SQL of the rollups and views) goes through addSums / sqlSum.
 */
import type { Bucket } from '../types.ts';

/** A bucket's summary without its series (the series is the map key around it). */
export type Summary = Omit<Bucket, 'seriesId' | 'bucket'>;

/** The sum a bucket holds once sums that overflowed in both directions meet. */
export const OVERFLOWED_SUM = Number.POSITIVE_INFINITY;

/** a + b, saturating: never NaN (see OVERFLOWED_SUM). */
export function addSums(a: number, b: number): number {
  const sum = a + b;
  return Number.isNaN(sum) ? OVERFLOWED_SUM : sum;
}

/** A SQL sum expression made NaN-free as addSums is (SQLite turns NaN into NULL; 9e999 is +Infinity there). */
export function sqlSum(expression: string): string {
  return `COALESCE(${expression}, 9e999)`;
}

export function summaryOf(value: number): Summary {
  return { count: 1, sum: value, min: value, max: value };
}

/** Folds `b` into `a` in place. */
export function mergeInto(a: Summary, b: Summary): void {
  a.count += b.count;
  a.sum = addSums(a.sum, b.sum);
  if (b.min < a.min) a.min = b.min;
  if (b.max > a.max) a.max = b.max;
}

export function addValue(a: Summary, value: number): void {
  a.count += 1;
  a.sum = addSums(a.sum, value);
  if (value < a.min) a.min = value;
  if (value > a.max) a.max = value;
}

/** Summaries keyed by slot, for one series. */
export type SlotSummaries = Map<number, Summary>;

export function accumulate(into: SlotSummaries, slot: number, value: number): void {
  const acc = into.get(slot);
  if (acc) addValue(acc, value);
  else into.set(slot, summaryOf(value));
}
