/** Reads an exported Parquet file back with DuckDB, as someone receiving the export would. */
import { DuckReader } from '../../test/support/duckdb.ts';

export interface ParquetContents {
  columns: string[];
  rows: Record<string, unknown>[];
}

export async function readParquet(path: string): Promise<ParquetContents> {
  const duck = await DuckReader.open();
  try {
    const reader = await duck.connection.runAndReadAll('SELECT * FROM read_parquet($path)', { path });
    return { columns: reader.columnNames(), rows: reader.getRowObjectsJson() as Record<string, unknown>[] };
  } finally {
    duck.close();
  }
}
