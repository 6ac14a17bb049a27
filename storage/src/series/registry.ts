/**
 * The series registry: every (metric name, canonical label set) the store knows, cached in memory
 * and persisted in the `series` table. It resolves an incoming sample to its series id (creating
 * the series within the caller's transaction, under the cardinality limit) and answers which series
 * of a metric satisfy a set of label matchers.
 *
 * A `series` row whose labels are not a JSON object of strings (a damaged file) is set aside, not
 * trusted: it is left out of every listing, query and export, reported in the store's health
 * ('quarantined'), and still visible to the jobs that work by id (retention deletes its data).
 */
import type { Db } from '../db/connection.ts';
import { CardinalityLimitError } from '../errors.ts';
import type { StoreHealth } from '../health.ts';
import { labelsObject, type ValidSample } from '../ingest/valid-sample.ts';
import type { Labels, LabelMatchers, Series } from '../types.ts';
import { canonicalLabels, compileMatchers } from './labels.ts';
import { SentForms } from './sent-forms.ts';

export class SeriesRegistry {
  private readonly byId = new Map<number, Series>();
  private readonly byKey = new Map<string, Series>();
  private readonly byMetric = new Map<string, Series[]>();
  /** Series by metric name and labels exactly as a caller sent them (key order included): no sorting, no text built. */
  readonly sentForms = new SentForms();
  /** Ids of damaged series rows, set aside (see the header). */
  private readonly damaged = new Set<number>();
  private readonly insert;
  private readonly deleteStmt;

  constructor(
    private readonly db: Db,
    private readonly maxSeries: number,
    private readonly health: StoreHealth,
  ) {
    this.insert = db.prepare('INSERT INTO series (metric_name, labels) VALUES (?, ?)');
    this.deleteStmt = db.prepare('DELETE FROM series WHERE id = ?');
    this.reload();
  }

  reload(): void {
    this.byId.clear();
    this.byKey.clear();
    this.byMetric.clear();
    this.sentForms.clear();
    this.forgetDamaged(this.damaged);
    const rows = this.db.prepare('SELECT id, metric_name, labels FROM series').all() as {
      id: number;
      metric_name: string;
      labels: string;
    }[];
    for (const row of rows) {
      const labels = parseLabels(row.labels);
      if (labels === undefined) this.setAside(row.id);
      else this.remember({ id: row.id, metricName: row.metric_name, labelsJson: row.labels, labels });
    }
  }

  /** Every series id, damaged rows included: for the jobs that delete data by series. */
  ids(): number[] {
    return [...this.byId.keys(), ...this.damaged];
  }

  get size(): number {
    return this.byId.size;
  }

  get(id: number): Series | undefined {
    return this.byId.get(id);
  }

  all(): IterableIterator<Series> {
    return this.byId.values();
  }

  metrics(): IterableIterator<[string, Series[]]> {
    return this.byMetric.entries();
  }

  ofMetric(metricName: string): readonly Series[] {
    return this.byMetric.get(metricName) ?? [];
  }

  /** The series of a metric whose labels satisfy every matcher. */
  match(metricName: string, matchers: LabelMatchers | undefined): Series[] {
    const predicate = compileMatchers(matchers);
    return this.ofMetric(metricName).filter((s) => predicate(s.labels));
  }

  /**
   * The series id of a validated sample, creating the series (inside the caller's transaction) if
   * it is new. `created` collects new ids so the caller can forget them if its transaction fails.
   */
  resolve(sample: ValidSample, index: number, created: number[]): number {
    const cached = this.sentForms.get(sample.name, sample.labels);
    if (cached) return cached.id;
    const labels = canonicalLabels(labelsObject(sample.labels));
    const labelsJson = JSON.stringify(labels);
    let series = this.byKey.get(`${sample.name}\u0000${labelsJson}`);
    if (!series) {
      if (this.byId.size >= this.maxSeries) throw new CardinalityLimitError(index, this.maxSeries);
      const id = Number(this.insert.run(sample.name, labelsJson).lastInsertRowid);
      series = { id, metricName: sample.name, labelsJson, labels };
      this.remember(series);
      created.push(id);
    }
    if (this.sentForms.size < this.maxSeries * 4) this.sentForms.set(sample.name, sample.labels, series);
    return series.id;
  }

  /** Deletes series rows (inside the caller's transaction, once their data is gone). Call forget() after it commits. */
  delete(ids: Iterable<number>): void {
    for (const id of ids) this.deleteStmt.run(id);
  }

  /** Drops series from the cache (after their rows were deleted, or their creation rolled back). */
  forget(ids: Iterable<number>): void {
    const gone = new Set(ids);
    if (gone.size === 0) return;
    this.forgetDamaged([...gone].filter((id) => this.damaged.has(id)));
    for (const id of gone) {
      const series = this.byId.get(id);
      if (!series) continue;
      this.byId.delete(id);
      this.byKey.delete(`${series.metricName}\u0000${series.labelsJson}`);
      const siblings = (this.byMetric.get(series.metricName) ?? []).filter((s) => s.id !== id);
      if (siblings.length > 0) this.byMetric.set(series.metricName, siblings);
      else this.byMetric.delete(series.metricName);
    }
    this.sentForms.clear();
  }

  private setAside(id: number): void {
    this.damaged.add(id);
    this.health.report(
      'quarantined',
      damagedSubject(id),
      `series ${id} has damaged labels (not a JSON object of strings): left out of listings, queries and exports`,
    );
  }

  private forgetDamaged(ids: Iterable<number>): void {
    for (const id of [...ids]) {
      this.damaged.delete(id);
      this.health.clear('quarantined', damagedSubject(id));
    }
  }

  private remember(series: Series): void {
    this.byId.set(series.id, series);
    this.byKey.set(`${series.metricName}\u0000${series.labelsJson}`, series);
    const list = this.byMetric.get(series.metricName);
    if (list) list.push(series);
    else this.byMetric.set(series.metricName, [series]);
  }
}

function damagedSubject(id: number): string {
  return `series ${id}`;
}

/** A stored label set, or undefined when the text is not a JSON object of string values. */
function parseLabels(text: string): Labels | undefined {
  let parsed: unknown;
  try {
    parsed = JSON.parse(text);
  } catch {
    return undefined;
  }
  if (parsed === null || typeof parsed !== 'object' || Array.isArray(parsed)) return undefined;
  return Object.values(parsed).every((value) => typeof value === 'string') ? (parsed as Labels) : undefined;
}
