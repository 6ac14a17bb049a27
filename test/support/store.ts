/**
 * Test support: a fresh temporary folder per test, a store opened in it, and a deterministic
 * sample generator, so every test runs against a real SQLite file on disk; and whether a file
 * holds a text (a privacy check: nothing deleted may stay readable); the head rows queries read.
 */
import { existsSync, mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { TimeSeriesStorage } from '../../storage/src/index.ts';
import type { MetricSample, StorageConfig } from '../../storage/src/index.ts';

export const T0 = Date.UTC(2026, 0, 1);
export const MINUTE = 60_000;
export const HOUR = 3_600_000;
export const DAY = 86_400_000;

/** Whether the file at `path` (if any) holds `needle`'s UTF-8 bytes anywhere. */
export function fileContains(path: string, needle: string): boolean {
  return existsSync(path) && readFileSync(path).includes(Buffer.from(needle, 'utf8'));
}

/**
 * Rows a query still reads from the head: not those a compaction under way has moved already
 * (marked in `head_moved`, deleted at the end of its window).
 */
export function headRows(store: TimeSeriesStorage): number {
  const unmarked = `SELECT COUNT(*) AS n FROM head h
    WHERE NOT EXISTS (SELECT 1 FROM head_moved m WHERE m.series_id = h.series_id AND h.id <= m.up_to)`;
  return (store.sql(unmarked)[0] as { n: number }).n;
}

/** Both storage modes; suites that run under each iterate over this. */
export const MODES = [
  { name: 'compressed', enableCompression: true },
  { name: 'uncompressed', enableCompression: false },
] as const;

export function tempDir(prefix = 'tsdb-'): { dir: string; cleanup: () => void } {
  const dir = mkdtempSync(join(tmpdir(), prefix));
  return { dir, cleanup: () => rmSync(dir, { recursive: true, force: true }) };
}

export interface OpenedStore {
  store: TimeSeriesStorage;
  dbPath: string;
  dir: string;
  reopen(extra?: Partial<StorageConfig>): TimeSeriesStorage;
  cleanup(): void;
}

export function openStore(config: Partial<StorageConfig> = {}): OpenedStore {
  const { dir, cleanup } = tempDir();
  const dbPath = join(dir, 'telemetry.db');
  const opened: OpenedStore = {
    store: new TimeSeriesStorage({ dbPath, ...config }),
    dbPath,
    dir,
    reopen(extra = {}) {
      opened.store.close();
      opened.store = new TimeSeriesStorage({ dbPath, ...config, ...extra });
      return opened.store;
    },
    cleanup() {
      opened.store.close();
      cleanup();
    },
  };
  return opened;
}

/** The seeded PRNG shared with the demo history and the benchmark (mulberry32). */
export { seededRandom as rng } from '../../shared/random.ts';

/** `count` samples per series, `stepMs` apart from `start`, interleaved across the given series. */
export function regularSamples(
  series: { name: string; labels?: Record<string, string> }[],
  start: number,
  count: number,
  stepMs: number,
  value: (seriesIndex: number, i: number) => number,
): MetricSample[] {
  const out: MetricSample[] = [];
  for (let i = 0; i < count; i++) {
    series.forEach((s, k) => {
      out.push({ name: s.name, labels: s.labels, timestamp: start + i * stepMs, value: value(k, i) });
    });
  }
  return out;
}
