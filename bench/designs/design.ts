/**
 * What every benchmarked design offers, so bench/run.ts can put them through the same scenario.
 */
import type { MetricSample } from '../../storage/src/types.ts';

export interface Design {
  readonly name: string;
  ingest(batch: MetricSample[]): Promise<void>;
  /** Whatever the design does after a load before it is queried (our engine: rollups + compaction). */
  settle(): Promise<void>;
  /** Checkpoints and returns the bytes of the database files on disk. */
  bytesOnDisk(): number;
  /** Raw samples of one series in [start, end); returns the row count. */
  queryRawSeries(metricName: string, labels: Record<string, string>, start: number, end: number): number;
  /** Raw samples of every series of a metric whose label `name` equals `value`; returns the row count. */
  queryByLabel(metricName: string, name: string, value: string, start: number, end: number): number;
  /** The 1m rollup brought up to date with everything ingested. */
  aggregate1m(): Promise<void>;
  /** Deletes everything before the cutoff. */
  deleteBefore(cutoff: number): Promise<void>;
  close(): void;
}

export function filesSize(paths: string[], size: (p: string) => number): number {
  return paths.reduce((sum, p) => sum + size(p), 0);
}
