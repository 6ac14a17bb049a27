/**
 * The store's metric catalog: the declared metadata (table `metric_metadata`, migration 6), cached
 * in memory, and for an undeclared metric the type its name gives (inferMetricType); the series of
 * a declared histogram (`_bucket`, `_sum`, `_count`) are counters. It takes declarations (refusing
 * one that conflicts with the data, conflicts.ts), lists the metrics with a histogram once under
 * its base name, and tells ingest which types are declared.
 */
import type { Statement } from 'better-sqlite3';
import type { Db } from '../db/connection.ts';
import { MetricConflictError } from '../errors.ts';
import { METRIC_TYPES, type MetricMetadata, type MetricType, type Series } from '../types.ts';
import { histogramBase, inferMetricType, type MetricCatalog } from './catalog.ts';
import { declarationConflict, type CatalogView } from './conflicts.ts';

/** The series the catalog infers from: the registry's view of metric names. */
export interface MetricSeries {
  ofMetric(name: string): readonly Series[];
  metrics(): IterableIterator<[string, Series[]]>;
}

export type ListedMetric = MetricMetadata & { seriesCount: number };

interface MetadataRow {
  name: string;
  type: string;
  unit: string | null;
  help: string | null;
}

function toMetadata(row: MetadataRow): MetricMetadata {
  return {
    name: row.name,
    type: row.type as MetricType,
    ...(row.unit === null ? {} : { unit: row.unit }),
    ...(row.help === null ? {} : { help: row.help }),
  };
}

export class StoredCatalog implements MetricCatalog, CatalogView {
  private readonly declared = new Map<string, MetricMetadata>();
  private readonly upsert: Statement;

  constructor(
    db: Db,
    private readonly series: MetricSeries,
  ) {
    this.upsert = db.prepare('INSERT OR REPLACE INTO metric_metadata (name, type, unit, help) VALUES (?, ?, ?, ?)');
    const rows = db.prepare('SELECT name, type, unit, help FROM metric_metadata').all() as MetadataRow[];
    // A row whose type this code does not know (a damaged file) is not trusted: the name decides.
    for (const row of rows)
      if (METRIC_TYPES.includes(row.type as MetricType)) this.declared.set(row.name, toMetadata(row));
  }

  metadata(name: string): MetricMetadata {
    return this.declared.get(name) ?? { name, type: this.inferredType(name) };
  }

  declaration(name: string): MetricMetadata | undefined {
    return this.declared.get(name);
  }

  /** The declared type of `name`, if any: what ingest checks samples against. */
  declaredType(name: string): MetricType | undefined {
    return this.declared.get(name)?.type;
  }

  histogramOf(name: string): string | undefined {
    const base = histogramBase(name);
    return base !== undefined && this.metadata(base).type === 'histogram' ? base : undefined;
  }

  seriesOf(name: string): readonly Series[] {
    return this.series.ofMetric(name);
  }

  /** Stores a validated declaration (inside the caller's write); a MetricConflictError when it contradicts the data. */
  declare(meta: MetricMetadata): void {
    const reason = declarationConflict(meta, this);
    if (reason !== undefined) throw new MetricConflictError(meta.name, reason);
    this.upsert.run(meta.name, meta.type, meta.unit ?? null, meta.help ?? null);
    this.declared.set(meta.name, meta);
  }

  /** Every metric that has series, by name; a histogram once, under its base name, counting all its series. */
  list(): ListedMetric[] {
    const counts = new Map<string, number>();
    for (const [name, series] of this.series.metrics()) {
      const listed = this.histogramOf(name) ?? name;
      counts.set(listed, (counts.get(listed) ?? 0) + series.length);
    }
    return [...counts]
      .map(([name, seriesCount]) => ({ ...this.metadata(name), seriesCount }))
      .sort((a, b) => a.name.localeCompare(b.name));
  }

  private inferredType(name: string): MetricType {
    const base = histogramBase(name);
    if (base !== undefined && this.declared.get(base)?.type === 'histogram') return 'counter';
    return inferMetricType(name, (n) => this.series.ofMetric(n).length > 0);
  }
}
