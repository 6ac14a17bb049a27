/**
 * `npm start`: launches the Electron app when its binary is installed (building dist/electron and
 * the renderer first), otherwise starts the browser preview and prints its URL. Flags
 * (`--data-dir`, `--port`, `--otlp[=PORT]`: the OTLP receiver on for this run, its address printed
 * by the storage host) pass through.
 */
import { spawn } from 'node:child_process';
import { buildElectron } from './build.ts';
import { findElectronBinary } from './electron-binary.ts';
import { runPreview } from '../preview/preview.ts';
import { ensureRendererBuilt, projectRoot } from './project.ts';

async function start(argv: readonly string[]): Promise<void> {
  const root = projectRoot();
  const electron = findElectronBinary(root);
  if (electron.path === null) {
    console.log(`Electron cannot be launched here (${electron.reason}); starting the browser preview.`);
    await runPreview(argv);
    return;
  }
  await buildElectron(root);
  if (!ensureRendererBuilt(root)) console.warn('The renderer is not built: the window shows a placeholder page.');
  const child = spawn(electron.path, [root, ...argv], { stdio: 'inherit' });
  child.on('exit', (code) => {
    process.exitCode = code ?? 1;
  });
}

start(process.argv.slice(2)).catch((err: unknown) => {
  console.error(err instanceof Error ? err.message : err);
  process.exit(1);
});
