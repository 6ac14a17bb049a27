/**
 * Child process for the crash test: opens the store given on the command line and inserts
 * numbered batches forever, printing "ok <n>" on stdout once insertSamples has resolved for batch
 * n, while the rollup job (rollups and compaction, in bounded steps) runs over and over beside it,
 * so a kill lands in the middle of ingest, a rollup step or a compaction step alike. The parent
 * kills it with SIGKILL.
 */
import { setImmediate as nextTurn } from 'node:timers/promises';
import { TimeSeriesStorage } from '../../storage/src/index.ts';
import { crashBatch } from './crash-batches.ts';

const [dbPath, firstBatch, compression] = process.argv.slice(2);
const store = new TimeSeriesStorage({ dbPath: dbPath!, enableCompression: compression === 'true' });

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

await Promise.all([rollUpForever(), insertForever()]);
