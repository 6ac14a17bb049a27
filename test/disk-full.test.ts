/**
 * A full disk: when the database cannot grow (SQLite's own SQLITE_FULL, from a size cap or a real
 * file system out of space), a write fails with a typed DISK_FULL error, stores nothing of its
 * batch, loses nothing already stored, and the store works again once space is freed. On a real
 * full file system (a small tmpfs mounted in a user and mount namespace of its own) retention still
 * frees space, using the store's reserve, every path fails typed and the host still closes the store.
 * A size cap counts the WAL, and a WAL that a reader keeps from being reset is reported.
 */
import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import { join } from 'node:path';
import { describe, it } from 'node:test';
import Database from 'better-sqlite3';
import { StorageError } from '../storage/src/index.ts';
import { DAY, MODES, T0, openStore, regularSamples, tempDir } from './support/store.ts';

const FULL_DISK_CHILD = join(import.meta.dirname, 'support', 'full-disk.ts');
/** Enough for the store's 8 MiB reserve and some 12 MiB of data. */
const TMPFS_SIZE = '20m';

/** Runs the full-disk child on a fresh tmpfs; undefined (with the reason) where no tmpfs can be mounted. */
function onTmpfs(mode: 'store' | 'host'): { report?: Record<string, unknown>; skip?: string } {
  const { dir, cleanup } = tempDir('tmpfs-');
  try {
    const script = `mount -t tmpfs -o size=${TMPFS_SIZE} tmpfs "$1" || exit 77; exec "$2" --import tsx "$3" "$1" "$4"`;
    const run = spawnSync(
      'unshare',
      ['--user', '--map-root-user', '--mount', 'sh', '-c', script, 'sh', dir, process.execPath, FULL_DISK_CHILD, mode],
      { encoding: 'utf8', timeout: 60_000 },
    );
    if (run.error || run.status === 77)
      return { skip: `no tmpfs can be mounted here (unshare: ${run.error?.message ?? run.stderr.trim()})` };
    assert.equal(run.status, 0, run.stderr);
    return { report: JSON.parse(run.stdout) as Record<string, unknown> };
  } finally {
    cleanup();
  }
}

for (const mode of MODES) {
  describe(`full disk (${mode.name})`, () => {
    it('rejects the batch that does not fit with DISK_FULL and keeps everything stored before', async () => {
      const s = openStore({
        enableCompression: mode.enableCompression,
        maxSizeBytes: 2 * 1024 * 1024,
        now: () => T0 + 40 * DAY,
      });
      try {
        const series = Array.from({ length: 50 }, (_, k) => ({ name: 'fill', labels: { k: String(k) } }));
        let stored = 0;
        let failure: unknown;
        for (let batch = 0; batch < 1000 && failure === undefined; batch++) {
          const samples = regularSamples(
            series,
            T0 + batch * 200_000,
            20,
            10_000,
            (k, i) => k * 1e6 + batch * 20 + i + 0.5,
          );
          try {
            stored += await s.store.insertSamples(samples);
          } catch (err) {
            failure = err;
          }
        }
        assert.ok(failure instanceof StorageError, `a typed error, got ${String(failure)}`);
        assert.equal(failure.code, 'DISK_FULL');
        assert.match(failure.message, /disk is full/);
        assert.ok(stored > 0);
        assert.equal(s.store.getStats().samples, stored, 'nothing of the failed batch, nothing lost');
        const [one] = s.store.queryMetrics({
          metricName: 'fill',
          labels: { k: '7' },
          start: T0,
          end: T0 + DAY,
          aggregation: 'raw',
        });
        assert.equal(one!.points.length, stored / 50);
        assert.ok(one!.points.every((p, i) => p.value === 7e6 + i + 0.5));
        s.store.close();
        const check = new Database(s.dbPath, { readonly: true });
        assert.equal(check.pragma('integrity_check', { simple: true }), 'ok');
        check.close();

        const reopened = s.reopen({ retentionDays: 30, now: () => T0 + 30 * DAY + 100_000_000 });
        await reopened.applyRetention();
        assert.equal(
          await reopened.insertSamples(regularSamples(series, T0 + 35 * DAY, 2, 10_000, () => 1)),
          100,
          'space freed by retention is usable again',
        );
      } finally {
        s.cleanup();
      }
    });
  });
}

