/**
 * The shell's typed errors and their wire form. The engine's StorageError codes pass through
 * unchanged; the shell adds its own (shared/errors.ts). Anything else becomes INTERNAL, so a
 * caller always gets `{ code, message }`.
 */
import type { ErrorCode, PanelErrorPayload } from '../../shared/errors.ts';
import { StorageError } from '../../storage/src/index.ts';

export class ShellError extends Error {
  readonly code: ErrorCode;

  constructor(code: ErrorCode, message: string) {
    super(message);
    this.name = 'ShellError';
    this.code = code;
  }
}

export function toErrorPayload(err: unknown): PanelErrorPayload {
  if (err instanceof StorageError || err instanceof ShellError) return { code: err.code, message: err.message };
  return { code: 'INTERNAL', message: err instanceof Error ? err.message : String(err) };
}
