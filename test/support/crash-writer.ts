/**
 * Child process for the crash test: opens the store given on the command line and inserts
 * numbered batches forever, printing "ok <n>" on stdout once insertSamples has resolved for batch
 * n. With `explicit` maintenance the rollup job (rollups and compaction, in bounded steps) runs
 * over and over beside it; with `automatic` nothing calls it and the store folds and compacts on
 * its own every few batches. Either way a kill lands in the middle of ingest, a rollup step or a
 * compaction step alike. The parent kills it with SIGKILL.
 */
import { setImmediate as nextTurn } from 'node:timers/promises';
import { TimeSeriesStorage } from '../../storage/src/index.ts';
import { CRASH_BATCH_SIZE, crashBatch } from './crash-batches.ts';
import type { CrashMaintenance } from './crash-run.ts';

const [dbPath, firstBatch, compression, maintenance] = process.argv.slice(2) as [
  string,
  string,
  string,
  CrashMaintenance,
];
const automatic = maintenance === 'automatic';
const store = new TimeSeriesStorage({
  dbPath,
  enableCompression: compression === 'true',
  autoMaintenance: automatic ? { maxHeadRows: 4 * CRASH_BATCH_SIZE } : false,
});

async function rollUpForever(): Promise<never> {
  for (;;) {
    await store.rollUpAndCompact();
    await nextTurn();
  }
}

async function insertForever(): Promise<never> {
  for (let n = Number(firstBatch); ; n++) {
    await store.insertSamples(crashBatch(n));
    process.stdout.write(`ok ${n}\n`);
    await nextTurn();
  }
}

await Promise.all(automatic ? [insertForever()] : [rollUpForever(), insertForever()]);
