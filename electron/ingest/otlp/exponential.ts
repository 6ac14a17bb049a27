/**
 * Exponential histograms as classic ones. An OTLP exponential bucket of index i at scale s holds
 * the values in (base^i, base^(i+1)], base = 2^(2^-s) (negative buckets mirror it). The point is
 * first merged down to scale EXPONENTIAL_SCALE at most (2^(s-S) neighbouring buckets become one:
 * index i >> (s - S)), so its bounds are 2^(k/4) whatever scale the SDK picked or moved to: the same
 * few `le` series every time, at most four per doubling of the values. The classic buckets are then
 * cumulative, in value order: each negative bucket up to -base^i, the zero bucket up to the zero
 * threshold (always there, so its series never appears late), each positive bucket up to
 * base^(i+1), and +Inf holding the count. A quantile read from them is interpolated within a bucket
 * at most 2^(1/4) (19 %) wide.
 */
import { toNumber, type ExponentialBuckets, type ExponentialHistogramDataPoint } from './schema.ts';

/** The finest scale kept: four buckets per power of two. */
export const EXPONENTIAL_SCALE = 2;

export interface ClassicBucket {
  /** The bucket's upper bound (Infinity for the last). */
  le: number;
  /** Cumulative: observations at or below le. */
  count: number;
}

/** Bucket counts by index at the target scale. */
function mergedCounts(buckets: ExponentialBuckets | null | undefined, shift: number): Map<number, number> {
  const merged = new Map<number, number>();
  const offset = buckets?.offset ?? 0;
  (buckets?.bucketCounts ?? []).forEach((raw, position) => {
    const count = toNumber(raw);
    if (count === 0) return;
    const index = (offset + position) >> shift;
    merged.set(index, (merged.get(index) ?? 0) + count);
  });
  return merged;
}

function bound(index: number, scale: number): number {
  return 2 ** (index / 2 ** scale);
}

/** The classic cumulative buckets of one exponential data point (the last is +Inf with the point's count). */
export function classicBuckets(point: ExponentialHistogramDataPoint): ClassicBucket[] {
  const pointScale = point.scale ?? 0;
  const scale = Math.min(pointScale, EXPONENTIAL_SCALE);
  const shift = pointScale - scale;
  const buckets: ClassicBucket[] = [];
  let cumulative = 0;
  const negative = [...mergedCounts(point.negative, shift)].sort(([a], [b]) => b - a);
  for (const [index, count] of negative) {
    cumulative += count;
    buckets.push({ le: -bound(index, scale), count: cumulative });
  }
  cumulative += toNumber(point.zeroCount);
  buckets.push({ le: point.zeroThreshold ?? 0, count: cumulative });
  const positive = [...mergedCounts(point.positive, shift)].sort(([a], [b]) => a - b);
  for (const [index, count] of positive) {
    cumulative += count;
    buckets.push({ le: bound(index + 1, scale), count: cumulative });
  }
  buckets.push({ le: Infinity, count: toNumber(point.count) });
  return buckets;
}
