/**
 * Opening a store: every file that is not a usable store is refused with its typed code and left
 * byte for byte as it was (a folder or an unwritable place: CANNOT_OPEN; an empty file, garbage or
 * another program's SQLite database: NOT_A_STORE; a store from a newer engine: SCHEMA_TOO_NEW; a
 * damaged store: CORRUPT), while a missing file, a blank SQLite file, a store from before the
 * application_id marker and a store with a hot rollback journal open as before.
 */
import assert from 'node:assert/strict';
import { execFileSync, spawn } from 'node:child_process';
import { once } from 'node:events';
import { chmodSync, copyFileSync, existsSync, mkdirSync, readdirSync, readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, it } from 'node:test';
import Database from 'better-sqlite3';
import { MIGRATIONS, STORE_APPLICATION_ID } from '../src/db/migrations.ts';
import { StorageError, TimeSeriesStorage, type StorageErrorCode } from '../src/index.ts';
import { T0, regularSamples, rng, tempDir } from '../../test/support/store.ts';

/** The folder's files and their bytes, to prove a refused open changed nothing. */
function snapshot(dir: string): Map<string, Buffer> {
  return new Map(readdirSync(dir).map((name) => [name, readFileSync(join(dir, name))]));
}

function assertRefused(dbPath: string, code: StorageErrorCode, message: RegExp): void {
  assert.throws(
    () => new TimeSeriesStorage({ dbPath }),
    (err: unknown) => {
      assert.ok(err instanceof StorageError, `a StorageError, got ${String(err)}`);
      assert.equal(err.code, code);
      assert.match(err.message, message);
      assert.ok(err.message.includes(dbPath), 'the message names the file');
      return true;
    },
  );
}

/**
 * Every file of the folder is byte for byte as before; the only new files allowed are the empty WAL
 * and the shared-memory index that any SQLite reader of a WAL-mode file leaves beside it.
 */
function assertUntouched(dir: string, before: Map<string, Buffer>): void {
  const after = snapshot(dir);
  for (const [name, bytes] of before) assert.ok(after.get(name)?.equals(bytes), `${name} left as it was`);
  for (const [name, bytes] of after) {
    if (before.has(name)) continue;
    assert.ok(name.endsWith('-shm') || (name.endsWith('-wal') && bytes.length === 0), `nothing written: ${name}`);
  }
}

/** Refused with `code`, and the folder holding the file is as before. */
function assertRefusedUntouched(dir: string, dbPath: string, code: StorageErrorCode, message: RegExp): void {
  const before = snapshot(dir);
  assertRefused(dbPath, code, message);
  assertUntouched(dir, before);
}

/** A store written by the engine at schema version 5 (test/support/make-fixture-store.ts); copied, never opened in place. */
const FIXTURE_V5 = join(import.meta.dirname, '..', '..', 'test', 'fixtures', 'store-v5.db');

function withDir(run: (dir: string, dbPath: string) => void | Promise<void>): () => Promise<void> {
  return async () => {
    const { dir, cleanup } = tempDir('open-');
    try {
      await run(dir, join(dir, 'telemetry.db'));
    } finally {
      cleanup();
    }
  };
}

/** A closed store holding some samples (compressed chunks, head rows and rollups). */
async function filledStore(dbPath: string, enableCompression = true): Promise<void> {
  const store = new TimeSeriesStorage({ dbPath, enableCompression, now: () => T0 + 3_600_000 });
  const series = Array.from({ length: 20 }, (_, k) => ({ name: 'cpu', labels: { core: String(k) } }));
  await store.insertSamples(regularSamples(series, T0, 500, 1000, (k, i) => k + i / 10));
  await store.rollUpAndCompact();
  store.close();
}

function pragma(dbPath: string, name: string): unknown {
  const db = new Database(dbPath, { readonly: true });
  try {
    return db.pragma(name, { simple: true });
  } finally {
    db.close();
  }
}

/** Overwrites one page of the file with seeded garbage. */
function damagePage(dbPath: string, pageno: number): void {
  const bytes = readFileSync(dbPath);
  const pageSize = bytes.readUInt16BE(16);
  const random = rng(pageno);
  for (let i = 0; i < pageSize; i++) bytes[(pageno - 1) * pageSize + i] = Math.floor(random() * 256);
  writeFileSync(dbPath, bytes);
}

