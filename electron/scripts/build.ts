/**
 * `npm run build:electron`: bundles the shell with esbuild into dist/electron/: main.js (ES
 * module), preload.cjs (CommonJS, as sandboxed preloads must be) and storage-host.cjs (the
 * utilityProcess entry, CommonJS so it loads the same way in Electron and under Node).
 * `electron` and `better-sqlite3` (a native module, rebuilt for Electron's ABI) stay external.
 */
import { build, type BuildOptions } from 'esbuild';
import { join } from 'node:path';
import { isMainModule, projectRoot } from './project.ts';

export async function buildElectron(
  root: string = projectRoot(),
  outDir = join(root, 'dist', 'electron'),
): Promise<void> {
  const common: BuildOptions = {
    bundle: true,
    platform: 'node',
    target: 'node22',
    external: ['electron', 'better-sqlite3'],
    sourcemap: true,
    logLevel: 'warning',
    absWorkingDir: root,
  };
  const out = (name: string): string => join(outDir, name);
  await Promise.all([
    build({ ...common, entryPoints: ['electron/window/main.ts'], format: 'esm', outfile: out('main.js') }),
    build({ ...common, entryPoints: ['electron/window/preload.ts'], format: 'cjs', outfile: out('preload.cjs') }),
    build({
      ...common,
      entryPoints: ['electron/host/storage-host.ts'],
      format: 'cjs',
      outfile: out('storage-host.cjs'),
    }),
  ]);
}

if (isMainModule(import.meta.url)) {
  buildElectron().then(
    () => console.log('Built dist/electron/ (main.js, preload.cjs, storage-host.cjs)'),
    (err: unknown) => {
      console.error(err instanceof Error ? err.message : err);
      process.exitCode = 1;
    },
  );
}
