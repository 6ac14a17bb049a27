/**
 * The browser preview's `window.telemetry`: the same TelemetryBridge as Electron's preload, carried
 * over HTTP to the preview server on 127.0.0.1. Calls are `POST TRANSPORT.httpCallPath` with the
 * per-run token (read from the page's `?token=`) in TRANSPORT.tokenHeader; export progress comes
 * from one EventSource on TRANSPORT.httpEventsPath, opened while someone listens. A failed call
 * rejects with a PanelErrorPayload `{ code, message }`, exactly as in Electron.
 */
import {
  TRANSPORT,
  createPanelApi,
  type CallReply,
  type ExportProgress,
  type PanelMethod,
  type TelemetryBridge,
} from '../../../electron/panel-api.ts';

async function postCall(token: string, method: PanelMethod, args: unknown[]): Promise<CallReply> {
  let response: Response;
  try {
    response = await fetch(TRANSPORT.httpCallPath, {
      method: 'POST',
      headers: { 'Content-Type': 'application/json', [TRANSPORT.tokenHeader]: token },
      body: JSON.stringify({ method, args }),
    });
  } catch {
    return { ok: false, error: { code: 'HOST_UNAVAILABLE', message: 'the preview server cannot be reached' } };
  }
  try {
    return (await response.json()) as CallReply;
  } catch {
    return { ok: false, error: { code: 'INTERNAL', message: `the preview server answered HTTP ${response.status}` } };
  }
}

/** One EventSource shared by every progress listener; closed when the last one unsubscribes. */
function progressEvents(token: string): (listener: (progress: ExportProgress) => void) => () => void {
  const listeners = new Set<(progress: ExportProgress) => void>();
  let source: EventSource | null = null;
  const deliver = (event: MessageEvent<string>): void => {
    const progress = JSON.parse(event.data) as ExportProgress;
    for (const listener of listeners) listener(progress);
  };
  return (listener) => {
    listeners.add(listener);
    if (!source) {
      source = new EventSource(`${TRANSPORT.httpEventsPath}?token=${encodeURIComponent(token)}`);
      source.addEventListener('export-progress', deliver);
    }
    return () => {
      listeners.delete(listener);
      if (listeners.size === 0 && source) {
        source.close();
        source = null;
      }
    };
  };
}

export function installHttpBridge(): void {
  const token = new URLSearchParams(location.search).get('token');
  if (!token) throw new Error('The page URL lacks its ?token=: open the URL the preview printed.');
  const bridge: TelemetryBridge = {
    ...createPanelApi((method, args) => postCall(token, method, args)),
    onExportProgress: progressEvents(token),
  };
  Object.defineProperty(window, 'telemetry', { value: Object.freeze(bridge), enumerable: true });
}
