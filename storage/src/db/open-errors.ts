/**
 * Opening's typed errors: SQLite's and the file system's raw failures while a store is opened,
 * turned into the StorageError codes a caller can act on (CORRUPT, NOT_A_STORE, CANNOT_OPEN), each
 * message naming the file. Anything else passes through unchanged.
 */
import { StorageError } from '../errors.ts';
import type { StorageErrorCode } from '../types.ts';

/** SQLite's primary result codes (extended codes start with them) and errno codes, by what they mean at open. */
const OPEN_CODES: readonly [prefix: string, code: StorageErrorCode, reason: string][] = [
  ['SQLITE_CORRUPT', 'CORRUPT', 'the file is damaged'],
  ['SQLITE_NOTADB', 'NOT_A_STORE', 'the file is not a SQLite database'],
  ['SQLITE_CANTOPEN', 'CANNOT_OPEN', 'the file or its folder cannot be opened'],
  ['SQLITE_READONLY', 'CANNOT_OPEN', 'the file or its folder is read-only'],
  ['SQLITE_PERM', 'CANNOT_OPEN', 'access is denied'],
  ['SQLITE_AUTH', 'CANNOT_OPEN', 'access is denied'],
  ['EACCES', 'CANNOT_OPEN', 'access is denied'],
  ['EPERM', 'CANNOT_OPEN', 'access is denied'],
  ['EROFS', 'CANNOT_OPEN', 'the file system is read-only'],
  ['ENOTDIR', 'CANNOT_OPEN', 'a part of the path is not a folder'],
  ['EISDIR', 'CANNOT_OPEN', 'the path is a folder'],
];

function errorCode(err: unknown): string | null {
  const code = (err as { code?: unknown } | null)?.code;
  return typeof code === 'string' ? code : null;
}

/** A raw failure while opening `dbPath` as a typed StorageError (or the error itself when it has no such meaning). */
export function translateOpenError(err: unknown, dbPath: string): unknown {
  if (err instanceof StorageError) return err;
  const code = errorCode(err);
  const match = code === null ? undefined : OPEN_CODES.find(([prefix]) => code.startsWith(prefix));
  if (!match) return err;
  const [, typed, reason] = match;
  const detail = err instanceof Error ? err.message : String(err);
  return new StorageError(typed, `${dbPath}: ${reason} (${detail})`, { cause: err });
}

/** SQLite needs a writer to recover this file (a hot rollback journal): a read-only look cannot tell more. */
export function needsWriterRecovery(err: unknown): boolean {
  return errorCode(err) === 'SQLITE_READONLY_ROLLBACK';
}

/** A typed error saying what is wrong with the file at `dbPath`. */
export function openFailure(code: StorageErrorCode, dbPath: string, reason: string): StorageError {
  return new StorageError(code, `${dbPath}: ${reason}`);
}
