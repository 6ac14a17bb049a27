/**
 * The storage host over a real process boundary (child_process.fork, as the preview runs it):
 * calls and typed errors cross it, the renderer path refuses host-only methods, export progress
 * arrives as events, settings survive a restart, shutdown closes the store cleanly, a dead host
 * answers HOST_UNAVAILABLE, and a host that cannot open its store says why. No call waits forever:
 * a stalled host's call fails with TIMEOUT by its deadline, an envelope with too many arguments is
 * answered under its own id, and arguments too deeply nested to send fail at once; none leaves an
 * entry behind.
 */
import assert from 'node:assert/strict';
import { mkdtempSync, rmSync, statSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, before, describe, test } from 'node:test';
import { TimeSeriesStorage } from '../storage/src/index.ts';
import { CALL_DEADLINES, StorageHostClient, forkNodeHost } from '../electron/host/host-client.ts';
import { StoreOpenError, type HostReply } from '../electron/host/host-protocol.ts';
import type { CallReply } from '../shared/panel-api.ts';
import type { PanelErrorPayload } from '../shared/errors.ts';
import type { ExportProgress } from '../shared/events.ts';

const DAY = 86_400_000;
/** Far beyond any answer of a live host: a call still unanswered then would have waited forever. */
const HANG_GUARD_MS = 20_000;

/** The call's reply, or null when it has none within HANG_GUARD_MS. */
function withinGuard<R extends HostReply | CallReply>(call: Promise<R>): Promise<R | null> {
  let guard: NodeJS.Timeout | undefined;
  const timedOut = new Promise<null>((resolve) => (guard = setTimeout(() => resolve(null), HANG_GUARD_MS)));
  return Promise.race([call, timedOut]).finally(() => clearTimeout(guard));
}

/** An object nested `depth` levels deep: fine as JSON, too deep for the IPC serialiser. */
function nested(depth: number): unknown {
  let value: unknown = 'leaf';
  for (let i = 0; i < depth; i++) value = { a: value };
  return value;
}

function walBytes(dbPath: string): number {
  try {
    return statSync(`${dbPath}-wal`).size;
  } catch {
    return 0;
  }
}

