/**
 * Prometheus' `histogram_quantile` over the buckets of one classic histogram at one time: each
 * bucket is an upper bound (`le`) and a cumulative count (here: the bucket's increase over a time
 * bucket). It follows Prometheus' `BucketQuantile` (promql/quantile.go) step by step: buckets sorted
 * by upper bound, those with the same bound merged; no `+Inf` bucket, fewer than two buckets or no
 * observations give NaN; counts that differ by a relative 1e-12 or less are taken as equal, and a
 * count below its predecessor is raised to it (monotonicity repaired); the rank q·total is found by
 * binary search and interpolated linearly inside its bucket, from 0 in the first bucket when its
 * upper bound is positive (else that bound is the answer); a rank in the `+Inf` bucket gives the
 * upper bound of the last finite bucket. q < 0 gives -Inf, q > 1 +Inf, NaN NaN.
 *
 * This module mirrors Prometheus, NaN included; the query layer leaves out a point whose quantile
 * is not finite (and only asks for q in (0, 1)).
 */

/** One bucket of a classic histogram: its upper bound and the cumulative count of observations at or below it. */
export interface HistogramBucket {
  le: number;
  count: number;
}

/** Relative differences between neighbouring counts at or below this are float noise (Prometheus' smallDeltaTolerance). */
const SMALL_DELTA_TOLERANCE = 1e-12;
const MIN_NORMAL = 2.2250738585072014e-308;

/** Prometheus' almost.Equal: a and b differ by less than epsilon times their magnitude. */
function almostEqual(a: number, b: number, epsilon: number): boolean {
  if (a === b) return true;
  const absSum = Math.abs(a) + Math.abs(b);
  const diff = Math.abs(a - b);
  if (a === 0 || b === 0 || absSum < MIN_NORMAL) return diff < epsilon * MIN_NORMAL;
  return diff / Math.min(absSum, Number.MAX_VALUE) < epsilon;
}

/** Sorted by bound, buckets of the same bound summed into one. */
function coalesced(buckets: readonly HistogramBucket[]): HistogramBucket[] {
  const sorted = [...buckets].sort((a, b) => a.le - b.le);
  const out: HistogramBucket[] = [];
  for (const b of sorted) {
    const last = out.at(-1);
    if (last !== undefined && last.le === b.le) last.count += b.count;
    else out.push({ ...b });
  }
  return out;
}

/** Raises each count to at least its predecessor's, after treating float-noise differences as none. */
function repairMonotonicity(buckets: HistogramBucket[]): void {
  let previous = buckets[0]!.count;
  for (let i = 1; i < buckets.length; i++) {
    const current = buckets[i]!.count;
    if (current === previous) continue;
    if (almostEqual(previous, current, SMALL_DELTA_TOLERANCE) || current < previous) buckets[i]!.count = previous;
    else previous = current;
  }
}

/** The index of the first of buckets[0 .. n-2] whose count reaches rank, or n-1 (Go's sort.Search). */
function bucketOfRank(buckets: readonly HistogramBucket[], rank: number): number {
  let lo = 0;
  let hi = buckets.length - 1;
  while (lo < hi) {
    const mid = (lo + hi) >>> 1;
    if (buckets[mid]!.count >= rank) hi = mid;
    else lo = mid + 1;
  }
  return lo;
}

/** The q-quantile of the observations the buckets count, as Prometheus' histogram_quantile computes it. */
export function histogramQuantile(q: number, input: readonly HistogramBucket[]): number {
  if (Number.isNaN(q)) return NaN;
  if (q < 0) return -Infinity;
  if (q > 1) return Infinity;
  if (input.length === 0) return NaN;
  const buckets = coalesced(input);
  if (buckets.at(-1)!.le !== Infinity) return NaN;
  repairMonotonicity(buckets);
  if (buckets.length < 2) return NaN;
  const observations = buckets.at(-1)!.count;
  if (observations === 0) return NaN;
  let rank = q * observations;
  const b = bucketOfRank(buckets, rank);
  if (b === buckets.length - 1) return buckets[b - 1]!.le;
  if (b === 0 && buckets[0]!.le <= 0) return buckets[0]!.le;
  const bucketEnd = buckets[b]!.le;
  let bucketStart = 0;
  let count = buckets[b]!.count;
  if (b > 0) {
    bucketStart = buckets[b - 1]!.le;
    count -= buckets[b - 1]!.count;
    rank -= buckets[b - 1]!.count;
  }
  return bucketStart + (bucketEnd - bucketStart) * (rank / count);
}
