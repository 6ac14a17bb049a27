/**
 * The storage host over a real process boundary (child_process.fork, as the preview runs it):
 * calls and typed errors cross it, the renderer path refuses host-only methods, export progress
 * arrives as events, settings survive a restart, shutdown closes the store cleanly, a dead host
 * answers HOST_UNAVAILABLE, and a host that cannot open its store says why.
 */
import assert from 'node:assert/strict';
import { mkdtempSync, rmSync, statSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, before, describe, test } from 'node:test';
import { TimeSeriesStorage } from '../storage/src/index.ts';
import { StorageHostClient, forkNodeHost } from '../electron/host/host-client.ts';
import { StoreOpenError } from '../electron/host/host-protocol.ts';
import type { PanelErrorPayload } from '../shared/errors.ts';
import type { ExportProgress } from '../shared/events.ts';

const DAY = 86_400_000;

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
