/**
 * `npm run demo:history [-- --data-dir <dir>] [--remove]`: fills the data folder's store with 30
 * days of demo history (source="demo"), or removes it. Opens the store directly, so run it while
 * the app is closed; inside the app, the panel's first-run choice does the same through the host.
 */
import { TimeSeriesStorage } from '../../storage/src/index.ts';
import { dataPaths, ensureDataDirs, parseShellFlags, resolveDataDir } from '../host/data-dir.ts';
import { loadDemoHistory, removeDemoHistory } from './demo-history.ts';

function main(argv: readonly string[]): void {
  const flags = parseShellFlags(argv);
  const paths = dataPaths(resolveDataDir(flags));
  ensureDataDirs(paths);
  const store = new TimeSeriesStorage({ dbPath: paths.dbPath });
  const finish = (message: string): void => {
    store.checkpoint();
    store.close();
    console.log(message);
  };
  if (flags.remove) {
    finish(`Removed ${removeDemoHistory(store)} demo samples from ${paths.dbPath}`);
    return;
  }
  loadDemoHistory(store, { end: Date.now() }).then(
    (samples) => finish(`Stored ${samples} demo samples (30 days, source="demo") in ${paths.dbPath}`),
    (err: unknown) => {
      store.close();
      console.error(err instanceof Error ? err.message : err);
      process.exitCode = 1;
    },
  );
}

main(process.argv.slice(2));
