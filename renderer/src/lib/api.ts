/**
 * The renderer's only door to the storage host: `window.telemetry`, defined by Electron's preload
 * or by the browser preview's HTTP bridge. Also turns a failed call into a sentence a person can
 * read, with one entry per wire error code (the compiler refuses a code left out).
 */
import { isPanelError, type ErrorCode } from '../../../shared/errors.ts';
import type { TelemetryBridge } from '../../../shared/panel-api.ts';

export function telemetry(): TelemetryBridge {
  const bridge = (window as { telemetry?: TelemetryBridge }).telemetry;
  if (!bridge) throw new Error('The telemetry bridge is not available in this window.');
  return bridge;
}

export function hasTelemetry(): boolean {
  return (window as { telemetry?: TelemetryBridge }).telemetry !== undefined;
}

const MESSAGES: Readonly<Record<ErrorCode, (text: string) => string>> = {
  INVALID_SAMPLE: (text) => text,
  INVALID_QUERY: (text) => `The request was not accepted: ${text}`,
  INVALID_ARGUMENT: (text) => `The request was not accepted: ${text}`,
  CARDINALITY_LIMIT: (text) => text,
  DISK_FULL: (text) => `The disk is full: ${text}`,
  STORE_CLOSED: () => 'The store is closed. Restart the app to reopen it.',
  EXPORT_FAILED: (text) => `The export failed: ${text}`,
  CANCELLED: () => 'Cancelled: nothing was written.',
  CORRUPT: (text) => `The store is damaged: ${text}`,
  NOT_A_STORE: (text) => `The file is not a telemetry store: ${text}`,
  SCHEMA_TOO_NEW: (text) => `The store was written by a newer version of the app: ${text}`,
  CANNOT_OPEN: (text) => `The store cannot be opened: ${text}`,
  STORE_LOCKED: (text) => `The store is in use by another process: ${text}`,
  CHUNK_CORRUPT: (text) => `Part of the stored data is damaged: ${text}`,
  NOT_FOUND: (text) => text,
  BUSY: (text) => text,
  FORBIDDEN: (text) => text,
  HOST_UNAVAILABLE: (text) => text,
  TIMEOUT: (text) => `The store did not answer in time: ${text}`,
  INTERNAL: (text) => text,
};

/** Whether sending the same call again may succeed: not when the request itself was refused. */
export function isRetryable(err: unknown): boolean {
  return !(isPanelError(err) && (err.code === 'INVALID_QUERY' || err.code === 'INVALID_ARGUMENT'));
}

/** A readable message for an error thrown by a panel call (those carry a `code`) or by the panel itself. */
export function errorMessage(err: unknown): string {
  const text = (message: unknown): string =>
    typeof message === 'string' && message !== '' ? message : 'Something went wrong.';
  if (isPanelError(err) && Object.hasOwn(MESSAGES, err.code)) return MESSAGES[err.code](text(err.message));
  if (typeof err === 'object' && err !== null && 'message' in err) return text(err.message);
  return String(err);
}
