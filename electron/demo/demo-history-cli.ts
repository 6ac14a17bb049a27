/**
 * `npm run demo:history [-- --data-dir <dir>] [--remove]`: fills the data folder's store with 30
 * days of demo history (source="demo"), or removes it. Opens the store directly, so it needs the
 * app to be closed: beside a running app the store refuses a second writer (STORE_LOCKED) and the
 * CLI says so, pointing to the panel's own demo history button, which does the same through the host.
 */
import { StorageError, TimeSeriesStorage } from '../../storage/src/index.ts';
import { dataPaths, ensureDataDirs, parseShellFlags, resolveDataDir } from '../host/data-dir.ts';
import { loadDemoHistory, removeDemoHistory } from './demo-history.ts';
import { prepareDemoAlerts, removeDemoRules } from './demo-alerts.ts';

function fail(message: string): void {
  console.error(message);
  process.exitCode = 1;
}

/** The store, or undefined (with the reason printed) when the running app holds it. */
function openStore(dbPath: string, remove: boolean): TimeSeriesStorage | undefined {
  try {
    return new TimeSeriesStorage({ dbPath });
  } catch (err) {
    if (!(err instanceof StorageError && err.code === 'STORE_LOCKED')) throw err;
    const button = remove ? 'Remove demo history' : 'Load demo history';
    fail(
      `The telemetry app is running on this store: ${err.message}.\n` +
        `Nothing was written. Use the panel's "${button}" button (Settings), or close the app and run this again.`,
    );
    return undefined;
  }
}

function main(argv: readonly string[]): void {
  const flags = parseShellFlags(argv);
  const paths = dataPaths(resolveDataDir(flags));
  ensureDataDirs(paths);
  const store = openStore(paths.dbPath, flags.remove);
  if (!store) return;
  const finish = (message: string): void => {
    store.checkpoint();
    store.close();
    console.log(message);
  };
  if (flags.remove) {
    removeDemoRules(store);
    finish(`Removed ${removeDemoHistory(store)} demo samples from ${paths.dbPath}`);
    return;
  }
  const end = Date.now();
  const load = async (): Promise<number> => {
    const samples = await loadDemoHistory(store, { end });
    await prepareDemoAlerts(store, end);
    return samples;
  };
  load().then(
    (samples) => finish(`Stored ${samples} demo samples (30 days, source="demo") in ${paths.dbPath}`),
    (err: unknown) => {
      store.close();
      fail(err instanceof Error ? err.message : String(err));
    },
  );
}

main(process.argv.slice(2));
