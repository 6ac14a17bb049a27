/**
 * The panel API handlers against a real store on disk, called the way the host's entry calls them
 * (through the dispatcher, so the zod schemas run first): every call works, malformed payloads of
 * each kind are rejected with typed errors and change nothing. The two demo-history calls are
 * covered in shell-demo-history.test.ts.
 */
import assert from 'node:assert/strict';
import { existsSync, mkdirSync, mkdtempSync, readdirSync, rmSync, symlinkSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, before, describe, test } from 'node:test';
import { dataPaths } from '../electron/host/data-dir.ts';
import type { HostEvent, HostReply } from '../electron/host/host-protocol.ts';
import { openHostService, type HostService } from '../electron/host/host-service.ts';
import { MAX_QUERY_POINTS } from '../electron/host/panel-schemas.ts';
import { counterPointsFromRaw, type MetricSample, type Point } from '../storage/src/index.ts';

const DAY = 86_400_000;
const NOW = Date.UTC(2026, 5, 15, 12, 0, 0);

/**
 * A host service on a fresh store for the enclosing describe, at a fixed clock and with no timers:
 * opened and filled by `seed` before its tests, closed and removed after them. `call` goes through
 * the dispatcher, as the host's entry does; `ok` also asserts the call succeeded.
 */
function hostUnderTest(prefix: string, seed: (service: HostService) => Promise<void>) {
  const host = { dir: '', service: undefined as unknown as HostService, events: [] as HostEvent[] };
  let nextId = 1;
  before(async () => {
    host.dir = mkdtempSync(join(tmpdir(), prefix));
    host.service = openHostService({
      paths: dataPaths(host.dir),
      emit: (event) => host.events.push(event),
      now: () => NOW,
      jobTimings: null,
      collectEveryMs: null,
    });
    await seed(host.service);
  });
  after(async () => {
    await host.service.close();
    rmSync(host.dir, { recursive: true, force: true });
  });
  const call = (method: string, ...args: unknown[]): Promise<HostReply> =>
    host.service.dispatch({ id: nextId++, method, args });
  const ok = async (method: string, ...args: unknown[]): Promise<unknown> => {
    const reply = await call(method, ...args);
    assert.ok(reply.ok, `${method} failed: ${JSON.stringify(!reply.ok && reply.error)}`);
    return reply.result;
  };
  return { host, call, ok };
}

describe('listMetrics with declared metadata and a histogram', () => {
  const HISTOGRAM = 'app_latency_seconds';
  const samples = ['a', 'b'].flatMap((route) => [
    ...['0.1', '1', '+Inf'].map((le, i) => ({
      name: `${HISTOGRAM}_bucket`,
      value: i + 1,
      timestamp: NOW - 1000,
      labels: { route, le },
    })),
    { name: `${HISTOGRAM}_sum`, value: 0.7, timestamp: NOW - 1000, labels: { route } },
    { name: `${HISTOGRAM}_count`, value: 3, timestamp: NOW - 1000, labels: { route } },
  ]);
  const { ok } = hostUnderTest('shell-handlers-meta-', async (service) => {
    service.store.describeMetric({ name: HISTOGRAM, type: 'histogram', unit: 'seconds', help: 'Request latency' });
    service.store.describeMetric({ name: 'app_queue_depth', type: 'gauge', unit: 'requests', help: 'Queued requests' });
    await service.store.insertSamples([
      ...samples,
      { name: 'app_queue_depth', value: 4, timestamp: NOW - 1000 },
      { name: 'app_jobs_total', value: 9, timestamp: NOW - 1000 },
    ]);
  });

  test('a histogram is listed once under its base name, with its declared metadata', async () => {
    const histogramSeries = new Set(samples.map((s) => `${s.name}${JSON.stringify(s.labels)}`)).size;
    assert.deepEqual(await ok('listMetrics'), [
      { name: 'app_jobs_total', seriesCount: 1, unit: 'count', type: 'counter' },
      {
        name: HISTOGRAM,
        seriesCount: histogramSeries,
        unit: 'seconds',
        type: 'histogram',
        declaredUnit: 'seconds',
        help: 'Request latency',
      },
      {
        name: 'app_queue_depth',
        seriesCount: 1,
        unit: 'none',
        type: 'gauge',
        declaredUnit: 'requests',
        help: 'Queued requests',
      },
    ]);
  });

  test("listLabels of a histogram's base name gives the labels of all its series", async () => {
    assert.deepEqual(await ok('listLabels', HISTOGRAM), [
      { name: 'le', values: ['+Inf', '0.1', '1'] },
      { name: 'route', values: ['a', 'b'] },
    ]);
  });
});

