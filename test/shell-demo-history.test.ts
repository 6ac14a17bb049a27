/**
 * The demo history: its shape as generated (30 days at a 1-minute step for every series of the
 * metric catalog, labelled source="demo", with daily cycles and spikes), and loaded (with progress
 * events) and removed (with its alerts and baselines) through the panel handlers on a real store,
 * leaving the app's own data alone; exports leave it out unless asked (read back with DuckDB).
 */
import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, before, describe, test } from 'node:test';
import { dataPaths } from '../electron/host/data-dir.ts';
import { DEMO_STEP_MS, demoBatches } from '../electron/demo/demo-history.ts';
import { openHostService, type HostService } from '../electron/host/host-service.ts';
import { CATALOG, DEMO_HISTOGRAMS, METRIC } from '../electron/collector/metric-catalog.ts';
import { HOUR_MS, MINUTE_MS, bucketBound } from '../storage/src/index.ts';
import type { HostEvent } from '../electron/host/host-protocol.ts';
import type { DemoProgress } from '../shared/events.ts';
import { DuckReader, sqlString } from './support/duckdb.ts';

const CLI = join(import.meta.dirname, '..', 'electron', 'demo', 'demo-history-cli.ts');
const DAY = 86_400_000;
const NOW = Date.UTC(2026, 4, 20, 9, 30, 0);

function seriesKey(name: string, labels: Record<string, string> = {}): string {
  return `${name}${JSON.stringify(Object.fromEntries(Object.entries(labels).sort()))}`;
}

/** Every series of the demo histograms: a `_bucket` per bound and +Inf, `_sum`, `_count`; with its step. */
const HISTOGRAM_SERIES = DEMO_HISTOGRAMS.flatMap((h) => {
  const step = h.calls.stepMs ?? DEMO_STEP_MS;
  return [
    ...[...h.bounds.map(String), '+Inf'].map((le) => ({ name: `${h.name}_bucket`, labels: { le }, step })),
    { name: `${h.name}_sum`, labels: {}, step },
    { name: `${h.name}_count`, labels: {}, step },
  ];
});

