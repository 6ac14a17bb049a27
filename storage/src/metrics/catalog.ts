/**
 * Metric metadata: each metric's type (gauge, counter, histogram, summary, unknown), unit and help.
 * Without a declaration, Prometheus' naming decides: `<name>_total` is a counter, and a name whose
 * `<name>_bucket` series exist is a histogram (its `_bucket`, `_sum` and `_count` series are its
 * counters); anything else is unknown (shown as a gauge).
 */
import { HISTOGRAM_SUFFIXES, histogramBase } from '../../../shared/constants.ts';
import type { MetricMetadata, MetricType } from '../types.ts';

export { HISTOGRAM_SUFFIXES, histogramBase };

/** Where the query functions, baselines and the export learn what a metric is. */
export interface MetricCatalog {
  /** The metric's metadata: declared, else inferred from its name and the series stored. */
  metadata(name: string): MetricMetadata;
}

/** The type Prometheus' naming gives `name`, given which metric names have series. */
export function inferMetricType(name: string, hasMetric: (name: string) => boolean): MetricType {
  if (hasMetric(`${name}${HISTOGRAM_SUFFIXES.bucket}`)) return 'histogram';
  if (name.endsWith('_total')) return 'counter';
  const base = histogramBase(name);
  if (base !== undefined && hasMetric(`${base}${HISTOGRAM_SUFFIXES.bucket}`)) return 'counter';
  return 'unknown';
}
