/**
 * A store that cannot be opened, as the shell handles it: moving it aside renames the file and its
 * companions (kept byte for byte, never over another file, companions first); the supervisor keeps
 * the reason instead of exiting, offers only what makes sense for it, moves the file aside and
 * starts a fresh store on real host processes, and refuses a move-aside while a store is open; the
 * preview answers the recovery calls only with its token.
 */
import assert from 'node:assert/strict';
import { existsSync, mkdtempSync, readFileSync, readdirSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, beforeEach, describe, test } from 'node:test';
import { moveStoreAside } from '../electron/host/damaged-store.ts';
import { dataPaths } from '../electron/host/data-dir.ts';
import { forkNodeHost } from '../electron/host/host-client.ts';
import { HostSupervisor } from '../electron/host/host-supervisor.ts';
import { startPreviewServer } from '../electron/preview/preview-server.ts';
import { TRANSPORT, type CallReply } from '../shared/panel-api.ts';
import type { RecoveryState } from '../shared/store-recovery.ts';
import { rng } from './support/store.ts';

const NOW = Date.UTC(2026, 10, 30, 10, 0, 0, 123);
const STAMP = '2026-11-30T10-00-00Z';

function garbage(seed: number, length = 8192): Buffer {
  const random = rng(seed);
  return Buffer.from(Array.from({ length }, () => Math.floor(random() * 256)));
}

/** A supervisor for the data folder, on real Node host processes; records quit requests. */
function supervise(dataDir: string): { supervisor: HostSupervisor; quits: number[] } {
  const quits: number[] = [];
  const supervisor = new HostSupervisor({
    dbPath: dataPaths(dataDir).dbPath,
    launch: () => forkNodeHost(dataDir),
    quit: () => quits.push(1),
    now: () => NOW,
  });
  return { supervisor, quits };
}

function unwrap(reply: CallReply): unknown {
  assert.ok(reply.ok, JSON.stringify(reply));
  return reply.result;
}

