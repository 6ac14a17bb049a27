/**
 * Scraping inside the storage host, driven by the panel calls through the dispatcher (schemas
 * first): a target saved with saveScrapeTarget is scraped at once and on its interval (prom-client
 * on a loopback port), its last scrape and its accepted points show in getIngestStatus and its
 * samples in the panel's query; a failing target shows up = 0 with the error and its rejected
 * points; a target off this machine is refused by the call; deleting a target stops its scrapes;
 * closing the host while a scrape is under way closes cleanly.
 */
import assert from 'node:assert/strict';
import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, beforeEach, test } from 'node:test';
import client from 'prom-client';
import { dataPaths } from '../electron/host/data-dir.ts';
import type { HostReply } from '../electron/host/host-protocol.ts';
import { openHostService, type HostService } from '../electron/host/host-service.ts';
import type { IngestStatus, ScrapeTarget, ScrapeTargetStatus } from '../shared/ingest.ts';
import type { SeriesResult } from '../storage/src/index.ts';

let dir = '';
let service: HostService;
let server: Server;
let requests = 0;
let nextId = 1;
let port = 0;
const registry = new client.Registry();
const jobs = new client.Counter({
  name: 'worker_jobs_total',
  help: 'Jobs',
  labelNames: ['queue'],
  registers: [registry],
});
jobs.inc({ queue: 'mail' }, 3);
let broken = false;

beforeEach(async () => {
  dir = mkdtempSync(join(tmpdir(), 'shell-scrape-'));
  service = openHostService({ paths: dataPaths(dir), emit: () => undefined, jobTimings: null, collectEveryMs: null });
  requests = 0;
  broken = false;
  server = createServer((_req, res) => {
    requests++;
    if (broken) return void res.writeHead(503).end('busy');
    void registry.metrics().then((body) => res.writeHead(200, { 'content-type': registry.contentType }).end(body));
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  port = (server.address() as AddressInfo).port;
});

afterEach(async () => {
  await service.close();
  server.closeAllConnections();
  await new Promise((resolve) => server.close(resolve));
  rmSync(dir, { recursive: true, force: true });
});

async function call(method: string, ...args: unknown[]): Promise<HostReply> {
  return service.dispatch({ id: nextId++, method, args });
}

async function ok<T>(method: string, ...args: unknown[]): Promise<T> {
  const reply = await call(method, ...args);
  assert.ok(reply.ok, `${method} failed: ${JSON.stringify(!reply.ok && reply.error)}`);
  return reply.result as T;
}

async function statusWhen(
  id: number,
  condition: (target: ScrapeTargetStatus) => boolean,
  timeoutMs = 8_000,
): Promise<ScrapeTargetStatus> {
  const until = Date.now() + timeoutMs;
  for (;;) {
    const status = await ok<IngestStatus>('getIngestStatus');
    const target = status.targets.find((t) => t.id === id);
    if (target && condition(target)) return target;
    if (Date.now() > until) throw new Error(`target ${id} never met the condition: ${JSON.stringify(target)}`);
    await new Promise((resolve) => setTimeout(resolve, 25));
  }
}

test('a saved target is scraped on its interval into the store and reported in the status', async () => {
  const started = Date.now();
  const target = await ok<ScrapeTarget>('saveScrapeTarget', {
    url: `http://127.0.0.1:${port}/metrics`,
    intervalSeconds: 1,
    job: 'worker',
  });
  const first = await statusWhen(target.id, (t) => t.up === 1);
  assert.ok(first.lastScrape !== null && first.lastScrape >= started);
  assert.ok(first.lastDurationSeconds !== null && first.lastDurationSeconds > 0);
  assert.equal(first.accepted, 1);
  assert.equal(first.lastError, null);
  const later = await statusWhen(target.id, (t) => t.accepted >= 2);
  assert.ok(later.lastScrape! > first.lastScrape!, 'scraped again on its interval');

  const series = await ok<SeriesResult[]>('query', {
    metricName: 'worker_jobs_total',
    start: started - 1000,
    end: Date.now() + 1000,
    aggregation: 'raw',
  });
  assert.deepEqual(series[0]!.labels, { job: 'worker', instance: `127.0.0.1:${port}`, queue: 'mail' });
  assert.ok(series[0]!.points.length >= 2 && series[0]!.points.every((p) => p.value === 3));
  const up = await ok<SeriesResult[]>('query', {
    metricName: 'up',
    start: started - 1000,
    end: Date.now() + 1000,
    aggregation: 'raw',
  });
  assert.deepEqual(up[0]!.labels, { job: 'worker', instance: `127.0.0.1:${port}` });

  broken = true;
  const down = await statusWhen(target.id, (t) => t.up === 0);
  assert.match(String(down.lastError), /HTTP 503/);
  assert.ok(down.lastErrorAt !== null && down.lastErrorAt >= down.lastScrape!);

  await ok('deleteScrapeTarget', target.id);
  const asked = requests;
  await new Promise((resolve) => setTimeout(resolve, 1_500));
  assert.equal(requests, asked, 'no scrape after the target was deleted');
  assert.deepEqual((await ok<IngestStatus>('getIngestStatus')).targets, []);
});

test('a target off this machine is refused by the call and nothing is scraped', async () => {
  const reply = await call('saveScrapeTarget', { url: 'http://192.0.2.1:9100/metrics' });
  assert.ok(!reply.ok);
  assert.equal(reply.error.code, 'INVALID_ARGUMENT');
  assert.match(reply.error.message, /only this machine can be scraped/);
  assert.deepEqual(await ok('listScrapeTargets'), []);
});

test('closing the host while a scrape waits for its answer closes cleanly and records nothing of it', async () => {
  server.removeAllListeners('request');
  server.on('request', () => requests++);
  const target = await ok<ScrapeTarget>('saveScrapeTarget', {
    url: `http://127.0.0.1:${port}/metrics`,
    intervalSeconds: 60,
  });
  const until = Date.now() + 5_000;
  while (requests === 0 && Date.now() < until) await new Promise((resolve) => setTimeout(resolve, 20));
  assert.equal(requests, 1);
  await service.close();
  assert.equal(service.ingest.board.status([target]).targets[0]!.lastScrape, null);
});
