/**
 * The storage host's process entry: run by child_process.fork under Node and by
 * utilityProcess.fork in Electron (same code, same messages). It opens the host service for the
 * data folder given by `--data-dir` (`--otlp[=PORT]` turns the OTLP receiver on for this run),
 * answers requests from its parent, and exits once the parent asked it to shut down (after closing
 * the store) or went away. A store it cannot open is reported
 * (`fatal`: the typed code, message and file) before it exits; the parent decides what follows.
 */
import { dataPaths, parseShellFlags, resolveDataDir } from './data-dir.ts';
import type { HostMessage } from './host-protocol.ts';
import { openHostService, type HostService } from './host-service.ts';
import { toErrorPayload } from './shell-errors.ts';
import type { PanelErrorPayload } from '../../shared/errors.ts';

/** The connection to the parent, whichever kind of process this is. */
interface ParentLink {
  post(message: HostMessage, sent?: () => void): void;
  onMessage(listener: (message: unknown) => void): void;
  onDisconnect(listener: () => void): void;
}

/** Electron's utilityProcess port (process.parentPort), typed structurally to keep Electron out of this bundle. */
interface ElectronParentPort {
  postMessage(message: unknown): void;
  on(event: 'message', listener: (event: { data: unknown }) => void): void;
}

function parentLink(): ParentLink {
  const electronPort = (process as { parentPort?: ElectronParentPort }).parentPort;
  if (electronPort) {
    return {
      post: (message, sent) => {
        electronPort.postMessage(message);
        if (sent) setImmediate(sent);
      },
      onMessage: (listener) => electronPort.on('message', (event) => listener(event.data)),
      onDisconnect: () => undefined,
    };
  }
  const send = process.send?.bind(process);
  if (!send) throw new Error('the storage host is started by its client (StorageHostClient), never directly');
  return {
    post: (message, sent) => send(message, undefined, undefined, () => sent?.()),
    onMessage: (listener) => process.on('message', listener),
    onDisconnect: (listener) => process.on('disconnect', listener),
  };
}

function serve(link: ParentLink, service: HostService): void {
  const exitAfterClose = (): void => {
    void service.close().finally(() => process.exit(0));
  };
  link.onMessage((request) => {
    void service.dispatch(request).then((reply) => {
      const shutdown = reply.ok && (request as { method?: unknown }).method === 'shutdown';
      link.post(reply, shutdown ? () => process.exit(0) : undefined);
    });
  });
  link.onDisconnect(exitAfterClose);
  process.on('SIGTERM', exitAfterClose);
  // Ctrl+C reaches the whole process group: the parent decides when the host shuts down.
  process.on('SIGINT', () => undefined);
}

/** Why the store did not open: the engine's typed error, or a data folder the file system refused (CANNOT_OPEN). */
function startFailure(err: unknown): PanelErrorPayload {
  const payload = toErrorPayload(err);
  const systemError = typeof (err as { syscall?: unknown } | null)?.syscall === 'string';
  return payload.code === 'INTERNAL' && systemError ? { ...payload, code: 'CANNOT_OPEN' } : payload;
}

function main(): void {
  const link = parentLink();
  const flags = parseShellFlags(process.argv.slice(2));
  const paths = dataPaths(resolveDataDir(flags));
  let service: HostService;
  try {
    service = openHostService({ paths, emit: (event) => link.post(event) });
  } catch (err) {
    link.post({ event: 'fatal', error: startFailure(err), dbPath: paths.dbPath }, () => process.exit(1));
    return;
  }
  serve(link, service);
  if (flags.otlp !== undefined) service.ingest.config.overrideOtlp(flags.otlp);
  link.post({ event: 'ready' });
}

main();