describe('panel handlers on a real store', () => {
  const { host, call, ok } = hostUnderTest('shell-handlers-', async (service) => {
    // Five days of hourly samples for two series of one metric, and one counter.
    const samples = [];
    for (let t = NOW - 5 * DAY; t < NOW; t += 3_600_000) {
      samples.push({ name: 'app_memory_bytes', value: 1000 + (t % 7), timestamp: t, labels: { process: 'host' } });
      samples.push({ name: 'app_memory_bytes', value: 2000, timestamp: t, labels: { process: 'main' } });
      samples.push({ name: 'app_requests_total', value: (t - NOW) / 1000, timestamp: t });
    }
    assert.equal(await service.store.insertSamples(samples), 360);
  });

  test('listMetrics gives names, series counts, types inferred from the names and units from the suffix', async () => {
    assert.deepEqual(await ok('listMetrics'), [
      { name: 'app_memory_bytes', seriesCount: 2, unit: 'bytes', type: 'unknown' },
      { name: 'app_requests_total', seriesCount: 1, unit: 'count', type: 'counter' },
    ]);
  });

  test('listLabels gives label names and their values', async () => {
    assert.deepEqual(await ok('listLabels', 'app_memory_bytes'), [{ name: 'process', values: ['host', 'main'] }]);
    assert.deepEqual(await ok('listLabels', 'no_such_metric'), []);
  });

  test('query returns the engine result for a MetricQuery', async () => {
    const result = (await ok('query', {
      metricName: 'app_memory_bytes',
      start: NOW - DAY,
      end: NOW,
      labels: { process: 'main' },
      aggregation: 'raw',
    })) as { labels: Record<string, string>; points: { value: number }[] }[];
    assert.equal(result.length, 1);
    assert.deepEqual(result[0]?.labels, { process: 'main' });
    assert.equal(result[0]?.points.length, 24);
    assert.ok(result[0]?.points.every((p) => p.value === 2000));
  });

  test('an invalid query the schema lets through gets the engine typed error', async () => {
    const reply = await call('query', {
      metricName: 'app_memory_bytes',
      start: NOW - DAY,
      end: NOW,
      labels: { process: { op: '=~', value: '(' } },
    });
    assert.equal(reply.ok, false);
    assert.equal(!reply.ok && reply.error.code, 'INVALID_QUERY');
    // A function that does not fit the metric's type passes the schema and is refused by the engine.
    const rateOfGauge = await call('query', { metricName: 'app_memory_bytes', start: NOW - DAY, end: NOW, fn: 'rate' });
    assert.equal(!rateOfGauge.ok && rateOfGauge.error.code, 'INVALID_QUERY');
    assert.match(!rateOfGauge.ok ? rateOfGauge.error.message : '', /rate applies to a counter, but app_memory_bytes/);
  });

  test('getStatus reports sizes, counts, the time span and demo data', async () => {
    const status = (await ok('getStatus')) as Record<string, unknown>;
    assert.equal(status.samples, 360);
    assert.equal(status.series, 3);
    assert.equal(status.oldest, NOW - 5 * DAY);
    assert.equal(status.newest, NOW - 3_600_000);
    assert.ok((status.dbBytes as number) > 0);
    assert.equal(status.hasDemoData, false);
    assert.deepEqual(status.problems, []);
    assert.deepEqual(Object.keys(status).sort(), [
      'dbBytes',
      'hasDemoData',
      'lastRetention',
      'lastRollup',
      'newest',
      'oldest',
      'problems',
      'samples',
      'series',
      'walBytes',
    ]);
  });

  test('getSettings gives the retention and the folders', async () => {
    assert.deepEqual(await ok('getSettings'), {
      retentionDays: 30,
      dataDir: host.dir,
      exportsDir: join(host.dir, 'exports'),
    });
  });

  test('exportParquet writes into the exports folder and reports progress', async () => {
    host.events.length = 0;
    const result = (await ok('exportParquet', { anonymize: true })) as { path: string; rows: number; bytes: number };
    assert.equal(result.rows, 360);
    assert.ok(result.path.startsWith(join(host.dir, 'exports')));
    assert.ok(existsSync(result.path));
    assert.ok(result.bytes > 0);
    const progress = host.events.filter((e) => e.event === 'panel' && e.panelEvent.name === 'export-progress');
    assert.ok(progress.length > 0);
    assert.deepEqual(progress.at(-1), {
      event: 'panel',
      panelEvent: { name: 'export-progress', payload: { done: 360, total: 360 } },
    });
  });

  test('revealExport accepts only files inside the exports folder', async () => {
    const exports = join(host.dir, 'exports');
    writeFileSync(join(exports, 'a.parquet'), 'x');
    symlinkSync(join(host.dir, 'telemetry.db'), join(exports, 'escape.parquet'));
    mkdirSync(join(exports, 'folder'));
    host.events.length = 0;
    assert.equal(await ok('revealExport', 'a.parquet'), undefined);
    assert.equal(await ok('revealExport', join(exports, 'a.parquet')), undefined);
    assert.deepEqual(host.events, [
      { event: 'reveal', path: join(exports, 'a.parquet') },
      { event: 'reveal', path: join(exports, 'a.parquet') },
    ]);
    const refused = [
      ['../telemetry.db', 'INVALID_ARGUMENT'],
      [join(host.dir, 'telemetry.db'), 'INVALID_ARGUMENT'],
      ['/etc/passwd', 'INVALID_ARGUMENT'],
      ['escape.parquet', 'INVALID_ARGUMENT'],
      ['folder', 'INVALID_ARGUMENT'],
      ['.', 'INVALID_ARGUMENT'],
      ['missing.parquet', 'NOT_FOUND'],
    ] as const;
    for (const [path, code] of refused) {
      const reply = await call('revealExport', path);
      assert.equal(!reply.ok && reply.error.code, code, path);
    }
    assert.equal(host.events.length, 2, 'no refused path was revealed');
  });

  test('listAlerts and getBaselines return the engine data', async () => {
    host.service.store.recordAlert({
      metricName: 'app_memory_bytes',
      labels: { process: 'host' },
      alertType: 'zscore',
      severity: 'warning',
      value: 9,
      threshold: 3,
      timestamp: NOW - 1000,
    });
    const alerts = (await ok('listAlerts', { metricName: 'app_memory_bytes' })) as { severity: string }[];
    assert.equal(alerts.length, 1);
    assert.equal(alerts[0]?.severity, 'warning');
    assert.deepEqual(await ok('listAlerts', { severity: 'critical' }), []);
    assert.ok((await host.service.store.computeBaselines()) > 0);
    const baselines = (await ok('getBaselines', { metricName: 'app_memory_bytes' })) as { labels: object }[];
    assert.equal(baselines.length, 2);
    assert.deepEqual(
      await ok('getBaselines', { metricName: 'app_memory_bytes', labels: { process: 'main' } }).then(
        (b) => (b as unknown[]).length,
      ),
      1,
    );
  });

  test('malformed payloads of each kind are rejected with INVALID_ARGUMENT and change nothing', async () => {
    const snapshot = async (): Promise<unknown> => ({
      stats: { ...host.service.store.getStats(), dbBytes: 0, walBytes: 0 },
      settings: await ok('getSettings'),
      exports: readdirSync(join(host.dir, 'exports')).sort(),
      metrics: await ok('listMetrics'),
    });
    const before = await snapshot();
    const query = { metricName: 'app_memory_bytes', start: 0, end: NOW };
    const malformed: [string, unknown[]][] = [
      // Envelope-level: unknown methods, including names found on every object's prototype.
      ['noSuchMethod', []],
      ['constructor', []],
      ['__proto__', []],
      ['toString', []],
      ['hasOwnProperty', ['x']],
      // Wrong arity.
      ['listMetrics', [1]],
      ['listLabels', []],
      ['listLabels', ['a', 'b']],
      // Wrong types.
      ['listLabels', [42]],
      ['listLabels', ['']],
      ['query', ['app_memory_bytes']],
      ['query', [null]],
      ['query', [{ ...query, start: '0' }]],
      ['query', [{ ...query, start: 1.5 }]],
      ['query', [{ ...query, start: -1 }]],
      ['query', [{ ...query, end: Number.POSITIVE_INFINITY }]],
      ['query', [{ ...query, start: NOW, end: 0 }]],
      ['query', [{ ...query, aggregation: '2h' }]],
      ['query', [{ ...query, maxPoints: 0 }]],
      ['query', [{ ...query, labels: { process: 7 } }]],
      ['query', [{ ...query, labels: { process: { op: '~', value: 'x' } } }]],
      ['query', [{ ...query, sql: 'DROP TABLE series' }]],
      ['query', [{ ...query, metricName: undefined }]],
      // The query functions' fields: fn, q (in (0, 1), exactly with 'quantile'), aggregate { op, by }.
      ['query', [{ ...query, fn: 'median' }]],
      ['query', [{ ...query, fn: 'quantile' }]],
      ['query', [{ ...query, fn: 'quantile', q: 0 }]],
      ['query', [{ ...query, fn: 'quantile', q: 1 }]],
      ['query', [{ ...query, fn: 'quantile', q: '0.5' }]],
      ['query', [{ ...query, fn: 'rate', q: 0.5 }]],
      ['query', [{ ...query, q: 0.5 }]],
      ['query', [{ ...query, aggregate: 'sum' }]],
      ['query', [{ ...query, aggregate: { op: 'median' } }]],
      ['query', [{ ...query, aggregate: { op: 'sum', by: 'process' } }]],
      ['query', [{ ...query, aggregate: { op: 'sum', by: ['process name'] } }]],
      ['query', [{ ...query, aggregate: { op: 'sum', by: ['__name__'] } }]],
      ['query', [{ ...query, aggregate: { op: 'sum', without: ['process'] } }]],
      // Names outside the engine's grammar, and "__proto__" keys as JSON.parse makes them (own keys).
      ['listLabels', ['app memory']],
      ['query', [{ ...query, labels: { 'process-name': 'host' } }]],
      ['query', [{ ...query, labels: { __reserved: 'host' } }]],
      ['query', [{ ...query, labels: JSON.parse('{"__proto__": {"op": "!=", "value": ""}}') }]],
      ['getBaselines', [{ labels: JSON.parse('{"__proto__": "host"}') }]],
      ['exportParquet', [{ keepLabels: ['process name'] }]],
      ['recordSamples', [[{ name: 'x', value: 1, timestamp: 1, labels: JSON.parse('{"__proto__": "x"}') }]]],
      ['recordSamples', [[{ name: 'x', value: 1, timestamp: 1, labels: { 'a.b': 'x' } }]]],
      ['setRetentionDays', [0]],
      ['setRetentionDays', [3651]],
      ['setRetentionDays', [7.5]],
      ['setRetentionDays', ['7']],
      ['setRetentionDays', [Number.NaN]],
      ['setRetentionDays', []],
      ['previewRetention', [-3]],
      ['exportParquet', [{ source: 'weekly' }]],
      ['exportParquet', [{ path: '/tmp/elsewhere.parquet' }]],
      ['exportParquet', [{ output: '../x.parquet' }]],
      ['exportParquet', [{ anonymize: 'yes' }]],
      ['exportParquet', [{ keepLabels: [1] }]],
      ['exportParquet', [{ start: 10, end: 5 }]],
      ['exportParquet', []],
      ['revealExport', [{ path: 'a.parquet' }]],
      ['revealExport', ['']],
      ['getStatus', [{}]],
      ['listAlerts', [{ severity: 'fatal' }]],
      ['listAlerts', [{ limit: -1 }]],
      ['listAlerts', ['all']],
      ['getBaselines', [{ labels: { process: 1 } }]],
      ['getBaselines', [{ metric: 'x' }]],
      ['loadDemoHistory', [{ days: 365 }]],
      ['removeDemoHistory', [{ labels: {} }]],
      ['exportParquet', [{ includeDemo: 'yes' }]],
      ['query', [{ ...query, labels: { process: [] } }]],
      ['query', [{ ...query, labels: { process: Array.from({ length: 17 }, () => 'host') } }]],
      ['query', [{ ...query, labels: { process: [['host']] } }]],
      ['checkLabelMatcher', ['process']],
      ['checkLabelMatcher', ['process name', 'host']],
      ['checkLabelMatcher', ['process', ['host']]],
      ['checkLabelMatcher', ['process', { op: '~', value: 'x' }]],
      ['recordSamples', [[{ name: 'x', value: Number.NaN, timestamp: 1 }]]],
      ['recordSamples', [[{ name: 'x', value: 1 }]]],
      ['shutdown', ['now']],
    ];
    for (const [method, args] of malformed) {
      const reply = await call(method, ...args);
      assert.equal(reply.ok, false, `${method}(${JSON.stringify(args)}) was accepted`);
      assert.equal(!reply.ok && reply.error.code, 'INVALID_ARGUMENT', method);
      // Rejected by the entry's schemas (their messages name the method), before any handler ran.
      assert.match(!reply.ok ? reply.error.message : '', new RegExp(`^(${method}: |unknown method )`), method);
    }
    for (const request of [
      null,
      'listMetrics',
      42,
      [],
      { method: 'listMetrics' },
      { id: 1, method: 'listMetrics' },
      { id: -1, method: 'listMetrics', args: [] },
      { id: 1, method: 'listMetrics', args: [], extra: true },
    ]) {
      const reply = await host.service.dispatch(request);
      assert.equal(!reply.ok && reply.error.code, 'INVALID_ARGUMENT', JSON.stringify(request));
    }
    assert.deepEqual(await snapshot(), before);
  });

  test('checkLabelMatcher accepts what a query accepts and refuses a bad regex with INVALID_QUERY', async () => {
    assert.equal(await ok('checkLabelMatcher', 'process', { op: '=~', value: 'ho.t|main' }), undefined);
    assert.equal(await ok('checkLabelMatcher', 'process', 'host'), undefined);
    for (const value of ['(', '(h)\\1', 'h(?=1)']) {
      const reply = await call('checkLabelMatcher', 'process', { op: '!~', value });
      assert.equal(!reply.ok && reply.error.code, 'INVALID_QUERY', value);
      const queried = await call('query', {
        metricName: 'app_memory_bytes',
        start: NOW - DAY,
        end: NOW,
        labels: { process: { op: '!~', value } },
      });
      assert.deepEqual(reply, { ...queried, id: reply.id }, 'the same error as the query would get');
    }
  });

  test('several conditions on one label all hold in a query', async () => {
    const processes = (labels: unknown) =>
      ok('query', { metricName: 'app_memory_bytes', start: NOW - DAY, end: NOW, labels, aggregation: '1h' }).then(
        (series) => (series as { labels: { process?: string } }[]).map((x) => x.labels.process).sort(),
      );
    const all = await processes(undefined);
    assert.ok(all.length >= 2, `${all.length} series`);
    assert.deepEqual(await processes({ process: [{ op: '!=', value: all[0] }] }), all.slice(1));
    assert.deepEqual(
      await processes({
        process: [
          { op: '=~', value: '.+' },
          { op: '!=', value: all[0] },
          { op: '!=', value: all[1] },
        ],
      }),
      all.slice(2),
    );
  });

  test('a "__proto__" label key is refused, not dropped (the query would match every series)', async () => {
    const labels = JSON.parse('{"__proto__": {"op": "=", "value": "nobody"}}') as unknown;
    const reply = await call('query', { metricName: 'app_memory_bytes', start: NOW - DAY, end: NOW, labels });
    assert.equal(!reply.ok && reply.error.code, 'INVALID_ARGUMENT');
    assert.match(!reply.ok ? reply.error.message : '', /"__proto__" is not a label name/);
  });

  test('previewRetention counts without deleting; setRetentionDays persists and applies at once', async () => {
    const preview = (await ok('previewRetention', 2)) as {
      days: number;
      cutoff: number;
      samples: number;
      from: number;
      to: number;
    };
    assert.equal(preview.days, 2);
    assert.equal(preview.cutoff, NOW - 2 * DAY);
    assert.equal(preview.samples, 3 * 72);
    assert.equal(preview.from, NOW - 5 * DAY);
    assert.ok(preview.to < preview.cutoff);
    // 360 seeded samples plus the export's own duration sample (telemetry_export_duration_seconds).
    const stored = host.service.store.getStats().samples;
    assert.equal(stored, 361, 'a preview deletes nothing');

    const settings = (await ok('setRetentionDays', 2)) as { retentionDays: number };
    assert.equal(settings.retentionDays, 2);
    const stats = host.service.store.getStats();
    assert.equal(stats.samples, stored - preview.samples);
    assert.ok((stats.oldest ?? 0) >= preview.cutoff);
    assert.equal(stats.lastRetention, NOW);
    assert.equal(((await ok('getSettings')) as { retentionDays: number }).retentionDays, 2);
  });
});