function pageOf(dbPath: string, table: string): number {
  const db = new Database(dbPath, { readonly: true });
  try {
    return db
      .prepare("SELECT pageno FROM dbstat WHERE name = ? AND pagetype = 'leaf' LIMIT 1")
      .pluck()
      .get(table) as number;
  } finally {
    db.close();
  }
}

/** Runs test/support/open-store-child.ts; as root, as the unprivileged user `nobody` (root ignores file modes). */
async function openInChild(dbPath: string): Promise<{ opened?: true; code?: string; message?: string }> {
  const asNobody = process.getuid?.() === 0 ? { uid: 65_534, gid: 65_534 } : {};
  const child = spawn(
    process.execPath,
    ['--import', 'tsx', join(import.meta.dirname, '..', '..', 'test', 'support', 'open-store-child.ts'), dbPath],
    {
      ...asNobody,
      stdio: ['ignore', 'pipe', 'inherit'],
    },
  );
  let out = '';
  child.stdout.on('data', (chunk: Buffer) => (out += chunk.toString()));
  await once(child, 'exit');
  return JSON.parse(out) as { opened?: true; code?: string; message?: string };
}

describe('opening refuses what is not a usable store, and changes nothing', () => {
  it(
    'refuses a zero-length file (NOT_A_STORE) instead of making it a new store',
    withDir((dir, dbPath) => {
      writeFileSync(dbPath, '');
      assertRefusedUntouched(dir, dbPath, 'NOT_A_STORE', /empty/);
    }),
  );

  it(
    'refuses a file that is not SQLite (NOT_A_STORE)',
    withDir((dir, dbPath) => {
      const random = rng(7);
      writeFileSync(dbPath, Buffer.from(Array.from({ length: 8192 }, () => Math.floor(random() * 256))));
      assertRefusedUntouched(dir, dbPath, 'NOT_A_STORE', /not a SQLite database/);
    }),
  );

  it(
    "refuses another program's SQLite database (NOT_A_STORE) without adding the engine's tables",
    withDir((dir, dbPath) => {
      const foreign = new Database(dbPath);
      foreign.exec(
        "CREATE TABLE notes (id INTEGER PRIMARY KEY, body TEXT); INSERT INTO notes (body) VALUES ('keep me')",
      );
      foreign.close();
      assertRefusedUntouched(dir, dbPath, 'NOT_A_STORE', /another program's SQLite database \(tables: notes\)/);
    }),
  );

  it(
    "refuses a database marked with another program's application_id (NOT_A_STORE)",
    withDir((dir, dbPath) => {
      const foreign = new Database(dbPath);
      foreign.pragma('application_id = 1234');
      foreign.close();
      assertRefusedUntouched(dir, dbPath, 'NOT_A_STORE', /application_id 1234/);
    }),
  );

  it(
    'refuses a store written by a newer engine (SCHEMA_TOO_NEW)',
    withDir(async (dir, dbPath) => {
      await filledStore(dbPath);
      const db = new Database(dbPath);
      db.pragma(`user_version = ${MIGRATIONS.length + 1}`);
      db.close();
      assertRefusedUntouched(dir, dbPath, 'SCHEMA_TOO_NEW', new RegExp(`schema version ${MIGRATIONS.length + 1}`));
    }),
  );

  for (const [table, enableCompression] of [
    ['chunks', true],
    ['samples', false],
  ] as const) {
    it(
      `refuses a store with a damaged page of ${table} (CORRUPT)`,
      withDir(async (dir, dbPath) => {
        await filledStore(dbPath, enableCompression);
        damagePage(dbPath, pageOf(dbPath, table));
        assertRefusedUntouched(dir, dbPath, 'CORRUPT', /damaged|integrity check failed/);
      }),
    );
  }

  it(
    "refuses a store whose schema page is damaged (CORRUPT, SQLite's own verdict)",
    withDir(async (dir, dbPath) => {
      await filledStore(dbPath);
      const bytes = readFileSync(dbPath);
      bytes.fill(0xff, 100, 400); // page 1 past the file header: sqlite_schema's b-tree page
      writeFileSync(dbPath, bytes);
      assertRefusedUntouched(dir, dbPath, 'CORRUPT', /damaged/);
    }),
  );

  it(
    'refuses a folder, or a path under a file (CANNOT_OPEN)',
    withDir((dir, dbPath) => {
      mkdirSync(dbPath);
      assertRefused(dbPath, 'CANNOT_OPEN', /folder/);
      const file = join(dir, 'plain-file');
      writeFileSync(file, 'x');
      assertRefused(join(file, 'telemetry.db'), 'CANNOT_OPEN', /not a folder/);
      assert.equal(readFileSync(file, 'utf8'), 'x');
    }),
  );

  it(
    'refuses a new store in a read-only folder, and an existing store it may not write (CANNOT_OPEN)',
    withDir(async (dir) => {
      const readOnly = join(dir, 'read-only');
      mkdirSync(readOnly);
      chmodSync(dir, 0o755);
      chmodSync(readOnly, 0o555);
      const fresh = await openInChild(join(readOnly, 'telemetry.db'));
      assert.equal(fresh.code, 'CANNOT_OPEN', JSON.stringify(fresh));
      assert.equal(existsSync(join(readOnly, 'telemetry.db')), false);

      const existing = join(dir, 'store', 'telemetry.db');
      await filledStore(existing);
      chmodSync(join(dir, 'store'), 0o555);
      chmodSync(existing, 0o444);
      const before = snapshot(join(dir, 'store'));
      const refused = await openInChild(existing);
      assert.equal(refused.code, 'CANNOT_OPEN', JSON.stringify(refused));
      assert.match(refused.message ?? '', /read-only|cannot be opened/);
      assertUntouched(join(dir, 'store'), before);
    }),
  );
});

describe('opening still accepts every usable store', () => {
  it(
    'creates a new store at a missing path and marks it with the application_id',
    withDir((_dir, dbPath) => {
      new TimeSeriesStorage({ dbPath }).close();
      assert.equal(pragma(dbPath, 'application_id'), STORE_APPLICATION_ID);
      assert.equal(pragma(dbPath, 'user_version'), MIGRATIONS.length);
    }),
  );

  it(
    'takes a blank SQLite file (no tables) as a new store',
    withDir(async (_dir, dbPath) => {
      execFileSync('sqlite3', [dbPath, 'PRAGMA journal_mode = WAL;']);
      const store = new TimeSeriesStorage({ dbPath });
      assert.equal(await store.insertSamples([{ name: 'm', value: 1, timestamp: T0 }]), 1);
      store.close();
    }),
  );

  it(
    'recognises a store from before the marker by its tables, and marks it',
    withDir(async (_dir, dbPath) => {
      // A file the engine wrote at schema version 5, taken back to version 4 (before the marker).
      copyFileSync(FIXTURE_V5, dbPath);
      const db = new Database(dbPath);
      db.pragma('application_id = 0');
      db.pragma('user_version = 4');
      const series = db.prepare('SELECT COUNT(*) FROM series').pluck().get();
      db.close();
      const store = new TimeSeriesStorage({ dbPath });
      assert.equal(store.getStats().series, series);
      store.close();
      assert.equal(pragma(dbPath, 'application_id'), STORE_APPLICATION_ID);
      assert.equal(pragma(dbPath, 'user_version'), MIGRATIONS.length);
    }),
  );

  it(
    'opens a rollback-journal store left with a hot journal by a killed writer (SQLite rolls it back)',
    withDir(async (dir, dbPath) => {
      await filledStore(dbPath);
      new TimeSeriesStorage({ dbPath, walMode: false }).close();
      // A writer killed in the middle of a transaction large enough to spill into the file.
      const writer = spawn(process.execPath, [
        '-e',
        `const db = new (require('better-sqlite3'))(${JSON.stringify(dbPath)});
         db.pragma('cache_size = 1');
         db.exec('BEGIN');
         db.prepare("UPDATE series SET labels = labels || ?").run('x'.repeat(2000));
         db.prepare('DELETE FROM chunks').run();
         process.kill(process.pid, 'SIGKILL');`,
      ]);
      await once(writer, 'exit');
      assert.ok(existsSync(`${dbPath}-journal`), 'a hot journal was left');
      const store = new TimeSeriesStorage({ dbPath, walMode: false });
      assert.equal(store.getStats().series, 20);
      assert.equal(store.getStats().samples, 20 * 500);
      store.close();
      assert.equal(existsSync(join(dir, 'telemetry.db-journal')), false);
    }),
  );
});
