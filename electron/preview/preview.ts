/**
 * `npm run preview`: the browser preview. Starts the storage host as a Node child process for the
 * data folder, serves the renderer and the panel API on 127.0.0.1 (preview-server.ts) and prints
 * the page's URL with its token. Flags: `--data-dir <dir>`, `--port <n>` (default: a free port).
 */
import { spawn } from 'node:child_process';
import { dirname } from 'node:path';
import { startParentCollector } from '../collector/collector.ts';
import { parseShellFlags, resolveDataDir } from '../host/data-dir.ts';
import { StorageHostClient, forkNodeHost } from '../host/host-client.ts';
import { startPreviewServer } from './preview-server.ts';
import { ensureRendererBuilt, isMainModule, rendererDir } from '../scripts/project.ts';

/** Shows a file in the platform's file manager (best effort: a headless machine has none). */
function openInFileManager(path: string): void {
  const [command, args] =
    process.platform === 'darwin'
      ? ['open', ['-R', path]]
      : process.platform === 'win32'
        ? ['explorer', [`/select,${path}`]]
        : ['xdg-open', [dirname(path)]];
  console.log(`Export: ${path}`);
  const child = spawn(command, args, { detached: true, stdio: 'ignore' });
  child.on('error', (err) => console.warn(`could not open a file manager (${err.message})`));
  child.unref();
}

export async function runPreview(argv: readonly string[]): Promise<void> {
  const flags = parseShellFlags(argv);
  const dataDir = resolveDataDir(flags);
  if (!ensureRendererBuilt()) console.warn('The renderer is not built: serving a placeholder page.');
  const client = await StorageHostClient.start(forkNodeHost(dataDir));
  client.onReveal(openInFileManager);
  const server = await startPreviewServer({ backend: client, staticDir: rendererDir(), port: flags.port ?? 0 });
  const stopCollector = startParentCollector(
    (samples) => client.recordSamples(samples),
    () => [],
    (err) => console.error('[preview] collector failed:', err),
  );
  console.log(`Data folder: ${dataDir}`);
  console.log(`Telemetry panel: ${server.url}`);

  let stopping = false;
  const stop = async (): Promise<void> => {
    if (stopping) return;
    stopping = true;
    stopCollector();
    await server.close();
    process.exitCode = (await client.close()) === 0 ? 0 : 1;
  };
  process.on('SIGINT', () => void stop());
  process.on('SIGTERM', () => void stop());
  void client.exited.then(async (code) => {
    if (stopping) return;
    console.error(`The storage host exited unexpectedly (code ${code}): stopping the preview.`);
    await stop();
  });
}

if (isMainModule(import.meta.url)) {
  runPreview(process.argv.slice(2)).catch((err: unknown) => {
    console.error(err instanceof Error ? err.message : err);
    process.exit(1);
  });
}
