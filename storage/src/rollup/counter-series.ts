/**
 * Which series keep the counter columns in their rollup buckets: those whose metric the catalog
 * calls a counter (a histogram's `_bucket`, `_sum` and `_count` series included). Asked at each
 * fold, so a metric declared a counter later keeps them from then on (its older buckets are
 * computed from their samples when a counter function needs them).
 */
import type { MetricCatalog } from '../metrics/catalog.ts';
import type { SeriesRegistry } from '../series/registry.ts';

export interface CounterSeries {
  has(seriesId: number): boolean;
}

export function counterSeriesOf(registry: SeriesRegistry, catalog: MetricCatalog): CounterSeries {
  const has = (seriesId: number): boolean => {
    const series = registry.get(seriesId);
    return series !== undefined && catalog.metadata(series.metricName).type === 'counter';
  };
  return { has };
}
