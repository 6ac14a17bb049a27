/**
 * The naive seed design, for comparison: one row per sample with JSON labels and an index on
 * (metric_name, timestamp); the 1m rollup recomputed by GROUP BY from a watermark.
 */
import Database from 'better-sqlite3';
import type { MetricSample } from '../../storage/src/index.ts';
import { filesSize, type Design } from './design.ts';

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
      CREATE TABLE metrics_raw (id INTEGER PRIMARY KEY, metric_name TEXT NOT NULL, value REAL NOT NULL,
        timestamp INTEGER NOT NULL, labels TEXT);
      CREATE INDEX metrics_raw_name_ts ON metrics_raw (metric_name, timestamp);
      CREATE TABLE metrics_1m (metric_name TEXT, bucket INTEGER, count INTEGER, sum REAL, min REAL, max REAL,
        avg REAL, labels TEXT, PRIMARY KEY (metric_name, labels, bucket));
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
    const from = Math.floor(this.watermark / 60_000) * 60_000;
    this.db
      .prepare(
        `INSERT OR REPLACE INTO metrics_1m SELECT metric_name, timestamp / 60000 * 60000 AS bucket, COUNT(*), SUM(value),
           MIN(value), MAX(value), AVG(value), labels FROM metrics_raw WHERE timestamp >= ? GROUP BY metric_name, labels, bucket`,
      )
      .run(from);
    this.watermark = this.db.prepare('SELECT MAX(timestamp) FROM metrics_raw').pluck().get() as number;
  }

  async deleteBefore(cutoff: number): Promise<void> {
    this.db.prepare('DELETE FROM metrics_raw WHERE timestamp < ?').run(cutoff);
    this.db.prepare('DELETE FROM metrics_1m WHERE bucket + 60000 <= ?').run(cutoff);
  }

  async close(): Promise<void> {
    this.db.close();
  }
}
