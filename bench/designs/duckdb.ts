/**
 * DuckDB, for comparison: what an analyst might embed instead. One table of samples with the
 * labels as JSON text, loaded through DuckDB's appender; the 1m rollup by GROUP BY from a watermark.
 */
import { DuckDBInstance, type DuckDBAppender, type DuckDBConnection } from '@duckdb/node-api';
import type { MetricSample } from '../../storage/src/index.ts';
import { filesSize, type Design } from './design.ts';

/** The rollup tables and their bucket widths (as the naive design's). */
const ROLLUPS: readonly [string, number][] = [
  ['metrics_1m', 60_000],
  ['metrics_5m', 300_000],
  ['metrics_1h', 3_600_000],
  ['metrics_1d', 86_400_000],
];

export class DuckDbDesign implements Design {
  readonly name = 'DuckDB';
  private watermark = 0;

  private constructor(
    private readonly path: string,
    private readonly instance: DuckDBInstance,
    private readonly connection: DuckDBConnection,
    private readonly appender: DuckDBAppender,
  ) {}

  static async open(path: string): Promise<DuckDbDesign> {
    const instance = await DuckDBInstance.create(path);
    const connection = await instance.connect();
    await connection.run(`
      CREATE TABLE metrics_raw (metric_name VARCHAR, value DOUBLE, timestamp BIGINT, labels VARCHAR);
      ${ROLLUPS.map(
        ([table]) =>
          `CREATE TABLE ${table} (metric_name VARCHAR, labels VARCHAR, bucket BIGINT, count BIGINT, sum DOUBLE, min DOUBLE, max DOUBLE, avg DOUBLE);`,
      ).join('\n')}
    `);
    return new DuckDbDesign(path, instance, connection, await connection.createAppender('metrics_raw'));
  }

  async ingest(batch: MetricSample[]): Promise<void> {
    for (const s of batch) {
      this.appender.appendVarchar(s.name);
      this.appender.appendDouble(s.value);
      this.appender.appendBigInt(BigInt(s.timestamp));
      this.appender.appendVarchar(JSON.stringify(s.labels ?? {}));
      this.appender.endRow();
    }
    this.appender.flushSync();
  }

  async settle(): Promise<void> {}

  async bytesOnDisk(): Promise<number> {
    await this.connection.run('CHECKPOINT');
    return filesSize(this.path, `${this.path}.wal`);
  }

  async queryRawSeries(
    metricName: string,
    labels: Record<string, string>,
    start: number,
    end: number,
  ): Promise<number> {
    const reader = await this.connection.runAndReadAll(
      'SELECT timestamp, value FROM metrics_raw WHERE metric_name = $1 AND labels = $2 AND timestamp >= $3 AND timestamp < $4 ORDER BY timestamp',
      [metricName, JSON.stringify(labels), start, end],
    );
    return reader.currentRowCount;
  }

  async queryByLabel(metricName: string, name: string, value: string, start: number, end: number): Promise<number> {
    const reader = await this.connection.runAndReadAll(
      `SELECT labels, timestamp, value FROM metrics_raw WHERE metric_name = $1 AND json_extract_string(labels, '$.' || $2) = $3
         AND timestamp >= $4 AND timestamp < $5 ORDER BY timestamp`,
      [metricName, name, value, start, end],
    );
    return reader.currentRowCount;
  }

  async aggregate1m(): Promise<void> {
    await this.rollUp('metrics_1m', 60_000);
    await this.advanceWatermark();
  }

  async read1mBuckets(start: number, end: number): Promise<number> {
    const reader = await this.connection.runAndReadAll('SELECT * FROM metrics_1m WHERE bucket >= $1 AND bucket < $2', [
      start,
      end,
    ]);
    return reader.getRows().length;
  }

  async settleAll(): Promise<void> {
    for (const [table, width] of ROLLUPS) await this.rollUp(table, width);
    await this.advanceWatermark();
  }

  /** Recomputes a rollup's buckets from the one holding the watermark on. */
  private async rollUp(table: string, width: number): Promise<void> {
    const from = Math.floor(this.watermark / width) * width;
    await this.connection.run(`DELETE FROM ${table} WHERE bucket >= $1`, [from]);
    await this.connection.run(
      `INSERT INTO ${table} SELECT metric_name, labels, timestamp // ${width} * ${width} AS bucket, COUNT(*), SUM(value), MIN(value),
         MAX(value), AVG(value) FROM metrics_raw WHERE timestamp >= $1 GROUP BY ALL`,
      [from],
    );
  }

  private async advanceWatermark(): Promise<void> {
    const reader = await this.connection.runAndReadAll('SELECT MAX(timestamp) FROM metrics_raw');
    this.watermark = Number(reader.getRows()[0]![0]);
  }

  async deleteBefore(cutoff: number): Promise<void> {
    await this.connection.run('DELETE FROM metrics_raw WHERE timestamp < $1', [cutoff]);
    await this.connection.run('DELETE FROM metrics_1m WHERE bucket + 60000 <= $1', [cutoff]);
  }

  async close(): Promise<void> {
    this.appender.closeSync();
    this.connection.closeSync();
    this.instance.closeSync();
  }
}
