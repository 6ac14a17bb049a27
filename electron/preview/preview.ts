/**
 * `npm run preview`: the browser preview. Starts the storage host as a Node child process for the
 * data folder (through HostSupervisor), serves the renderer and the panel API on 127.0.0.1
 * (preview-server.ts) and prints the page's URL with its token. A store that cannot be opened does
 * not stop it: the page shows why and offers to move the file aside, retry or quit.
 * Flags: `--data-dir <dir>`, `--port <n>` (default: a free port), `--otlp[=PORT]` (the OTLP receiver
 * on for this run; the storage host prints its address).
 */
import { spawn } from 'node:child_process';
import { dirname } from 'node:path';
import { startParentCollector } from '../collector/collector.ts';
import { dataPaths, parseShellFlags, resolveDataDir } from '../host/data-dir.ts';
import { forkNodeHost, type StorageHostClient } from '../host/host-client.ts';
import { HostSupervisor } from '../host/host-supervisor.ts';
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

/** Records the parent's samples while a host is open; returns the function that stops it. */
function collectInto(client: StorageHostClient): () => void {
  return startParentCollector(
    (samples) => client.recordSamples(samples),
    () => [],
    (err) => console.error('[preview] collector failed:', err),
  );
}

export async function runPreview(argv: readonly string[]): Promise<void> {
  const flags = parseShellFlags(argv);
  const dataDir = resolveDataDir(flags);
  if (!ensureRendererBuilt()) console.warn('The renderer is not built: serving a placeholder page.');
  let stopping = false;
  let stopCollector = (): void => undefined;
  const supervisor = new HostSupervisor({
    dbPath: dataPaths(dataDir).dbPath,
    launch: () => forkNodeHost(dataDir, flags),
    quit: () => setImmediate(() => void stop()),
  });
  const stop = async (): Promise<void> => {
    if (stopping) return;
    stopping = true;
    stopCollector();
    await server.close();
    const code = await supervisor.close();
    process.exitCode = code === null || code === 0 ? 0 : 1;
  };
  supervisor.onOpened((client) => {
    client.onReveal(openInFileManager);
    stopCollector = collectInto(client);
    void client.exited.then(async (code) => {
      if (stopping) return;
      console.error(`The storage host exited unexpectedly (code ${code}): stopping the preview.`);
      await stop();
    });
  });
  const server = await startPreviewServer({
    backend: supervisor,
    recovery: (envelope) => supervisor.handleRecoveryCall(envelope),
    staticDir: rendererDir(),
    port: flags.port ?? 0,
  });
  const { failure } = await supervisor.start();
  console.log(`Data folder: ${dataDir}`);
  if (failure)
    console.error(`The store cannot be opened (${failure.code}): ${failure.message}. The panel says what can be done.`);
  console.log(`Telemetry panel: ${server.url}`);
  process.on('SIGINT', () => void stop());
  process.on('SIGTERM', () => void stop());
}

if (isMainModule(import.meta.url)) {
  runPreview(process.argv.slice(2)).catch((err: unknown) => {
    console.error(err instanceof Error ? err.message : err);
    process.exit(1);
  });
}
