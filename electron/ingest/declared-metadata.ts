/**
 * Metric metadata (type, unit, help) that another program's feed declares to the store, an OTLP
 * receiver's or a scraper's: the form each name was last declared in is remembered, so a steady
 * feed does not declare it again at every request or scrape, and a refused one is tried again.
 */
import type { MetricMetadata, TimeSeriesStorage } from '../../storage/src/index.ts';

export class DeclaredMetadata {
  /** Name -> the JSON of its last accepted declaration. */
  private readonly declared = new Map<string, string>();

  /** Declares `meta` unless that exact form was accepted before; the store's refusal is thrown. */
  declare(store: Pick<TimeSeriesStorage, 'describeMetric'>, meta: MetricMetadata): void {
    const key = JSON.stringify(meta);
    if (this.declared.get(meta.name) === key) return;
    try {
      store.describeMetric(meta);
    } catch (err) {
      this.declared.delete(meta.name);
      throw err;
    }
    this.declared.set(meta.name, key);
  }
}
