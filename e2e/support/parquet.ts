/** Reads an exported Parquet file back with DuckDB, as someone receiving the export would. */
import { DuckDBInstance } from '@duckdb/node-api';

export interface ParquetContents {
  columns: string[];
  rows: Record<string, unknown>[];
}

export async function readParquet(path: string): Promise<ParquetContents> {
  const instance = await DuckDBInstance.create(':memory:');
  const connection = await instance.connect();
  try {
    const reader = await connection.runAndReadAll('SELECT * FROM read_parquet($path)', { path });
    return { columns: reader.columnNames(), rows: reader.getRowObjectsJson() as Record<string, unknown>[] };
  } finally {
    connection.closeSync();
    instance.closeSync();
  }
}
