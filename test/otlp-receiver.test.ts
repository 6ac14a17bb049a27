/**
 * The OTLP/HTTP receiver's answers, over real HTTP on loopback: 200 with an
 * ExportMetricsServiceResponse in the request's encoding (partial_success counting exactly the
 * points not stored, with why, when the series or label limits refuse some); 400 for malformed
 * protobuf, JSON and gzip; 415 for another content type or encoding; 413 over 16 MiB, gzip bombs
 * included; 403 for a foreign Host or any Origin; 401 without the token; 503 with Retry-After when
 * too many points wait. Every refused request stored nothing.
 */
import assert from 'node:assert/strict';
import { request } from 'node:http';
import { gzipSync } from 'node:zlib';
import { afterEach, describe, it } from 'node:test';
import { MAX_BODY_BYTES } from '../electron/ingest/http-body.ts';
import {
  decodeProtobufResponse,
  decodeStatus,
  nanos,
  post,
  protobufRequest,
  startReceiver,
  type ReceiverHarness,
} from './support/otlp.ts';

const NOW = Date.now();
const decodeProtobufStatus = (answer: { body: Buffer }): string => decodeStatus(answer.body).message;
const PROTOBUF = { 'Content-Type': 'application/x-protobuf' };
const JSON_TYPE = { 'Content-Type': 'application/json' };

/** A request with one gauge point per label value. */
function gaugeRequest(values: string[], extra: Record<string, unknown> = {}): Record<string, unknown> {
  return {
    resourceMetrics: [
      {
        resource: { attributes: [{ key: 'service.name', value: { stringValue: 'svc' } }] },
        scopeMetrics: [
          {
            metrics: [
              {
                name: 'queue.size',
                gauge: {
                  dataPoints: values.map((v, i) => ({
                    timeUnixNano: nanos(NOW + i),
                    asDouble: i,
                    attributes: [{ key: 'queue', value: { stringValue: v } }],
                    ...extra,
                  })),
                },
              },
            ],
          },
        ],
      },
    ],
  };
}

/** Two gauge points, the second one's fields replaced by `fields` (its value an int when they set asInt). */
function withSecondPoint(fields: Record<string, unknown>): Record<string, unknown> {
  const request = gaugeRequest(['a', 'b']) as {
    resourceMetrics: { scopeMetrics: { metrics: { gauge: { dataPoints: Record<string, unknown>[] } }[] }[] }[];
  };
  const points = request.resourceMetrics[0]!.scopeMetrics[0]!.metrics[0]!.gauge.dataPoints;
  const { asDouble: _value, ...rest } = points[1]!;
  points[1] = { ...('asInt' in fields ? rest : points[1]), ...fields };
  return request;
}

function storedSamples(h: ReceiverHarness): number {
  return h.opened.store
    .listMetrics()
    .flatMap((m) =>
      h.opened.store.queryMetrics({ metricName: m.name, start: 0, end: NOW + 3_600_000, aggregation: 'raw' }),
    )
    .reduce((n, series) => n + series.points.length, 0);
}

