/**
 * Schema and connection: migrations bring a new file to the current user_version and are not
 * re-run; WAL mode and synchronous=NORMAL are in force; the seed's relations can be read by a
 * second connection and by the plain sqlite3 shell; the WAL stays bounded while a reader is open.
 */
import assert from 'node:assert/strict';
import { execFileSync, spawn } from 'node:child_process';
import { existsSync, statSync } from 'node:fs';
import { join } from 'node:path';
import { describe, it } from 'node:test';
import Database from 'better-sqlite3';
import { MIGRATIONS } from '../src/db/migrations.ts';
import { WAL_SIZE_LIMIT_BYTES } from '../src/db/connection.ts';
import { TimeSeriesStorage } from '../src/index.ts';
import { T0, openStore, regularSamples, tempDir } from '../../test/support/store.ts';

describe('schema', () => {
  it('migrates a new file once, to the latest user_version', async () => {
    const s = openStore();
    try {
      await s.store.insertSamples([{ name: 'm', value: 1, timestamp: T0 }]);
      const reopened = s.reopen();
      assert.equal(await reopened.insertSamples([{ name: 'm', value: 2, timestamp: T0 + 1 }]), 1);
      const db = new Database(s.dbPath, { readonly: true });
      try {
        assert.equal(db.pragma('user_version', { simple: true }), MIGRATIONS.length);
        assert.equal(db.pragma('journal_mode', { simple: true }), 'wal', 'WAL, as any connection sees it');
        assert.equal(db.pragma('auto_vacuum', { simple: true }), 2, 'incremental');
        const relations = db.prepare("SELECT name FROM sqlite_schema WHERE type IN ('table', 'view')").pluck().all();
        for (const name of [
          'metrics_raw',
          'metrics_1m',
          'metrics_5m',
          'metrics_1h',
          'metrics_1d',
          'baselines',
          'alerts',
          'settings',
        ]) {
          assert.ok(relations.includes(name), name);
        }
        assert.deepEqual(
          db.prepare('SELECT metric_name, value, timestamp, labels FROM metrics_raw ORDER BY timestamp').all(),
          [
            { metric_name: 'm', value: 1, timestamp: T0, labels: '{}' },
            { metric_name: 'm', value: 2, timestamp: T0 + 1, labels: '{}' },
          ],
        );
      } finally {
        db.close();
      }
    } finally {
      s.cleanup();
    }
  });

  it('rejects a bad configuration with a typed error before touching the file', () => {
    const { dir, cleanup } = tempDir();
    try {
      const dbPath = join(dir, 'telemetry.db');
      const bad: [Record<string, unknown>, RegExp][] = [
        [{ dbPath: '' }, /dbPath/],
        [{ dbPath, retentionDays: 0 }, /retention days/],
        [{ dbPath, aggregationIntervals: ['2m'] }, /unknown interval/],
        [{ dbPath, maxSeries: 0 }, /maxSeries/],
        [{ dbPath, maxSizeBytes: 10 }, /maxSizeBytes/],
      ];
      for (const [config, message] of bad) {
        assert.throws(() => new TimeSeriesStorage(config as never), { code: 'INVALID_ARGUMENT', message });
      }
      assert.equal(existsSync(dbPath), false);
    } finally {
      cleanup();
    }
  });

  it('runs with synchronous=NORMAL, a busy timeout and secure_delete; a rollback journal when walMode is false', () => {
    const s = openStore({ walMode: false });
    try {
      assert.deepEqual(s.store.sql('PRAGMA synchronous'), [{ synchronous: 1 }]);
      assert.deepEqual(s.store.sql('PRAGMA secure_delete'), [{ secure_delete: 1 }]);
      assert.ok((s.store.sql('PRAGMA busy_timeout')[0] as { timeout: number }).timeout >= 5000);
      const db = new Database(s.dbPath, { readonly: true });
      assert.equal(db.pragma('journal_mode', { simple: true }), 'delete');
      db.close();
      assert.throws(
        () => s.store.sql('PRAGMA journal_mode = WAL'),
        { code: 'INVALID_ARGUMENT' },
        'sql() refuses writes',
      );
      assert.throws(() => s.store.sql('DELETE FROM series'), { code: 'INVALID_ARGUMENT' });
    } finally {
      s.cleanup();
    }
  });

  it('can be read by the plain sqlite3 shell', async () => {
    const s = openStore();
    try {
      await s.store.insertSamples(
        regularSamples([{ name: 'cpu', labels: { host: 'h1' } }], T0, 12, 10_000, (_, i) => i),
      );
      await s.store.aggregate('1m');
      s.store.checkpoint();
      const out = execFileSync(
        'sqlite3',
        [s.dbPath, 'SELECT metric_name, bucket, count, sum, min, max, avg, labels FROM metrics_1m ORDER BY bucket;'],
        { encoding: 'utf8' },
      );
      assert.equal(
        out.trim(),
        [`cpu|${T0}|6|15.0|0.0|5.0|2.5|{"host":"h1"}`, `cpu|${T0 + 60_000}|6|51.0|6.0|11.0|8.5|{"host":"h1"}`].join(
          '\n',
        ),
      );
    } finally {
      s.cleanup();
    }
  });

  it('waits for another process holding the write lock instead of failing with SQLITE_BUSY', async () => {
    const s = openStore();
    try {
      await s.store.insertSamples([{ name: 'm', value: 1, timestamp: T0 }]);
      const holder = spawn(
        process.execPath,
        [
          '-e',
          `
          const db = new (require('better-sqlite3'))(process.argv[1]);
          db.exec('BEGIN IMMEDIATE');
          db.prepare("INSERT INTO settings (key, value) VALUES ('held_by', 'other process')").run();
          process.stdout.write('locked\\n');
          Atomics.wait(new Int32Array(new SharedArrayBuffer(4)), 0, 0, 400);
          db.exec('COMMIT');
        `,
          s.dbPath,
        ],
        { stdio: ['ignore', 'pipe', 'inherit'], cwd: process.cwd() },
      );
      await new Promise<void>((resolve) => holder.stdout.once('data', () => resolve()));
      assert.equal(await s.store.insertSamples([{ name: 'm', value: 2, timestamp: T0 + 1 }]), 1);
      await new Promise((resolve) => holder.once('exit', resolve));
      assert.deepEqual(s.store.sql("SELECT value FROM settings WHERE key = 'held_by'"), [{ value: 'other process' }]);
      assert.equal(s.store.getStats().samples, 2);
    } finally {
      s.cleanup();
    }
  });

  it('keeps the WAL bounded while another connection keeps reading', async () => {
    const s = openStore({ enableCompression: false });
    const reader = new Database(s.dbPath, { readonly: true });
    try {
      const series = Array.from({ length: 50 }, (_, k) => ({ name: 'load', labels: { k: String(k) } }));
      let peak = 0;
      const minutes = 2000;
      for (let minute = 0; minute < minutes; minute++) {
        await s.store.insertSamples(regularSamples(series, T0 + minute * 60_000, 6, 10_000, (k, i) => k + i * 0.5));
        reader.prepare('SELECT MAX(ts) FROM head').pluck().get();
        if (minute % 50 === 49) await s.store.rollUpAndCompact();
        peak = Math.max(peak, statSync(`${s.dbPath}-wal`).size);
      }
      const bound = 8 * 1024 * 1024;
      assert.ok(bound < WAL_SIZE_LIMIT_BYTES);
      assert.ok(
        statSync(s.dbPath).size > bound,
        'more was written than the bound, so a WAL that kept it all would exceed it',
      );
      assert.ok(peak <= bound, `the WAL peaked at ${peak} bytes`);
      assert.equal(reader.prepare('SELECT COUNT(*) FROM metrics_raw').pluck().get(), minutes * 6 * 50);
    } finally {
      reader.close();
      s.cleanup();
    }
  });
});