describe('raw queries from the panel', () => {
  const { ok } = hostUnderTest('shell-raw-cap-', async (service) => {
    const samples = Array.from({ length: MAX_QUERY_POINTS + 1 }, (_, i) => ({
      name: 'app_memory_bytes',
      value: i,
      timestamp: NOW - DAY + i * 1000,
    }));
    assert.equal(await service.store.insertSamples(samples), MAX_QUERY_POINTS + 1);
  });
  const query = { metricName: 'app_memory_bytes', start: NOW - DAY, end: NOW, aggregation: 'raw' };
  type Result = { points: { timestamp: number; value: number }[]; sampledFrom?: number }[];

  test('a raw query is capped at its maxPoints, and at MAX_QUERY_POINTS without one', async () => {
    const [capped] = (await ok('query', { ...query, maxPoints: 100 })) as Result;
    assert.equal(capped?.points.length, 100);
    assert.equal(capped?.sampledFrom, MAX_QUERY_POINTS + 1);
    const [uncapped] = (await ok('query', query)) as Result;
    assert.equal(uncapped?.points.length, MAX_QUERY_POINTS);
    assert.equal(uncapped?.sampledFrom, MAX_QUERY_POINTS + 1);
    assert.equal(uncapped?.points.at(-1)?.value, MAX_QUERY_POINTS, 'the newest sample is kept');
  });
});

