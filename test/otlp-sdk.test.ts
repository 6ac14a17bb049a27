/**
 * The OTLP receiver fed by the OpenTelemetry JS SDK itself, through both of its OTLP/HTTP metric
 * exporters (protobuf and JSON), cumulative and delta: a counter, an up-down counter, a gauge and a
 * histogram land in the store under their Prometheus names with their types and units, a counter's
 * rate is its increase over the time between exports, and a histogram's quantile is the one its
 * observations give (computed here from the values recorded).
 */
import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import { OTLPMetricExporter as ProtoExporter } from '@opentelemetry/exporter-metrics-otlp-proto';
import {
  AggregationTemporalityPreference,
  OTLPMetricExporter as JsonExporter,
} from '@opentelemetry/exporter-metrics-otlp-http';
import { resourceFromAttributes } from '@opentelemetry/resources';
import { MeterProvider, PeriodicExportingMetricReader } from '@opentelemetry/sdk-metrics';
import { startReceiver, type ReceiverHarness } from './support/otlp.ts';

/** The SDK's default explicit bucket bounds for histograms. */
const SDK_BOUNDS = [0, 5, 10, 25, 50, 75, 100, 250, 500, 750, 1000, 2500, 5000, 7500, 10000];

/** histogram_quantile over observations, as Prometheus computes it (linear within the bucket). */
function expectedQuantile(q: number, observations: readonly number[]): number {
  const counts = SDK_BOUNDS.map((bound) => observations.filter((v) => v <= bound).length);
  const rank = q * observations.length;
  const index = counts.findIndex((count) => count >= rank);
  const upper = SDK_BOUNDS[index] as number;
  const lower = index === 0 ? 0 : (SDK_BOUNDS[index - 1] as number);
  const below = index === 0 ? 0 : (counts[index - 1] as number);
  if (index === 0 && upper <= 0) return upper;
  return lower + (upper - lower) * ((rank - below) / ((counts[index] as number) - below));
}

const cases = [
  { exporter: 'protobuf', temporality: 'cumulative' },
  { exporter: 'json', temporality: 'cumulative' },
  { exporter: 'protobuf', temporality: 'delta' },
  { exporter: 'json', temporality: 'delta' },
] as const;

