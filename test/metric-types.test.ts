/**
 * Metric types in the engine, on real store files: inference from Prometheus naming (`_total`, a
 * histogram's `_bucket`/`_sum`/`_count`, else unknown); declarations (validated, stored, kept across
 * a reopen) and each kind of conflict with the stored data, which changes nothing; histogram bucket
 * samples without a valid `le` refused at ingest, naming the sample, with nothing of the batch
 * stored; listMetrics with a histogram once under its base name; and migration 6 on a copy of a
 * store written at schema version 5 (test/fixtures/store-v5.db), whose metrics get inferred types.
 */
import assert from 'node:assert/strict';
import { createHash } from 'node:crypto';
import { copyFileSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, it } from 'node:test';
import Database from 'better-sqlite3';
import {
  MAX_HELP_LENGTH,
  MAX_UNIT_LENGTH,
  MetricConflictError,
  StorageError,
  TimeSeriesStorage,
  type MetricMetadata,
  type MetricSample,
} from '../storage/src/index.ts';
import { DAY, MINUTE, T0, openStore, tempDir } from './support/store.ts';

const FIXTURE = join(import.meta.dirname, 'fixtures', 'store-v5.db');

function histogram(base: string, timestamp: number, labels: Record<string, string> = {}): MetricSample[] {
  return [
    ...['0.1', '1', '+Inf'].map((le, i) => ({
      name: `${base}_bucket`,
      value: i + 1,
      timestamp,
      labels: { ...labels, le },
    })),
    { name: `${base}_sum`, value: 1.5, timestamp, labels },
    { name: `${base}_count`, value: 3, timestamp, labels },
  ];
}

async function assertRefused(
  store: TimeSeriesStorage,
  samples: MetricSample[],
  index: number,
  pattern: RegExp,
): Promise<void> {
  const before = store.getStats().samples;
  await assert.rejects(store.insertSamples(samples), (err: unknown) => {
    assert.ok(err instanceof StorageError, String(err));
    assert.equal(err.code, 'INVALID_SAMPLE');
    assert.match(err.message, new RegExp(`^sample ${index}: `));
    assert.match(err.message, pattern);
    return true;
  });
  assert.equal(store.getStats().samples, before, 'nothing of the batch is stored');
}

describe('type inference from names', () => {
  it('gives counter to _total, histogram to a base with _bucket series, counter to its parts, else unknown', async () => {
    const s = openStore();
    try {
      await s.store.insertSamples([
        { name: 'requests_total', value: 1, timestamp: T0 },
        { name: 'temperature_celsius', value: 1, timestamp: T0 },
        { name: 'orphan_sum', value: 1, timestamp: T0 },
        ...histogram('latency_seconds', T0),
      ]);
      const names = ['requests_total', 'temperature_celsius', 'orphan_sum', 'latency_seconds', 'no_such_metric'];
      assert.deepEqual(Object.fromEntries(names.map((name) => [name, s.store.metricMetadata(name).type])), {
        requests_total: 'counter',
        temperature_celsius: 'unknown',
        orphan_sum: 'unknown',
        latency_seconds: 'histogram',
        no_such_metric: 'unknown',
      });
      for (const part of ['_bucket', '_sum', '_count']) {
        assert.equal(s.store.metricMetadata(`latency_seconds${part}`).type, 'counter', part);
      }
    } finally {
      s.cleanup();
    }
  });
});

