/**
 * The Electron main process: one sandboxed, context-isolated window showing the renderer from the
 * app's own telemetry:// protocol (never a remote URL), with a strict CSP, navigation and new
 * windows blocked and every permission denied; a single instance. The store lives in a
 * utilityProcess (storage-host.cjs) reached through StorageHostClient, kept by a HostSupervisor: a
 * store that cannot be opened leaves the window up with the reason and the recovery choices (move
 * the file aside, retry, quit). IPC calls are forwarded only from the window's own main frame. On
 * quit the host closes the store before the app exits.
 */
import { join } from 'node:path';
import {
  app,
  BrowserWindow,
  dialog,
  ipcMain,
  Notification,
  protocol,
  session,
  shell,
  utilityProcess,
  type ProcessMetric,
  type UtilityProcess,
} from 'electron';
import type { MetricSample } from '../../storage/src/index.ts';
import { startParentCollector } from '../collector/collector.ts';
import { dataPaths, hostArgs, parseShellFlags, resolveDataDir, type ShellFlags } from '../host/data-dir.ts';
import type { HostChannel, StorageHostClient } from '../host/host-client.ts';
import { HostSupervisor } from '../host/host-supervisor.ts';
import { METRIC } from '../collector/metric-catalog.ts';
import { TRANSPORT, type CallReply } from '../../shared/panel-api.ts';
import { rendererDir } from '../scripts/project.ts';
import { SECURITY_HEADERS } from '../panel-files/security-headers.ts';
import { APP_HOST, APP_SCHEME, APP_URL, isTrustedSender } from './security.ts';
import { readIndexPage, readStaticFile } from '../panel-files/static-files.ts';
import { ElectronNotifier } from './electron-notifier.ts';
import type { PanelEvent } from '../../shared/events.ts';

const FORBIDDEN: CallReply = {
  ok: false,
  error: { code: 'FORBIDDEN', message: 'calls are accepted only from the panel window' },
};

protocol.registerSchemesAsPrivileged([
  { scheme: APP_SCHEME, privileges: { standard: true, secure: true, supportFetchAPI: true } },
]);

function utilityChannel(child: UtilityProcess): HostChannel {
  return {
    post: (request) => child.postMessage(request),
    onMessage: (listener) => child.on('message', listener),
    onExit: (listener) => child.on('exit', listener),
    kill: () => child.kill(),
  };
}

function launchStorageHost(dataDir: string, flags: ShellFlags): HostChannel {
  const entry = join(import.meta.dirname, 'storage-host.cjs');
  const child = utilityProcess.fork(entry, hostArgs(dataDir, flags), {
    serviceName: 'Telemetry storage',
    stdio: 'inherit',
  });
  return utilityChannel(child);
}

/** Serves dist/renderer on telemetry://panel/ with the security headers. */
function serveRenderer(root: string): void {
  protocol.handle(APP_SCHEME, (request) => {
    const url = new URL(request.url);
    const isPage = url.pathname === '/' || url.pathname === '/index.html';
    const file = url.host !== APP_HOST ? null : isPage ? readIndexPage(root) : readStaticFile(root, url.pathname);
    if (!file) return new Response('not found', { status: 404, headers: SECURITY_HEADERS });
    return new Response(new Uint8Array(file.body), {
      headers: { ...SECURITY_HEADERS, 'Content-Type': file.contentType },
    });
  });
}

/** Denies every permission, webview, navigation and new window, for every web contents. */
function lockDown(): void {
  session.defaultSession.setPermissionRequestHandler((_contents, _permission, callback) => callback(false));
  session.defaultSession.setPermissionCheckHandler(() => false);
  app.on('web-contents-created', (_event, contents) => {
    contents.on('will-navigate', (event) => event.preventDefault());
    contents.on('will-redirect', (event) => event.preventDefault());
    contents.on('will-attach-webview', (event) => event.preventDefault());
    contents.setWindowOpenHandler(() => ({ action: 'deny' }));
  });
}

function createWindow(): BrowserWindow {
  const window = new BrowserWindow({
    width: 1280,
    height: 820,
    show: false,
    title: 'Telemetry',
    webPreferences: {
      preload: join(import.meta.dirname, 'preload.cjs'),
      contextIsolation: true,
      sandbox: true,
      nodeIntegration: false,
      webSecurity: true,
      spellcheck: false,
    },
  });
  window.once('ready-to-show', () => window.show());
  void window.loadURL(APP_URL);
  return window;
}

