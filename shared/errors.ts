/**
 * The wire form of a failed call, shared by every transport: `{ code, message }` with a code from
 * one typed union (the engine's StorageErrorCode plus the shell's own), so the panel can switch on
 * it exhaustively. A failed call rejects with this plain object on both transports (Electron's
 * contextBridge would strip an Error's `code`).
 */
import type { StorageErrorCode } from '../storage/src/types.ts';

/**
 * Codes the shell adds to the engine's: a missing export, a busy exporter, a dead host, a forbidden
 * sender, a call the host did not answer in time.
 */
export type ShellErrorCode = 'NOT_FOUND' | 'BUSY' | 'FORBIDDEN' | 'HOST_UNAVAILABLE' | 'TIMEOUT' | 'INTERNAL';

export type ErrorCode = StorageErrorCode | ShellErrorCode;

export interface PanelErrorPayload {
  code: ErrorCode;
  message: string;
}

/** True for the `{ code, message }` a failed panel call rejects with. */
export function isPanelError(value: unknown): value is PanelErrorPayload {
  if (typeof value !== 'object' || value === null) return false;
  const { code, message } = value as Partial<PanelErrorPayload>;
  return typeof code === 'string' && typeof message === 'string';
}
