/**
 * The shell's typed errors and their wire form. The engine's StorageError codes pass through
 * unchanged; the shell adds its own (a missing export, a busy exporter, a dead host, a
 * forbidden sender). Anything else becomes INTERNAL, so a caller always gets `{ code, message }`.
 */
import { StorageError, type StorageErrorCode } from '../storage/src/errors.ts';
import type { PanelErrorPayload } from './panel-api.ts';

export type ShellErrorCode =
  | StorageErrorCode
  | 'NOT_FOUND'
  | 'BUSY'
  | 'FORBIDDEN'
  | 'HOST_UNAVAILABLE'
  | 'INTERNAL';

export class ShellError extends Error {
  readonly code: ShellErrorCode;

  constructor(code: ShellErrorCode, message: string) {
    super(message);
    this.name = 'ShellError';
    this.code = code;
  }
}

export function toErrorPayload(err: unknown): PanelErrorPayload {
  if (err instanceof StorageError || err instanceof ShellError) return { code: err.code, message: err.message };
  return { code: 'INTERNAL', message: err instanceof Error ? err.message : String(err) };
}
