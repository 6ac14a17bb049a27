/**
 * How OTLP data lands in the store (OpenTelemetry's Prometheus compatibility mapping), with
 * payloads built by protobufjs from the official schema and sent over HTTP: delta sums added up
 * per series across requests, a new start time read as a counter reset, non-monotonic sums as
 * gauges, exponential histograms as classic buckets whose counts are those of the observations
 * (computed here from the values, not from the point), summaries as quantile series, names, units
 * and labels as the specification spells them, and OTLP JSON's own rules.
 */
import assert from 'node:assert/strict';
import { afterEach, describe, it } from 'node:test';
import fc from 'fast-check';
import { nanos, post, protobufRequest, startReceiver, type ReceiverHarness } from './support/otlp.ts';

const T = Date.UTC(2026, 10, 30, 12, 0, 0);
const SECOND = 1_000;
const PROTOBUF = { 'Content-Type': 'application/x-protobuf' };
const DELTA = 1;
const CUMULATIVE = 2;

type Attr = { key: string; value: Record<string, unknown> };
const str = (key: string, value: string): Attr => ({ key, value: { stringValue: value } });

function request(metrics: Record<string, unknown>[], resource: Attr[] = [str('service.name', 'svc')]) {
  return { resourceMetrics: [{ resource: { attributes: resource }, scopeMetrics: [{ metrics }] }] };
}

async function send(h: ReceiverHarness, metrics: Record<string, unknown>[], resource?: Attr[]): Promise<void> {
  const answer = await post(h.url, protobufRequest(request(metrics, resource)), PROTOBUF);
  assert.equal(answer.status, 200);
  assert.equal(h.results.at(-1)?.error, null, h.results.at(-1)?.error ?? '');
}

function raw(h: ReceiverHarness, metricName: string) {
  return h.opened.store.queryMetrics({ metricName, start: T - 3_600_000, end: T + 3_600_000, aggregation: 'raw' });
}

