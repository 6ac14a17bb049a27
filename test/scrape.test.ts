/**
 * Scraping end to end with real parts: prom-client serving its registry over real HTTP on a
 * loopback port, the scraper (electron/ingest/scrape/) fetching and storing it into a real store
 * on disk, read back through queryMetrics and metricMetadata. Checked: values, types, units, help,
 * job/instance labels, timestamps honoured (ms in text 0.0.4, s in OpenMetrics), `_created`
 * dropped, gzip; up and scrape_duration_seconds on every scrape; failing, slow, garbage and
 * truncated targets get up = 0, an error, and none of their samples; non-loopback URLs and
 * redirects off loopback are refused before any connection; a declaration the store refuses is
 * reported while the data is stored; the manager scrapes on its interval and stops on removal.
 */
import assert from 'node:assert/strict';
import { createServer, type IncomingMessage, type Server, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';
import { after, before, describe, test } from 'node:test';
import { gzipSync } from 'node:zlib';
import client from 'prom-client';
import { isLoopbackAddress, loopbackUrlProblem } from '../electron/ingest/scrape/loopback.ts';
import { SCRAPE_ACCEPT } from '../electron/ingest/scrape/scrape-fetch.ts';
import { ScrapeManager, scrapeTimeoutMs } from '../electron/ingest/scrape/scrape-manager.ts';
import { scrapeOnce, type ScrapeResult } from '../electron/ingest/scrape/scrape-once.ts';
import { DeclaredMetadata } from '../electron/ingest/declared-metadata.ts';
import type { ScrapeTarget } from '../shared/ingest.ts';
import type { TimeSeriesStorage } from '../storage/src/index.ts';
import { openStore, type OpenedStore } from './support/store.ts';

type Handler = (req: IncomingMessage, res: ServerResponse) => void;

/** A loopback HTTP server whose handler each test sets; `requests` counts what it was asked. */
async function loopbackServer(): Promise<{
  url: (path?: string) => string;
  set: (h: Handler) => void;
  requests: IncomingMessage[];
  close: () => Promise<void>;
}> {
  let handler: Handler = (_req, res) => res.end();
  const requests: IncomingMessage[] = [];
  const server: Server = createServer((req, res) => {
    requests.push(req);
    handler(req, res);
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const port = (server.address() as AddressInfo).port;
  return {
    url: (path = '/metrics') => `http://127.0.0.1:${port}${path}`,
    set: (h) => (handler = h),
    requests,
    close: () =>
      new Promise((resolve) => {
        server.closeAllConnections();
        server.close(() => resolve());
      }),
  };
}

function serveRegistry(registry: client.Registry<client.RegistryContentType>): Handler {
  return (_req, res) => {
    void registry.metrics().then((body) => {
      res.setHeader('content-type', registry.contentType);
      res.end(body);
    });
  };
}

function serveText(
  body: string | Buffer,
  contentType = 'text/plain; version=0.0.4',
  extra: Record<string, string> = {},
): Handler {
  return (_req, res) => {
    res.writeHead(200, { 'content-type': contentType, ...extra });
    res.end(body);
  };
}

let nextId = 1;
function target(url: string, job = 'app', intervalSeconds = 10): ScrapeTarget {
  return { id: nextId++, url, job, intervalSeconds };
}

async function scrape(store: TimeSeriesStorage, t: ScrapeTarget, timeoutMs = 5_000): Promise<ScrapeResult> {
  const result = await scrapeOnce(t, { store, now: Date.now, timeoutMs, declared: new DeclaredMetadata() });
  assert.ok(result);
  return result;
}

const HOUR = 3_600_000;
function raw(store: TimeSeriesStorage, metricName: string, labels: Record<string, string> = {}) {
  return store.queryMetrics({ metricName, labels, start: 0, end: Date.now() + HOUR, aggregation: 'raw' });
}

/** The one value of the one series matching. */
function valueOf(store: TimeSeriesStorage, metricName: string, labels: Record<string, string> = {}): number {
  const series = raw(store, metricName, labels);
  assert.equal(series.length, 1, `one series ${metricName}${JSON.stringify(labels)}`);
  assert.equal(series[0]!.points.length, 1);
  return series[0]!.points[0]!.value;
}

/** Every metric name the store has series of. */
function storedNames(store: TimeSeriesStorage): string[] {
  return store
    .listMetrics()
    .map((m) => m.name)
    .sort();
}

const SCRAPE_NAMES = ['scrape_duration_seconds', 'scrape_samples_scraped', 'up'];

describe('a prom-client registry scraped into a real store', () => {
  let s: OpenedStore;
  let server: Awaited<ReturnType<typeof loopbackServer>>;
  before(async () => {
    server = await loopbackServer();
  });
  after(() => server.close());

  test('text format 0.0.4: counter, gauge, histogram, summary with labels; types and help declared; up recorded', async () => {
    s = openStore();
    const registry = new client.Registry<client.RegistryContentType>();
    const jobs = new client.Counter({
      name: 'jobs_done_total',
      help: 'Jobs done',
      labelNames: ['queue'],
      registers: [registry],
    });
    const temp = new client.Gauge({ name: 'room_celsius', help: 'Room temperature', registers: [registry] });
    const latency = new client.Histogram({
      name: 'request_seconds',
      help: 'Request latency',
      labelNames: ['route'],
      buckets: [0.1, 0.5, 1],
      registers: [registry],
    });
    const sizes = new client.Summary({
      name: 'payload_bytes',
      help: 'Payload sizes',
      percentiles: [0.5, 0.9],
      registers: [registry],
    });
    jobs.inc({ queue: 'mail' }, 7);
    jobs.inc({ queue: 'sms' }, 2);
    temp.set(21.5);
    const observations = [0.05, 0.3, 0.3, 0.7, 2];
    for (const v of observations) latency.observe({ route: '/api' }, v);
    for (const v of [100, 200, 300]) sizes.observe(v);
    server.set(serveRegistry(registry));

    const t = target(server.url(), 'worker');
    const before = Date.now();
    const result = await scrape(s.store, t);
    assert.equal(result.up, 1, String(result.error));
    assert.equal(result.error, null);
    const expectedSamples = 2 + 1 + (4 + 2) + (2 + 2);
    assert.equal(result.accepted, expectedSamples);
    assert.equal(result.rejected, 0);

    const instance = new URL(server.url()).host;
    const mail = raw(s.store, 'jobs_done_total', { queue: 'mail' });
    assert.deepEqual(mail[0]!.labels, { job: 'worker', instance, queue: 'mail' });
    assert.equal(mail[0]!.points[0]!.value, 7);
    assert.ok(mail[0]!.points[0]!.timestamp >= before && mail[0]!.points[0]!.timestamp <= result.endedAt);
    assert.equal(valueOf(s.store, 'jobs_done_total', { queue: 'sms' }), 2);
    assert.equal(valueOf(s.store, 'room_celsius'), 21.5);
    // Cumulative bucket counts, computed here from the observations.
    for (const le of [0.1, 0.5, 1]) {
      const expected = observations.filter((v) => v <= le).length;
      assert.equal(valueOf(s.store, 'request_seconds_bucket', { le: String(le), route: '/api' }), expected);
    }
    assert.equal(valueOf(s.store, 'request_seconds_bucket', { le: '+Inf', route: '/api' }), observations.length);
    assert.equal(
      valueOf(s.store, 'request_seconds_sum', { route: '/api' }),
      observations.reduce((a, b) => a + b, 0),
    );
    assert.equal(valueOf(s.store, 'payload_bytes', { quantile: '0.5' }), 200);
    assert.equal(valueOf(s.store, 'payload_bytes_count'), 3);

    assert.deepEqual(s.store.metricMetadata('jobs_done_total'), {
      name: 'jobs_done_total',
      type: 'counter',
      help: 'Jobs done',
    });
    assert.equal(s.store.metricMetadata('room_celsius').type, 'gauge');
    assert.deepEqual(s.store.metricMetadata('request_seconds'), {
      name: 'request_seconds',
      type: 'histogram',
      help: 'Request latency',
    });
    assert.equal(s.store.metricMetadata('payload_bytes').type, 'summary');

    assert.equal(valueOf(s.store, 'up', { job: 'worker', instance }), 1);
    assert.equal(valueOf(s.store, 'scrape_samples_scraped', { job: 'worker' }), expectedSamples);
    const duration = valueOf(s.store, 'scrape_duration_seconds', { job: 'worker', instance });
    assert.ok(duration > 0 && duration === result.durationSeconds);
    // What Prometheus asks for, it was asked.
    assert.equal(server.requests.at(-1)!.headers.accept, SCRAPE_ACCEPT);
  });

  test('a second scrape after more work: the counter rate and the histogram quantile come out of the store', async () => {
    const t = target(server.url(), 'again');
    const registry = new client.Registry<client.RegistryContentType>();
    const jobs = new client.Counter({ name: 'ticks_total', help: 'Ticks', registers: [registry] });
    const latency = new client.Histogram({ name: 'op_seconds', help: 'Op', buckets: [1, 2, 4], registers: [registry] });
    server.set(serveRegistry(registry));
    jobs.inc(5);
    latency.observe(0.5);
    const first = await scrape(s.store, t);
    await new Promise((resolve) => setTimeout(resolve, 20));
    jobs.inc(30);
    for (const v of [1.5, 1.5, 3, 3, 3, 3]) latency.observe(v);
    const second = await scrape(s.store, t);
    const seconds = (second.startedAt - first.startedAt) / 1000;
    const increase = s.store.queryMetrics({
      metricName: 'ticks_total',
      labels: { job: 'again' },
      start: first.startedAt,
      end: second.startedAt + 1,
      aggregation: '1h',
      fn: 'increase',
    });
    assert.equal(
      increase[0]!.points.reduce((a, p) => a + p.value, 0),
      30,
    );
    const quantile = s.store.queryMetrics({
      metricName: 'op_seconds',
      labels: { job: 'again' },
      start: first.startedAt,
      end: second.startedAt + 1,
      aggregation: '1h',
      fn: 'quantile',
      q: 0.5,
    });
    // Of the 6 new observations, 2 in (1, 2] and 4 in (2, 4]: the median lies in (2, 4], at rank 3 of 6:
    // 2 + (3 - 2) / 4 * 2 = 2.5 (Prometheus' linear interpolation).
    assert.equal(quantile[0]!.points.at(-1)!.value, 2.5);
    assert.ok(seconds > 0);
  });

  test('OpenMetrics from prom-client: negotiated, read and stored the same', async () => {
    const registry = new client.Registry<client.RegistryContentType>();
    registry.setContentType(client.Registry.OPENMETRICS_CONTENT_TYPE);
    const c = new client.Counter({
      name: 'om_events_total',
      help: 'Events',
      labelNames: ['kind'],
      registers: [registry],
    });
    c.inc({ kind: 'a"b' }, 4);
    server.set(serveRegistry(registry));
    const result = await scrape(s.store, target(server.url(), 'om'));
    assert.equal(result.up, 1, String(result.error));
    assert.equal(valueOf(s.store, 'om_events_total', { kind: 'a"b', job: 'om' }), 4);
    assert.deepEqual(s.store.metricMetadata('om_events_total'), {
      name: 'om_events_total',
      type: 'counter',
      help: 'Events',
    });
  });

  test('OpenMetrics by hand: units declared, timestamps in seconds honoured, _created dropped, exemplars ignored, gzip', async () => {
    const body = [
      '# TYPE disk_read_bytes counter',
      '# UNIT disk_read_bytes bytes',
      '# HELP disk_read_bytes Bytes read.',
      'disk_read_bytes_total{dev="sda"} 1024 1700000000.250 # {trace_id="x"} 1 1700000000',
      'disk_read_bytes_created{dev="sda"} 1699990000',
      '# TYPE queue_wait_seconds histogram',
      '# UNIT queue_wait_seconds seconds',
      'queue_wait_seconds_bucket{le="1"} 1 1700000000',
      'queue_wait_seconds_bucket{le="+Inf"} 2 1700000000',
      'queue_wait_seconds_sum 3.5 1700000000',
      'queue_wait_seconds_count 2 1700000000',
      'queue_wait_seconds_created 1699990000 1700000000',
      '# EOF',
      '',
    ].join('\n');
    server.set(
      serveText(gzipSync(body), 'application/openmetrics-text; version=1.0.0', { 'content-encoding': 'gzip' }),
    );
    const result = await scrape(s.store, target(server.url(), 'om-hand'));
    assert.equal(result.up, 1, String(result.error));
    const read = raw(s.store, 'disk_read_bytes_total', { job: 'om-hand' });
    assert.deepEqual(
      read[0]!.points.map((p) => [p.timestamp, p.value]),
      [[1_700_000_000_250, 1024]],
    );
    assert.deepEqual(s.store.metricMetadata('disk_read_bytes_total'), {
      name: 'disk_read_bytes_total',
      type: 'counter',
      unit: 'bytes',
      help: 'Bytes read.',
    });
    assert.deepEqual(s.store.metricMetadata('queue_wait_seconds'), {
      name: 'queue_wait_seconds',
      type: 'histogram',
      unit: 'seconds',
    });
    assert.equal(raw(s.store, 'queue_wait_seconds_count')[0]!.points[0]!.timestamp, 1_700_000_000_000);
    assert.deepEqual(raw(s.store, 'disk_read_bytes_created'), []);
    assert.deepEqual(raw(s.store, 'queue_wait_seconds_created'), []);
  });

  test('text 0.0.4 timestamps in ms are honoured; job and instance in the exposition become exported_*', async () => {
    server.set(serveText('legacy_value{job="inner",instance="x"} 3 1600000000123\n'));
    const result = await scrape(s.store, target(server.url(), 'legacy'));
    assert.equal(result.up, 1);
    const series = raw(s.store, 'legacy_value');
    assert.deepEqual(series[0]!.labels, {
      job: 'legacy',
      instance: new URL(server.url()).host,
      exported_job: 'inner',
      exported_instance: 'x',
    });
    assert.deepEqual(
      series[0]!.points.map((p) => [p.timestamp, p.value]),
      [[1_600_000_000_123, 3]],
    );
  });

  test('NaN and Inf values are left out and counted as rejected; the rest is stored', async () => {
    server.set(serveText('# TYPE nan_g gauge\nnan_g NaN\nfine_g 2\ninf_g +Inf\n'));
    const result = await scrape(s.store, target(server.url(), 'nan'));
    assert.equal(result.up, 1);
    assert.deepEqual([result.accepted, result.rejected], [1, 2]);
    assert.match(String(result.error), /2 samples with NaN or infinite values/);
    assert.equal(valueOf(s.store, 'fine_g', { job: 'nan' }), 2);
    assert.deepEqual(raw(s.store, 'nan_g'), []);
    s.cleanup();
  });
});

describe('failing targets: up = 0, an error, no partial data', () => {
  let server: Awaited<ReturnType<typeof loopbackServer>>;
  before(async () => {
    server = await loopbackServer();
  });
  after(() => server.close());

  const valid = '# TYPE partial_total counter\npartial_total 1\n';
  const cases: [string, Handler, RegExp, number?][] = [
    ['an HTTP error', (_q, res) => res.writeHead(500).end(valid), /HTTP 500/],
    ['garbage', serveText('<html><body>hello</body></html>'), /not a valid exposition: line 1/],
    ['a valid start then garbage', serveText(`${valid}partial_total{ 2\n`), /not a valid exposition: line 3/],
    [
      'a truncated OpenMetrics body',
      serveText(valid.replace('partial_total 1', 'partial_total_total 1'), 'application/openmetrics-text'),
      /no "# EOF"/,
    ],
    ['a damaged gzip body', serveText(Buffer.from('not gzip'), 'text/plain', { 'content-encoding': 'gzip' }), /gzip/],
    ['a body that is not UTF-8', serveText(Buffer.from([0x61, 0x20, 0xff, 0xfe, 0x0a])), /not UTF-8/],
    [
      'a timeout (headers sent, body never ends)',
      (_q, res) => res.writeHead(200).write(valid),
      /no complete answer within 0.3 s/,
      300,
    ],
    [
      'a sample the store refuses',
      serveText(`${valid}bad{__reserved="1"} 1\n`),
      /the store refused the samples \(INVALID_SAMPLE\)/,
    ],
    [
      'a label named __proto__ (kept as a label, for the store to refuse)',
      serveText(`${valid}bad{__proto__="1"} 1\n`),
      /the store refused the samples \(INVALID_SAMPLE\)/,
    ],
    [
      'a redirect off loopback',
      (_q, res) => res.writeHead(302, { location: 'http://192.0.2.1/metrics' }).end(),
      /redirected to http:\/\/192\.0\.2\.1\/metrics, which is refused/,
    ],
  ];
  for (const [what, handler, message, timeoutMs] of cases) {
    test(what, async () => {
      const s = openStore();
      try {
        server.set(handler);
        const t = target(server.url(), 'failing');
        const result = await scrape(s.store, t, timeoutMs);
        assert.equal(result.up, 0);
        assert.match(String(result.error), message);
        assert.equal(result.accepted, 0);
        assert.deepEqual(storedNames(s.store), SCRAPE_NAMES);
        assert.equal(valueOf(s.store, 'up', { job: 'failing', instance: new URL(t.url).host }), 0);
      } finally {
        s.cleanup();
      }
    });
  }

  test('a closed port: connection refused', async () => {
    const closed = await loopbackServer();
    const url = closed.url();
    await closed.close();
    const s = openStore();
    const result = await scrape(s.store, target(url, 'gone'));
    assert.equal(result.up, 0);
    assert.match(String(result.error), /connection refused/);
    s.cleanup();
  });

  test('localhost resolves through the loopback-only lookup (the server listens on 127.0.0.1 only)', async () => {
    const s = openStore();
    server.set(serveText('named_value 4\n'));
    const result = await scrape(s.store, target(server.url().replace('127.0.0.1', 'localhost'), 'named'));
    assert.equal(result.up, 1, String(result.error));
    assert.equal(
      valueOf(s.store, 'named_value', { instance: new URL(server.url()).host.replace('127.0.0.1', 'localhost') }),
      4,
    );
    s.cleanup();
  });

  test('a redirect that stays on loopback is followed', async () => {
    const s = openStore();
    server.set((req, res) => {
      if (req.url === '/old') res.writeHead(301, { location: '/metrics' }).end();
      else serveText('moved_value 9\n')(req, res);
    });
    const result = await scrape(s.store, target(server.url('/old'), 'moved'));
    assert.equal(result.up, 1, String(result.error));
    assert.equal(valueOf(s.store, 'moved_value'), 9);
    s.cleanup();
  });
});

describe('only this machine', () => {
  test('loopback addresses and localhost pass; every other host, and other schemes, are refused', () => {
    for (const ok of [
      'http://127.0.0.1:9090/metrics',
      'http://127.8.9.10/',
      'http://[::1]:8000/m',
      'https://localhost:1/',
      'http://LOCALHOST/',
    ]) {
      assert.equal(loopbackUrlProblem(ok), undefined, ok);
    }
    const refused = [
      'http://10.0.0.1/metrics',
      'http://192.168.1.2:9100/metrics',
      'http://example.com/metrics',
      'http://localhost.example.com/',
      'http://[::2]/',
      'http://0.0.0.0:8000/metrics',
      'http://127.0.0.1.nip.io/',
      'ftp://127.0.0.1/',
      'file:///etc/passwd',
      'not a url',
    ];
    for (const bad of refused) assert.ok(loopbackUrlProblem(bad), bad);
    assert.match(
      String(loopbackUrlProblem('http://10.0.0.1/metrics')),
      /only this machine can be scraped \(127\.0\.0\.0\/8, ::1, localhost\): 10\.0\.0\.1 is another machine/,
    );
    assert.ok(isLoopbackAddress('::ffff:127.0.0.1') && !isLoopbackAddress('::ffff:10.0.0.1'));
  });

  test('a non-loopback target is refused before any connection: up = 0 and the reason', async () => {
    const s = openStore();
    // 192.0.2.1 (TEST-NET-1) would hang a real connection attempt past the test's timeout.
    const result = await scrape(s.store, target('http://192.0.2.1:9100/metrics', 'remote'), 60_000);
    assert.equal(result.up, 0);
    assert.match(String(result.error), /192\.0\.2\.1 is another machine/);
    assert.deepEqual(storedNames(s.store), SCRAPE_NAMES);
    s.cleanup();
  });
});

test('a declaration that contradicts stored data is reported; the data is still stored, the scrape is up', async () => {
  const s = openStore();
  const server = await loopbackServer();
  try {
    s.store.describeMetric({ name: 'level', type: 'counter' });
    await s.store.insertSamples([{ name: 'level', value: 1, timestamp: Date.now() - 1000 }]);
    server.set(serveText('# TYPE level gauge\nlevel 5\n'));
    const result = await scrape(s.store, target(server.url(), 'conflict'));
    assert.equal(result.up, 1);
    assert.match(
      String(result.error),
      /declaration refused \(INVALID_ARGUMENT\): level: it has data stored as a counter/,
    );
    assert.equal(valueOf(s.store, 'level', { job: 'conflict' }), 5);
  } finally {
    await server.close();
    s.cleanup();
  }
});

describe('the scrape manager', () => {
  test('timeouts stay below the interval', () => {
    assert.equal(scrapeTimeoutMs(10), 8_000);
    assert.equal(scrapeTimeoutMs(60), 10_000);
    assert.equal(scrapeTimeoutMs(1), 800);
  });

  test('scrapes each target at once and on its interval, restarts a changed one, stops a removed one', async () => {
    const s = openStore();
    const server = await loopbackServer();
    server.set(serveText('tick_value 1\n'));
    const results: [string, ScrapeResult][] = [];
    const manager = new ScrapeManager({ store: s.store, onResult: (t, r) => results.push([t.job, r]) });
    try {
      const t = target(server.url(), 'loop', 1);
      manager.setTargets([t]);
      await waitFor(() => results.length >= 2, 5_000);
      assert.ok(results.every(([job, r]) => job === 'loop' && r.up === 1));
      const [first, second] = [results[0]![1], results[1]![1]];
      assert.ok(second.startedAt - first.startedAt >= 900, 'one interval apart');

      manager.setTargets([{ ...t, job: 'renamed' }]);
      await waitFor(() => results.some(([job]) => job === 'renamed'), 5_000);
      assert.equal(raw(s.store, 'up', { job: 'renamed' }).length, 1);

      manager.setTargets([]);
      const asked = server.requests.length;
      await new Promise((resolve) => setTimeout(resolve, 1_500));
      assert.equal(server.requests.length, asked, 'no scrape after removal');
    } finally {
      await manager.close();
      await server.close();
      s.cleanup();
    }
  });

  test('close() abandons a scrape under way: nothing of it is recorded', async () => {
    const s = openStore();
    const server = await loopbackServer();
    server.set((_q, res) => res.writeHead(200).write('slow 1\n'));
    const results: ScrapeResult[] = [];
    const manager = new ScrapeManager({ store: s.store, onResult: (_t, r) => results.push(r) });
    manager.setTargets([target(server.url(), 'closing', 30)]);
    await waitFor(() => server.requests.length === 1, 5_000);
    await manager.close();
    assert.deepEqual(results, []);
    assert.deepEqual(raw(s.store, 'up'), []);
    await server.close();
    s.cleanup();
  });
});

async function waitFor(condition: () => boolean, timeoutMs: number): Promise<void> {
  const until = Date.now() + timeoutMs;
  while (!condition()) {
    if (Date.now() > until) throw new Error('condition not met in time');
    await new Promise((resolve) => setTimeout(resolve, 20));
  }
}