describe('cancelling an export from the panel', () => {
  const { host, call } = hostUnderTest('shell-cancel-', async (service) => {
    // Enough rows for three row groups, so the export hands the event loop back in between.
    for (let batch = 0; batch < 25; batch++) {
      const samples = Array.from({ length: 10_000 }, (_, i) => ({
        name: 'app_memory_bytes',
        value: i,
        timestamp: NOW - DAY + (batch * 10_000 + i) * 1000,
      }));
      await service.store.insertSamples(samples);
    }
  });

  test('cancelExport stops the running export: CANCELLED, no file, the store untouched', async () => {
    const idle = await call('cancelExport');
    assert.ok(idle.ok && idle.result === false, 'nothing to cancel yet');
    const before = host.service.store.getStats().samples;
    const running = call('exportParquet', { anonymize: false });
    let cancelled: HostReply | undefined;
    while (!cancelled) {
      await new Promise((resolve) => setImmediate(resolve));
      if (host.events.some((e) => e.event === 'panel' && e.panelEvent.name === 'export-progress')) {
        cancelled = await call('cancelExport');
      }
    }
    assert.ok(cancelled.ok && cancelled.result === true, 'an export was running');
    const reply = await running;
    assert.ok(!reply.ok && reply.error.code === 'CANCELLED', JSON.stringify(reply));
    assert.deepEqual(readdirSync(join(host.dir, 'exports')), []);
    assert.equal(host.service.store.getStats().samples, before);
    const again = await call('exportParquet', { anonymize: false });
    assert.ok(again.ok && (again.result as { rows: number }).rows === 250_000, 'the next export runs whole');
  });
});

