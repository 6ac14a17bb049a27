/**
 * The panel API's own telemetry: every call the storage host answers is counted per method
 * (METRIC.panelCalls, a counter) and its duration observed in a classic histogram
 * (METRIC.panelCallDuration: cumulative `_bucket{le}` counters, `_sum`, `_count`), as Prometheus'
 * client libraries keep them: in memory, cumulative since the host started, and sampled by the
 * collector with the host's other metrics.
 */
import { performance } from 'node:perf_hooks';
import { HISTOGRAM_SUFFIXES, INF_BOUND, LE_LABEL, type MetricSample } from '../../storage/src/index.ts';
import { PANEL_METHODS, type PanelApi } from '../../shared/panel-api.ts';
import { METRIC, PANEL_CALL_BUCKETS } from './metric-catalog.ts';

export class PanelCallStats {
  private readonly calls = new Map<string, number>();
  /** Observations per bucket, not cumulative; the last is the +Inf bucket. */
  private readonly perBucket = new Array<number>(PANEL_CALL_BUCKETS.length + 1).fill(0);
  private sum = 0;
  private count = 0;

  observe(method: string, seconds: number): void {
    this.calls.set(method, (this.calls.get(method) ?? 0) + 1);
    const index = PANEL_CALL_BUCKETS.findIndex((bound) => seconds <= bound);
    this.perBucket[index === -1 ? PANEL_CALL_BUCKETS.length : index]!++;
    this.sum += seconds;
    this.count++;
  }

  /** The counter of each method called so far, and the histogram's series (also before any call). */
  samples(timestamp: number): MetricSample[] {
    const name = METRIC.panelCallDuration;
    const bounds = [...PANEL_CALL_BUCKETS.map(String), INF_BOUND];
    let cumulative = 0;
    return [
      ...[...this.calls].map(([method, value]) => ({ name: METRIC.panelCalls, value, timestamp, labels: { method } })),
      ...bounds.map((le, i) => {
        cumulative += this.perBucket[i]!;
        return {
          name: `${name}${HISTOGRAM_SUFFIXES.bucket}`,
          value: cumulative,
          timestamp,
          labels: { [LE_LABEL]: le },
        };
      }),
      { name: `${name}${HISTOGRAM_SUFFIXES.sum}`, value: this.sum, timestamp },
      { name: `${name}${HISTOGRAM_SUFFIXES.count}`, value: this.count, timestamp },
    ];
  }
}

/** The panel API with every call timed into `stats` (a failed call counts too). */
export function instrumentPanel(panel: PanelApi, stats: PanelCallStats, clock = () => performance.now()): PanelApi {
  const timed = PANEL_METHODS.map((method) => {
    const handler = panel[method] as (...args: unknown[]) => Promise<unknown>;
    const wrapped = async (...args: unknown[]): Promise<unknown> => {
      const started = clock();
      try {
        return await handler(...args);
      } finally {
        stats.observe(method, (clock() - started) / 1000);
      }
    };
    return [method, wrapped] as const;
  });
  return Object.fromEntries(timed) as unknown as PanelApi;
}
