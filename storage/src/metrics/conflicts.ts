/**
 * When a declaration contradicts the store (describeMetric), in Prometheus' spirit: a metric's type
 * is fixed once it has data, except that `unknown` (nothing said yet) may become any type. So:
 * - a histogram's `_sum` or `_count` series is part of it and cannot be declared on its own;
 * - a metric with data keeps its type: declared, else the one its name gives (`_total` is a counter;
 *   a base name with `_bucket` series is a histogram, so it cannot become a counter or a gauge);
 * - a histogram has no series under its base name, its `_bucket` series all have a valid `le`, and
 *   its `_sum` and `_count` are not declared as anything but counters.
 * Without data, a declaration simply replaces the previous one; unit and help may always change.
 */
import type { MetricMetadata, MetricType, Series } from '../types.ts';
import { bucketBound, LE_LABEL } from './bucket-bound.ts';
import { HISTOGRAM_SUFFIXES } from './catalog.ts';

/** What the conflict rules need to know about the store. */
export interface CatalogView {
  metadata(name: string): MetricMetadata;
  declaration(name: string): MetricMetadata | undefined;
  /** The base name of the histogram whose `_bucket`, `_sum` or `_count` series `name` is, if any. */
  histogramOf(name: string): string | undefined;
  seriesOf(name: string): readonly Series[];
}

/** Why `meta` cannot be declared, or undefined when it can. */
export function declarationConflict(meta: MetricMetadata, view: CatalogView): string | undefined {
  const base = view.histogramOf(meta.name);
  if (base !== undefined) return `it is a series of the histogram ${base}: declare ${base} instead`;
  if (meta.type === 'histogram') {
    const reason = histogramConflict(meta.name, view);
    if (reason !== undefined) return reason;
  }
  const current = view.metadata(meta.name);
  if (current.type === 'unknown' || current.type === meta.type || !hasData(meta.name, current.type, view)) {
    return undefined;
  }
  const how = view.declaration(meta.name) ? 'declared' : 'inferred from its name and series';
  return `it has data stored as a ${current.type} (${how}), so it cannot be declared a ${meta.type}`;
}

function histogramConflict(name: string, view: CatalogView): string | undefined {
  if (view.seriesOf(name).length > 0) {
    return `it has series of its own, which a histogram cannot have (its series are ${name}_bucket{le}, ${name}_sum and ${name}_count)`;
  }
  const bad = view
    .seriesOf(`${name}${HISTOGRAM_SUFFIXES.bucket}`)
    .find((s) => bucketBound(s.labels[LE_LABEL]) === undefined);
  if (bad) {
    return `its bucket series ${name}${HISTOGRAM_SUFFIXES.bucket}${bad.labelsJson} has no valid le label (a float or "+Inf")`;
  }
  for (const suffix of [HISTOGRAM_SUFFIXES.sum, HISTOGRAM_SUFFIXES.count]) {
    const part = view.declaration(`${name}${suffix}`);
    if (part && part.type !== 'counter')
      return `${part.name} is declared a ${part.type}, but a histogram's ${suffix} is a counter`;
  }
  return undefined;
}

function hasData(name: string, type: MetricType, view: CatalogView): boolean {
  if (type !== 'histogram') return view.seriesOf(name).length > 0;
  return [name, ...Object.values(HISTOGRAM_SUFFIXES).map((s) => `${name}${s}`)].some(
    (n) => view.seriesOf(n).length > 0,
  );
}
