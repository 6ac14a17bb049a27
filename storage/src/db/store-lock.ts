/**
 * One writer per store file, enforced. The store's writer holds an exclusive SQLite lock on a
 * companion file (`<db>.lock`) for as long as it is open: the kernel drops that lock when the
 * process ends, however it ends (a crash, SIGKILL), so no stale lock outlives its owner, and SQLite
 * refuses a second connection in the same process as well. The database file itself stays
 * readable by anyone (the sqlite3 shell, a read-only connection). Beside the lock, `<db>.owner`
 * names the process holding it, so a second writer's STORE_LOCKED error can say who that is.
 */
import { ENGINE_SUFFIXES } from './store-files.ts';
import Database from 'better-sqlite3';
import { mkdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { basename, dirname } from 'node:path';
import { StorageError } from '../errors.ts';

/** Who holds a store, as its owner file records it. */
export interface StoreOwner {
  pid: number;
  /** What the process is: the npm script that started it, else its script's file name. */
  title: string;
  /** When it took the lock (ms since the epoch). */
  since: number;
}

export class StoreLock {
  private constructor(
    private readonly lockDb: Database.Database,
    private readonly ownerPath: string,
  ) {}

  /** Takes the store's writer lock, or throws STORE_LOCKED naming the process that holds it. */
  static acquire(dbPath: string, now: number): StoreLock {
    mkdirSync(dirname(dbPath), { recursive: true });
    const lockDb = new Database(`${dbPath}${ENGINE_SUFFIXES.lock}`);
    try {
      lockDb.pragma('busy_timeout = 0');
      lockDb.pragma('locking_mode = EXCLUSIVE');
      // The file holds nothing worth a journal or an fsync: only its lock matters.
      lockDb.pragma('journal_mode = OFF');
      lockDb.pragma('synchronous = OFF');
      // The first write takes the exclusive lock; in this locking mode it is kept until close.
      lockDb.pragma('user_version = 1');
    } catch (err) {
      lockDb.close();
      if ((err as { code?: unknown }).code === 'SQLITE_BUSY') throw lockedError(dbPath);
      throw err;
    }
    const owner: StoreOwner = { pid: process.pid, title: processTitle(), since: now };
    const ownerPath = `${dbPath}${ENGINE_SUFFIXES.owner}`;
    try {
      writeFileSync(ownerPath, JSON.stringify(owner));
    } catch {
      // A full disk: the lock holds all the same; a second writer's error just cannot name us.
      rmSync(ownerPath, { force: true });
    }
    return new StoreLock(lockDb, ownerPath);
  }

  /** Gives the lock back (the owner file goes first, so nobody reads a stale name). */
  release(): void {
    rmSync(this.ownerPath, { force: true });
    this.lockDb.close();
  }
}

/** The file name of this process's script, and the npm script it runs under (`storage-host.js from npm start`). */
function processTitle(): string {
  const file = process.argv[1] ? basename(process.argv[1]) : process.title;
  const script = process.env.npm_lifecycle_event;
  if (!script) return file;
  return `${file} from ${script === 'start' ? 'npm start' : `npm run ${script}`}`;
}

function readOwner(dbPath: string): StoreOwner | undefined {
  try {
    const owner = JSON.parse(readFileSync(`${dbPath}${ENGINE_SUFFIXES.owner}`, 'utf8')) as Partial<StoreOwner>;
    if (typeof owner.pid !== 'number' || typeof owner.title !== 'string' || typeof owner.since !== 'number') return;
    return owner as StoreOwner;
  } catch {
    return undefined;
  }
}

function lockedError(dbPath: string): StorageError {
  const owner = readOwner(dbPath);
  const who =
    owner === undefined
      ? 'another process'
      : owner.pid === process.pid
        ? `another store instance in this process (since ${new Date(owner.since).toISOString()})`
        : `pid ${owner.pid} (${owner.title}, since ${new Date(owner.since).toISOString()})`;
  return new StorageError('STORE_LOCKED', `the store ${dbPath} is in use by ${who}: only one writer at a time`);
}
