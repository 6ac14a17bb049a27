/**
 * One writer per store file: a second TimeSeriesStorage on the same file, in this process or in
 * another, is refused with a typed STORE_LOCKED error naming the process that holds it; plain
 * readers still read the file; the lock dies with its process (SIGKILL), so a new writer opens
 * fine afterwards, and close() gives it back at once.
 */
import assert from 'node:assert/strict';
import { spawn, type ChildProcess } from 'node:child_process';
import { once } from 'node:events';
import { join } from 'node:path';
import { createInterface } from 'node:readline';
import { describe, it } from 'node:test';
import Database from 'better-sqlite3';
import { StorageError, TimeSeriesStorage } from '../storage/src/index.ts';
import { dataPaths } from '../electron/host/data-dir.ts';
import { forkNodeHost } from '../electron/host/host-client.ts';
import { T0, openStore } from './support/store.ts';

const HOLDER = join(import.meta.dirname, 'support', 'lock-holder.ts');

function storeLocked(err: unknown): boolean {
  return err instanceof StorageError && err.code === 'STORE_LOCKED';
}

/** Starts the holder child on `dbPath` and resolves with it and its first line of output. */
async function startHolder(dbPath: string): Promise<{ child: ChildProcess; line: string }> {
  const child = spawn(process.execPath, ['--import', 'tsx', HOLDER, dbPath], { stdio: ['ignore', 'pipe', 'inherit'] });
  const [line] = (await once(createInterface({ input: child.stdout! }), 'line')) as [string];
  return { child, line };
}

async function kill(child: ChildProcess): Promise<void> {
  const exited = once(child, 'exit');
  child.kill('SIGKILL');
  await exited;
}

describe('one writer per store file', () => {
  it('refuses a second store in the same process, lets readers read, and reopens after close', async () => {
    const s = openStore();
    try {
      await s.store.insertSamples([{ name: 'm', value: 1, timestamp: T0 }]);
      assert.throws(
        () => new TimeSeriesStorage({ dbPath: s.dbPath }),
        (err: unknown) => {
          assert.ok(storeLocked(err), `STORE_LOCKED, got ${String(err)}`);
          assert.match((err as Error).message, /in use by another store instance in this process/);
          return true;
        },
      );
      const reader = new Database(s.dbPath, { readonly: true });
      assert.deepEqual(reader.prepare('SELECT metric_name FROM series').pluck().all(), ['m']);
      reader.close();
      assert.equal(s.store.getStats().samples, 1, 'the first store is untouched by the refusal');
      const reopened = s.reopen();
      assert.equal(reopened.getStats().samples, 1);
    } finally {
      s.cleanup();
    }
  });

  it('refuses a second process and names the owner; after the owner is SIGKILLed a new writer opens', async () => {
    const s = openStore();
    s.store.close();
    const { child, line } = await startHolder(s.dbPath);
    try {
      assert.equal(line, 'open');
      assert.throws(
        () => new TimeSeriesStorage({ dbPath: s.dbPath }),
        (err: unknown) => {
          assert.ok(storeLocked(err), `STORE_LOCKED, got ${String(err)}`);
          assert.match(
            (err as Error).message,
            new RegExp(`in use by pid ${child.pid} \\(lock-holder\\.ts( from npm run [^,]+)?, since `),
          );
          return true;
        },
      );
    } finally {
      await kill(child);
    }
    s.store = new TimeSeriesStorage({ dbPath: s.dbPath });
    assert.equal(s.store.getStats().samples, 1, 'what the killed owner stored is there');
    const second = await startHolder(s.dbPath);
    try {
      assert.match(second.line, new RegExp(`^refused STORE_LOCKED .*in use by pid ${process.pid} `));
      assert.equal(second.child.exitCode ?? (await once(second.child, 'exit'))[0], 1);
    } finally {
      if (second.child.exitCode === null) await kill(second.child);
      s.cleanup();
    }
  });

  it('a storage host started beside a running one sends a fatal STORE_LOCKED naming it, and exits', async () => {
    const s = openStore();
    try {
      const channel = forkNodeHost(s.dir);
      assert.equal(dataPaths(s.dir).dbPath, s.dbPath);
      const exited = new Promise<number | null>((resolve) => channel.onExit(resolve));
      const fatal = await new Promise<unknown>((resolve) =>
        channel.onMessage((message) => {
          if ((message as { event?: unknown }).event === 'fatal') resolve(message);
        }),
      );
      const { error } = fatal as { error: { code: string; message: string } };
      assert.equal(error.code, 'STORE_LOCKED');
      assert.match(error.message, new RegExp(`in use by pid ${process.pid} `));
      assert.equal(await exited, 1);
    } finally {
      s.cleanup();
    }
  });
});
