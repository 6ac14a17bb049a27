/**
 * Writes test/fixtures/store-v5.db: a small store made by the engine at schema version 5 (commit
 * after issue 14), kept so that later migrations are tested on a file the older code really wrote.
 * Two days of samples every minute, a fixed clock: a gauge, a counter with a reset, a classic
 * histogram (`_bucket{le}`, `_sum`, `_count`); rolled up and compacted, with the last hour left
 * in the head. It refuses to overwrite the fixture: the point is the file the old code wrote.
 *
 *   node --import tsx test/support/make-fixture-store.ts && sqlite3 test/fixtures/store-v5.db VACUUM
 */
import { existsSync, rmSync } from 'node:fs';
import { join } from 'node:path';
import { TimeSeriesStorage, type MetricSample } from '../../storage/src/index.ts';

const T0 = Date.UTC(2026, 10, 1);
const MINUTE = 60_000;
const MINUTES = 2 * 24 * 60;
const BOUNDS = ['0.1', '0.5', '1', '+Inf'];

function samplesAt(i: number): MetricSample[] {
  const timestamp = T0 + i * MINUTE;
  const requests = i < 1000 ? i * 3 : (i - 1000) * 2; // restarts from 0 at minute 1000
  const observed = i * 4;
  return [
    { name: 'fixture_temperature_celsius', value: 20 + (i % 60) / 10, timestamp, labels: { room: 'a' } },
    { name: 'fixture_requests_total', value: requests, timestamp, labels: { process: 'main' } },
    ...BOUNDS.map((le, k) => ({
      name: 'fixture_latency_seconds_bucket',
      value: Math.floor((observed * (k + 1)) / BOUNDS.length),
      timestamp,
      labels: { le },
    })),
    { name: 'fixture_latency_seconds_sum', value: observed * 0.4, timestamp },
    { name: 'fixture_latency_seconds_count', value: observed, timestamp },
  ];
}

const path = join(import.meta.dirname, '..', 'fixtures', 'store-v5.db');
if (existsSync(path)) throw new Error(`${path} exists: it must stay the file the version-5 code wrote; never re-made`);
const store = new TimeSeriesStorage({ dbPath: path, now: () => T0 + MINUTES * MINUTE });
for (let i = 0; i < MINUTES - 60; i++) await store.insertSamples(samplesAt(i));
await store.rollUpAndCompact();
for (let i = MINUTES - 60; i < MINUTES; i++) await store.insertSamples(samplesAt(i));
store.checkpoint();
store.close();
for (const extra of ['.lock', '.owner', '.reserve', '-wal', '-shm']) rmSync(`${path}${extra}`, { force: true });
