/**
 * The Electron main process: one sandboxed, context-isolated window showing the renderer from the
 * app's own telemetry:// protocol (never a remote URL), with a strict CSP, navigation and new
 * windows blocked and every permission denied; a single instance. The store lives in a
 * utilityProcess (storage-host.cjs) reached through StorageHostClient; IPC calls are forwarded only
 * from the window's own main frame. On quit the host closes the store before the app exits.
 */
import { join } from 'node:path';
import {
  app,
  BrowserWindow,
  dialog,
  ipcMain,
  protocol,
  session,
  shell,
  utilityProcess,
  type ProcessMetric,
  type UtilityProcess,
} from 'electron';
import type { MetricSample } from '../../storage/src/index.ts';
import { startParentCollector } from '../collector/collector.ts';
import { parseShellFlags, resolveDataDir } from '../host/data-dir.ts';
import { StorageHostClient, type HostChannel } from '../host/host-client.ts';
import { METRIC } from '../collector/metric-catalog.ts';
import { TRANSPORT, type CallReply } from '../../shared/panel-api.ts';
import { rendererDir } from '../scripts/project.ts';
import { SECURITY_HEADERS } from '../panel-files/security-headers.ts';
import { APP_HOST, APP_SCHEME, APP_URL, isTrustedSender } from './security.ts';
import { readIndexPage, readStaticFile } from '../panel-files/static-files.ts';

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

function startStorageHost(dataDir: string): Promise<StorageHostClient> {
  const entry = join(import.meta.dirname, 'storage-host.cjs');
  const child = utilityProcess.fork(entry, ['--data-dir', dataDir], {
    serviceName: 'Telemetry storage',
    stdio: 'inherit',
  });
  return StorageHostClient.start(utilityChannel(child));
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

/** Connects the window to the host: calls (trusted sender only), the panel's events, reveal. */
function connect(window: BrowserWindow, client: StorageHostClient): void {
  ipcMain.handle(TRANSPORT.callChannel, (event, envelope: unknown) =>
    isTrustedSender(event, window.isDestroyed() ? null : window.webContents.mainFrame)
      ? client.forward(envelope)
      : FORBIDDEN,
  );
  client.onEvent((event) => {
    if (!window.isDestroyed()) window.webContents.send(TRANSPORT.eventChannel, event);
  });
  client.onReveal((path) => shell.showItemInFolder(path));
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

/** Quitting closes the host (and its store) first; a host that dies on its own closes the app. */
function closeHostOnQuit(client: StorageHostClient, stopCollector: () => void): void {
  // quitting: the app asked the host to close; closed: the host is gone, the app may exit.
  let quitting = false;
  let closed = false;
  void client.exited.then((code) => {
    if (quitting) return;
    closed = true;
    dialog.showErrorBox('Telemetry', `The storage process stopped unexpectedly (code ${code}). The app will close.`);
    app.quit();
  });
  app.on('before-quit', (event) => {
    if (closed) return;
    event.preventDefault();
    if (quitting) return;
    quitting = true;
    stopCollector();
    void client.close().finally(() => {
      closed = true;
      app.quit();
    });
  });
}

async function run(): Promise<void> {
  const dataDir = resolveDataDir(parseShellFlags(process.argv.slice(1)));
  await app.whenReady();
  lockDown();
  serveRenderer(rendererDir(app.getAppPath()));
  const client = await startStorageHost(dataDir);
  const window = createWindow();
  connect(window, client);
  const stopCollector = startParentCollector(
    (samples) => client.recordSamples(samples),
    (timestamp) => rendererSamples(window, app.getAppMetrics(), timestamp),
    (err) => console.error('[main] collector failed:', err),
  );

  app.on('second-instance', () => {
    if (window.isDestroyed()) return;
    if (window.isMinimized()) window.restore();
    window.focus();
  });
  app.on('window-all-closed', () => app.quit());
  closeHostOnQuit(client, stopCollector);
}

if (app.requestSingleInstanceLock()) {
  run().catch((err: unknown) => {
    console.error(err);
    app.exit(1);
  });
} else {
  app.quit();
}
