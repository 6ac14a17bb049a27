/**
 * What an export writes about a series' metric: its type and unit (columns `metric_type` and
 * `unit`) and the family whose name an anonymised export hashes. Resolved once per series.
 *
 * Rule: a series named `<base>_bucket`, `<base>_sum` or `<base>_count` whose base is a histogram
 * in the catalog belongs to that histogram: it gets the type `histogram` and the histogram's unit,
 * and its family is the base. So do `<base>_sum` and `<base>_count` of a summary (`summary`; a
 * summary has no `_bucket`). Any other series gets its own name's metadata and is its own family.
 * The row keeps its series' own name in `metric_name` either way; the family's unit is the unit of
 * the observed values (the `_sum` and the `le` bounds), as in OpenMetrics, while `_count` and
 * `_bucket` values are counts of observations.
 */
import { HISTOGRAM_SUFFIXES, histogramBase, type MetricCatalog } from '../metrics/catalog.ts';
import type { MetricType } from '../types.ts';

export interface ExportMetric {
  type: MetricType;
  /** The declared unit, or null. */
  unit: string | null;
  /** The name the metric's type and unit are declared under: a histogram's or summary's base name, else the series' own name. */
  family: string;
}

/** The metric type, unit and family of the series named `name`, by the rule in the header. */
export function exportMetric(catalog: MetricCatalog, name: string): ExportMetric {
  const base = histogramBase(name);
  if (base !== undefined) {
    const family = catalog.metadata(base);
    if (family.type === 'histogram' || (family.type === 'summary' && !name.endsWith(HISTOGRAM_SUFFIXES.bucket))) {
      return { type: family.type, unit: family.unit ?? null, family: base };
    }
  }
  const own = catalog.metadata(name);
  return { type: own.type, unit: own.unit ?? null, family: name };
}

/** Memoises exportMetric per metric name for one export (the catalog may run queries). */
export function exportMetricCache(catalog: MetricCatalog): (name: string) => ExportMetric {
  const cache = new Map<string, ExportMetric>();
  return (name) => {
    let metric = cache.get(name);
    if (metric === undefined) {
      metric = exportMetric(catalog, name);
      cache.set(name, metric);
    }
    return metric;
  };
}
