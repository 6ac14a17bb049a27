/**
 * The crash test's batches: batch n holds 500 samples over 10 series, every timestamp unique to
 * the batch, so the parent can tell exactly which batches survived.
 */
import type { MetricSample } from '../../storage/src/index.ts';

export const CRASH_T0 = Date.UTC(2026, 0, 1);
export const CRASH_BATCH_SIZE = 500;
const SERIES = 10;

export function crashBatch(n: number): MetricSample[] {
  return Array.from({ length: CRASH_BATCH_SIZE }, (_, i) => ({
    name: 'crash_test_total',
    labels: { series: String(i % SERIES) },
    timestamp: CRASH_T0 + (n * (CRASH_BATCH_SIZE / SERIES) + Math.floor(i / SERIES)) * 1000,
    value: n * 1000 + i,
  }));
}
