/**
 * The app window's security rules, as pure functions and constants so they can be tested without
 * Electron: the app's own origin and the IPC sender check (a call is accepted only from the main
 * frame of the app's own window, showing the app's own page). The response headers both shells
 * send are in panel-files/security-headers.ts.
 */

/** The custom protocol serving the renderer inside Electron: telemetry://panel/index.html. */
export const APP_SCHEME = 'telemetry';
export const APP_HOST = 'panel';
export const APP_URL = `${APP_SCHEME}://${APP_HOST}/index.html`;

/** What the sender check needs of an Electron WebFrameMain. */
export interface FrameIdentity {
  processId: number;
  routingId: number;
  url: string;
}

/** What the sender check needs of an Electron IpcMainInvokeEvent. */
export interface IpcSender {
  senderFrame: FrameIdentity | null;
}

/** True when `url` is a page of the app itself (telemetry://panel/...). */
export function isAppUrl(url: string): boolean {
  try {
    const parsed = new URL(url);
    return parsed.protocol === `${APP_SCHEME}:` && parsed.host === APP_HOST;
  } catch {
    return false;
  }
}

/** Accepts an IPC call only from the given window's main frame while it shows the app's page. */
export function isTrustedSender(event: IpcSender, mainFrame: FrameIdentity | null | undefined): boolean {
  const frame = event.senderFrame;
  if (!frame || !mainFrame) return false;
  return frame.processId === mainFrame.processId && frame.routingId === mainFrame.routingId && isAppUrl(frame.url);
}
