/**
 * Child process for the retention crash test: opens the store at argv[2] (compression argv[3],
 * clock fixed at argv[4], retention argv[5] days, no automatic maintenance), prints "start", runs
 * applyRetention, then prints "done". The parent kills it with SIGKILL somewhere in between.
 */
import { TimeSeriesStorage } from '../../storage/src/index.ts';

const [dbPath, compression, now, days] = process.argv.slice(2) as [string, string, string, string];
const store = new TimeSeriesStorage({
  dbPath,
  enableCompression: compression === 'true',
  retentionDays: Number(days),
  autoMaintenance: false,
  now: () => Number(now),
});
process.stdout.write('start\n');
await store.applyRetention();
process.stdout.write('done\n');
store.close();