describe('a real full file system (a 20 MiB tmpfs)', () => {
  it('retention frees space with the reserve, the checkpoint fails typed, and writes work again', (t) => {
    const { report, skip } = onTmpfs('store');
    if (skip) return t.skip(skip);
    assert.deepEqual(report!.failure, { error: 'DISK_FULL' });
    assert.deepEqual(report!.checkpoint, { error: 'DISK_FULL' }, 'a typed error, not SQLITE_FULL');
    assert.deepEqual(report!.openFresh, { error: 'DISK_FULL' }, 'opening a new store there fails typed');
    assert.equal(report!.freshLeft, null, 'and leaves no empty file that a later open would refuse');
    const stored = report!.stored as number;
    assert.ok(stored > 0);
    const [retention, expired] = [report!.retention as { ok: number }, report!.expired as number];
    // Rows deleted: the expired samples, and the rollup buckets of theirs the fold before it could write.
    assert.ok(retention.ok >= expired, `retention deleted ${JSON.stringify(report!.retention)}`);
    assert.equal(report!.samplesLeft, stored - expired, 'nothing but what expired was deleted');
    assert.deepEqual(report!.insertAfter, { ok: 200 }, 'the freed space is usable');
    assert.deepEqual(report!.close, { ok: null });
  });

  it("the host's close reports the failed checkpoint and still closes the store", (t) => {
    const { report, skip } = onTmpfs('host');
    if (skip) return t.skip(skip);
    assert.deepEqual(report!.failure, { error: 'DISK_FULL' });
    assert.deepEqual(report!.close, { ok: null });
    assert.deepEqual(report!.errors, ['checkpoint on close: DISK_FULL']);
    assert.deepEqual(report!.afterClose, { error: 'STORE_CLOSED' });
    assert.deepEqual(report!.reopen, { ok: null }, 'the store was closed: its lock is free');
  });
});

describe('the WAL under a size cap', () => {
  it('counts the WAL: the database and its WAL stay within maxSizeBytes after every write', async () => {
    const cap = 1024 * 1024;
    const s = openStore({ maxSizeBytes: cap });
    try {
      const series = Array.from({ length: 20 }, (_, k) => ({ name: 'fill', labels: { k: String(k) } }));
      let failure: unknown;
      for (let batch = 0; batch < 1000 && failure === undefined; batch++) {
        try {
          await s.store.insertSamples(regularSamples(series, T0 + batch * 1_000_000, 100, 10_000, (k, i) => k + i));
        } catch (err) {
          failure = err;
        }
        const { dbBytes, walBytes } = s.store.diskUsage();
        assert.ok(dbBytes + walBytes <= cap, `batch ${batch}: ${dbBytes} + ${walBytes} bytes under a ${cap}-byte cap`);
      }
      assert.equal((failure as StorageError | undefined)?.code, 'DISK_FULL');
    } finally {
      s.cleanup();
    }
  });

  it('reports a WAL that a long-lived reader keeps from being reset, and clears it once reset', async () => {
    const cap = 2 * 1024 * 1024;
    const s = openStore({ maxSizeBytes: cap });
    try {
      const reader = new Database(s.dbPath, { readonly: true });
      reader.exec('BEGIN');
      reader.prepare('SELECT COUNT(*) FROM head').get();
      const series = Array.from({ length: 20 }, (_, k) => ({ name: 'grow', labels: { k: String(k) } }));
      for (let batch = 0; s.store.diskUsage().walBytes <= cap / 4; batch++) {
        await s.store.insertSamples(regularSamples(series, T0 + batch * 1_000_000, 50, 10_000, (k, i) => k + i));
      }
      assert.equal(s.store.checkpoint(), false, 'the reader keeps the WAL from being reset');
      const growing = s.store.getStats().problems.find((p) => p.kind === 'wal-growing');
      assert.match(growing?.message ?? '', /the WAL holds .* MiB and cannot be reset: another connection keeps a read/);
      reader.exec('COMMIT');
      reader.close();
      assert.equal(s.store.checkpoint(), true);
      assert.equal(s.store.diskUsage().walBytes, 0);
      assert.deepEqual(s.store.getStats().problems, []);
    } finally {
      s.cleanup();
    }
  });
});
