/**
 * Opens the SQLite file with the engine's pragmas: WAL (when asked), synchronous=NORMAL, a busy
 * timeout for second connections, secure_delete so that deleted telemetry is zeroed, and
 * incremental auto-vacuum so that retention can hand space back to the file system. The file is
 * recognised first (store-file.ts) and every failure of the open is a typed error (open-errors.ts).
 * Under a size cap (`maxSizeBytes`) the WAL gets a share of the cap and the database file the rest.
 */
import Database from 'better-sqlite3';
import { mkdirSync } from 'node:fs';
import { dirname } from 'node:path';
import { openFailure, translateOpenError } from './open-errors.ts';
import { checkIntegrity, checkStoreFile, recogniseStore } from './store-file.ts';

export type Db = Database.Database;

/** How long a connection waits for another connection's lock before SQLITE_BUSY. */
export const BUSY_TIMEOUT_MS = 10_000;

/** The WAL is truncated back to this size after each checkpoint that resets it. */
export const WAL_SIZE_LIMIT_BYTES = 16 * 1024 * 1024;

/** Under a size cap, the part of it the WAL may use; the database file may use the rest. */
export function walShareOf(maxSizeBytes: number): number {
  return Math.floor(maxSizeBytes / 4);
}

/**
 * Checkpoints the WAL and truncates it; false when another connection's snapshot kept it from being
 * reset. It does not wait for readers (the store is the file's only writer, so nothing else can
 * hold it up): a reader's snapshot would otherwise stall the caller for the whole busy timeout.
 */
export function checkpointWal(db: Db): boolean {
  db.pragma('busy_timeout = 0');
  try {
    const [result] = db.pragma('wal_checkpoint(TRUNCATE)') as { busy: number }[];
    return result === undefined || result.busy === 0;
  } finally {
    db.pragma(`busy_timeout = ${BUSY_TIMEOUT_MS}`);
  }
}

/**
 * Opens the store at `dbPath` (a new one when no file is there); refuses a file that is not a usable
 * store. `beforeWrite` runs once the file is recognised, before anything is written (the writer's lock).
 */
export function openDatabase(
  dbPath: string,
  walMode: boolean,
  maxSizeBytes?: number,
  beforeWrite: () => void = () => undefined,
): Db {
  const check = dbPath === ':memory:' ? 'new' : checkStoreFile(dbPath);
  beforeWrite();
  let db: Db;
  try {
    if (dbPath !== ':memory:') mkdirSync(dirname(dbPath), { recursive: true });
    db = new Database(dbPath);
  } catch (err) {
    throw translateOpenError(err, dbPath);
  }
  try {
    // SQLite opens a file it may not write read-only, without saying so.
    if (db.readonly) throw openFailure('CANNOT_OPEN', dbPath, 'the file or its folder is read-only');
    if (check === 'needs-recovery') {
      recogniseStore(db, dbPath);
      checkIntegrity(db, dbPath);
    }
    configure(db, walMode, maxSizeBytes);
    return db;
  } catch (err) {
    db.close();
    throw translateOpenError(err, dbPath);
  }
}

function configure(db: Db, walMode: boolean, maxSizeBytes: number | undefined): void {
  db.pragma(`busy_timeout = ${BUSY_TIMEOUT_MS}`);
  // Must precede the first table; a no-op on an existing file whose mode is already set.
  db.pragma('auto_vacuum = INCREMENTAL');
  db.pragma(`journal_mode = ${walMode ? 'WAL' : 'DELETE'}`);
  db.pragma('synchronous = NORMAL');
  db.pragma('secure_delete = ON');
  db.pragma('foreign_keys = ON');
  db.pragma(`journal_size_limit = ${WAL_SIZE_LIMIT_BYTES}`);
  db.pragma('temp_store = MEMORY');
  db.pragma('cache_size = -32000');
  if (maxSizeBytes !== undefined) {
    const pageSize = db.pragma('page_size', { simple: true }) as number;
    const walShare = walShareOf(maxSizeBytes);
    db.pragma(`max_page_count = ${Math.max(1, Math.floor((maxSizeBytes - walShare) / pageSize))}`);
    db.pragma(`journal_size_limit = ${walShare}`);
    db.pragma(`wal_autocheckpoint = ${Math.max(1, Math.floor(walShare / pageSize / 2))}`);
  }
}