describe('describeMetric', () => {
  it('stores a declaration, which wins over inference and survives a reopen', async () => {
    const s = openStore();
    try {
      const meta: MetricMetadata = { name: 'queue_total', type: 'gauge', unit: 'jobs', help: 'Jobs queued' };
      s.store.describeMetric(meta);
      s.store.describeMetric({ name: 'rtt_seconds', type: 'histogram' });
      await s.store.insertSamples([{ name: 'queue_total', value: 3, timestamp: T0 }, ...histogram('rtt_seconds', T0)]);
      const reopened = s.reopen();
      assert.deepEqual(reopened.metricMetadata('queue_total'), meta);
      assert.deepEqual(reopened.metricMetadata('rtt_seconds'), { name: 'rtt_seconds', type: 'histogram' });
      assert.equal(reopened.metricMetadata('rtt_seconds_count').type, 'counter');
    } finally {
      s.cleanup();
    }
  });

  it('refuses malformed declarations with INVALID_ARGUMENT and stores nothing', () => {
    const s = openStore();
    try {
      const bad: [unknown, RegExp][] = [
        [null, /expects an object/],
        [{ type: 'gauge' }, /name must be a non-empty string/],
        [{ name: '', type: 'gauge' }, /name must be a non-empty string/],
        [{ name: '1abc', type: 'gauge' }, /must match/],
        [{ name: 'a'.repeat(201), type: 'gauge' }, /at most 200 characters/],
        [{ name: 'lat_bucket', type: 'histogram' }, /declare its base name lat as a histogram/],
        [{ name: 'm', type: 'timer' }, /type must be one of gauge, counter, histogram, summary, unknown/],
        [{ name: 'm' }, /type must be one of/],
        [{ name: 'm', type: 'gauge', unit: 5 }, /unit must be a string/],
        [{ name: 'm', type: 'gauge', unit: 'x'.repeat(MAX_UNIT_LENGTH + 1) }, /unit is longer than 64/],
        [{ name: 'm', type: 'gauge', help: 'h'.repeat(MAX_HELP_LENGTH + 1) }, /help is longer than 1024/],
        [{ name: 'm', type: 'gauge', help: 'two\nlines' }, /help must be one line/],
        [{ name: 'm', type: 'gauge', unit: 'bad\uD800' }, /unit must be one line/],
      ];
      for (const [meta, pattern] of bad) {
        assert.throws(
          () => s.store.describeMetric(meta as MetricMetadata),
          (err: unknown) => err instanceof StorageError && err.code === 'INVALID_ARGUMENT' && pattern.test(err.message),
          String(pattern),
        );
      }
      assert.deepEqual(s.store.sql('SELECT COUNT(*) AS n FROM metric_metadata'), [{ n: 0 }]);
      s.store.describeMetric({ name: 'm', type: 'gauge', unit: '', help: '' });
      assert.deepEqual(s.store.metricMetadata('m'), { name: 'm', type: 'gauge' }, 'an empty unit or help is none');
    } finally {
      s.cleanup();
    }
  });

  it('refuses each kind of conflict with the stored data, naming the metric, and changes nothing', async () => {
    const s = openStore();
    try {
      s.store.describeMetric({ name: 'temp', type: 'gauge', unit: 'celsius' });
      s.store.describeMetric({ name: 'hist', type: 'histogram' });
      s.store.describeMetric({ name: 'other_sum', type: 'gauge' });
      await s.store.insertSamples([
        { name: 'temp', value: 20, timestamp: T0 },
        { name: 'served_total', value: 5, timestamp: T0 },
        { name: 'plain', value: 1, timestamp: T0 },
        ...histogram('hist', T0),
        ...histogram('inferred_hist', T0),
        { name: 'other_sum', value: 1, timestamp: T0 },
      ]);
      const conflicts: [MetricMetadata, RegExp][] = [
        [{ name: 'temp', type: 'counter' }, /has data stored as a gauge \(declared\)/],
        [{ name: 'served_total', type: 'gauge' }, /has data stored as a counter \(inferred/],
        [{ name: 'inferred_hist', type: 'counter' }, /has data stored as a histogram \(inferred/],
        [{ name: 'hist', type: 'summary' }, /has data stored as a histogram \(declared\)/],
        [{ name: 'hist_sum', type: 'gauge' }, /is a series of the histogram hist: declare hist instead/],
        [{ name: 'inferred_hist_count', type: 'counter' }, /is a series of the histogram inferred_hist/],
        [{ name: 'plain', type: 'histogram' }, /has series of its own, which a histogram cannot have/],
        [{ name: 'other', type: 'histogram' }, /other_sum is declared a gauge, but a histogram's _sum is a counter/],
      ];
      const table = (): unknown => s.store.sql('SELECT * FROM metric_metadata ORDER BY name');
      const before = table();
      for (const [meta, pattern] of conflicts) {
        assert.throws(
          () => s.store.describeMetric(meta),
          (err: unknown) => {
            assert.ok(err instanceof MetricConflictError, String(err));
            assert.equal(err.code, 'INVALID_ARGUMENT');
            assert.equal(err.metricName, meta.name);
            assert.match(err.message, new RegExp(`^${meta.name}: `));
            assert.match(err.message, pattern);
            return true;
          },
          meta.name,
        );
      }
      assert.deepEqual(table(), before, 'nothing changed');
      assert.deepEqual(s.store.metricMetadata('temp'), { name: 'temp', type: 'gauge', unit: 'celsius' });

      // What does not conflict: the same type with another unit and help; unknown becoming a type;
      // a declaration of a metric without data replaced; a _total counter or an inferred histogram confirmed.
      s.store.describeMetric({ name: 'temp', type: 'gauge', unit: 'kelvin', help: 'Temperature' });
      s.store.describeMetric({ name: 'plain', type: 'counter' });
      s.store.describeMetric({ name: 'future', type: 'gauge' });
      s.store.describeMetric({ name: 'future', type: 'counter' });
      s.store.describeMetric({ name: 'served_total', type: 'counter', help: 'Requests served' });
      s.store.describeMetric({ name: 'inferred_hist', type: 'histogram', unit: 'seconds' });
      assert.deepEqual(
        ['temp', 'plain', 'future', 'served_total', 'inferred_hist'].map((n) => s.store.metricMetadata(n)),
        [
          { name: 'temp', type: 'gauge', unit: 'kelvin', help: 'Temperature' },
          { name: 'plain', type: 'counter' },
          { name: 'future', type: 'counter' },
          { name: 'served_total', type: 'counter', help: 'Requests served' },
          { name: 'inferred_hist', type: 'histogram', unit: 'seconds' },
        ],
      );
    } finally {
      s.cleanup();
    }
  });

  it('refuses a histogram whose stored _bucket series (written by older code) lack a valid le', () => {
    const { dir, cleanup } = tempDir();
    try {
      const dbPath = join(dir, 'old.db');
      copyFileSync(FIXTURE, dbPath);
      // Older code stored any _bucket series: add two such rows the way it did.
      const db = new Database(dbPath);
      const insert = db.prepare('INSERT INTO series (metric_name, labels) VALUES (?, ?)');
      insert.run('old_bucket', '{"le":"1"}');
      insert.run('old_bucket', '{"le":"abc"}');
      db.close();
      const store = new TimeSeriesStorage({ dbPath });
      try {
        assert.equal(store.metricMetadata('old').type, 'histogram', 'inferred from the _bucket series');
        assert.throws(
          () => store.describeMetric({ name: 'old', type: 'histogram' }),
          (err: unknown) =>
            err instanceof MetricConflictError &&
            /its bucket series old_bucket\{"le":"abc"\} has no valid le label/.test(err.message),
        );
      } finally {
        store.close();
      }
    } finally {
      cleanup();
    }
  });
});

describe('histogram samples at ingest', () => {
  it('refuses a _bucket sample without a valid le, naming it, and stores nothing of the batch', async () => {
    const s = openStore();
    try {
      const good = { name: 'ok_gauge', value: 1, timestamp: T0 };
      const bucket = (labels?: Record<string, string>): MetricSample => ({
        name: 'lat_bucket',
        value: 1,
        timestamp: T0,
        ...(labels ? { labels } : {}),
      });
      await assertRefused(s.store, [good, bucket()], 1, /lat_bucket is a histogram bucket: .* got none/);
      await assertRefused(s.store, [good, bucket({ path: '/' })], 1, /got none/);
      for (const le of ['abc', 'NaN', '', '-Inf', '-inf', '++Inf', 'infin', '0x10', ' 1', '1 ', '1e400', '1,5']) {
        await assertRefused(s.store, [good, good, bucket({ le })], 2, /le label must be a float or \+Inf/);
      }
      const valid = ['+Inf', '0', '1', '-1', '0.25', '.5', '5.', '1e-3', '2.5E+2', '+3', 'Inf', '+inf', 'Infinity'];
      assert.equal(await s.store.insertSamples(valid.map((le) => bucket({ le }))), valid.length);
    } finally {
      s.cleanup();
    }
  });

  it("refuses samples that contradict a declaration: a histogram's base name, buckets of another type", async () => {
    const s = openStore();
    try {
      s.store.describeMetric({ name: 'hist', type: 'histogram' });
      s.store.describeMetric({ name: 'gauge', type: 'gauge' });
      await assertRefused(s.store, [{ name: 'hist', value: 1, timestamp: T0 }], 0, /hist is declared a histogram/);
      await assertRefused(
        s.store,
        [{ name: 'gauge_bucket', value: 1, timestamp: T0, labels: { le: '1' } }],
        0,
        /gauge is declared a gauge, which has no buckets/,
      );
      assert.equal(await s.store.insertSamples(histogram('hist', T0)), 5);
    } finally {
      s.cleanup();
    }
  });
});

describe('listMetrics', () => {
  it('lists a histogram once under its base name with all its series, each metric with its type', async () => {
    const s = openStore();
    try {
      s.store.describeMetric({ name: 'rtt_seconds', type: 'histogram', unit: 'seconds', help: 'Round trips' });
      const samples = [
        ...histogram('rtt_seconds', T0, { peer: 'a' }),
        ...histogram('rtt_seconds', T0, { peer: 'b' }),
        ...histogram('undeclared', T0 + MINUTE),
        { name: 'requests_total', value: 1, timestamp: T0, labels: { code: '200' } },
        { name: 'requests_total', value: 1, timestamp: T0, labels: { code: '500' } },
        { name: 'memory_bytes', value: 1, timestamp: T0 },
        { name: 'lonely_count', value: 1, timestamp: T0 },
      ];
      await s.store.insertSamples(samples);
      // The series under each listed name, counted from the samples sent.
      const seriesOf = (name: RegExp): number =>
        new Set(samples.filter((x) => name.test(x.name)).map((x) => `${x.name}${JSON.stringify(x.labels)}`)).size;
      assert.equal(seriesOf(/^rtt_seconds_/), 10, 'premise: 3 buckets, a sum and a count per peer');
      assert.deepEqual(s.store.listMetrics(), [
        { name: 'lonely_count', type: 'unknown', seriesCount: 1 },
        { name: 'memory_bytes', type: 'unknown', seriesCount: 1 },
        { name: 'requests_total', type: 'counter', seriesCount: seriesOf(/^requests_total$/) },
        {
          name: 'rtt_seconds',
          type: 'histogram',
          unit: 'seconds',
          help: 'Round trips',
          seriesCount: seriesOf(/^rtt_seconds_/),
        },
        { name: 'undeclared', type: 'histogram', seriesCount: seriesOf(/^undeclared_/) },
      ]);
    } finally {
      s.cleanup();
    }
  });
});

describe('migration 6 on a store written at schema version 5', () => {
  it('adds the metadata table; the fixture metrics get inferred types and accept declarations', async () => {
    const fixtureHash = createHash('sha256').update(readFileSync(FIXTURE)).digest('hex');
    const { dir, cleanup } = tempDir();
    try {
      const dbPath = join(dir, 'store-v5.db');
      copyFileSync(FIXTURE, dbPath);
      const old = new Database(dbPath, { readonly: true });
      assert.equal(old.pragma('user_version', { simple: true }), 5, 'premise: the fixture is at version 5');
      const seriesPerName = old
        .prepare('SELECT metric_name AS name, COUNT(*) AS n FROM series GROUP BY metric_name')
        .all() as { name: string; n: number }[];
      old.close();
      const count = (name: RegExp): number =>
        seriesPerName.filter((r) => name.test(r.name)).reduce((a, r) => a + r.n, 0);
      assert.equal(count(/^fixture_latency_seconds_/), 6, 'premise: four buckets, a sum and a count');

      const store = new TimeSeriesStorage({ dbPath, now: () => Date.UTC(2026, 10, 3) });
      try {
        const [{ user_version: version }] = store.sql('PRAGMA user_version') as [{ user_version: number }];
        assert.ok(version >= 6, `migrated past 6, to ${version}`);
        assert.deepEqual(store.sql('SELECT COUNT(*) AS n FROM metric_metadata'), [{ n: 0 }]);
        assert.deepEqual(store.listMetrics(), [
          { name: 'fixture_latency_seconds', type: 'histogram', seriesCount: count(/^fixture_latency_seconds_/) },
          { name: 'fixture_requests_total', type: 'counter', seriesCount: count(/^fixture_requests_total$/) },
          {
            name: 'fixture_temperature_celsius',
            type: 'unknown',
            seriesCount: count(/^fixture_temperature_celsius$/),
          },
        ]);
        store.describeMetric({ name: 'fixture_latency_seconds', type: 'histogram', unit: 'seconds' });
        store.describeMetric({ name: 'fixture_temperature_celsius', type: 'gauge', unit: 'celsius' });
        assert.throws(
          () => store.describeMetric({ name: 'fixture_requests_total', type: 'gauge' }),
          MetricConflictError,
        );
        await store.computeBaselines({ windowDays: 3 });
        assert.deepEqual(
          store.getBaselines().map((b) => b.metricName),
          ['fixture_requests_total', 'fixture_temperature_celsius'],
          "the histogram's series get no baseline",
        );
      } finally {
        store.close();
      }
      const reopened = new TimeSeriesStorage({ dbPath, now: () => Date.UTC(2026, 10, 3) + DAY });
      assert.equal(reopened.metricMetadata('fixture_temperature_celsius').unit, 'celsius');
      reopened.close();
    } finally {
      cleanup();
    }
    const after = createHash('sha256').update(readFileSync(FIXTURE)).digest('hex');
    assert.equal(after, fixtureHash, 'the fixture is untouched');
  });
});
