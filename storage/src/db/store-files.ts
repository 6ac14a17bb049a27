/**
 * The files of a store, by the suffix they add to the database's path: SQLite's own (the WAL, its
 * shared memory, a rollback journal) and the engine's (the writer's lock and who holds it, the
 * space reserve). One list, for whoever must know them all (an export must not overwrite any).
 */
import { SQLITE_SUFFIXES } from '../../../shared/constants.ts';

export const ENGINE_SUFFIXES = { lock: '.lock', owner: '.owner', reserve: '.reserve' } as const;

/** The database itself and every file beside it that belongs to the store. */
export const STORE_FILE_SUFFIXES: readonly string[] = [
  '',
  ...Object.values(SQLITE_SUFFIXES),
  ...Object.values(ENGINE_SUFFIXES),
];
