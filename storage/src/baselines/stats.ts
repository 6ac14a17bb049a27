/**
 * Pure statistics for baselines: mean and population standard deviation (Welford's one-pass
 * update, stable for large offsets) and quantiles by linear interpolation between closest ranks
 * (numpy's default, R's type 7). Inputs are finite float64 values; empty inputs are rejected.
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
  /** Sum of squared deviations from the mean. */
  m2: number;
}

/** Welford's update: no catastrophic cancellation when values share a large offset. */
function moments(values: Float64Array): Moments {
  let mean = 0;
  let m2 = 0;
  for (let i = 0; i < values.length; i++) {
    const x = values[i] as number;
    const delta = x - mean;
    mean += delta / (i + 1);
    m2 += delta * (x - mean);
  }
  return { mean, m2 };
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
  return Math.sqrt(moments(values).m2 / values.length);
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
  return below + fraction * (above - below);
}

/** The q-quantile of unsorted values (sorts a copy; the input is not modified). */
export function quantile(values: Float64Array, q: number): number {
  return quantileSorted(values.slice().sort(), q);
}

export function summarize(values: Float64Array): Summary {
  requireValues(values);
  const { mean: average, m2 } = moments(values);
  const sorted = values.slice().sort();
  return {
    count: values.length,
    mean: average,
    stddev: Math.sqrt(m2 / values.length),
    p50: quantileSorted(sorted, 0.5),
    p95: quantileSorted(sorted, 0.95),
    p99: quantileSorted(sorted, 0.99),
  };
}