describe('OTLP receiver answers', () => {
  let h: ReceiverHarness;
  afterEach(() => h.close());

  it('answers 200 with an empty ExportMetricsServiceResponse, in protobuf and in JSON', async () => {
    h = await startReceiver();
    const pb = await post(h.url, protobufRequest(gaugeRequest(['a', 'b'])), PROTOBUF);
    assert.equal(pb.status, 200);
    assert.equal(pb.headers['content-type'], 'application/x-protobuf');
    assert.deepEqual(decodeProtobufResponse(pb.body), { rejected: 0, message: '' });
    const json = await post(h.url, JSON.stringify(gaugeRequest(['c'])), JSON_TYPE);
    assert.equal(json.status, 200);
    assert.deepEqual(JSON.parse(json.body.toString()), {});
    const gz = await post(h.url, gzipSync(protobufRequest(gaugeRequest(['d']))), {
      ...PROTOBUF,
      'Content-Encoding': 'gzip',
    });
    assert.equal(gz.status, 200);
    assert.equal(storedSamples(h), 4);
  });

  it('stores exactly the points it reports accepted when the series limit refuses some', async () => {
    h = await startReceiver({ store: { maxSeries: 3 } });
    const answer = await post(h.url, protobufRequest(gaugeRequest(['a', 'b', 'c', 'd', 'e'])), PROTOBUF);
    assert.equal(answer.status, 200);
    const { rejected, message } = decodeProtobufResponse(answer.body);
    assert.equal(rejected, 2);
    assert.match(message, /queue_size: series limit reached \(the store holds 3 series\) \(2\)/);
    assert.equal(storedSamples(h), 3);
    assert.deepEqual(h.results.at(-1), { accepted: 3, rejected: 2, error: message });
  });

  it('rejects, with why, points over the label limits, with a NaN value or no timestamp, and stores the rest', async () => {
    h = await startReceiver();
    const body = gaugeRequest(['ok', 'x'.repeat(1025)]);
    const points = (
      body.resourceMetrics as { scopeMetrics: { metrics: { gauge: { dataPoints: unknown[] } }[] }[] }[]
    )[0]?.scopeMetrics[0]?.metrics[0]?.gauge.dataPoints as Record<string, unknown>[];
    points.push({ timeUnixNano: nanos(NOW + 5), asDouble: 'NaN' }, { asDouble: 1 });
    points.push({
      timeUnixNano: nanos(NOW + 6),
      asDouble: 1,
      attributes: Array.from({ length: 40 }, (_, i) => ({ key: `k${i}`, value: { stringValue: 'v' } })),
    });
    const answer = await post(h.url, JSON.stringify(body), JSON_TYPE);
    assert.equal(answer.status, 200);
    const response = JSON.parse(answer.body.toString()) as {
      partialSuccess: { rejectedDataPoints: string; errorMessage: string };
    };
    assert.equal(response.partialSuccess.rejectedDataPoints, '4');
    assert.match(response.partialSuccess.errorMessage, /^4 data points rejected: /);
    assert.match(response.partialSuccess.errorMessage, /longer than 1024 characters/);
    assert.match(response.partialSuccess.errorMessage, /not a finite number/);
    assert.match(response.partialSuccess.errorMessage, /time_unix_nano is missing/);
    assert.match(response.partialSuccess.errorMessage, /more than the limit of 32/);
    assert.equal(storedSamples(h), 1);
  });

  it('rejects, with why, the points of a metric whose type contradicts the one stored, and stores the others', async () => {
    h = await startReceiver();
    const histogram = {
      name: 'latency',
      histogram: {
        aggregationTemporality: 2,
        dataPoints: [{ timeUnixNano: nanos(NOW), count: 1, sum: 2, bucketCounts: [1, 0], explicitBounds: [5] }],
      },
    };
    const resource = (metrics: unknown[]) => ({ resourceMetrics: [{ scopeMetrics: [{ metrics }] }] });
    assert.equal((await post(h.url, protobufRequest(resource([histogram])), PROTOBUF)).status, 200);
    const gauge = {
      name: 'latency',
      gauge: {
        dataPoints: [
          { timeUnixNano: nanos(NOW + 1), asDouble: 3 },
          { timeUnixNano: nanos(NOW + 2), asDouble: 4 },
        ],
      },
    };
    const other = { name: 'other', gauge: { dataPoints: [{ timeUnixNano: nanos(NOW), asDouble: 1 }] } };
    const answer = await post(h.url, protobufRequest(resource([gauge, other])), PROTOBUF);
    assert.equal(answer.status, 200);
    const { rejected, message } = decodeProtobufResponse(answer.body);
    assert.equal(rejected, 2);
    assert.match(message, /^2 data points rejected: latency: /);
    assert.equal(h.opened.store.metricMetadata('latency')?.type, 'histogram');
    const points = (metricName: string) =>
      h.opened.store
        .queryMetrics({ metricName, start: 0, end: NOW + 60_000, aggregation: 'raw' })
        .map((series) => series.points.map((p) => p.value));
    assert.deepEqual(points('latency_count'), [[1]]);
    assert.deepEqual(points('other'), [[1]]);
  });

  const refusals: {
    name: string;
    status: number;
    send: (h: ReceiverHarness) => Promise<Awaited<ReturnType<typeof post>>>;
  }[] = [
    {
      name: 'malformed protobuf',
      status: 400,
      send: (h) => post(h.url, protobufRequest(gaugeRequest(['a'])).subarray(0, 20), PROTOBUF),
    },
    { name: 'malformed JSON', status: 400, send: (h) => post(h.url, '{"resourceMetrics": [', JSON_TYPE) },
    {
      name: 'JSON of the wrong shape',
      status: 400,
      send: (h) => post(h.url, '{"resourceMetrics": {"a": 1}}', JSON_TYPE),
    },
    { name: 'a JSON array', status: 400, send: (h) => post(h.url, '[]', JSON_TYPE) },
    {
      name: 'a JSON 64-bit value that is not an integer ("12x")',
      status: 400,
      send: (h) => post(h.url, JSON.stringify(withSecondPoint({ asInt: '12x' })), JSON_TYPE),
    },
    {
      name: 'a JSON timestamp that is not a number ("abc")',
      status: 400,
      send: (h) => post(h.url, JSON.stringify(withSecondPoint({ timeUnixNano: 'abc' })), JSON_TYPE),
    },
    {
      name: 'a negative JSON timestamp ("-1")',
      status: 400,
      send: (h) => post(h.url, JSON.stringify(withSecondPoint({ timeUnixNano: '-1' })), JSON_TYPE),
    },
    {
      name: 'broken gzip',
      status: 400,
      send: (h) => post(h.url, Buffer.from('not gzip at all'), { ...PROTOBUF, 'Content-Encoding': 'gzip' }),
    },
    {
      name: 'text/plain',
      status: 415,
      send: (h) => post(h.url, JSON.stringify(gaugeRequest(['a'])), { 'Content-Type': 'text/plain' }),
    },
    { name: 'no content type', status: 415, send: (h) => post(h.url, JSON.stringify(gaugeRequest(['a'])), {}) },
    {
      name: 'a br encoding',
      status: 415,
      send: (h) => post(h.url, protobufRequest(gaugeRequest(['a'])), { ...PROTOBUF, 'Content-Encoding': 'br' }),
    },
    {
      name: 'another path',
      status: 404,
      send: (h) => post(h.url, protobufRequest(gaugeRequest(['a'])), PROTOBUF, { path: '/v1/traces' }),
    },
    { name: 'GET', status: 405, send: (h) => post(h.url, '', PROTOBUF, { method: 'GET' }) },
    {
      name: 'a foreign Host',
      status: 403,
      send: (h) => post(h.url, protobufRequest(gaugeRequest(['a'])), { ...PROTOBUF, Host: `evil.example:${h.port}` }),
    },
    {
      name: 'a Host on another port',
      status: 403,
      send: (h) => post(h.url, protobufRequest(gaugeRequest(['a'])), { ...PROTOBUF, Host: `127.0.0.1:${h.port + 1}` }),
    },
    {
      name: 'an Origin header',
      status: 403,
      send: (h) =>
        post(h.url, protobufRequest(gaugeRequest(['a'])), { ...PROTOBUF, Origin: `http://127.0.0.1:${h.port}` }),
    },
    {
      name: 'a gzip bomb',
      status: 413,
      send: (h) =>
        post(h.url, gzipSync(Buffer.alloc(MAX_BODY_BYTES * 2), { level: 1 }), {
          ...PROTOBUF,
          'Content-Encoding': 'gzip',
        }),
    },
    {
      name: 'a body over 16 MiB',
      status: 413,
      send: (h) => post(h.url, Buffer.alloc(MAX_BODY_BYTES + 1), PROTOBUF),
    },
  ];
  for (const { name, status, send } of refusals) {
    it(`answers ${status} to ${name} and stores nothing`, async () => {
      h = await startReceiver();
      const answer = await send(h);
      assert.equal(answer.status, status);
      const bodyStatus =
        answer.headers['content-type'] === 'application/x-protobuf'
          ? decodeStatus(answer.body)
          : (JSON.parse(answer.body.toString()) as { code: number; message: string });
      assert.ok(bodyStatus.code > 0 && bodyStatus.message.length > 0, JSON.stringify(bodyStatus));
      assert.equal(storedSamples(h), 0);
      assert.equal(h.opened.store.listMetrics().length, 0);
    });
  }

  it('streams a chunked body and stops at 16 MiB (413), storing nothing', async () => {
    h = await startReceiver();
    const status = await new Promise<number>((resolve, reject) => {
      const req = request(
        { host: '127.0.0.1', port: h.port, path: '/v1/metrics', method: 'POST', headers: PROTOBUF },
        (res) => {
          res.resume();
          resolve(res.statusCode ?? 0);
        },
      );
      req.on('error', reject);
      const chunk = Buffer.alloc(1024 * 1024);
      for (let i = 0; i < 17; i++) req.write(chunk);
      req.end();
    });
    assert.equal(status, 413);
    assert.equal(storedSamples(h), 0);
  });

  it('needs the bearer token when the settings set one (401 without it or with another)', async () => {
    h = await startReceiver({ settings: { token: 'letmein' } });
    const body = protobufRequest(gaugeRequest(['a']));
    for (const authorization of [undefined, 'Bearer nope', 'letmein', 'Basic letmein']) {
      const answer = await post(h.url, body, {
        ...PROTOBUF,
        ...(authorization ? { Authorization: authorization } : {}),
      });
      assert.equal(answer.status, 401, String(authorization));
      assert.equal(answer.headers['www-authenticate'], 'Bearer');
    }
    assert.equal(storedSamples(h), 0);
    const ok = await post(h.url, body, { ...PROTOBUF, Authorization: 'Bearer letmein' });
    assert.equal(ok.status, 200);
    assert.equal(storedSamples(h), 1);
  });

  it('answers 503 with Retry-After while too many points wait, and stores only the admitted requests', async () => {
    let release = (): void => undefined;
    const gate = new Promise<void>((resolve) => (release = resolve));
    h = await startReceiver({ maxQueuedPoints: 3, beforeWrite: () => gate });
    const waitFor = async (points: number) => {
      while (h.receiver.waitingPoints !== points) await new Promise((resolve) => setTimeout(resolve, 5));
    };
    const first = post(h.url, protobufRequest(gaugeRequest(['a', 'b'])), PROTOBUF);
    await waitFor(2);
    const overflowing = await post(h.url, protobufRequest(gaugeRequest(['c', 'd'])), PROTOBUF);
    assert.equal(overflowing.status, 503);
    assert.equal(overflowing.headers['retry-after'], '1');
    const fitting = post(h.url, protobufRequest(gaugeRequest(['e'])), PROTOBUF);
    await waitFor(3);
    const full = await post(h.url, protobufRequest(gaugeRequest(['f'])), PROTOBUF);
    assert.equal(full.status, 503);
    assert.match(decodeProtobufStatus(full), /the store is busy: 3 data points wait/);
    release();
    assert.equal((await first).status, 200);
    assert.equal((await fitting).status, 200);
    assert.equal(storedSamples(h), 3);
  });
});
