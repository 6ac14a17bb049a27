/**
 * The ingest settings and status calls through the host's dispatcher (schemas first), on a real
 * store: the OTLP settings and scrape targets persist across a restart of the host, a target off
 * this machine or a malformed call is refused with a typed error and changes nothing, listeners
 * hear every change, and the status reports what the sources recorded on the board.
 */
import assert from 'node:assert/strict';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, beforeEach, describe, test } from 'node:test';
import { dataPaths } from '../electron/host/data-dir.ts';
import type { HostReply } from '../electron/host/host-protocol.ts';
import { openHostService, type HostService } from '../electron/host/host-service.ts';
import { OTLP_SOURCE, scrapeSource } from '../electron/ingest/ingest-status.ts';
import { DEFAULT_OTLP_PORT, DEFAULT_SCRAPE_INTERVAL_SECONDS } from '../shared/ingest.ts';

const NOW = Date.UTC(2026, 5, 15, 12, 0, 0);

describe('ingest settings and status', () => {
  let dir = '';
  let service: HostService;
  let nextId = 1;
  const open = (): HostService =>
    openHostService({
      paths: dataPaths(dir),
      emit: () => undefined,
      now: () => NOW,
      jobTimings: null,
      collectEveryMs: null,
    });
  const call = (method: string, ...args: unknown[]): Promise<HostReply> =>
    service.dispatch({ id: nextId++, method, args });
  const ok = async (method: string, ...args: unknown[]): Promise<unknown> => {
    const reply = await call(method, ...args);
    assert.ok(reply.ok, `${method} failed: ${JSON.stringify(!reply.ok && reply.error)}`);
    return reply.result;
  };
  const failsWith = async (code: string, method: string, ...args: unknown[]): Promise<void> => {
    const reply = await call(method, ...args);
    assert.ok(!reply.ok, `${method} should fail`);
    assert.equal(reply.error.code, code, reply.error.message);
  };

  beforeEach(() => {
    dir = mkdtempSync(join(tmpdir(), 'ingest-settings-'));
    service = open();
  });
  afterEach(async () => {
    await service.close();
    rmSync(dir, { recursive: true, force: true });
  });

  test('starts off, and keeps the OTLP settings and the targets across a restart', async () => {
    assert.deepEqual(await ok('getIngestSettings'), { otlp: { enabled: false, port: DEFAULT_OTLP_PORT } });
    const settings = { otlp: { enabled: true, port: 0, token: 's3cret' }, resourceAttributes: ['host.name'] };
    assert.deepEqual(await ok('setIngestSettings', settings), settings);
    const a = await ok('saveScrapeTarget', { url: 'http://127.0.0.1:9100/metrics' });
    const b = await ok('saveScrapeTarget', {
      url: 'http://localhost:8000/metrics',
      intervalSeconds: 30,
      job: 'worker',
    });
    assert.deepEqual(a, {
      id: 1,
      url: 'http://127.0.0.1:9100/metrics',
      intervalSeconds: DEFAULT_SCRAPE_INTERVAL_SECONDS,
      job: '127.0.0.1:9100',
    });
    assert.deepEqual(b, { id: 2, url: 'http://localhost:8000/metrics', intervalSeconds: 30, job: 'worker' });
    assert.deepEqual(await ok('saveScrapeTarget', { id: 1, url: 'http://[::1]:9100/m', job: 'node' }), {
      id: 1,
      url: 'http://[::1]:9100/m',
      intervalSeconds: DEFAULT_SCRAPE_INTERVAL_SECONDS,
      job: 'node',
    });
    await ok('deleteScrapeTarget', 2);

    await service.close();
    service = open();
    assert.deepEqual(await ok('getIngestSettings'), settings);
    assert.deepEqual(await ok('listScrapeTargets'), [
      { id: 1, url: 'http://[::1]:9100/m', intervalSeconds: DEFAULT_SCRAPE_INTERVAL_SECONDS, job: 'node' },
    ]);
    assert.deepEqual((await ok('saveScrapeTarget', { url: 'http://127.0.0.2/x' })) as { id: number }, {
      id: 2,
      url: 'http://127.0.0.2/x',
      intervalSeconds: DEFAULT_SCRAPE_INTERVAL_SECONDS,
      job: '127.0.0.2',
    });
  });

  test('refuses targets off this machine and malformed calls, and changes nothing', async () => {
    await ok('saveScrapeTarget', { url: 'http://127.0.0.1:9100/metrics' });
    const before = await ok('listScrapeTargets');
    for (const url of [
      'http://10.0.0.5:9100/metrics',
      'http://example.com/metrics',
      'http://127.0.0.1.nip.io/',
      'file:///etc/passwd',
      'not a url',
    ]) {
      await failsWith('INVALID_ARGUMENT', 'saveScrapeTarget', { url });
    }
    await failsWith('INVALID_ARGUMENT', 'saveScrapeTarget', { url: 'http://127.0.0.1/', intervalSeconds: 0 });
    await failsWith('INVALID_ARGUMENT', 'saveScrapeTarget', { url: 'http://127.0.0.1/', extra: 1 });
    await failsWith('NOT_FOUND', 'saveScrapeTarget', { id: 7, url: 'http://127.0.0.1/' });
    await failsWith('NOT_FOUND', 'deleteScrapeTarget', 7);
    await failsWith('INVALID_ARGUMENT', 'deleteScrapeTarget', '1');
    await failsWith('INVALID_ARGUMENT', 'setIngestSettings', { otlp: { enabled: true, port: 70_000 } });
    await failsWith('INVALID_ARGUMENT', 'setIngestSettings', { otlp: { enabled: 'yes', port: 4318 } });
    await failsWith('INVALID_ARGUMENT', 'setIngestSettings', { otlp: { enabled: true, port: 1, token: '' } });
    assert.deepEqual(await ok('listScrapeTargets'), before);
    assert.deepEqual(await ok('getIngestSettings'), { otlp: { enabled: false, port: DEFAULT_OTLP_PORT } });
  });

  test('tells listeners of every change, and a run override is not saved', async () => {
    let changes = 0;
    service.ingest.config.onChange(() => changes++);
    service.ingest.config.overrideOtlp(0);
    assert.deepEqual(await ok('getIngestSettings'), { otlp: { enabled: true, port: 0 } });
    await ok('saveScrapeTarget', { url: 'http://127.0.0.1:1/' });
    await ok('deleteScrapeTarget', 1);
    assert.equal(changes, 3);
    await service.close();
    service = open();
    assert.deepEqual(await ok('getIngestSettings'), { otlp: { enabled: false, port: DEFAULT_OTLP_PORT } });
  });

  test('reports what the sources recorded', async () => {
    const { id } = (await ok('saveScrapeTarget', { url: 'http://127.0.0.1:9100/metrics' })) as { id: number };
    const { board } = service.ingest;
    board.setOtlpAddress('http://127.0.0.1:4318/v1/metrics');
    board.accepted(OTLP_SOURCE, 10);
    board.rejected(OTLP_SOURCE, 2, 'series limit reached');
    board.accepted(scrapeSource(id), 5);
    board.scraped(id, { at: NOW, up: 1, durationSeconds: 0.25 });
    assert.deepEqual(await ok('getIngestStatus'), {
      otlp: {
        accepted: 10,
        rejected: 2,
        lastError: 'series limit reached',
        lastErrorAt: NOW,
        address: 'http://127.0.0.1:4318/v1/metrics',
      },
      targets: [
        {
          id,
          url: 'http://127.0.0.1:9100/metrics',
          intervalSeconds: DEFAULT_SCRAPE_INTERVAL_SECONDS,
          job: '127.0.0.1:9100',
          accepted: 5,
          rejected: 0,
          lastError: null,
          lastErrorAt: null,
          lastScrape: NOW,
          up: 1,
          lastDurationSeconds: 0.25,
        },
      ],
    });
    await ok('deleteScrapeTarget', id);
    assert.deepEqual(((await ok('getIngestStatus')) as { targets: unknown[] }).targets, []);
  });
});
