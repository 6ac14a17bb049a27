/**
 * The browser preview's `window.telemetry`: the same TelemetryBridge as Electron's preload, carried
 * over HTTP to the preview server on 127.0.0.1. Calls are `POST TRANSPORT.httpCallPath` with the
 * per-run token (read from the page's `?token=`) in TRANSPORT.tokenHeader; the host's events come
 * from one EventSource on TRANSPORT.httpEventsPath, opened while someone listens (one SSE event
 * name per panel event). A failed call rejects with a PanelErrorPayload `{ code, message }`,
 * exactly as in Electron.
 */
import { EventHub, type PanelEvent, type PanelEventName } from '../../../shared/events.ts';
import {
  TRANSPORT,
  createPanelApi,
  type CallReply,
  type PanelMethod,
  type TelemetryBridge,
} from '../../../shared/panel-api.ts';

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

/** One EventSource shared by every listener, closed when the last one unsubscribes. */
function eventStream(token: string): EventHub {
  let source: EventSource | null = null;
  /** Event names with listeners, and those the current EventSource already delivers. */
  const active = new Set<PanelEventName>();
  const attached = new Set<PanelEventName>();
  const hub: EventHub = new EventHub({
    onFirst: (name) => {
      active.add(name);
      if (!source) {
        source = new EventSource(`${TRANSPORT.httpEventsPath}?token=${encodeURIComponent(token)}`);
        attached.clear();
      }
      if (attached.has(name)) return;
      attached.add(name);
      source.addEventListener(name, (event: MessageEvent<string>) => {
        hub.emit({ name, payload: JSON.parse(event.data) as unknown } as PanelEvent);
      });
    },
    onLast: (name) => {
      active.delete(name);
      if (active.size > 0 || !source) return;
      source.close();
      source = null;
    },
  });
  return hub;
}

export function installHttpBridge(): void {
  const token = new URLSearchParams(location.search).get('token');
  if (!token) throw new Error('The page URL lacks its ?token=: open the URL the preview printed.');
  const bridge: TelemetryBridge = {
    ...createPanelApi((method, args) => postCall(token, method, args)),
    on: eventStream(token).on,
  };
  Object.defineProperty(window, 'telemetry', { value: Object.freeze(bridge), enumerable: true });
}
