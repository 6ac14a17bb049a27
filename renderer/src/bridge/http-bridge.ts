/**
 * The browser preview's `window.telemetry`: the same TelemetryBridge as Electron's preload, carried
 * over HTTP to the preview server on 127.0.0.1. Calls are `POST TRANSPORT.httpCallPath` with the
 * per-run token (read from the page's `?token=`) in TRANSPORT.tokenHeader; the host's events come
 * from one EventSource on TRANSPORT.httpEventsPath, opened while someone listens (one SSE event
 * name per panel event). The recovery calls go to TRANSPORT.httpRecoveryPath the same way. A failed
 * call rejects with a PanelErrorPayload `{ code, message }`, exactly as in Electron.
 */
import { EventHub, PANEL_EVENTS, type PanelEvent } from '../../../shared/events.ts';
import { TRANSPORT, createPanelApi, type CallReply, type TelemetryBridge } from '../../../shared/panel-api.ts';
import { createRecoveryApi } from '../../../shared/store-recovery.ts';

async function postCall(path: string, token: string, method: string, args: unknown[]): Promise<CallReply> {
  let response: Response;
  try {
    response = await fetch(path, {
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

/** One EventSource, open while anyone listens, delivering every panel event by its SSE name. */
function eventStream(token: string): EventHub {
  let source: EventSource | null = null;
  const hub: EventHub = new EventHub({
    onActive: () => {
      const opened = new EventSource(`${TRANSPORT.httpEventsPath}?token=${encodeURIComponent(token)}`);
      for (const name of PANEL_EVENTS) {
        opened.addEventListener(name, (event: MessageEvent<string>) => {
          hub.emit({ name, payload: JSON.parse(event.data) as unknown } as PanelEvent);
        });
      }
      source = opened;
    },
    onIdle: () => {
      source?.close();
      source = null;
    },
  });
  return hub;
}

export function installHttpBridge(): void {
  const token = new URLSearchParams(location.search).get('token');
  if (!token) throw new Error('The page URL lacks its ?token=: open the URL the preview printed.');
  const bridge: TelemetryBridge = {
    ...createPanelApi((method, args) => postCall(TRANSPORT.httpCallPath, token, method, args)),
    on: eventStream(token).on,
    recovery: createRecoveryApi((method, args) => postCall(TRANSPORT.httpRecoveryPath, token, method, args)),
  };
  Object.defineProperty(window, 'telemetry', { value: Object.freeze(bridge), enumerable: true });
}
