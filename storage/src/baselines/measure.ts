/**
 * What a series' baseline describes, by its metric's type (baselines.ts): the values of a gauge, an
 * unknown metric or a summary; the rate of a counter; nothing for a histogram's series.
 */
import { histogramBase, type MetricCatalog } from '../metrics/catalog.ts';

export type BaselineMeasure = 'value' | 'rate';

/** The measure of a series of `metricName`, or undefined when it gets no baseline. */
export function baselineMeasure(catalog: MetricCatalog, metricName: string): BaselineMeasure | undefined {
  const base = histogramBase(metricName);
  const partOfHistogram = base !== undefined && catalog.metadata(base).type === 'histogram';
  const type = catalog.metadata(metricName).type;
  if (partOfHistogram || type === 'histogram') return undefined;
  return type === 'counter' ? 'rate' : 'value';
}
