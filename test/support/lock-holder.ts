/**
 * Child process for the store-lock test: opens the store given on the command line and keeps it
 * open, printing "open" once it holds it, or "refused <code> <message>" when it cannot open it.
 * The parent ends it with SIGKILL.
 */
import { StorageError, TimeSeriesStorage } from '../../storage/src/index.ts';

const [dbPath] = process.argv.slice(2);
try {
  const store = new TimeSeriesStorage({ dbPath: dbPath! });
  await store.insertSamples([{ name: 'held', value: 1, timestamp: Date.UTC(2026, 0, 1) }]);
  process.stdout.write('open\n');
  setInterval(() => undefined, 60_000);
} catch (err) {
  process.stdout.write(`refused ${err instanceof StorageError ? err.code : 'untyped'} ${(err as Error).message}\n`);
  process.exitCode = 1;
}
