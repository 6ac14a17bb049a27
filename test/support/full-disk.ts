/**
 * Child process for the full-disk test, run by the parent in its own mount namespace on a small
 * tmpfs (a real file system that really runs out of space). It fills a store in the folder given on
 * the command line until a write fails, then (mode `store`) checkpoints, opens a new store in a
 * subfolder, applies retention, writes again and closes, or (mode `host`) closes the storage host's
 * service; it prints one JSON line saying what each step did (its result, or its error code).
 */
import { existsSync, statSync } from 'node:fs';
import { join } from 'node:path';
import { StorageError, TimeSeriesStorage } from '../../storage/src/index.ts';
import { dataPaths } from '../../electron/host/data-dir.ts';
import { openHostService } from '../../electron/host/host-service.ts';
import { DAY, T0, regularSamples } from './store.ts';

const [dir, mode] = process.argv.slice(2) as [string, 'store' | 'host'];
const SERIES = Array.from({ length: 20 }, (_, k) => ({ name: 'fill', labels: { k: String(k) } }));
const STEP_MS = 10_000;
const PER_BATCH = 100;

type Outcome = { ok: unknown } | { error: string };

async function outcome(fn: () => unknown): Promise<Outcome> {
  try {
    return { ok: (await fn()) ?? null };
  } catch (err) {
    return { error: err instanceof StorageError ? err.code : String(err) };
  }
}

function batchAt(batch: number, count = PER_BATCH) {
  return regularSamples(SERIES, T0 + batch * PER_BATCH * STEP_MS, count, STEP_MS, (k, i) => k * 1e6 + i + 0.5);
}

/** Inserts batches until one fails; returns the batches stored and the failure. */
async function fill(store: TimeSeriesStorage): Promise<{ batches: number; failure: Outcome }> {
  for (let batch = 0; ; batch++) {
    const result = await outcome(() => store.insertSamples(batchAt(batch)));
    if ('error' in result) return { batches: batch, failure: result };
  }
}

async function storeRun(): Promise<Record<string, unknown>> {
  let now = T0 + DAY;
  const store = new TimeSeriesStorage({ dbPath: join(dir, 'telemetry.db'), retentionDays: 1, now: () => now });
  await store.applyRetention(); // as the app does at start-up: it takes the reserve
  const { batches, failure } = await fill(store);
  const checkpoint = await outcome(() => store.checkpoint());
  const fresh = join(dir, 'fresh', 'telemetry.db');
  const openFresh = await outcome(() => new TimeSeriesStorage({ dbPath: fresh }).close());
  const freshLeft = existsSync(fresh) ? statSync(fresh).size : null;
  // Everything but the newest quarter of what was written expires.
  const expiredBatches = Math.floor(batches * 0.75);
  now = T0 + expiredBatches * PER_BATCH * STEP_MS + DAY;
  const retention = await outcome(() => store.applyRetention());
  const samplesLeft = store.getStats().samples;
  const insertAfter = await outcome(() => store.insertSamples(batchAt(batches, 10)));
  const close = await outcome(() => store.close());
  return {
    stored: batches * PER_BATCH * SERIES.length,
    expired: expiredBatches * PER_BATCH * SERIES.length,
    failure,
    checkpoint,
    openFresh,
    freshLeft,
    retention,
    samplesLeft,
    insertAfter,
    close,
  };
}

async function hostRun(): Promise<Record<string, unknown>> {
  const errors: string[] = [];
  const service = openHostService({
    paths: dataPaths(dir),
    emit: () => undefined,
    now: () => T0 + DAY,
    jobTimings: null,
    collectEveryMs: null,
    onError: (what, err) => errors.push(`${what}: ${(err as StorageError).code}`),
  });
  await service.jobs.run('retention');
  const { failure } = await fill(service.store);
  const close = await outcome(() => service.close());
  const afterClose = await outcome(() => service.store.getStats());
  const reopen = await outcome(() => new TimeSeriesStorage({ dbPath: dataPaths(dir).dbPath }).close());
  return { failure, close, errors, afterClose, reopen };
}

process.stdout.write(`${JSON.stringify(mode === 'host' ? await hostRun() : await storeRun())}\n`);
