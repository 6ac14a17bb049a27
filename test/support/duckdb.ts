/**
 * Test support: exported Parquet files read back by an independent reader, an in-memory DuckDB
 * (session time zone UTC, so timestamps print the same on every machine), and the queries the
 * export tests share: rows of any SQL, column types, key-value metadata, and every text the file
 * decodes to. No node:test dependency, so the e2e support code uses it as well.
 */
import { DuckDBInstance } from '@duckdb/node-api';
import type { DuckDBConnection } from '@duckdb/node-api';

/** `text` as a SQL string literal (a file path in `FROM '…'`). */
export function sqlString(text: string): string {
  return `'${text.replaceAll("'", "''")}'`;
}

export class DuckReader {
  private constructor(
    private readonly instance: DuckDBInstance,
    readonly connection: DuckDBConnection,
  ) {}

  static async open(): Promise<DuckReader> {
    const instance = await DuckDBInstance.create(':memory:');
    const connection = await instance.connect();
    await connection.run("SET TimeZone = 'UTC'");
    return new DuckReader(instance, connection);
  }

  close(): void {
    this.connection.closeSync();
    this.instance.closeSync();
  }

  async rows(sql: string): Promise<Record<string, unknown>[]> {
    return (await this.connection.runAndReadAll(sql)).getRowObjects() as Record<string, unknown>[];
  }

  /** Rows with nested values as plain JS (a MAP as an array of {key, value}, a LIST as an array). */
  async jsRows(sql: string): Promise<Record<string, unknown>[]> {
    return (await this.connection.runAndReadAll(sql)).getRowObjectsJS() as Record<string, unknown>[];
  }

  /** Column name to DuckDB type name. */
  async columnTypes(path: string): Promise<Record<string, string>> {
    const described = await this.rows(`DESCRIBE SELECT * FROM ${sqlString(path)}`);
    return Object.fromEntries(described.map((r) => [String(r.column_name), String(r.column_type)]));
  }

  /** The file's key-value metadata, decoded as text. */
  async kvMetadata(path: string): Promise<Record<string, string>> {
    const kv = await this.rows(
      `SELECT decode(key) AS k, decode(value) AS v FROM parquet_kv_metadata(${sqlString(path)})`,
    );
    return Object.fromEntries(kv.map((r) => [String(r.k), String(r.v)]));
  }

  /** Every text DuckDB decodes from the file: cells, column statistics, schema names, key-value metadata. */
  async decodedText(path: string): Promise<string> {
    const file = sqlString(path);
    const parts = [
      ...(await this.rows(
        `SELECT concat_ws('|', metric_name, labels, metric_type, unit, label_map::VARCHAR) AS t FROM ${file}`,
      )),
      ...(await this.rows(
        `SELECT concat_ws('|', stats_min, stats_max, stats_min_value, stats_max_value, path_in_schema) AS t FROM parquet_metadata(${file})`,
      )),
      ...(await this.rows(`SELECT name AS t FROM parquet_schema(${file})`)),
      ...(await this.rows(`SELECT decode(key) || decode(value) AS t FROM parquet_kv_metadata(${file})`)),
    ];
    return parts.map((r) => String(r.t)).join('\n');
  }
}
