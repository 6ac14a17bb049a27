/**
 * The collector writing real samples into a real store: the host's own process metrics, the
 * database and WAL size, the samples-ingested counter, the machine's load and free memory; the
 * per-process sampler measures CPU actually spent; the host service's collector runs end to end,
 * declares every metric's type, unit and help, and counts and times the panel API's calls (a
 * counter per method and a histogram of their latency).
 */
import assert from 'node:assert/strict';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, before, describe, test } from 'node:test';
import { TimeSeriesStorage, bucketBound } from '../storage/src/index.ts';
import { CountingSink, ProcessSampler, collectHostOnce, hostSamples } from '../electron/collector/collector.ts';
import { dataPaths } from '../electron/host/data-dir.ts';
import { openHostService } from '../electron/host/host-service.ts';
import { METRIC, METRIC_METADATA, PANEL_CALL_BUCKETS } from '../electron/collector/metric-catalog.ts';
import { PanelCallStats, instrumentPanel } from '../electron/collector/panel-calls.ts';
import { unitOf } from '../electron/collector/units.ts';

describe('collector', () => {
  let dir: string;
  let store: TimeSeriesStorage;

  before(() => {
    dir = mkdtempSync(join(tmpdir(), 'shell-collector-'));
    store = new TimeSeriesStorage({ dbPath: join(dir, 'telemetry.db') });
  });

  after(() => {
    store.close();
    rmSync(dir, { recursive: true, force: true });
  });

  test("stores each value at its unit's reported precision", async () => {
    const sink = new CountingSink(store);
    const at = Date.UTC(2026, 0, 2);
    await sink.insertSamples([
      { name: 'precision_cpu_percent', value: 3.7312345678, timestamp: at },
      { name: 'precision_delay_milliseconds', value: 0.123456789, timestamp: at },
      { name: 'precision_rss_bytes', value: 1234.6, timestamp: at },
      { name: 'precision_load1', value: 0.52343751, timestamp: at },
    ]);
    const stored = (name: string) =>
      store.queryMetrics({ metricName: name, start: at, end: at + 1, aggregation: 'raw' })[0]?.points[0]?.value;
    assert.equal(stored('precision_cpu_percent'), 3.73);
    assert.equal(stored('precision_delay_milliseconds'), 0.123);
    assert.equal(stored('precision_rss_bytes'), 1235);
    assert.equal(stored('precision_load1'), 0.5234);
  });

  test('writes every host metric into the store', async () => {
    const sink = new CountingSink(store);
    const sampler = new ProcessSampler('host');
    const start = Date.now();
    const deps = { sink, sampler, now: () => start, fileSizes: () => store.diskUsage() };
    const first = await collectHostOnce(deps);
    const expected = [
      METRIC.cpu,
      METRIC.residentMemory,
      METRIC.heapUsed,
      METRIC.loopDelayMean,
      METRIC.loopDelayP99,
      METRIC.dbSize,
      METRIC.walSize,
      METRIC.samplesIngested,
      METRIC.load1,
      METRIC.freeMemory,
    ];
    assert.ok(first >= expected.length - 2, 'event-loop delay may be absent before the first tick');
    const read = (name: string): number[] =>
      store
        .queryMetrics({ metricName: name, start: start - 1, end: start + 60_000, aggregation: 'raw' })
        .flatMap((s) => s.points.map((p) => p.value));
    for (const name of [
      METRIC.cpu,
      METRIC.residentMemory,
      METRIC.heapUsed,
      METRIC.dbSize,
      METRIC.walSize,
      METRIC.load1,
      METRIC.freeMemory,
    ]) {
      assert.equal(read(name).length, 1, name);
    }
    const [rss] = store.queryMetrics({
      metricName: METRIC.residentMemory,
      start: start - 1,
      end: start + 1,
      aggregation: 'raw',
    });
    assert.deepEqual(rss?.labels, { process: 'host' });
    assert.ok((rss?.points[0]?.value ?? 0) > 1024 * 1024, 'resident memory is in bytes');
    assert.ok(read(METRIC.dbSize)[0]! > 0);
    assert.ok(read(METRIC.freeMemory)[0]! > 0);

    // The counter counts what the sink stored, including the first collection.
    deps.now = () => start + 10_000;
    const second = await collectHostOnce(deps);
    assert.deepEqual(read(METRIC.samplesIngested), [0, first]);
    assert.equal(sink.total, first + second);
    sampler.stop();
  });

  test('every collected metric has a unit from its suffix', () => {
    const sampler = new ProcessSampler('host');
    const samples = hostSamples(
      { sink: new CountingSink(store), sampler, now: Date.now, fileSizes: () => ({ dbBytes: 1, walBytes: 2 }) },
      1,
    );
    sampler.stop();
    const units = Object.fromEntries(samples.map((s) => [s.name, unitOf(s.name)]));
    assert.equal(units[METRIC.cpu], 'percent');
    assert.equal(units[METRIC.residentMemory], 'bytes');
    assert.equal(units[METRIC.samplesIngested], 'count');
    assert.equal(units[METRIC.load1], 'none');
    assert.equal(unitOf(METRIC.loopDelayP99), 'milliseconds');
    assert.equal(unitOf(METRIC.exportDuration), 'seconds');
  });

  test('the process sampler measures CPU actually spent', () => {
    const sampler = new ProcessSampler('main');
    const before = process.cpuUsage();
    let x = 0;
    while (process.cpuUsage(before).user < 50_000) x += Math.sqrt(x + 1);
    const samples = sampler.sample(Date.now());
    sampler.stop();
    const cpu = samples.find((s) => s.name === METRIC.cpu);
    assert.deepEqual(cpu?.labels, { process: 'main' });
    assert.ok((cpu?.value ?? 0) > 0, `cpu ${cpu?.value} after a busy loop (${x > 0})`);
  });

  test('the host service collects through its own sink', async () => {
    const service = openHostService({
      paths: dataPaths(join(dir, 'service')),
      emit: () => undefined,
      jobTimings: null,
      collectEveryMs: null,
    });
    try {
      const stored = await service.collect();
      assert.ok(stored > 0);
      assert.equal(service.store.getStats().samples, stored);
      const metrics = await service.panel.listMetrics();
      assert.ok(metrics.some((m) => m.name === METRIC.walSize && m.unit === 'bytes'));
    } finally {
      await service.close();
    }
  });
});