for (const { exporter, temporality } of cases) {
  describe(`the OpenTelemetry SDK exporting ${exporter}, ${temporality}`, () => {
    let h: ReceiverHarness;
    let provider: MeterProvider;
    const job = `shop-${exporter}-${temporality}`;
    const range = { start: Date.now() - 3_600_000, end: Date.now() + 3_600_000 };
    const first = [1, 3, 7, 12, 60];
    const second = [2, 4, 6, 8, 20, 30, 40, 80, 90, 300, 600, 4000];

    before(async () => {
      h = await startReceiver({ settings: { token: 'sekrit', resourceAttributes: ['deployment.environment'] } });
      const options = {
        url: h.url,
        headers: { Authorization: 'Bearer sekrit' },
        temporalityPreference:
          temporality === 'delta'
            ? AggregationTemporalityPreference.DELTA
            : AggregationTemporalityPreference.CUMULATIVE,
      };
      const reader = new PeriodicExportingMetricReader({
        exporter: exporter === 'protobuf' ? new ProtoExporter(options) : new JsonExporter(options),
        exportIntervalMillis: 3_600_000,
      });
      provider = new MeterProvider({
        resource: resourceFromAttributes({
          'service.name': job,
          'service.instance.id': 'worker-1',
          'deployment.environment': 'test',
          'host.name': 'dropped',
        }),
        readers: [reader],
      });
      const meter = provider.getMeter('shop');
      const requests = meter.createCounter('app.requests', { unit: '{request}', description: 'Requests served' });
      const queue = meter.createUpDownCounter('app.queue.depth', { unit: '{item}' });
      const memory = meter.createGauge('app.memory.usage', { unit: 'By' });
      const duration = meter.createHistogram('app.request.duration', { unit: 'ms' });
      requests.add(5, { route: '/cart' });
      queue.add(10);
      memory.record(1_000_000);
      for (const v of first) duration.record(v);
      await reader.forceFlush();
      await new Promise((resolve) => setTimeout(resolve, 50));
      requests.add(7, { route: '/cart' });
      queue.add(-4);
      memory.record(2_500_000);
      for (const v of second) duration.record(v);
      await reader.forceFlush();
    });
    after(async () => {
      await provider.shutdown(); // exports once more (what is checked is already stored)
      await h.close();
    });

    it('stores every point the SDK sent, under Prometheus names, types and units', () => {
      assert.ok(h.results.length >= 2);
      assert.ok(
        h.results.every((r) => r.rejected === 0 && r.error === null),
        JSON.stringify(h.results),
      );
      const listed = new Map(h.opened.store.listMetrics().map((m) => [m.name, m]));
      assert.equal(listed.get('app_requests_total')?.type, 'counter');
      assert.equal(listed.get('app_requests_total')?.help, 'Requests served');
      assert.equal(listed.get('app_queue_depth')?.type, 'gauge');
      assert.equal(listed.get('app_memory_usage_bytes')?.type, 'gauge');
      assert.equal(listed.get('app_memory_usage_bytes')?.unit, 'bytes');
      assert.equal(listed.get('app_request_duration_milliseconds')?.type, 'histogram');
      assert.equal(listed.get('app_request_duration_milliseconds')?.unit, 'milliseconds');
    });

    it('keeps the values: cumulative counts, the up-down counter and the gauge as last set', () => {
      const raw = (metricName: string) => h.opened.store.queryMetrics({ metricName, ...range, aggregation: 'raw' });
      const [requests] = raw('app_requests_total');
      assert.deepEqual(requests?.labels, { route: '/cart', job, instance: 'worker-1', deployment_environment: 'test' });
      assert.deepEqual(
        requests?.points.map((p) => p.value),
        [5, 12],
      );
      assert.deepEqual(
        raw('app_queue_depth')[0]?.points.map((p) => p.value),
        [10, 6],
      );
      assert.deepEqual(
        raw('app_memory_usage_bytes')[0]?.points.map((p) => p.value),
        [1_000_000, 2_500_000],
      );
      const count = raw('app_request_duration_milliseconds_count')[0]?.points.map((p) => p.value);
      assert.deepEqual(count, [first.length, first.length + second.length]);
      const sum = raw('app_request_duration_milliseconds_sum')[0]?.points.map((p) => p.value);
      const total = (values: number[]) => values.reduce((a, b) => a + b, 0);
      assert.deepEqual(sum, [total(first), total(first) + total(second)]);
    });

    it("serves the counter's rate: its increase over the seconds between the two exports", () => {
      const [samples] = h.opened.store.queryMetrics({ metricName: 'app_requests_total', ...range, aggregation: 'raw' });
      const [t1, t2] = samples?.points.map((p) => p.timestamp) ?? [];
      const [rate] = h.opened.store.queryMetrics({
        metricName: 'app_requests_total',
        ...range,
        aggregation: 'raw',
        fn: 'rate',
      });
      assert.equal(rate?.points.length, 1);
      assert.equal(rate?.points[0]?.value, 7 / (((t2 as number) - (t1 as number)) / 1000));
    });

    it("serves the histogram's quantiles from the observations of the second export", () => {
      for (const q of [0.5, 0.9, 0.99]) {
        const [series] = h.opened.store.queryMetrics({
          metricName: 'app_request_duration_milliseconds',
          ...range,
          aggregation: '1h',
          fn: 'quantile',
          q,
        });
        const points = series?.points ?? [];
        // The first export is each bucket series' first sample (no increase): the quantile is the second's.
        assert.equal(points.length, 1, `q=${q}`);
        const expected = expectedQuantile(q, second);
        assert.ok(Math.abs((points[0]?.value ?? NaN) - expected) < 1e-9, `q=${q}: ${points[0]?.value} vs ${expected}`);
      }
    });
  });
}