describe('storage host in a child process', () => {
  let dir: string;

  before(() => {
    dir = mkdtempSync(join(tmpdir(), 'shell-host-'));
  });

  after(() => rmSync(dir, { recursive: true, force: true }));

  test('serves the panel API, keeps settings across a restart and shuts down cleanly', async () => {
    const now = Date.now();
    const first = await StorageHostClient.start(forkNodeHost(dir));
    const samples = Array.from({ length: 100 }, (_, i) => ({
      name: 'test_latency_milliseconds',
      value: i,
      timestamp: now - 3 * DAY + i * 60_000,
      labels: { route: i % 2 ? 'a' : 'b' },
    }));
    assert.equal(await first.recordSamples(samples), 100);
    const metrics = await first.panel.listMetrics();
    assert.deepEqual(
      metrics.find((m) => m.name === 'test_latency_milliseconds'),
      {
        name: 'test_latency_milliseconds',
        seriesCount: 2,
        unit: 'milliseconds',
        type: 'unknown',
      },
    );
    const series = await first.panel.query({
      metricName: 'test_latency_milliseconds',
      start: now - 4 * DAY,
      end: now,
      labels: { route: 'a' },
      aggregation: 'raw',
    });
    assert.equal(series[0]?.points.length, 50);

    const rejected = await first.panel.setRetentionDays(0).then(
      () => null,
      (err: unknown) => err as PanelErrorPayload,
    );
    assert.equal(rejected?.code, 'INVALID_ARGUMENT');
    assert.equal((await first.panel.setRetentionDays(90)).retentionDays, 90);

    assert.equal(await first.close(), 0, 'the host exits with 0 after closing its store');
    const dbPath = join(dir, 'telemetry.db');
    assert.equal(walBytes(dbPath), 0, 'the WAL was checkpointed and truncated on shutdown');
    const direct = new TimeSeriesStorage({ dbPath });
    assert.equal(direct.retentionDays, 90);
    direct.close();

    const second = await StorageHostClient.start(forkNodeHost(dir));
    assert.equal((await second.panel.getSettings()).retentionDays, 90, 'the setting survived the restart');
    assert.ok((await second.panel.getStatus()).samples >= 100);
    assert.equal(await second.close(), 0);
  });

  test('the renderer path forwards panel methods only; malformed calls leave the host running', async () => {
    const client = await StorageHostClient.start(forkNodeHost(dir));
    for (const envelope of [
      { method: 'shutdown', args: [] },
      { method: 'recordSamples', args: [[]] },
      { method: 'listMetrics' },
      { method: 'listMetrics', args: 'x' },
      null,
      'listMetrics',
    ]) {
      const reply = await client.forward(envelope);
      assert.equal(!reply.ok && reply.error.code, 'INVALID_ARGUMENT', JSON.stringify(envelope));
    }
    const raw = await client.request('query', [{ metricName: 'x', start: 10, end: 5 }]);
    assert.equal(!raw.ok && raw.error.code, 'INVALID_ARGUMENT');
    const reply = await client.forward({ method: 'getSettings', args: [] });
    assert.ok(reply.ok, 'the host still answers');
    assert.equal(await client.close(), 0);
  });

  test('a stalled host answers TIMEOUT by the deadline, and its late answer is dropped', async () => {
    const channel = forkNodeHost(dir);
    const client = await StorageHostClient.start(channel, { ...CALL_DEADLINES, getStatus: 500 });
    assert.ok(channel.pid);
    process.kill(channel.pid, 'SIGSTOP');
    try {
      const stalled = await withinGuard(client.request('getStatus', []));
      assert.equal(!stalled?.ok && stalled?.error.code, 'TIMEOUT');
      assert.match(!stalled?.ok ? stalled!.error.message : '', /getStatus got no answer .* within 0\.5 s/);
      assert.equal(client.pendingCalls, 0, 'the timed-out call left no pending entry');
    } finally {
      process.kill(channel.pid, 'SIGCONT');
    }
    // The host now answers getStatus late, then getSettings: the late answer settles nothing.
    const settings = await withinGuard(client.request('getSettings', []));
    assert.ok(settings?.ok && typeof (settings.result as { retentionDays?: unknown }).retentionDays === 'number');
    assert.equal(client.pendingCalls, 0);
    assert.equal(await client.close(), 0);
  });

  test('a call with more than 8 arguments gets its typed error under its own id', async () => {
    const client = await StorageHostClient.start(forkNodeHost(dir));
    const reply = await withinGuard(
      client.request(
        'getSettings',
        Array.from({ length: 9 }, () => 0),
      ),
    );
    assert.ok(reply, 'the call was answered');
    assert.equal(!reply.ok && reply.error.code, 'INVALID_ARGUMENT');
    assert.match(!reply.ok ? reply.error.message : '', /malformed request/);
    assert.equal(client.pendingCalls, 0);
    assert.equal(await client.close(), 0);
  });

  test('arguments nested too deeply to send fail with INVALID_ARGUMENT and leave nothing pending', async () => {
    const client = await StorageHostClient.start(forkNodeHost(dir));
    const query = { metricName: 'x', start: 0, end: 1, labels: nested(100_000) };
    const reply = await withinGuard(client.forward({ method: 'query', args: [query] }));
    assert.ok(reply, 'the call was answered');
    assert.equal(!reply.ok && reply.error.code, 'INVALID_ARGUMENT');
    assert.match(!reply.ok ? reply.error.message : '', /cannot be sent to the storage host/);
    assert.equal(client.pendingCalls, 0);
    assert.ok((await client.forward({ method: 'getSettings', args: [] })).ok, 'the host still answers');
    assert.equal(await client.close(), 0);
  });

  test('export progress crosses the process boundary as events', async () => {
    const client = await StorageHostClient.start(forkNodeHost(dir));
    const progress: ExportProgress[] = [];
    client.onEvent((event) => {
      if (event.name === 'export-progress') progress.push(event.payload);
    });
    const result = await client.panel.exportParquet({ anonymize: false });
    assert.ok(result.rows >= 100);
    assert.ok(result.path.startsWith(join(dir, 'exports')));
    assert.ok(progress.length > 0);
    assert.equal(progress.at(-1)?.done, result.rows);
    assert.equal(await client.close(), 0);
  });

  test('a host that died answers HOST_UNAVAILABLE instead of hanging', async () => {
    const channel = forkNodeHost(dir);
    const client = await StorageHostClient.start(channel);
    channel.kill();
    await client.exited;
    const reply = await client.request('getSettings', []);
    assert.equal(!reply.ok && reply.error.code, 'HOST_UNAVAILABLE');
  });

  test('a host that cannot open its store reports why and exits', async () => {
    const blocked = join(dir, 'not-a-folder');
    writeFileSync(blocked, 'a file where the data folder should be');
    await assert.rejects(StorageHostClient.start(forkNodeHost(blocked)), (err: unknown) => {
      assert.ok(err instanceof StoreOpenError, String(err));
      assert.equal(err.failure.code, 'CANNOT_OPEN');
      assert.equal(err.failure.dbPath, join(blocked, 'telemetry.db'));
      return true;
    });
  });
});
