/**
 * The renderer's only door to the storage host: `window.telemetry`, defined by Electron's preload
 * or by the browser preview's HTTP bridge. Also turns a failed call into a sentence a person can read.
 */
import type { TelemetryBridge } from '../../../electron/panel-api.ts';

export function telemetry(): TelemetryBridge {
  const bridge = (window as { telemetry?: TelemetryBridge }).telemetry;
  if (!bridge) throw new Error('The telemetry bridge is not available in this window.');
  return bridge;
}

export function hasTelemetry(): boolean {
  return (window as { telemetry?: TelemetryBridge }).telemetry !== undefined;
}

/** A readable message for an error thrown by a panel call (those carry a `code`). */
export function errorMessage(err: unknown): string {
  if (err instanceof Error || (typeof err === 'object' && err !== null && 'message' in err)) {
    const { code, message } = err as { code?: unknown; message?: unknown };
    const text = typeof message === 'string' && message !== '' ? message : 'Something went wrong.';
    switch (code) {
      case 'DISK_FULL':
        return `The disk is full: ${text}`;
      case 'INVALID_QUERY':
      case 'INVALID_ARGUMENT':
        return `The request was not accepted: ${text}`;
      case 'STORE_CLOSED':
        return 'The store is closed. Restart the app to reopen it.';
      case 'EXPORT_FAILED':
        return `The export failed: ${text}`;
      default:
        return text;
    }
  }
  return String(err);
}
