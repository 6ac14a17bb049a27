/**
 * Pure statistics for baselines: mean and population standard deviation (Welford's one-pass
 * update, stable for large offsets) and quantiles by linear interpolation between closest ranks
 * (numpy's default, R's type 7). Inputs are finite float64 values; empty inputs are rejected.
 * Values near the float64 limit (a client may record Number.MAX_VALUE) are scaled by a power of two
 * first, which is exact, so no intermediate overflows: every result is finite.
 */

import { InvalidArgumentError } from '../errors.ts';

/** The summary a baseline stores for one series and window. */
export interface Summary {
  count: number;
  mean: number;
  /** Population standard deviation (divides by n). */
  stddev: number;
  p50: number;
  p95: number;
  p99: number;
}

interface Moments {
  mean: number;
  /** Population standard deviation (divides by n). */
  stddev: number;
}

/** Above this magnitude a difference or a square may overflow: moments are taken on scaled values. */
const SCALE_ABOVE = 2 ** 500;

/** The power of two that brings the largest magnitude near 1 (1 when no value is that large). */
function scaleFor(values: Float64Array): number {
  let largest = 0;
  for (const x of values) largest = Math.max(largest, Math.abs(x));
  return largest > SCALE_ABOVE ? 2 ** -Math.floor(Math.log2(largest)) : 1;
}

/** Rounding may carry a result scaled back a hair past the float64 range. */
const clampFinite = (x: number): number => Math.min(Number.MAX_VALUE, Math.max(-Number.MAX_VALUE, x));

/** Welford's update: no catastrophic cancellation when values share a large offset. */
function moments(values: Float64Array): Moments {
  const scale = scaleFor(values);
  let mean = 0;
  let m2 = 0;
  for (let i = 0; i < values.length; i++) {
    const x = (values[i] as number) * scale;
    const delta = x - mean;
    mean += delta / (i + 1);
    m2 += delta * (x - mean);
  }
  return { mean: clampFinite(mean / scale), stddev: clampFinite(Math.sqrt(m2 / values.length) / scale) };
}

function requireValues(values: Float64Array): void {
  if (values.length === 0) throw new InvalidArgumentError('statistics need at least one value');
}

export function mean(values: Float64Array): number {
  requireValues(values);
  return moments(values).mean;
}

export function populationStddev(values: Float64Array): number {
  requireValues(values);
  return moments(values).stddev;
}

/**
 * The q-quantile (0 <= q <= 1) of values already sorted ascending, type 7:
 * h = (n - 1) q, result = x[floor h] + (h - floor h) (x[floor h + 1] - x[floor h]).
 */
export function quantileSorted(sorted: Float64Array, q: number): number {
  requireValues(sorted);
  if (!(q >= 0 && q <= 1)) throw new InvalidArgumentError(`quantile must be in [0, 1], got ${q}`);
  const h = (sorted.length - 1) * q;
  const lo = Math.floor(h);
  const below = sorted[lo] as number;
  const fraction = h - lo;
  if (fraction === 0) return below;
  const above = sorted[lo + 1] as number;
  const gap = above - below;
  // The gap between -MAX_VALUE and MAX_VALUE overflows; the weighted form does not.
  return Number.isFinite(gap) ? below + fraction * gap : below * (1 - fraction) + above * fraction;
}

/** The q-quantile of unsorted values (sorts a copy; the input is not modified). */
export function quantile(values: Float64Array, q: number): number {
  return quantileSorted(values.slice().sort(), q);
}

export function summarize(values: Float64Array): Summary {
  requireValues(values);
  const { mean: average, stddev } = moments(values);
  const sorted = values.slice().sort();
  return {
    count: values.length,
    mean: average,
    stddev,
    p50: quantileSorted(sorted, 0.5),
    p95: quantileSorted(sorted, 0.95),
    p99: quantileSorted(sorted, 0.99),
  };
}