describe('the damaged store, moved aside and replaced', () => {
  let dir: string;
  beforeEach(() => {
    dir = mkdtempSync(join(tmpdir(), 'shell-damaged-'));
  });
  afterEach(() => rmSync(dir, { recursive: true, force: true }));

  test('moveStoreAside renames the file and its companions with a UTC stamp, bytes kept, nothing overwritten', () => {
    const dbPath = join(dir, 'telemetry.db');
    const files = { '': garbage(1), '-wal': garbage(2, 4096), '-shm': garbage(3, 32_768) };
    for (const [suffix, bytes] of Object.entries(files)) writeFileSync(`${dbPath}${suffix}`, bytes);

    const moved = moveStoreAside(dbPath, NOW);
    assert.deepEqual(moved, [
      `${dbPath}.damaged-${STAMP}-wal`,
      `${dbPath}.damaged-${STAMP}-shm`,
      `${dbPath}.damaged-${STAMP}`,
    ]);
    for (const [suffix, bytes] of Object.entries(files)) {
      assert.ok(readFileSync(`${dbPath}.damaged-${STAMP}${suffix}`).equals(bytes), `${suffix || 'db'} kept`);
      assert.equal(existsSync(`${dbPath}${suffix}`), false);
    }

    writeFileSync(dbPath, garbage(4));
    assert.deepEqual(moveStoreAside(dbPath, NOW), [`${dbPath}.damaged-${STAMP}-2`], 'a second move in that second');
    assert.ok(readFileSync(`${dbPath}.damaged-${STAMP}`).equals(files['']), 'the first one not overwritten');
    assert.ok(readFileSync(`${dbPath}.damaged-${STAMP}-2`).equals(garbage(4)));
  });

  test('a garbage store: the reason is kept, move-aside starts a fresh store, the file survives unchanged', async () => {
    const dbPath = dataPaths(dir).dbPath;
    const damaged = garbage(5);
    writeFileSync(dbPath, damaged);
    const { supervisor, quits } = supervise(dir);
    try {
      const failed = await supervisor.start();
      assert.equal(failed.failure?.code, 'NOT_A_STORE');
      assert.equal(failed.failure?.dbPath, dbPath);
      assert.equal(supervisor.current, null);
      const call = await supervisor.forward({ method: 'getStatus', args: [] });
      assert.equal(call.ok ? 'ok' : call.error.code, 'NOT_A_STORE', 'panel calls say why the store is not open');

      const retry = await supervisor.handleRecoveryCall({ method: 'recover', args: ['retry'] });
      assert.equal(retry.ok ? 'ok' : retry.error.code, 'INVALID_ARGUMENT', 'retry is not offered for a bad file');
      for (const bad of [
        { method: 'recover', args: ['delete'] },
        { method: 'recover', args: [] },
        { method: 'x', args: [] },
        null,
      ]) {
        const reply = await supervisor.handleRecoveryCall(bad);
        assert.equal(reply.ok ? 'ok' : reply.error.code, 'INVALID_ARGUMENT', JSON.stringify(bad));
      }
      assert.ok(readFileSync(dbPath).equals(damaged), 'nothing done by refused calls');

      const recovered = unwrap(await supervisor.handleRecoveryCall({ method: 'recover', args: ['move-aside'] }));
      const keptAs = `${dbPath}.damaged-${STAMP}`;
      assert.deepEqual(recovered, { failure: null, movedAside: [keptAs] } satisfies RecoveryState);
      assert.ok(readFileSync(keptAs).equals(damaged), 'the damaged file kept byte for byte');
      const status = unwrap(await supervisor.forward({ method: 'getStatus', args: [] })) as { samples: number };
      assert.equal(status.samples, 0, 'a fresh, empty store');

      const late = await supervisor.handleRecoveryCall({ method: 'recover', args: ['move-aside'] });
      assert.equal(late.ok ? 'ok' : late.error.code, 'INVALID_ARGUMENT', 'never moves an open store aside');
      assert.ok(existsSync(dbPath));
      assert.deepEqual(quits, []);
    } finally {
      await supervisor.close();
    }
  });

  test('an unopenable folder offers retry and quit, never a move; retry opens once the cause is gone', async () => {
    const dataDir = join(dir, 'data');
    writeFileSync(dataDir, 'a file where the data folder should be');
    const { supervisor, quits } = supervise(dataDir);
    try {
      assert.equal((await supervisor.start()).failure?.code, 'CANNOT_OPEN');
      const move = await supervisor.handleRecoveryCall({ method: 'recover', args: ['move-aside'] });
      assert.equal(move.ok ? 'ok' : move.error.code, 'INVALID_ARGUMENT');
      assert.deepEqual(readdirSync(dir), ['data'], 'nothing renamed');
      assert.equal((await supervisor.recover('retry')).failure?.code, 'CANNOT_OPEN', 'still blocked');

      await supervisor.recover('quit');
      assert.deepEqual(quits, [1], 'quit is left to the shell');

      rmSync(dataDir);
      assert.deepEqual(await supervisor.recover('retry'), { failure: null, movedAside: [] });
      assert.ok(supervisor.current);
    } finally {
      await supervisor.close();
    }
  });

  test('the preview answers recovery calls on their own path, only with the token', async () => {
    writeFileSync(dataPaths(dir).dbPath, '');
    const { supervisor } = supervise(dir);
    await supervisor.start();
    const server = await startPreviewServer({
      backend: supervisor,
      recovery: (envelope) => supervisor.handleRecoveryCall(envelope),
      staticDir: join(dir, 'no-renderer'),
    });
    try {
      const post = (headers: Record<string, string>) =>
        fetch(`http://127.0.0.1:${server.port}${TRANSPORT.httpRecoveryPath}`, {
          method: 'POST',
          headers: { 'Content-Type': 'application/json', ...headers },
          body: JSON.stringify({ method: 'recoveryState', args: [] }),
        });
      assert.equal((await post({})).status, 401);
      assert.equal((await post({ [TRANSPORT.tokenHeader]: 'wrong' })).status, 401);
      const reply = (await (await post({ [TRANSPORT.tokenHeader]: server.token })).json()) as CallReply;
      assert.equal((unwrap(reply) as RecoveryState).failure?.code, 'NOT_A_STORE');
    } finally {
      await server.close();
      await supervisor.close();
    }
  });
});