describe('query functions from the panel', () => {
  const HOUR = 3_600_000;
  const START = NOW - 6 * HOUR;
  /** Per-second rates of four counter series; a histogram whose every minute adds 90, 9, 1 and 0 observations to its buckets. */
  const RATES = [
    { labels: { process: 'main', kind: 'a' }, perSecond: 1 },
    { labels: { process: 'main', kind: 'b' }, perSecond: 2 },
    { labels: { process: 'host', kind: 'a' }, perSecond: 3 },
    { labels: { process: 'host', kind: 'b' }, perSecond: 4 },
  ];
  const counters = RATES.map(({ labels, perSecond }) => ({
    labels,
    points: Array.from({ length: 360 }, (_, i) => ({ timestamp: START + i * 60_000, value: i * 60 * perSecond })),
  }));
  const { call, ok } = hostUnderTest('shell-functions-', async (service) => {
    const samples: MetricSample[] = counters.flatMap(({ labels, points }) =>
      points.map((p) => ({ name: 'app_calls_total', labels, ...p })),
    );
    for (const [le, perMinute] of [
      ['0.1', 90],
      ['0.5', 99],
      ['1', 100],
      ['+Inf', 100],
    ] as const) {
      for (let i = 0; i < 360; i++)
        samples.push({
          name: 'app_call_seconds_bucket',
          labels: { le },
          value: i * perMinute,
          timestamp: START + i * 60_000,
        });
    }
    assert.equal(await service.store.insertSamples(samples), 360 * 8);
  });
  type Result = { labels: Record<string, string>; aggregatedBy?: string[]; fn?: string; points: Point[] }[];

  test("a counter's rate summed by a label", async () => {
    const query = { metricName: 'app_calls_total', start: START, end: NOW, aggregation: '1h', fn: 'rate' };
    const results = (await ok('query', { ...query, aggregate: { op: 'sum', by: ['process'] } })) as Result;
    assert.deepEqual(
      results.map((r) => [r.labels, r.aggregatedBy, r.fn]),
      [
        [{ process: 'host' }, ['process'], 'rate'],
        [{ process: 'main' }, ['process'], 'rate'],
      ],
    );
    for (const result of results) {
      const rates = counters
        .filter((c) => c.labels.process === result.labels.process)
        .map((c) => counterPointsFromRaw(c.points, '1h', START, NOW, 'rate'));
      const summed = rates[0]!.map((p, i) => ({ timestamp: p.timestamp, value: p.value + rates[1]![i]!.value }));
      assert.deepEqual(result.points, summed);
      assert.equal(
        result.points.at(-1)!.value,
        result.labels.process === 'main' ? 3 : 7,
        'a full hour: the summed rates',
      );
    }
  });

  test("a histogram's p99", async () => {
    const query = {
      metricName: 'app_call_seconds',
      start: START,
      end: NOW,
      aggregation: '1h',
      fn: 'quantile',
      q: 0.99,
    };
    const [p99, ...rest] = (await ok('query', query)) as Result;
    assert.equal(rest.length, 0);
    assert.deepEqual(p99!.labels, {});
    assert.equal(p99!.fn, 'quantile');
    assert.equal(p99!.points.length, 6);
    // 99 % of the observations are at or below 0.5, and the rank falls at that bucket's top.
    for (const p of p99!.points) assert.ok(Math.abs(p.value - 0.5) < 1e-12, String(p.value));
    const raw = await call('query', { ...query, aggregation: 'raw' });
    assert.equal(!raw.ok && raw.error.code, 'INVALID_QUERY');
  });
});
