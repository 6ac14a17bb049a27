/**
 * Units of metrics, derived from the metric name's suffix (Prometheus naming: `_bytes`,
 * `_percent`, `_milliseconds`, `_seconds`, `_total`), so the panel can format values, and the
 * precision the collector reports each unit at: a CPU share computed by division has fifteen
 * digits of which two mean something, and the store keeps a value of two decimals in about a
 * byte where the full double costs seven (see storage/src/compression).
 */
import { histogramBase } from '../../shared/constants.ts';
import type { Unit } from '../../shared/panel-api.ts';

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

/** How the panel formats a metric: its declared unit when that is one the panel knows, else the name's suffix. */
export function displayUnit(metricName: string, declaredUnit: string | undefined): Unit {
  const declared = SUFFIX_UNITS.find(([, unit]) => unit === declaredUnit);
  return declared ? declared[1] : unitOf(metricName);
}

/** Decimal places a value of each unit is reported with. */
const REPORTED_DECIMALS: Readonly<Record<Unit, number>> = {
  bytes: 0,
  count: 0,
  percent: 2,
  milliseconds: 3,
  seconds: 6,
  none: 4,
};

/**
 * The value rounded to the precision its metric's unit is reported with (a histogram's `_sum`, like
 * its base name; its `_bucket` and `_count` are whole counts, which any precision keeps).
 */
export function atReportedPrecision(metricName: string, value: number): number {
  const scale = 10 ** REPORTED_DECIMALS[unitOf(histogramBase(metricName) ?? metricName)];
  return Math.round(value * scale) / scale;
}