describe('OTLP to Prometheus mapping', () => {
  let h: ReceiverHarness;
  afterEach(() => h.close());

  it('adds delta sums up per series, across requests, into a counter', async () => {
    h = await startReceiver();
    const point = (t: number, v: number, route: string) => ({
      timeUnixNano: nanos(T + t * SECOND),
      startTimeUnixNano: nanos(T + (t - 1) * SECOND),
      asInt: v,
      attributes: [str('route', route)],
    });
    const sum = (points: unknown[]) => ({
      name: 'http.requests',
      sum: { aggregationTemporality: DELTA, isMonotonic: true, dataPoints: points },
    });
    await send(h, [sum([point(1, 5, '/a'), point(1, 2, '/b'), point(2, 3, '/a')])]);
    await send(h, [sum([point(3, 4, '/a'), point(3, 0, '/b')])]);
    const byRoute = new Map(raw(h, 'http_requests_total').map((s) => [s.labels.route, s.points.map((p) => p.value)]));
    assert.deepEqual(byRoute.get('/a'), [5, 8, 12]);
    assert.deepEqual(byRoute.get('/b'), [2, 2]);
    assert.equal(h.opened.store.metricMetadata('http_requests_total')?.type, 'counter');
  });

  it('reads a new start time as a reset: the increase counts the new run from zero', async () => {
    h = await startReceiver();
    const point = (start: number, t: number, v: number) => ({
      startTimeUnixNano: nanos(T + start * SECOND),
      timeUnixNano: nanos(T + t * SECOND),
      asDouble: v,
    });
    const sum = (points: unknown[]) => ({
      name: 'jobs',
      unit: '{job}',
      sum: { aggregationTemporality: CUMULATIVE, isMonotonic: true, dataPoints: points },
    });
    // Run 1 counts 10 then 15; the process restarts at 30 s and has counted 20 by 40 s (more than
    // before the restart, so the value alone shows no drop), then 26.
    await send(h, [sum([point(0, 10, 10), point(0, 20, 15)])]);
    await send(h, [sum([point(30, 40, 20), point(30, 50, 26)])]);
    const [increase] = h.opened.store.queryMetrics({
      metricName: 'jobs_total',
      start: T,
      end: T + 3_600_000,
      aggregation: '1h',
      fn: 'increase',
    });
    assert.equal(increase?.points[0]?.value, 15 - 10 + 20 + (26 - 20));
    assert.deepEqual(
      raw(h, 'jobs_total')[0]?.points.map((p) => [p.timestamp - T, p.value]),
      [
        [10_000, 10],
        [20_000, 15],
        [30_000, 0],
        [40_000, 20],
        [50_000, 26],
      ],
    );
  });

  it('stores non-monotonic sums and gauges as gauges (no _total), units as suffixes', async () => {
    h = await startReceiver();
    const points = [{ timeUnixNano: nanos(T), asDouble: 0.25 }];
    await send(h, [
      {
        name: 'queue.depth',
        unit: '{item}',
        sum: { aggregationTemporality: CUMULATIVE, isMonotonic: false, dataPoints: points },
      },
      { name: 'cpu.utilization', unit: '1', gauge: { dataPoints: points } },
      { name: 'net.io', unit: 'By/s', gauge: { dataPoints: points } },
      {
        name: 'disk.io',
        unit: 'By',
        sum: { aggregationTemporality: CUMULATIVE, isMonotonic: true, dataPoints: points },
      },
      { name: '(lambda).runs(#)', unit: 'packets', gauge: { dataPoints: points } },
    ]);
    const listed = new Map(h.opened.store.listMetrics().map((m) => [m.name, [m.type, m.unit]]));
    assert.deepEqual(Object.fromEntries(listed), {
      queue_depth: ['gauge', undefined],
      cpu_utilization_ratio: ['gauge', 'ratio'],
      net_io_bytes_per_second: ['gauge', 'bytes_per_second'],
      disk_io_bytes_total: ['counter', 'bytes'],
      lambda_runs_packets: ['gauge', 'packets'],
    });
  });

  it('makes labels of point attributes (sanitised, colliding names joined) and of the listed resource attributes', async () => {
    h = await startReceiver({ settings: { resourceAttributes: ['host.name', 'k8s.pod.name'] } });
    await send(
      h,
      [
        {
          name: 'temp',
          gauge: {
            dataPoints: [
              {
                timeUnixNano: nanos(T),
                asDouble: 1,
                attributes: [
                  str('a_b', 'second'),
                  str('a.b', 'first'),
                  str('1st', 'x'),
                  str('_private', 'y'),
                  { key: 'ok', value: { boolValue: true } },
                  { key: 'n', value: { intValue: 42 } },
                  { key: 'list', value: { arrayValue: { values: [{ stringValue: 'p' }, { intValue: 2 }] } } },
                  str('job', 'overridden'),
                ],
              },
            ],
          },
        },
      ],
      [
        str('service.name', 'api'),
        str('service.namespace', 'shop'),
        str('service.instance.id', 'pod-7'),
        str('host.name', 'box'),
        str('os.type', 'linux'),
      ],
    );
    assert.deepEqual(raw(h, 'temp')[0]?.labels, {
      a_b: 'first;second',
      key_1st: 'x',
      key_private: 'y',
      ok: 'true',
      n: '42',
      list: '["p",2]',
      job: 'shop/api',
      instance: 'pod-7',
      host_name: 'box',
    });
  });

  it('reads OTLP JSON: snake_case or lowerCamelCase names, 64-bit integers as strings or numbers, enums as numbers or names', async () => {
    h = await startReceiver();
    const body = {
      resource_metrics: [
        {
          resource: { attributes: [str('service.name', 'js')] },
          scope_metrics: [
            {
              metrics: [
                {
                  name: 'hits',
                  sum: {
                    aggregation_temporality: 'AGGREGATION_TEMPORALITY_DELTA',
                    is_monotonic: true,
                    data_points: [
                      { time_unix_nano: nanos(T), as_int: '7' },
                      { timeUnixNano: Number(nanos(T + SECOND)), asInt: 3 },
                    ],
                  },
                },
                { name: 'temp', gauge: { dataPoints: [{ timeUnixNano: nanos(T), asDouble: '21.5' }] } },
              ],
            },
          ],
        },
      ],
    };
    const answer = await post(h.url, JSON.stringify(body), { 'Content-Type': 'application/json; charset=utf-8' });
    assert.equal(answer.status, 200);
    assert.deepEqual(JSON.parse(answer.body.toString()), {});
    assert.deepEqual(
      raw(h, 'hits_total')[0]?.points.map((p) => p.value),
      [7, 10],
    );
    assert.deepEqual(
      raw(h, 'temp')[0]?.points.map((p) => p.value),
      [21.5],
    );
  });

  it('turns summaries into quantile series with _sum and _count', async () => {
    h = await startReceiver();
    await send(h, [
      {
        name: 'rpc.latency',
        unit: 's',
        summary: {
          dataPoints: [
            {
              timeUnixNano: nanos(T),
              count: 10,
              sum: 4.5,
              quantileValues: [
                { quantile: 0.5, value: 0.3 },
                { quantile: 0.99, value: 1.2 },
              ],
            },
          ],
        },
      },
    ]);
    const quantiles = raw(h, 'rpc_latency_seconds').map((s) => [s.labels.quantile, s.points[0]?.value]);
    assert.deepEqual(quantiles.sort(), [
      ['0.5', 0.3],
      ['0.99', 1.2],
    ]);
    assert.equal(raw(h, 'rpc_latency_seconds_sum')[0]?.points[0]?.value, 4.5);
    assert.equal(raw(h, 'rpc_latency_seconds_count')[0]?.points[0]?.value, 10);
    assert.equal(h.opened.store.metricMetadata('rpc_latency_seconds')?.type, 'summary');
  });

  it('converts exponential histograms into classic buckets holding the counts of their observations', async () => {
    h = await startReceiver();
    const observation = fc.oneof(
      fc.double({ min: 1e-3, max: 1e4, noNaN: true }),
      fc.double({ min: -1e3, max: -1e-3, noNaN: true }),
      fc.constant(0),
    );
    let round = 0;
    const samples = fc.sample(
      fc.tuple(fc.array(observation, { minLength: 1, maxLength: 200 }), fc.integer({ min: -2, max: 8 })),
      {
        seed: 42,
        numRuns: 12,
      },
    );
    for (const [values, scale] of samples) {
      round += 1;
      const name = `latency.r${round}`;
      await send(h, [
        {
          name,
          exponentialHistogram: { aggregationTemporality: CUMULATIVE, dataPoints: [exponentialPoint(values, scale)] },
        },
      ]);
      const buckets = raw(h, `latency_r${round}_bucket`);
      assert.ok(buckets.length > 1);
      for (const series of buckets) {
        const le = series.labels.le === '+Inf' ? Infinity : Number(series.labels.le);
        const expected = values.filter((v) => v <= le).length;
        assert.equal(series.points[0]?.value, expected, `scale ${scale}, le ${series.labels.le}`);
        if (Number.isFinite(le) && le !== 0) {
          const exponent = Math.log2(Math.abs(le)) * 4;
          assert.ok(Math.abs(exponent - Math.round(exponent)) < 1e-9, `le ${le} is a power of 2^(1/4)`);
        }
      }
      assert.equal(raw(h, `latency_r${round}_count`)[0]?.points[0]?.value, values.length);
    }
  });

  for (const temporality of [CUMULATIVE, DELTA]) {
    it(`keeps every bucket an exponential histogram ever had, counting all its observations (${temporality === DELTA ? 'delta' : 'cumulative'})`, async () => {
      h = await startReceiver();
      const exports = [
        [0.3, 0.4, 1.5, 1.6],
        [0.01, 1.55, 70, 71.5],
        [-2.5, 0.35, 3000],
      ];
      for (const [k, values] of exports.entries()) {
        const seen = temporality === DELTA ? values : exports.slice(0, k + 1).flat();
        const point = {
          ...exponentialPoint(seen, 5),
          timeUnixNano: nanos(T + (k + 1) * SECOND),
          startTimeUnixNano: nanos(temporality === DELTA ? T + k * SECOND : T),
        };
        await send(h, [
          { name: 'wait', exponentialHistogram: { aggregationTemporality: temporality, dataPoints: [point] } },
        ]);
      }
      const buckets = raw(h, 'wait_bucket');
      assert.ok(buckets.length >= 8, `${buckets.length} bucket series`);
      for (const series of buckets) {
        const le = series.labels.le === '+Inf' ? Infinity : Number(series.labels.le);
        // Every sample holds the count of the observations exported up to its time that are <= le.
        for (const p of series.points) {
          const exported = exports.slice(0, Math.round((p.timestamp - T) / SECOND)).flat();
          assert.equal(
            p.value,
            exported.filter((v) => v <= le).length,
            `le ${series.labels.le} at +${p.timestamp - T} ms`,
          );
        }
        const last = series.points.at(-1);
        assert.equal(last?.timestamp, T + 3 * SECOND, `le ${series.labels.le} is written at the last export`);
        // A bucket that appears late also has a sample at the export before (the count below it
        // then), so the increase up to its first export loses none of its observations.
        assert.ok(
          series.points.some((p) => p.timestamp === T + 2 * SECOND),
          `le ${series.labels.le} has a sample at the second export`,
        );
      }
      const [quantile] = h.opened.store.queryMetrics({
        metricName: 'wait',
        start: T,
        end: T + 3_600_000,
        aggregation: '1h',
        fn: 'quantile',
        q: 0.5,
      });
      assert.equal(quantile?.points.length, 1);
    });
  }
});

/** An OTLP exponential histogram point of the values at `scale`, bucketed as the specification says. */
function exponentialPoint(values: readonly number[], scale: number): Record<string, unknown> {
  const index = (v: number) => Math.ceil(Math.log2(Math.abs(v)) * 2 ** scale) - 1;
  const side = (filter: (v: number) => boolean) => {
    const indexes = values.filter(filter).map(index);
    if (indexes.length === 0) return { offset: 0, bucketCounts: [] };
    const offset = Math.min(...indexes);
    const counts = new Array<number>(Math.max(...indexes) - offset + 1).fill(0);
    for (const i of indexes) counts[i - offset] = (counts[i - offset] ?? 0) + 1;
    return { offset, bucketCounts: counts };
  };
  return {
    timeUnixNano: nanos(T),
    count: values.length,
    sum: values.reduce((a, b) => a + b, 0),
    scale,
    zeroCount: values.filter((v) => v === 0).length,
    positive: side((v) => v > 0),
    negative: side((v) => v < 0),
  };
}
