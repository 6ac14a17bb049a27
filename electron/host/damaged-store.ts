/**
 * Moving a store that cannot be used out of the way, so that a fresh one can start: the database
 * file and its companions (-wal, -shm, -journal) are renamed, in the same folder, to
 * `<name>.damaged-<UTC time>` (`telemetry.db.damaged-2026-11-30T10-00-00Z`), never written, copied
 * or deleted. The companions go first: a WAL left beside a fresh store would be replayed into it.
 * Shared by Electron main and the browser preview (through HostSupervisor).
 */
import { existsSync, renameSync } from 'node:fs';
import { SQLITE_SUFFIXES } from '../../shared/constants.ts';

/**
 * SQLite's files beside the database, moved with it (moved before it, see above). The engine's own
 * (lock, owner, reserve) describe no data and stay for the fresh store.
 */
const COMPANION_SUFFIXES = Object.values(SQLITE_SUFFIXES);

/** The marker in a moved file's name; the time follows it. */
const DAMAGED_SUFFIX = '.damaged-';

/** 2026-11-30T10:00:00.123Z -> 2026-11-30T10-00-00Z: sortable, and valid in a file name everywhere. */
function fileStamp(ms: number): string {
  return new Date(ms)
    .toISOString()
    .replace(/\.\d{3}Z$/, 'Z')
    .replaceAll(':', '-');
}

/** The first stamp no file of this store is already moved under (two moves in one second get -2, -3...). */
function freeStamp(dbPath: string, ms: number): string {
  const base = fileStamp(ms);
  const taken = (stamp: string): boolean =>
    ['', ...COMPANION_SUFFIXES].some((suffix) => existsSync(`${dbPath}${DAMAGED_SUFFIX}${stamp}${suffix}`));
  let stamp = base;
  for (let n = 2; taken(stamp); n++) stamp = `${base}-${n}`;
  return stamp;
}

/**
 * Renames the store at `dbPath` and its companions aside; returns the new paths (the database's
 * last). Nothing is renamed over an existing file; a missing companion is skipped.
 */
export function moveStoreAside(dbPath: string, now: number): string[] {
  const stamp = freeStamp(dbPath, now);
  const moved: string[] = [];
  for (const suffix of [...COMPANION_SUFFIXES, '']) {
    const from = `${dbPath}${suffix}`;
    if (!existsSync(from)) continue;
    const to = `${dbPath}${DAMAGED_SUFFIX}${stamp}${suffix}`;
    renameSync(from, to);
    moved.push(to);
  }
  return moved;
}
