/**
 * Recognises the file at a store's path before the engine writes to it. A missing file becomes a
 * new store; anything else is looked at through a read-only connection, which changes nothing, and
 * refused with its typed code when it is a folder (CANNOT_OPEN), empty, not SQLite or another
 * program's database (NOT_A_STORE), written by a newer engine (SCHEMA_TOO_NEW) or damaged
 * (CORRUPT: SQLite says so, or `PRAGMA quick_check` fails). A refused file is left byte for byte
 * as it was.
 */
import Database from 'better-sqlite3';
import { statSync, type Stats } from 'node:fs';
import type { Db } from './connection.ts';
import { STORE_APPLICATION_ID, STORE_TABLES, checkSchemaVersion } from './migrations.ts';
import { needsWriterRecovery, openFailure, translateOpenError } from './open-errors.ts';

/** What the look at an existing file found: nothing against it, or nothing yet (SQLite must recover it first). */
export type StoreFileCheck = 'new' | 'recognised' | 'needs-recovery';

function statOrNull(dbPath: string): Stats | null {
  try {
    return statSync(dbPath);
  } catch (err) {
    if ((err as { code?: unknown }).code === 'ENOENT') return null;
    throw translateOpenError(err, dbPath);
  }
}

/** Refuses a file that is not this engine's store or is newer than this code (read-only: changes nothing). */
export function recogniseStore(db: Db, dbPath: string): void {
  const applicationId = db.pragma('application_id', { simple: true }) as number;
  const version = db.pragma('user_version', { simple: true }) as number;
  const tables = db.prepare("SELECT name FROM sqlite_schema WHERE type = 'table'").pluck().all() as string[];
  if (applicationId !== STORE_APPLICATION_ID) {
    if (applicationId !== 0) {
      throw openFailure('NOT_A_STORE', dbPath, `another program's database (application_id ${applicationId})`);
    }
    const blank = tables.length === 0 && version === 0;
    const olderStore = version >= 1 && STORE_TABLES.every((table) => tables.includes(table));
    if (!blank && !olderStore) {
      throw openFailure('NOT_A_STORE', dbPath, `another program's SQLite database (tables: ${tables.join(', ')})`);
    }
  }
  checkSchemaVersion(version, dbPath);
}

/** Refuses a store whose pages SQLite finds damaged (quick_check: every page, no index cross-check). */
export function checkIntegrity(db: Db, dbPath: string): void {
  const verdict = db.pragma('quick_check(1)', { simple: true }) as string;
  if (verdict !== 'ok') throw openFailure('CORRUPT', dbPath, `the integrity check failed: ${verdict}`);
}

/** Looks at the file at `dbPath` before it is opened for writing; throws the typed reason to refuse it. */
export function checkStoreFile(dbPath: string): StoreFileCheck {
  const stat = statOrNull(dbPath);
  if (stat === null) return 'new';
  if (stat.isDirectory()) throw openFailure('CANNOT_OPEN', dbPath, 'the path is a folder, not a file');
  if (!stat.isFile()) throw openFailure('CANNOT_OPEN', dbPath, 'the path is not a regular file');
  if (stat.size === 0) throw openFailure('NOT_A_STORE', dbPath, 'the file is empty');
  let db: Db;
  try {
    db = new Database(dbPath, { readonly: true, fileMustExist: true });
  } catch (err) {
    throw translateOpenError(err, dbPath);
  }
  try {
    recogniseStore(db, dbPath);
    checkIntegrity(db, dbPath);
    return 'recognised';
  } catch (err) {
    if (needsWriterRecovery(err)) return 'needs-recovery';
    throw translateOpenError(err, dbPath);
  } finally {
    db.close();
  }
}