test('generates 30 days at a 1-minute step for every catalog series, labelled source="demo"', () => {
  const bySeries = new Map<string, { first: number; last: number; count: number; values: number[] }>();
  for (const batch of demoBatches({ end: NOW })) {
    for (const sample of batch) {
      assert.equal(sample.labels?.source, 'demo');
      assert.ok(Number.isFinite(sample.value));
      const key = seriesKey(sample.name, sample.labels);
      const entry = bySeries.get(key) ?? { first: sample.timestamp, last: sample.timestamp, count: 0, values: [] };
      assert.ok(sample.timestamp >= entry.last, 'each series is in time order');
      entry.last = sample.timestamp;
      entry.count++;
      entry.values.push(sample.value);
      bySeries.set(key, entry);
    }
  }
  assert.deepEqual(
    [...bySeries.keys()].sort(),
    [...CATALOG, ...HISTOGRAM_SERIES].map((s) => seriesKey(s.name, { ...s.labels, source: 'demo' })).sort(),
  );
  for (const series of CATALOG) {
    const entry = bySeries.get(seriesKey(series.name, { ...series.labels, source: 'demo' }))!;
    const step = series.demo.stepMs ?? DEMO_STEP_MS;
    assert.equal(entry.count, (30 * DAY) / step, series.name);
    assert.equal(entry.last - entry.first, 30 * DAY - step, `${series.name} spans 30 days`);
    assert.ok(entry.last <= NOW && entry.last > NOW - step);
    assert.ok(
      entry.values.every((v) => v >= series.demo.min && v <= (series.demo.max ?? Infinity)),
      series.name,
    );
  }
  // A daily cycle: the host's CPU is higher mid-afternoon than at night, on average.
  const cpu = bySeries.get(seriesKey(METRIC.cpu, { process: 'host', source: 'demo' }))!;
  const hourOf = (i: number): number => new Date(cpu.first + i * DEMO_STEP_MS).getUTCHours();
  const mean = (hour: number): number => {
    const values = cpu.values.filter((_, i) => hourOf(i) === hour);
    return values.reduce((a, b) => a + b, 0) / values.length;
  };
  assert.ok(mean(15) > mean(3) + 2);
  // A few spikes: some values far above the usual level.
  assert.ok(cpu.values.filter((v) => v > 40).length >= 5);
  // The counter only grows, except when it restarts.
  const counter = bySeries.get(seriesKey(METRIC.samplesIngested, { source: 'demo' }))!;
  const drops = counter.values.filter((v, i) => i > 0 && v < counter.values[i - 1]!).length;
  assert.ok(drops >= 1 && drops <= 3);
  // A histogram: at every step its buckets are cumulative in le, the +Inf bucket equals the count,
  // every series covers 30 days at its step, and all restart together.
  for (const h of DEMO_HISTOGRAMS) {
    const of = (name: string, labels: Record<string, string> = {}) =>
      bySeries.get(seriesKey(name, { ...labels, source: 'demo' }))!;
    const les = [...h.bounds.map(String), '+Inf'].sort((a, b) => bucketBound(a)! - bucketBound(b)!);
    const buckets = les.map((le) => of(`${h.name}_bucket`, { le }).values);
    const count = of(`${h.name}_count`).values;
    const step = h.calls.stepMs ?? DEMO_STEP_MS;
    assert.equal(count.length, (30 * DAY) / step);
    count.forEach((total, i) => {
      assert.ok(
        buckets.every((b, k) => k === 0 || b[i]! >= buckets[k - 1]![i]!),
        `cumulative at step ${i}`,
      );
      assert.equal(buckets.at(-1)![i], total);
    });
    const restarts = count.filter((v, i) => i > 0 && v < count[i - 1]!).length;
    assert.ok(restarts >= 1 && restarts <= 3);
    assert.ok(count.at(-1)! > 0 && buckets[0]!.at(-1)! < count.at(-1)!, 'calls fall in more than one bucket');
  }
});

test('is deterministic for a seed', () => {
  const first = demoBatches({ end: NOW, days: 1, seed: 5 }).next().value;
  const again = demoBatches({ end: NOW, days: 1, seed: 5 }).next().value;
  const other = demoBatches({ end: NOW, days: 1, seed: 6 }).next().value;
  assert.deepEqual(first, again);
  assert.notDeepEqual(first, other);
});

