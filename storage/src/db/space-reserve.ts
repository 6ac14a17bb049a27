/**
 * The space reserve: a file of RESERVE_BYTES beside the database (`<db>.reserve`) that the store
 * keeps so that retention can free space on a full disk. Deleting needs space too (the WAL must take
 * the changed pages, and pages not yet checkpointed must reach the database file), so on a full disk
 * retention gives the reserve back to the file system first, deletes in small checkpointed steps,
 * and takes the reserve again afterwards. Retention takes it (the first one writes it); best effort: a
 * reserve that cannot be written (the disk is already full) is taken at a later retention.
 */
import { ENGINE_SUFFIXES } from './store-files.ts';
import { closeSync, openSync, rmSync, statSync, writeSync } from 'node:fs';

/**
 * Enough for SQLite's automatic checkpoint threshold (1000 pages of 4 KiB) of WAL not yet in the
 * database file, plus one retention step.
 */
const RESERVE_BYTES = 8 * 1024 * 1024;

/** Written in blocks, so that the file system allocates every byte (a sparse file would reserve nothing). */
const BLOCK = Buffer.alloc(64 * 1024);

export class SpaceReserve {
  private readonly path: string;

  constructor(dbPath: string) {
    this.path = `${dbPath}${ENGINE_SUFFIXES.reserve}`;
  }

  /** Writes the reserve unless it is already whole; false when the disk has no room for it. */
  take(): boolean {
    if (this.size() === RESERVE_BYTES) return true;
    try {
      const fd = openSync(this.path, 'w');
      try {
        for (let written = 0; written < RESERVE_BYTES; written += BLOCK.length) writeSync(fd, BLOCK);
      } finally {
        closeSync(fd);
      }
      return true;
    } catch {
      this.release();
      return false;
    }
  }

  /** Gives the reserve back to the file system. */
  release(): void {
    rmSync(this.path, { force: true });
  }

  private size(): number {
    try {
      return statSync(this.path).size;
    } catch {
      return 0;
    }
  }
}
