/**
 * What every benchmarked design offers, so bench/run.ts can put them through the same scenario.
 */
import { existsSync, statSync } from 'node:fs';
import type { MetricSample } from '../../storage/src/index.ts';

export interface Design {
  readonly name: string;
  ingest(batch: MetricSample[]): Promise<void>;
  /** Whatever the design does after a load before it is queried (our engine: rollups + compaction). */
  settle(): Promise<void>;
  /** Checkpoints and returns the bytes of the database files on disk. */
  bytesOnDisk(): Promise<number>;
  /** Raw samples of one series in [start, end); returns the row count. */
  queryRawSeries(metricName: string, labels: Record<string, string>, start: number, end: number): Promise<number>;
  /** Raw samples of every series of a metric whose label `name` equals `value`; returns the row count. */
  queryByLabel(metricName: string, name: string, value: string, start: number, end: number): Promise<number>;
  /** The 1m rollup brought up to date with everything ingested. */
  aggregate1m(): Promise<void>;
  /** Every 1m bucket of every series in [start, end) (after aggregate1m), read into JS; returns the bucket count. */
  read1mBuckets(start: number, end: number): Promise<number>;
  /**
   * Everything the design does after ingest until its store is settled: the naive design and DuckDB
   * compute their four GROUP BY rollups (1m, 5m, 1h, 1d) from a watermark; the engine finishes its
   * own maintenance (for the "sustained" figure, the engine is opened with it on).
   */
  settleAll(): Promise<void>;
  /** Deletes everything before the cutoff. */
  deleteBefore(cutoff: number): Promise<void>;
  close(): Promise<void>;
}

/** Bytes of the given files; a missing one counts 0. */
export function filesSize(...paths: string[]): number {
  return paths.reduce((sum, p) => sum + (existsSync(p) ? statSync(p).size : 0), 0);
}
