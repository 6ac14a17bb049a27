/**
 * The `le` label of a histogram bucket: its upper bound, read as Prometheus reads it (the part of
 * Go's ParseFloat that makes a bound): a decimal float ("0.5", ".2", "1e0", "2.0e-1") or positive infinity ("+Inf", as
 * clients write it, or "inf", "Infinity" in any case). NaN, a negative infinity, an empty value,
 * hex or padded text are not bounds. One parser for ingest, declarations and the query functions.
 */

export const LE_LABEL = 'le';
export const INF_BOUND = '+Inf';

const FLOAT_RE = /^[+-]?(?:\d+(?:\.\d*)?|\.\d+)(?:[eE][+-]?\d+)?$/;
const POSITIVE_INFINITY_RE = /^\+?inf(?:inity)?$/i;

/** The bound an `le` value stands for, or undefined when it is not a valid bound. */
export function bucketBound(le: string | undefined): number | undefined {
  if (le === undefined) return undefined;
  if (POSITIVE_INFINITY_RE.test(le)) return Number.POSITIVE_INFINITY;
  if (!FLOAT_RE.test(le)) return undefined;
  const bound = Number(le);
  return Number.isFinite(bound) ? bound : undefined;
}
