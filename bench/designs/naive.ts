/**
 * The naive seed design, for comparison: one row per sample with JSON labels and an index on
 * (metric_name, timestamp); the 1m rollup recomputed by GROUP BY from a watermark.
 */
import Database from 'better-sqlite3';
import type { MetricSample } from '../../storage/src/index.ts';
import { filesSize, type Design } from './design.ts';

/** The rollup tables of the seed design and their bucket widths. */
const ROLLUPS: readonly [string, number][] = [
  ['metrics_1m', 60_000],
  ['metrics_5m', 300_000],
  ['metrics_1h', 3_600_000],
  ['metrics_1d', 86_400_000],
];

export class NaiveDesign implements Design {
  readonly name = 'naive seed schema';
  private readonly db: Database.Database;
  private readonly insert;
  private watermark = 0;

  constructor(private readonly path: string) {
    this.db = new Database(path);
    this.db.pragma('journal_mode = WAL');
    this.db.pragma('synchronous = NORMAL');
    this.db.exec(`
      CREATE TABLE IF NOT EXISTS metrics_raw (id INTEGER PRIMARY KEY, metric_name TEXT NOT NULL, value REAL NOT NULL,
        timestamp INTEGER NOT NULL, labels TEXT);
      CREATE INDEX IF NOT EXISTS metrics_raw_name_ts ON metrics_raw (metric_name, timestamp);
      ${ROLLUPS.map(
        ([
          table,
        ]) => `CREATE TABLE IF NOT EXISTS ${table} (metric_name TEXT, bucket INTEGER, count INTEGER, sum REAL, min REAL, max REAL,
        avg REAL, labels TEXT, PRIMARY KEY (metric_name, labels, bucket));`,
      ).join('\n')}
    `);
    this.insert = this.db.prepare(
      'INSERT INTO metrics_raw (metric_name, value, timestamp, labels) VALUES (?, ?, ?, ?)',
    );
  }

  async ingest(batch: MetricSample[]): Promise<void> {
    this.db.transaction(() => {
      for (const s of batch) this.insert.run(s.name, s.value, s.timestamp, JSON.stringify(s.labels ?? {}));
    })();
  }

  async settle(): Promise<void> {}

  async bytesOnDisk(): Promise<number> {
    this.db.pragma('wal_checkpoint(TRUNCATE)');
    return filesSize(this.path, `${this.path}-wal`);
  }

  async queryRawSeries(
    metricName: string,
    labels: Record<string, string>,
    start: number,
    end: number,
  ): Promise<number> {
    return this.db
      .prepare(
        'SELECT timestamp, value FROM metrics_raw WHERE metric_name = ? AND timestamp >= ? AND timestamp < ? AND labels = ? ORDER BY timestamp',
      )
      .all(metricName, start, end, JSON.stringify(labels)).length;
  }

  async queryByLabel(metricName: string, name: string, value: string, start: number, end: number): Promise<number> {
    return this.db
      .prepare(
        `SELECT labels, timestamp, value FROM metrics_raw WHERE metric_name = ? AND timestamp >= ? AND timestamp < ? AND json_extract(labels, '$.' || ?) = ? ORDER BY timestamp`,
      )
      .all(metricName, start, end, name, value).length;
  }

  async aggregate1m(): Promise<void> {
    this.rollUp('metrics_1m', 60_000, this.watermark);
    this.watermark = this.db.prepare('SELECT MAX(timestamp) FROM metrics_raw').pluck().get() as number;
  }

  async read1mBuckets(start: number, end: number): Promise<number> {
    return this.db.prepare('SELECT * FROM metrics_1m WHERE bucket >= ? AND bucket < ?').raw().all(start, end).length;
  }

  async settleAll(): Promise<void> {
    for (const [table, width] of ROLLUPS) this.rollUp(table, width, this.watermark);
    this.watermark = this.db.prepare('SELECT MAX(timestamp) FROM metrics_raw').pluck().get() as number;
  }

  /** Recomputes a rollup's buckets from the one holding `watermark` on. */
  private rollUp(table: string, width: number, watermark: number): void {
    this.db
      .prepare(
        `INSERT OR REPLACE INTO ${table} SELECT metric_name, timestamp / ${width} * ${width} AS bucket, COUNT(*), SUM(value),
           MIN(value), MAX(value), AVG(value), labels FROM metrics_raw WHERE timestamp >= ? GROUP BY metric_name, labels, bucket`,
      )
      .run(Math.floor(watermark / width) * width);
  }

  async deleteBefore(cutoff: number): Promise<void> {
    this.db.prepare('DELETE FROM metrics_raw WHERE timestamp < ?').run(cutoff);
    this.db.prepare('DELETE FROM metrics_1m WHERE bucket + 60000 <= ?').run(cutoff);
  }

  async close(): Promise<void> {
    this.db.close();
  }
}
