/**
 * This project's engine, driven through its public API only.
 */
import { DAY_MS, TimeSeriesStorage } from '../../storage/src/index.ts';
import type { MetricSample } from '../../storage/src/index.ts';
import { filesSize, type Design } from './design.ts';
import { workloadSeries } from '../workload.ts';

export class EngineDesign implements Design {
  readonly name: string;
  private readonly store: TimeSeriesStorage;
  private clock = Date.now();

  /** With `automatic`, the store maintains itself (the "sustained" figure); else the workload runs each job itself. */
  constructor(
    private readonly path: string,
    compression: boolean,
    { automatic = false } = {},
  ) {
    this.name = compression ? 'engine (compressed)' : 'engine (uncompressed)';
    // Without automatic maintenance, each figure measures one kind of work.
    this.store = new TimeSeriesStorage({
      dbPath: path,
      enableCompression: compression,
      now: () => this.clock,
      autoMaintenance: automatic ? {} : false,
    });
  }

  async ingest(batch: MetricSample[]): Promise<void> {
    await this.store.insertSamples(batch);
  }

  async settle(): Promise<void> {
    await this.store.rollUpAndCompact();
  }

  async settleAll(): Promise<void> {
    await this.store.maintenanceIdle();
    await this.store.rollUpAndCompact();
  }

  async bytesOnDisk(): Promise<number> {
    this.store.checkpoint();
    return filesSize(this.path, `${this.path}-wal`);
  }

  async queryRawSeries(
    metricName: string,
    labels: Record<string, string>,
    start: number,
    end: number,
  ): Promise<number> {
    const [series] = this.store.queryMetrics({ metricName, labels, start, end, aggregation: 'raw' });
    return series?.points.length ?? 0;
  }

  async queryByLabel(metricName: string, name: string, value: string, start: number, end: number): Promise<number> {
    return this.store
      .queryMetrics({ metricName, labels: { [name]: value }, start, end, aggregation: 'raw' })
      .reduce((n, s) => n + s.points.length, 0);
  }

  async aggregate1m(): Promise<void> {
    await this.store.aggregate('1m');
  }

  async read1mBuckets(start: number, end: number): Promise<number> {
    const names = new Set(workloadSeries().map((s) => s.name));
    let buckets = 0;
    for (const metricName of names)
      for (const series of this.store.queryMetrics({ metricName, labels: {}, start, end, aggregation: '1m' }))
        buckets += series.points.length;
    return buckets;
  }

  async deleteBefore(cutoff: number): Promise<void> {
    this.clock = cutoff + this.store.retentionDays * DAY_MS;
    await this.store.applyRetention();
  }

  async close(): Promise<void> {
    this.store.close();
  }
}
