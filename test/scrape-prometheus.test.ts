/**
 * The scraper against a rich exposition it did not make: Prometheus' own /metrics (hundreds of Go
 * and Prometheus series: counters, gauges, histograms, summaries), served by the real `prometheus`
 * binary on a loopback port. A recording proxy keeps the exact body the scraper read, so the
 * check is independent: every sample line of that body (counted here by line shape) is stored
 * with its value, and every `# TYPE` line's family is declared with that type. Skipped, saying
 * why, where Debian's `prometheus` package is not installed.
 */
import assert from 'node:assert/strict';
import { spawn, type ChildProcess } from 'node:child_process';
import { existsSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { createServer, get, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, before, test } from 'node:test';
import { scrapeOnce } from '../electron/ingest/scrape/scrape-once.ts';
import { DeclaredMetadata } from '../electron/ingest/declared-metadata.ts';
import { openStore, type OpenedStore } from './support/store.ts';

const PROMETHEUS = '/usr/bin/prometheus';
const skip = existsSync(PROMETHEUS) ? false : 'the prometheus binary is not installed (apt-get install prometheus)';

async function freePort(): Promise<number> {
  const probe = createServer();
  await new Promise<void>((resolve) => probe.listen(0, '127.0.0.1', resolve));
  const port = (probe.address() as AddressInfo).port;
  await new Promise((resolve) => probe.close(resolve));
  return port;
}

function fetchText(url: string): Promise<{ status: number; body: string; type: string }> {
  return new Promise((resolve, reject) => {
    get(url, (res) => {
      let body = '';
      res.setEncoding('utf8');
      res.on('data', (chunk: string) => (body += chunk));
      res.on('end', () => resolve({ status: res.statusCode ?? 0, body, type: String(res.headers['content-type']) }));
    }).on('error', reject);
  });
}

let dir = '';
let prometheus: ChildProcess | undefined;
let proxy: Server | undefined;
let proxyUrl = '';
let served: { body: string; type: string } | undefined;

before(async () => {
  if (skip) return;
  dir = mkdtempSync(join(tmpdir(), 'scrape-prometheus-'));
  writeFileSync(join(dir, 'prometheus.yml'), 'global:\n  scrape_interval: 60s\nscrape_configs: []\n');
  const port = await freePort();
  prometheus = spawn(
    PROMETHEUS,
    [
      `--config.file=${join(dir, 'prometheus.yml')}`,
      `--storage.tsdb.path=${join(dir, 'data')}`,
      `--web.listen-address=127.0.0.1:${port}`,
    ],
    { stdio: 'ignore' },
  );
  const until = Date.now() + 20_000;
  for (;;) {
    const ready = await fetchText(`http://127.0.0.1:${port}/-/ready`).catch(() => undefined);
    if (ready?.status === 200) break;
    if (Date.now() > until) throw new Error('prometheus did not become ready');
    await new Promise((resolve) => setTimeout(resolve, 100));
  }
  proxy = createServer((_req, res) => {
    void fetchText(`http://127.0.0.1:${port}/metrics`).then((upstream) => {
      served = upstream;
      res.writeHead(200, { 'content-type': upstream.type }).end(upstream.body);
    });
  });
  await new Promise<void>((resolve) => proxy!.listen(0, '127.0.0.1', resolve));
  proxyUrl = `http://127.0.0.1:${(proxy.address() as AddressInfo).port}/metrics`;
});

after(async () => {
  proxy?.closeAllConnections();
  if (proxy) await new Promise((resolve) => proxy!.close(resolve));
  if (prometheus && prometheus.exitCode === null) {
    const exited = new Promise((resolve) => prometheus!.once('exit', resolve));
    prometheus.kill('SIGTERM');
    await exited;
  }
  if (dir) rmSync(dir, { recursive: true, force: true });
});

test("Prometheus' own /metrics is stored whole, sample by sample, and typed as it says", { skip }, async () => {
  const s: OpenedStore = openStore();
  try {
    const result = await scrapeOnce(
      { id: 1, url: proxyUrl, job: 'prometheus', intervalSeconds: 10 },
      { store: s.store, now: Date.now, timeoutMs: 8_000, declared: new DeclaredMetadata() },
    );
    assert.ok(result && served);
    assert.equal(result.up, 1, String(result.error));
    // Sample lines, read here by their shape alone: `name{labels} value` or `name value`.
    const lines = served.body.split('\n').filter((line) => line !== '' && !line.startsWith('#'));
    const finite = lines.filter((line) => !/ (NaN|[+-]Inf)$/.test(line));
    assert.ok(lines.length > 200, `a rich exposition (${lines.length} samples)`);
    assert.equal(result.accepted, finite.length);
    assert.equal(result.rejected, lines.length - finite.length);

    for (const line of finite.slice(0, 400)) {
      const match = /^([a-zA-Z_:][a-zA-Z0-9_:]*)(?:\{(.*)\})? (\S+)$/.exec(line);
      assert.ok(match, line);
      const labels = Object.fromEntries(
        [...(match[2] ?? '').matchAll(/(\w+)="((?:[^"\\]|\\.)*)"/g)].map((m) => [m[1]!, m[2]!]),
      );
      const series = s.store.queryMetrics({
        metricName: match[1]!,
        labels: { ...labels, job: 'prometheus' },
        start: 0,
        end: Date.now() + 60_000,
        aggregation: 'raw',
      });
      const exact = series.filter((x) => Object.keys(x.labels).length === Object.keys(labels).length + 2);
      assert.equal(exact.length, 1, line);
      assert.equal(exact[0]!.points[0]!.value, Number(match[3]), line);
    }
    const types = [...served.body.matchAll(/^# TYPE (\S+) (\S+)$/gm)].map((m) => [m[1]!, m[2]!] as const);
    assert.ok(types.some(([, t]) => t === 'histogram') && types.some(([, t]) => t === 'summary'));
    for (const [name, type] of types) {
      assert.equal(s.store.metricMetadata(name).type, type === 'untyped' ? 'unknown' : type, name);
    }
  } finally {
    s.cleanup();
  }
});
