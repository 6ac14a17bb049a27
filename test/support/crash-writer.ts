/**
 * Child process for the crash test: opens the store given on the command line and inserts
 * numbered batches forever (rolling up and compacting every few batches), printing "ok <n>" on
 * stdout once insertSamples has resolved for batch n. The parent kills it with SIGKILL.
 */
import { TimeSeriesStorage } from '../../storage/src/index.ts';
import { crashBatch } from './crash-batches.ts';

const [dbPath, firstBatch, compression] = process.argv.slice(2);
const store = new TimeSeriesStorage({ dbPath: dbPath!, enableCompression: compression === 'true' });
for (let n = Number(firstBatch); ; n++) {
  await store.insertSamples(crashBatch(n));
  process.stdout.write(`ok ${n}\n`);
  if (n % 5 === 4) {
    for (const interval of store.intervals) await store.aggregate(interval);
    await store.compact();
  }
}
