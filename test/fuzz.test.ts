/**
 * A seeded, bounded fuzz run over every entry point a client or the panel reaches: random and
 * extreme batches through insertSamples, random queries, random export options, random panel calls
 * through the host's dispatcher (schemas first), with the jobs run in between. It asserts what the
 * hardening issue promises: every failure is a typed error, the jobs keep succeeding, the file
 * passes SQLite's integrity check, and what is stored is exactly what was acknowledged (first write
 * wins), minus what retention expired. FUZZ_SEED and FUZZ_ROUNDS run it longer or elsewhere.
 */
import assert from 'node:assert/strict';
import { existsSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { inspect } from 'node:util';
import { test } from 'node:test';
import { dataPaths } from '../electron/host/data-dir.ts';
import { openHostService, type HostService } from '../electron/host/host-service.ts';
import type { HostReply } from '../electron/host/host-protocol.ts';
import { PANEL_METHODS } from '../shared/panel-api.ts';
import { StorageError, MAX_TIMESTAMP, type MetricSample } from '../storage/src/index.ts';
import { DuckReader, sqlString } from './support/duckdb.ts';
import { DAY, HOUR, rng, tempDir } from './support/store.ts';
import type { Random } from '../shared/random.ts';

const SEED = Number(process.env.FUZZ_SEED ?? 20261130);
const ROUNDS = Number(process.env.FUZZ_ROUNDS ?? 120);
const NOW = Date.UTC(2026, 10, 30, 12);
const RETENTION_CUTOFF = NOW - 30 * DAY;

/** Panel calls that change the store wholesale (or reach the desktop) stay out of the random mix. */
const UNFUZZED_METHODS = new Set(['setRetentionDays', 'loadDemoHistory', 'removeDemoHistory', 'revealExport']);

const pick = <T>(r: Random, items: readonly T[]): T => items[Math.floor(r() * items.length)]!;

/** Finite numbers a client may legitimately send, including the ones that overflow a sum. */
const EXTREME_FINITE = [
  0,
  -0,
  1,
  -1,
  0.1,
  Number.MAX_VALUE,
  -Number.MAX_VALUE,
  Number.MIN_VALUE,
  Number.MAX_SAFE_INTEGER,
  2 ** 53 + 2,
  1e308,
  -1e-308,
];
const EXTREME_NUMBERS = [...EXTREME_FINITE, NaN, Infinity, -Infinity];
/** Timestamps at the edges of what is accepted (1970 and 9999 included), then ones just beyond them. */
const EDGE_TIMESTAMPS = [0, 1, MAX_TIMESTAMP, MAX_TIMESTAMP - 1, NOW];
const EXTREME_TIMESTAMPS = [...EDGE_TIMESTAMPS, -1, 1.5, MAX_TIMESTAMP + 1, NOW + 0.25, 2 ** 62, NaN];
const WEIRD_STRINGS = [
  '',
  'x',
  '__name__',
  '__proto__',
  'constructor',
  'hasOwnProperty',
  'toString',
  'a'.repeat(1100),
  '\ud800',
  'a\udc00b',
  '😀',
  'é',
  'line\nbreak',
  '\u0000',
  '.*',
  '(?:(?:.?){15}){15}X',
  '(a)\\1',
  '(?=a)',
  '[',
];
/** Gauges, a counter and a histogram (its `_bucket` series get an `le`, the query uses its base name). */
const METRICS = [
  'fuzz_cpu_percent',
  'fuzz_requests_total',
  'fuzz_memory_bytes',
  'fuzz_extreme',
  'fuzz_latency_seconds_bucket',
  'fuzz_latency_seconds_count',
];
const QUERIED_METRICS = [...METRICS, 'fuzz_latency_seconds'];
const LE_VALUES = ['0.1', '1', '+Inf'];
const LABEL_VALUES = ['a', 'b', 'é', '😀', '', 'x'.repeat(1024)];

function weirdValue(r: Random): unknown {
  return pick(r, [
    () => pick(r, EXTREME_NUMBERS),
    () => pick(r, WEIRD_STRINGS),
    () => null,
    () => undefined,
    () => [],
    () => ({}),
    () => true,
    () => 10n,
    () => JSON.parse('{"__proto__": {"polluted": 1}}') as unknown,
    () => deepNest(200 + Math.floor(r() * 2000)),
  ])();
}

function deepNest(depth: number): unknown {
  let value: unknown = 1;
  for (let i = 0; i < depth; i++) value = { a: value };
  return value;
}

/** Valid samples, or (when `hostile`) now and then one field replaced by something hostile. */
function randomSample(r: Random, hostile: boolean): MetricSample {
  const labels: Record<string, string> = r() < 0.7 ? { process: pick(r, ['main', 'host', 'gpu']) } : {};
  if (r() < 0.3) labels.kind = pick(r, LABEL_VALUES);
  const name = pick(r, METRICS);
  if (name.endsWith('_bucket')) labels.le = hostile && r() < 0.3 ? pick(r, WEIRD_STRINGS) : pick(r, LE_VALUES);
  const sample: Record<string, unknown> = {
    name,
    value: r() < 0.2 ? pick(r, EXTREME_FINITE) : Math.round(r() * 1e6) / 100,
    timestamp: r() < 0.05 ? pick(r, hostile ? EXTREME_TIMESTAMPS : EDGE_TIMESTAMPS) : NOW - Math.floor(r() * 10 * DAY),
    labels,
  };
  if (hostile && r() < 0.1) {
    const field = pick(r, ['name', 'value', 'timestamp', 'labels']);
    sample[field] = weirdValue(r);
  }
  if (hostile && r() < 0.05) labels[pick(r, WEIRD_STRINGS)] = pick(r, [...LABEL_VALUES, ...WEIRD_STRINGS]);
  return sample as unknown as MetricSample;
}

/** Finite extremes for one series within one hour: what overflows a bucket's sum. */
function extremeBurst(r: Random): MetricSample[] {
  const hour = NOW - (1 + Math.floor(r() * 48)) * HOUR;
  return Array.from({ length: 2 + Math.floor(r() * 6) }, (_, i) => ({
    name: 'fuzz_extreme',
    value: pick(r, EXTREME_FINITE),
    timestamp: hour + i * 1000,
  }));
}

function randomMatcher(r: Random): unknown {
  if (r() < 0.5) return pick(r, LABEL_VALUES);
  return { op: pick(r, ['=', '!=', '=~', '!~', '==', null]), value: pick(r, [...WEIRD_STRINGS, 'ma.*', 'm|h']) };
}

function randomQuery(r: Random): Record<string, unknown> {
  const start = r() < 0.15 ? pick(r, EXTREME_TIMESTAMPS) : NOW - Math.floor(r() * 12 * DAY);
  const end = r() < 0.15 ? pick(r, EXTREME_TIMESTAMPS) : start + Math.floor(r() * 3 * DAY) + 1;
  const query: Record<string, unknown> = {
    metricName: r() < 0.9 ? pick(r, QUERIED_METRICS) : weirdValue(r),
    start,
    end,
    aggregation: pick(r, [undefined, 'auto', 'raw', '1m', '5m', '1h', '1d', '2m', 7]),
    maxPoints: pick(r, [undefined, 1, 2, 10, 800, 20_000, 0, -1, 1.5, NaN, 1e9]),
  };
  if (r() < 0.4) query.fn = pick(r, ['rate', 'increase', 'quantile', 'buckets', 'sum', '']);
  if (r() < 0.3) query.q = pick(r, [0.5, 0.99, 0, 1, -1, NaN, '0.5']);
  if (r() < 0.3) {
    query.aggregate = {
      op: pick(r, ['sum', 'avg', 'min', 'max', 'count', 'median']),
      by: pick(r, [undefined, ['process'], ['le'], [], 'process', ['__proto__']]),
    };
  }
  if (r() < 0.5) query.labels = { [pick(r, ['process', 'kind', ...WEIRD_STRINGS])]: randomMatcher(r) };
  return query;
}

/** Valid options half the time (a whole export, raw or one rollup), else anything. */
function randomExportOptions(r: Random): Record<string, unknown> {
  if (r() < 0.5) return { source: pick(r, ['raw', '1m', '1h', '1d']), anonymize: r() < 0.5 };
  return {
    source: pick(r, [undefined, 'raw', '1m', '5m', '1h', '1d', '10m', null]),
    start: pick(r, [undefined, 0, NOW - 5 * DAY, NOW, MAX_TIMESTAMP, -5, NaN]),
    end: pick(r, [undefined, NOW + 1, NOW - 6 * DAY, MAX_TIMESTAMP, 1.5]),
    anonymize: pick(r, [undefined, true, false, 'yes']),
  };
}

function randomPanelArgs(r: Random, method: string): unknown[] {
  const valid: Record<string, () => unknown[]> = {
    listLabels: () => [pick(r, METRICS)],
    query: () => [randomQuery(r)],
    previewRetention: () => [pick(r, [1, 7, 30, 365, 0, 10_000, 2.5])],
    exportParquet: () => [randomExportOptions(r)],
    listAlerts: () => [{ limit: pick(r, [1, 10, 0]) }],
    getBaselines: () => [{ metricName: pick(r, METRICS) }],
  };
  if (r() < 0.6 && Object.hasOwn(valid, method)) return valid[method]!();
  return Array.from({ length: Math.floor(r() * 10) }, () => weirdValue(r));
}

/** The acknowledged samples, keyed by series and timestamp; the first write wins. */
class Model {
  readonly stored = new Map<string, number>();

  add(samples: MetricSample[]): void {
    for (const s of samples) {
      const key = sampleKey(s.name, s.labels ?? {}, s.timestamp);
      if (!this.stored.has(key)) this.stored.set(key, s.value);
    }
  }

  expire(cutoff: number): void {
    for (const key of this.stored.keys()) if (Number(key.split('\u0001')[2]) < cutoff) this.stored.delete(key);
  }
}

/** A label with an empty value is no label (as in Prometheus), so the key leaves it out. */
function sampleKey(name: string, labels: Record<string, string>, ts: number): string {
  const set = Object.entries(labels).filter(([, value]) => value !== '');
  const sorted = Object.fromEntries(set.sort(([a], [b]) => (a < b ? -1 : a > b ? 1 : 0)));
  return [name, JSON.stringify(sorted), ts].join('\u0001');
}

/** A short printable form of any input, for failure messages. */
const show = (value: unknown): string => inspect(value, { depth: 3, maxStringLength: 80 });

function assertTyped(err: unknown, what: string): void {
  assert.ok(err instanceof StorageError, `${what} threw an untyped error: ${String((err as Error)?.stack ?? err)}`);
}

function assertTypedReply(reply: HostReply, what: string): void {
  if (reply.ok) return;
  assert.notEqual(reply.error.code, 'INTERNAL', `${what} failed untyped: ${reply.error.message}`);
}

async function runJobs(service: HostService, model: Model): Promise<void> {
  await service.store.rollUpAndCompact();
  await service.store.applyRetention();
  model.expire(RETENTION_CUTOFF);
  await service.store.computeBaselines();
  await service.store.detectAnomalies();
}

/** The fuzzed metrics' stored samples (the host also records its own, such as export durations). */
function storedSamples(service: HostService): Map<string, number> {
  const rows = service.store.sql(
    "SELECT metric_name, labels, timestamp, value FROM metrics_raw WHERE metric_name LIKE 'fuzz\\_%' ESCAPE '\\'",
  ) as {
    metric_name: string;
    labels: string;
    timestamp: number;
    value: number;
  }[];
  return new Map(rows.map((row) => [sampleKey(row.metric_name, JSON.parse(row.labels), row.timestamp), row.value]));
}

test(`fuzz: random and extreme inputs through every entry point (seed ${SEED}, ${ROUNDS} rounds)`, async (t) => {
  const r = rng(SEED);
  const { dir, cleanup } = tempDir('fuzz-');
  const paths = dataPaths(dir);
  const service = openHostService({
    paths,
    emit: () => undefined,
    now: () => NOW,
    jobTimings: null,
    collectEveryMs: null,
  });
  const model = new Model();
  /** Outcomes per entry point: a run where one kind never succeeds (or never fails) tests little. */
  const tally: Record<string, number> = {};
  const count = (outcome: string): void => void (tally[outcome] = (tally[outcome] ?? 0) + 1);
  const duck = await DuckReader.open();
  let nextId = 1;
  try {
    for (let round = 0; round < ROUNDS; round++) {
      const hostile = r() < 0.3;
      const batch =
        r() < 0.1 ? extremeBurst(r) : Array.from({ length: 1 + Math.floor(r() * 40) }, () => randomSample(r, hostile));
      try {
        await service.store.insertSamples(batch);
        model.add(batch);
        count('insert ok');
      } catch (err) {
        assertTyped(err, `insertSamples (round ${round})`);
        count('insert refused');
      }

      const query = randomQuery(r);
      try {
        service.store.queryMetrics(query as never);
        count('query ok');
      } catch (err) {
        assertTyped(err, `queryMetrics ${show(query)}`);
        count('query refused');
      }

      const method =
        r() < 0.9
          ? pick(
              r,
              PANEL_METHODS.filter((m) => !UNFUZZED_METHODS.has(m)),
            )
          : pick(r, WEIRD_STRINGS);
      const args = randomPanelArgs(r, method);
      const reply = await service.dispatch({ id: nextId++, method, args });
      assertTypedReply(reply, `panel ${method}`);
      count(reply.ok ? 'panel ok' : 'panel refused');

      if (round % 10 === 9) {
        const options = randomExportOptions(r);
        const output = join(dir, `fuzz-${round}.parquet`);
        try {
          const result = await service.store.exportToParquet(output, options as never);
          const [row] = await duck.rows(`SELECT count(*)::INTEGER AS n FROM ${sqlString(output)}`);
          assert.equal(row!.n, result.rows, `export ${show(options)} wrote the rows it reported`);
          count('export ok');
        } catch (err) {
          assertTyped(err, `exportToParquet ${show(options)}`);
          assert.equal(existsSync(output), false, 'a failed export leaves no file behind');
          count('export refused');
        }
      }
      if (round % 30 === 29) await runJobs(service, model);
    }
    await runJobs(service, model);
    t.diagnostic(`outcomes: ${JSON.stringify(tally)}; ${model.stored.size} samples acknowledged and kept`);
    const outcomes = ['insert', 'query', 'panel', 'export'].flatMap((what) => [`${what} ok`, `${what} refused`]);
    for (const outcome of outcomes) {
      assert.ok((tally[outcome] ?? 0) > 0, `the run exercised "${outcome}"`);
    }

    assert.deepEqual(
      service.store.getStats().problems.filter((p) => p.kind === 'job-failed'),
      [],
      'no job is failing',
    );
    assert.deepEqual(service.store.sql('PRAGMA integrity_check'), [{ integrity_check: 'ok' }]);
    assert.deepEqual(service.store.sql('PRAGMA foreign_key_check'), []);
    const stored = storedSamples(service);
    for (const key of stored.keys()) assert.ok(model.stored.has(key), `stored sample ${show(key)} was acknowledged`);
    assert.equal(stored.size, model.stored.size, 'as many samples stored as acknowledged');
    for (const [key, value] of model.stored) {
      assert.ok(stored.has(key), `acknowledged sample ${key} is stored`);
      assert.ok(Object.is(stored.get(key), value) || stored.get(key) === value, `sample ${key} keeps its value`);
    }
    assert.equal(readFileSync(paths.dbPath).subarray(0, 15).toString(), 'SQLite format 3');
  } finally {
    duck.close();
    await service.close();
    cleanup();
  }
});