describe("the app's own metric types", () => {
  let dir: string;

  before(() => {
    dir = mkdtempSync(join(tmpdir(), 'shell-collector-types-'));
  });

  after(() => {
    rmSync(dir, { recursive: true, force: true });
  });

  test('the host declares every metric it records, and counts and times the panel calls it answers', async () => {
    const service = openHostService({
      paths: dataPaths(join(dir, 'service')),
      emit: () => undefined,
      jobTimings: null,
      collectEveryMs: null,
    });
    try {
      for (const [name, meta] of Object.entries(METRIC_METADATA)) {
        assert.deepEqual(service.store.metricMetadata(name), { name, ...meta }, name);
      }
      const calls = { listMetrics: 3, getStatus: 2 };
      for (const [method, times] of Object.entries(calls)) {
        for (let i = 0; i < times; i++) assert.ok((await service.dispatch({ id: i, method, args: [] })).ok);
      }
      const failing = await service.dispatch({ id: 9, method: 'listLabels', args: [] });
      assert.equal(failing.ok, false, 'refused by the schema: the handler never ran, so it is not counted');
      const badRegex = { metricName: 'm', start: 0, end: 1, labels: { a: { op: '=~', value: '(' } } };
      assert.equal((await service.dispatch({ id: 10, method: 'query', args: [badRegex] })).ok, false);
      const handled: Record<string, number> = { ...calls, query: 1 };

      await service.collect();
      const raw = (metricName: string) =>
        service.store.queryMetrics({ metricName, start: 0, end: Date.now() + 60_000, aggregation: 'raw' });
      const counted = Object.fromEntries(raw(METRIC.panelCalls).map((s) => [s.labels.method, s.points[0]!.value]));
      assert.deepEqual(counted, handled);
      const total = Object.values(handled).reduce((a, b) => a + b, 0);
      assert.equal(raw(`${METRIC.panelCallDuration}_count`)[0]?.points[0]?.value, total);
      const buckets = raw(`${METRIC.panelCallDuration}_bucket`)
        .map((s) => ({ le: bucketBound(s.labels.le)!, value: s.points[0]!.value }))
        .sort((a, b) => a.le - b.le);
      assert.deepEqual(
        buckets.map((b) => b.le),
        [...PANEL_CALL_BUCKETS, Infinity],
      );
      assert.equal(buckets.at(-1)!.value, total, 'the +Inf bucket holds every call');
      assert.ok(
        buckets.every((b, i) => i === 0 || b.value >= buckets[i - 1]!.value),
        'buckets are cumulative',
      );

      const listed = await service.panel.listMetrics();
      assert.deepEqual(
        listed.find((m) => m.name === METRIC.panelCallDuration),
        {
          name: METRIC.panelCallDuration,
          type: 'histogram',
          unit: 'seconds',
          declaredUnit: 'seconds',
          help: METRIC_METADATA[METRIC.panelCallDuration].help,
          seriesCount: PANEL_CALL_BUCKETS.length + 3,
        },
      );
      assert.equal(listed.find((m) => m.name === METRIC.panelCalls)?.type, 'counter');
    } finally {
      await service.close();
    }
  });

  test('each call lands in the buckets its duration is at or below, and in the sum and count', async () => {
    const service = openHostService({
      paths: dataPaths(join(dir, 'buckets')),
      emit: () => undefined,
      jobTimings: null,
      collectEveryMs: null,
    });
    try {
      const durationsMs = [0.3, 2, 300, 2000, 1, 10];
      const ticks = durationsMs.flatMap((d) => [0, d]);
      const stats = new PanelCallStats();
      const panel = instrumentPanel(service.panel, stats, () => ticks.shift()!);
      for (let i = 0; i < durationsMs.length; i++) await panel.getSettings();
      const seconds = durationsMs.map((d) => d / 1000);
      const samples = stats.samples(1000);
      const value = (name: string, le?: string) => samples.find((s) => s.name === name && s.labels?.le === le)?.value;
      for (const bound of PANEL_CALL_BUCKETS) {
        const expected = seconds.filter((s) => s <= bound).length;
        assert.equal(value(`${METRIC.panelCallDuration}_bucket`, String(bound)), expected, `le ${bound}`);
      }
      assert.equal(value(`${METRIC.panelCallDuration}_bucket`, '+Inf'), seconds.length);
      assert.equal(value(`${METRIC.panelCallDuration}_count`), seconds.length);
      assert.equal(
        value(`${METRIC.panelCallDuration}_sum`),
        seconds.reduce((a, b) => a + b, 0),
      );
      assert.deepEqual(
        samples.filter((s) => s.name === METRIC.panelCalls),
        [{ name: METRIC.panelCalls, value: seconds.length, timestamp: 1000, labels: { method: 'getSettings' } }],
      );
      // The store takes them as the declared histogram's series.
      assert.equal(await service.store.insertSamples(samples), samples.length);
    } finally {
      await service.close();
    }
  });
});
