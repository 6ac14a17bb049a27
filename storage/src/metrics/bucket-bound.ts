/**
 * The `le` label of a histogram bucket: its upper bound, a decimal float or "+Inf" (as Prometheus
 * and OpenMetrics write it). NaN, "-Inf", an empty value, hex or padded text are not bounds.
 */

export const LE_LABEL = 'le';
export const INF_BOUND = '+Inf';

const FLOAT_RE = /^[+-]?(?:\d+(?:\.\d*)?|\.\d+)(?:[eE][+-]?\d+)?$/;

/** The bound an `le` value stands for, or undefined when it is not a valid bound. */
export function bucketBound(le: string | undefined): number | undefined {
  if (le === INF_BOUND) return Number.POSITIVE_INFINITY;
  if (le === undefined || !FLOAT_RE.test(le)) return undefined;
  const bound = Number(le);
  return Number.isFinite(bound) ? bound : undefined;
}