/** Connects the window to the host: calls and recovery calls (trusted sender only), the panel's events. */
function connect(window: BrowserWindow, supervisor: HostSupervisor): void {
  const trusted = (event: Electron.IpcMainInvokeEvent): boolean =>
    isTrustedSender(event, window.isDestroyed() ? null : window.webContents.mainFrame);
  ipcMain.handle(TRANSPORT.callChannel, (event, envelope: unknown) =>
    trusted(event) ? supervisor.forward(envelope) : FORBIDDEN,
  );
  ipcMain.handle(TRANSPORT.recoveryChannel, (event, envelope: unknown) =>
    trusted(event) ? supervisor.handleRecoveryCall(envelope) : FORBIDDEN,
  );
  const send = (event: PanelEvent): void => {
    if (!window.isDestroyed()) window.webContents.send(TRANSPORT.eventChannel, event);
  };
  const notifier = new ElectronNotifier(Notification);
  supervisor.onEvent((event) => {
    // An incident to notify is shown natively here; clicking it opens the incident in the panel.
    if (event.name !== 'incident-notification') return send(event);
    notifier.notify(event.payload, () => {
      if (window.isDestroyed()) return;
      window.show();
      window.focus();
      send({ name: 'open-incident', payload: { incidentId: event.payload.incidentId } });
    });
  });
}

/** The renderer's CPU and memory, as Electron measures them. */
function rendererSamples(window: BrowserWindow, metrics: ProcessMetric[], timestamp: number): MetricSample[] {
  if (window.isDestroyed()) return [];
  const pid = window.webContents.getOSProcessId();
  const renderer = metrics.find((m) => m.pid === pid);
  if (!renderer) return [];
  const labels = { process: 'renderer' };
  return [
    { name: METRIC.cpu, value: renderer.cpu.percentCPUUsage, timestamp, labels },
    { name: METRIC.residentMemory, value: renderer.memory.workingSetSize * 1024, timestamp, labels },
  ];
}

/** Records main's and the renderer's samples through an open host; returns the function that stops it. */
function collectInto(client: StorageHostClient, window: BrowserWindow): () => void {
  return startParentCollector(
    (samples) => client.recordSamples(samples),
    (timestamp) => rendererSamples(window, app.getAppMetrics(), timestamp),
    (err) => console.error('[main] collector failed:', err),
  );
}

/**
 * Each host that opens gets reveal and the collector; quitting closes the open host (and its store)
 * first; a host that dies on its own closes the app.
 */
function superviseHost(supervisor: HostSupervisor, window: BrowserWindow): void {
  // quitting: the app asked the host to close; closed: the host is gone, the app may exit.
  let quitting = false;
  let closed = false;
  let stopCollector = (): void => undefined;
  supervisor.onOpened((client) => {
    client.onReveal((path) => shell.showItemInFolder(path));
    stopCollector = collectInto(client, window);
    void client.exited.then((code) => {
      if (quitting) return;
      closed = true;
      dialog.showErrorBox('Telemetry', `The storage process stopped unexpectedly (code ${code}). The app will close.`);
      app.quit();
    });
  });
  app.on('before-quit', (event) => {
    if (closed) return;
    event.preventDefault();
    if (quitting) return;
    quitting = true;
    stopCollector();
    void supervisor.close().finally(() => {
      closed = true;
      app.quit();
    });
  });
}

async function run(): Promise<void> {
  const flags = parseShellFlags(process.argv.slice(1));
  const dataDir = resolveDataDir(flags);
  await app.whenReady();
  lockDown();
  serveRenderer(rendererDir(app.getAppPath()));
  const supervisor = new HostSupervisor({
    dbPath: dataPaths(dataDir).dbPath,
    launch: () => launchStorageHost(dataDir, flags),
    quit: () => app.quit(),
  });
  const { failure } = await supervisor.start();
  if (failure) console.error(`[main] the store cannot be opened (${failure.code}): ${failure.message}`);
  const window = createWindow();
  connect(window, supervisor);
  superviseHost(supervisor, window);

  app.on('second-instance', () => {
    if (window.isDestroyed()) return;
    if (window.isMinimized()) window.restore();
    window.focus();
  });
  app.on('window-all-closed', () => app.quit());
}

if (app.requestSingleInstanceLock()) {
  run().catch((err: unknown) => {
    console.error(err);
    app.exit(1);
  });
} else {
  app.quit();
}
