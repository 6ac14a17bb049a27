/**
 * Units of metrics, derived from the metric name's suffix (Prometheus naming: `_bytes`,
 * `_percent`, `_milliseconds`, `_seconds`, `_total`), so the panel can format values.
 */
import type { Unit } from './panel-api.ts';

const SUFFIX_UNITS: readonly (readonly [suffix: string, unit: Unit])[] = [
  ['_bytes', 'bytes'],
  ['_percent', 'percent'],
  ['_milliseconds', 'milliseconds'],
  ['_seconds', 'seconds'],
  ['_total', 'count'],
];

export function unitOf(metricName: string): Unit {
  const match = SUFFIX_UNITS.find(([suffix]) => metricName.endsWith(suffix));
  return match ? match[1] : 'none';
}
