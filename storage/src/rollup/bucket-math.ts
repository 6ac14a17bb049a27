/**
 * Bucket arithmetic shared by rollups, queries and rebuilds: the mergeable count/sum/min/max
 * summary (slot = floor(ts / width), UTC-aligned) that lets buckets be merged exactly.
 */
import type { Bucket } from '../types.ts';

/** A bucket's summary without its series (the series is the map key around it). */
export type Summary = Omit<Bucket, 'seriesId' | 'bucket'>;

export function summaryOf(value: number): Summary {
  return { count: 1, sum: value, min: value, max: value };
}

/** Folds `b` into `a` in place. */
export function mergeInto(a: Summary, b: Summary): void {
  a.count += b.count;
  a.sum += b.sum;
  if (b.min < a.min) a.min = b.min;
  if (b.max > a.max) a.max = b.max;
}

export function addValue(a: Summary, value: number): void {
  a.count += 1;
  a.sum += value;
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