describe('loading and removing through the panel handlers', () => {
  let dir: string;
  let service: HostService;
  const events: HostEvent[] = [];
  const demoProgress = (): DemoProgress[] =>
    events.flatMap((e) => (e.event === 'panel' && e.panelEvent.name === 'demo-progress' ? [e.panelEvent.payload] : []));

  before(async () => {
    dir = mkdtempSync(join(tmpdir(), 'shell-demo-'));
    service = openHostService({
      paths: dataPaths(dir),
      emit: (event) => events.push(event),
      now: () => NOW,
      jobTimings: null,
      collectEveryMs: null,
    });
    await service.store.insertSamples([
      { name: METRIC.cpu, value: 12, timestamp: NOW - 1000, labels: { process: 'host' } },
    ]);
  });

  after(async () => {
    await service.close();
    rmSync(dir, { recursive: true, force: true });
  });

  test('loadDemoHistory stores, rolls up and flags the demo data', async () => {
    const { samples } = await service.panel.loadDemoHistory();
    const expected =
      CATALOG.reduce((sum, s) => sum + (30 * DAY) / (s.demo.stepMs ?? DEMO_STEP_MS), 0) +
      HISTOGRAM_SERIES.reduce((sum, s) => sum + (30 * DAY) / s.step, 0);
    assert.equal(samples, expected);
    const status = await service.panel.getStatus();
    assert.equal(status.hasDemoData, true);
    assert.equal(status.samples, expected + 1);
    assert.ok(status.oldest! <= NOW - 30 * DAY + DEMO_STEP_MS);
    for (const metric of new Set([...CATALOG, ...DEMO_HISTOGRAMS].map((s) => s.name))) {
      const labels = await service.panel.listLabels(metric);
      assert.deepEqual(labels.find((l) => l.name === 'source')?.values, ['demo'], metric);
    }
    const daily = await service.panel.query({
      metricName: METRIC.freeMemory,
      start: NOW - 31 * DAY,
      end: NOW + 1,
      labels: { source: 'demo' },
      aggregation: '1d',
    });
    assert.ok((daily[0]?.points.length ?? 0) >= 30, 'the 1d view has a point per day');
  });

  test('the demo history yields incidents: its memory rule fires at the recent spikes, anomalies against baselines', async () => {
    const end = Math.floor(NOW / MINUTE_MS) * MINUTE_MS;
    const [rule] = await service.panel.listAlertRules();
    assert.equal(rule?.name, 'Storage host memory above 170 MiB for 5 minutes');
    const incidents = await service.panel.listIncidents({ metricName: METRIC.residentMemory });
    const spans = (kind: string) =>
      incidents
        .filter((i) => i.kind === kind && i.labels.process === 'host')
        .map((i) => [end - i.start, i.end! - i.start]);
    const spikes: [number, number][] = [
      [26 * HOUR_MS, 25 * MINUTE_MS],
      [3 * HOUR_MS, 12 * MINUTE_MS],
    ];
    for (const [ago, length] of spikes) {
      assert.deepEqual(
        spans('rule').find(([a]) => a === ago),
        [ago, length],
        `the rule's incident ${ago / HOUR_MS} h ago`,
      );
      assert.ok(
        spans('anomaly').some(([a, l]) => a! <= ago && a! - l! >= ago - length),
        `an anomaly over the spike ${ago / HOUR_MS} h ago`,
      );
    }
    const anomaly = incidents.find((i) => i.kind === 'anomaly' && i.labels.process === 'host');
    assert.equal(anomaly?.direction, 'above');
    assert.equal(anomaly?.anomaly?.z, 3);
    assert.ok((await service.panel.getAlertingStatus()).baselines > 0, 'baselines right after loading');
  });

  test('loading reports its progress: history written, in order, up to the whole, then the fold', () => {
    const progress = demoProgress();
    const samples = progress.filter((p) => p.phase === 'samples');
    assert.ok(samples.length > 10, `${samples.length} progress events`);
    for (const p of progress) assert.equal(p.total, 30 * DAY);
    assert.deepEqual(
      samples.map((p) => p.done),
      samples.map((p) => p.done).sort((a, b) => a - b),
    );
    assert.ok(samples[0]!.done < DAY, 'the first event comes early');
    assert.ok(samples.at(-1)!.done > 30 * DAY - 2 * DEMO_STEP_MS, 'the last covers the whole history');
    assert.deepEqual(progress.at(-1), { phase: 'rollups', done: 30 * DAY, total: 30 * DAY });
  });

  test('an export leaves the demo out unless includeDemo is set (DuckDB reads the files back)', async () => {
    const duck = await DuckReader.open();
    try {
      const span = { start: NOW - 3_600_000, end: NOW + 1, anonymize: false };
      /** The export's demo rows, and its rows of the app's own cpu series. */
      const exported = async (includeDemo?: boolean) => {
        const options = includeDemo === undefined ? span : { ...span, includeDemo };
        const { path } = await service.panel.exportParquet(options);
        const [row] = await duck.rows(
          `SELECT count(*) FILTER (json_extract_string(labels, '$.source') = 'demo')::INTEGER AS demo,
                  count(*) FILTER (metric_name = '${METRIC.cpu}' AND labels = '{"process":"host"}')::INTEGER AS cpu
           FROM ${sqlString(path)}`,
        );
        return row as { demo: number; cpu: number };
      };
      const demoInHour = (
        await service.panel.query({ metricName: METRIC.cpu, start: span.start, end: span.end, aggregation: 'raw' })
      ).reduce((sum, s) => sum + (s.labels.source === 'demo' ? s.points.length : 0), 0);
      assert.ok(demoInHour > 0);
      for (const includeDemo of [undefined, false]) {
        const rows = await exported(includeDemo);
        assert.deepEqual({ demo: rows.demo, cpu: rows.cpu }, { demo: 0, cpu: 1 }, `includeDemo ${includeDemo}`);
      }
      const all = await exported(true);
      assert.ok(all.demo > demoInHour, 'every demo series is exported');
      assert.equal(all.cpu, 1);
      service.store.deleteSeries({ metricName: METRIC.exportDuration, labels: { source: '' } });
    } finally {
      duck.close();
    }
  });

  test('loading again replaces the demo data instead of doubling it', async () => {
    const before = (await service.panel.getStatus()).samples;
    await service.panel.loadDemoHistory();
    assert.equal((await service.panel.getStatus()).samples, before);
  });

  test('removeDemoHistory deletes exactly the demo series, with their alerts and baselines', async () => {
    await service.store.computeBaselines();
    const alert = (labels: Record<string, string>) => ({
      metricName: METRIC.cpu,
      labels,
      alertType: 'anomaly',
      severity: 'warning' as const,
      value: 99,
      threshold: 50,
      timestamp: NOW - 60_000,
    });
    const demoCpu = (await service.panel.listLabels(METRIC.cpu)).find((l) => l.name === 'process')!.values;
    for (const process of demoCpu) service.store.recordAlert(alert({ process, source: 'demo' }));
    service.store.recordAlert(alert({ process: 'host' }));
    const demoBaselines = (await service.panel.getBaselines({})).filter((b) => b.labels.source === 'demo');
    assert.ok(demoBaselines.length > 10, 'the demo series have baselines before');
    await service.store.insertSamples(
      Array.from({ length: 40 }, (_, i) => ({
        name: 'app_queue_depth',
        value: i % 5,
        timestamp: NOW - 100_000 + i * 1000,
      })),
    );
    await service.store.computeBaselines();

    const { deleted } = await service.panel.removeDemoHistory();
    assert.deepEqual(
      (await service.panel.listAlerts({})).map((a) => a.labels),
      [{ process: 'host' }],
      'the demo alerts are gone, the real one stays',
    );
    assert.deepEqual(
      (await service.panel.getBaselines({})).map((b) => `${b.metricName}${JSON.stringify(b.labels)}`),
      ['app_queue_depth{}'],
      'the demo baselines are gone, the real one stays',
    );
    service.store.deleteSeries({ labels: {}, metricName: 'app_queue_depth' });
    assert.ok(deleted > 700_000);
    const status = await service.panel.getStatus();
    assert.equal(status.hasDemoData, false);
    assert.equal(status.samples, 1, "the app's own sample is kept");
    assert.deepEqual(await service.panel.listAlertRules(), [], 'the demo rule goes with it');
    assert.deepEqual(await service.panel.listIncidents(), [], 'and the demo incidents');
    assert.deepEqual(await service.panel.listLabels(METRIC.cpu), [{ name: 'process', values: ['host'] }]);
  });

  test('the demo:history CLI beside the running host writes nothing and says to use the panel', () => {
    const cli = spawnSync(process.execPath, ['--import', 'tsx', CLI, '--data-dir', dir], {
      encoding: 'utf8',
    });
    assert.equal(cli.status, 1, cli.stderr);
    assert.match(cli.stderr, new RegExp(`app is running on this store: .*in use by pid ${process.pid} `));
    assert.match(cli.stderr, /Nothing was written\. Use the panel's "Load demo history" button/);
    assert.equal(service.store.getStats().samples, 1, 'the store is untouched');
  });
});
