/**
 * The metric type and unit an export writes per series, by the documented rule: a histogram's
 * `_bucket`, `_sum` and `_count` series (a summary's `_sum` and `_count`) take their family's type
 * and unit; any other series its own. Over the naming catalog the engine uses today, and over
 * declarations layered on it (a map of declared metadata falling back to naming, as a store with
 * `describeMetric` answers).
 */
import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { exportMetric, exportMetricCache } from '../src/export/export-metric.ts';
import { inferMetricType, type MetricCatalog } from '../src/metrics/catalog.ts';
import type { MetricMetadata } from '../src/types.ts';

const NAMES = [
  'http_requests_total',
  'room_temperature',
  'latency_seconds_bucket',
  'latency_seconds_sum',
  'latency_seconds_count',
  'orphan_sum',
  'rpc_seconds',
  'rpc_seconds_sum',
  'rpc_seconds_count',
  'rpc_seconds_bucket',
  'disk_bytes_bucket',
  'disk_bytes_sum',
  'disk_bytes_count',
];

function catalogOf(declared: MetricMetadata[]): MetricCatalog {
  const byName = new Map(declared.map((m) => [m.name, m]));
  return {
    metadata: (name) => byName.get(name) ?? { name, type: inferMetricType(name, (n) => NAMES.includes(n)) },
  };
}

describe('exportMetric', () => {
  it('follows naming alone: counters, untyped series and histogram families', () => {
    const catalog = catalogOf([]);
    const of = (name: string) => exportMetric(catalog, name);
    assert.deepEqual(of('http_requests_total'), { type: 'counter', unit: null, family: 'http_requests_total' });
    assert.deepEqual(of('room_temperature'), { type: 'unknown', unit: null, family: 'room_temperature' });
    for (const suffix of ['_bucket', '_sum', '_count']) {
      assert.deepEqual(of(`latency_seconds${suffix}`), { type: 'histogram', unit: null, family: 'latency_seconds' });
    }
    assert.deepEqual(of('orphan_sum'), { type: 'unknown', unit: null, family: 'orphan_sum' }, 'no _bucket: no family');
  });

  it("gives a declared histogram's or summary's series the family's type and unit, and other series their own", () => {
    const catalog = catalogOf([
      { name: 'room_temperature', type: 'gauge', unit: 'celsius' },
      { name: 'rpc_seconds', type: 'summary', unit: 'seconds' },
      { name: 'disk_bytes', type: 'histogram', unit: 'bytes' },
      { name: 'rpc_seconds_bucket', type: 'gauge' },
    ]);
    const of = (name: string) => exportMetric(catalog, name);
    assert.deepEqual(of('room_temperature'), { type: 'gauge', unit: 'celsius', family: 'room_temperature' });
    for (const name of ['rpc_seconds', 'rpc_seconds_sum', 'rpc_seconds_count']) {
      assert.deepEqual(of(name), { type: 'summary', unit: 'seconds', family: 'rpc_seconds' }, name);
    }
    assert.deepEqual(
      of('rpc_seconds_bucket'),
      { type: 'gauge', unit: null, family: 'rpc_seconds_bucket' },
      'a summary has no _bucket series: its own metadata',
    );
    for (const suffix of ['_bucket', '_sum', '_count']) {
      assert.deepEqual(of(`disk_bytes${suffix}`), { type: 'histogram', unit: 'bytes', family: 'disk_bytes' });
    }
  });

  it('asks the catalog once per name within an export', () => {
    let asked = 0;
    const inner = catalogOf([]);
    const cached = exportMetricCache({ metadata: (name) => (asked++, inner.metadata(name)) });
    for (let i = 0; i < 5; i++) cached('latency_seconds_sum');
    const first = asked;
    for (let i = 0; i < 5; i++) cached('latency_seconds_sum');
    assert.equal(asked, first, 'no new look-up for a name seen before');
    assert.equal(cached('latency_seconds_sum'), cached('latency_seconds_sum'), 'one object per name');
  });
});
