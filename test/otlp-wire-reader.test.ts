/**
 * The wire reader of gauges and sums (number-metrics.ts) against protobufjs: for random metrics
 * built and encoded by protobufjs from the official schema (attributes of every value type, shared
 * or not, times past 2^53 ns and out of range, doubles and 64-bit integers, both, neither, flags,
 * every temporality, and what the reader leaves to protobufjs: exemplars, metadata, histograms),
 * a request read by the receiver's decoder translates to the very samples, rejections and
 * counter state that protobufjs's own decoding of the same bytes gives, attribute sets whose
 * encodings share a hash (found here by a birthday search) included. And for those bytes
 * truncated or with a byte changed, the reader either gives up (back at the metric's start, so
 * protobufjs decides) or reads what protobufjs reads: never a metric protobufjs refuses.
 */
import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import fc from 'fast-check';
import protobuf from 'protobufjs';
import { decodeRequest } from '../electron/ingest/otlp/codec.ts';
import { AttributeSets, readNumberMetric } from '../electron/ingest/otlp/number-metrics.ts';
import { ExportRequestType, MetricType, type ExportRequest, type OtlpMetric } from '../electron/ingest/otlp/schema.ts';
import { SeriesState } from '../electron/ingest/otlp/series-state.ts';
import { translateRequest } from '../electron/ingest/otlp/translate.ts';

const T_NS = 1_764_504_000_000_000_000n;

const int64 = fc.bigInt({ min: -(2n ** 63n), max: 2n ** 63n - 1n }).map(String);
const scalar = fc.oneof(
  fc.string({ maxLength: 6 }).map((s) => ({ stringValue: s })),
  fc.boolean().map((b) => ({ boolValue: b })),
  int64.map((i) => ({ intValue: i })),
  fc.double().map((d) => ({ doubleValue: d })),
);
const anyValue = fc.oneof(
  scalar,
  fc.array(scalar, { maxLength: 2 }).map((values) => ({ arrayValue: { values } })),
  fc
    .array(fc.record({ key: fc.constantFrom('x', 'y.z'), value: scalar }), { maxLength: 2 })
    .map((values) => ({ kvlistValue: { values } })),
);
const attribute = fc.record({
  key: fc.constantFrom('route', 'http.method', 'le', 'a.b', 'a_b', '1st', ''),
  value: anyValue,
});
/** A few attribute sets, so that points share them as in real requests. */
const attributeSets = fc.array(fc.array(attribute, { maxLength: 3 }), { minLength: 1, maxLength: 3 });

const nanos = fc.oneof(
  // Today's times, any nanosecond (the millisecond boundary included).
  fc.bigInt({ min: 0n, max: 10n ** 12n }).map((ns) => String(T_NS + ns)),
  // The last nanoseconds of a millisecond, which a double (256 ns apart at these times) rounds up.
  fc
    .tuple(fc.bigInt({ min: 0n, max: 10n ** 6n }), fc.bigInt({ min: 0n, max: 300n }))
    .map(([ms, before]) => String(T_NS + ms * 1_000_000n + 999_999n - before)),
  fc.bigInt({ min: 0n, max: 2n ** 64n - 1n }).map(String),
  fc.constant('0'),
);

const point = (sets: unknown[][]) =>
  fc
    .record(
      {
        set: fc.nat({ max: sets.length - 1 }),
        timeUnixNano: nanos,
        startTimeUnixNano: fc.oneof(fc.constant('0'), fc.constant(String(T_NS - 10n ** 9n)), nanos),
        value: fc.oneof(
          fc.double().map((asDouble) => ({ asDouble })),
          int64.map((asInt) => ({ asInt })),
          fc.tuple(fc.double(), int64).map(([asDouble, asInt]) => ({ asDouble, asInt })),
          fc.constant({}),
        ),
        flags: fc.constantFrom(0, 1, 2, 3),
        exemplar: fc.nat({ max: 15 }).map((n) => n === 0),
      },
      { requiredKeys: ['set', 'timeUnixNano', 'startTimeUnixNano', 'value', 'flags'] },
    )
    .map(({ set, value, exemplar, ...rest }) => ({
      ...rest,
      ...value,
      attributes: sets[set],
      ...(exemplar ? { exemplars: [{ timeUnixNano: String(T_NS), asDouble: 1 }] } : {}),
    }));

const metric = attributeSets.chain((sets) =>
  fc
    .record(
      {
        name: fc.constantFrom('http.requests', 'queue.depth', 'x', ''),
        unit: fc.constantFrom('', 'ms', '{request}', '1', 'By/s'),
        description: fc.constantFrom('', 'what it counts'),
        data: fc.oneof(
          fc.array(point(sets), { maxLength: 6 }).map((dataPoints) => ({ gauge: { dataPoints } })),
          fc
            .record({
              dataPoints: fc.array(point(sets), { maxLength: 6 }),
              aggregationTemporality: fc.constantFrom(0, 1, 2, 3),
              isMonotonic: fc.boolean(),
            })
            .map((sum) => ({ sum })),
          fc.constant({
            histogram: {
              aggregationTemporality: 2,
              dataPoints: [{ timeUnixNano: String(T_NS), count: 2, sum: 3, bucketCounts: [1, 1], explicitBounds: [1] }],
            },
          }),
        ),
        metadata: fc.nat({ max: 9 }).map((n) => n === 0),
      },
      { requiredKeys: ['name', 'unit', 'description', 'data'] },
    )
    .map(({ data, metadata, ...rest }) => ({
      ...rest,
      ...data,
      ...(metadata ? { metadata: [{ key: 'm', value: { stringValue: 'v' } }] } : {}),
    })),
);

function encode(metrics: unknown[]): Buffer {
  const message = ExportRequestType.fromObject({
    resourceMetrics: [
      {
        resource: { attributes: [{ key: 'service.name', value: { stringValue: 'svc' } }] },
        scopeMetrics: [{ metrics }],
      },
    ],
  });
  return Buffer.from(ExportRequestType.encode(message).finish());
}

/** What a request stores and refuses, and the counter state once every unit is committed. */
async function outcome(request: ExportRequest) {
  const state = new SeriesState();
  const translation = await translateRequest(request, state, { resourceAttributes: [] });
  const families = translation.families.map((family) => ({
    metadata: family.metadata,
    samples: family.points.map((unit) => {
      unit.commit?.();
      return unit.samples;
    }),
  }));
  return {
    families,
    points: translation.pointCount,
    rejected: translation.rejections.total,
    why: translation.rejections.summary(),
    totals: [...state.values],
    streams: [...state.streams],
  };
}

/** FNV-1a (32 bits) of bytes, continued from `hash`. */
function fnv1a(bytes: Uint8Array, hash = 0x811c9dc5): number {
  for (const byte of bytes) hash = Math.imul(hash ^ byte, 0x01000193) >>> 0;
  return hash;
}

/** A NumberDataPoint's attributes field (tag 7, length-delimited) holding KeyValue{key, string value of 8 letters}. */
function attributeField(key: string, value: string): Buffer {
  const anyValue = Buffer.concat([Buffer.from([0x0a, value.length]), Buffer.from(value, 'latin1')]);
  const keyValue = Buffer.concat([
    Buffer.from([0x0a, key.length]),
    Buffer.from(key, 'latin1'),
    Buffer.from([0x12, anyValue.length]),
    anyValue,
  ]);
  return Buffer.concat([Buffer.from([0x3a, keyValue.length]), keyValue]);
}

/** Words of 8 letters from a seeded xorshift generator. */
function* words(seed: number): Generator<string> {
  let x = seed;
  for (;;) {
    let text = '';
    for (let i = 0; i < 8; i++) {
      x ^= x << 13;
      x ^= x >>> 17;
      x ^= x << 5;
      text += String.fromCharCode(97 + ((x >>> 0) % 26));
    }
    yield text;
  }
}

/**
 * 2^blocks attribute lists whose encodings share one FNV-1a hash: for each block (an attribute of
 * its own key), two values whose fields bring the hash to the same state (a birthday search over
 * random words of 8 letters), so any choice of one per block collides with all the others.
 */
function collidingAttributeLists(blocks: number): { key: string; value: string }[][] {
  let lists: { key: string; value: string }[][] = [[]];
  let state = 0x811c9dc5;
  for (let block = 0; block < blocks; block++) {
    const key = `k${block}`;
    // The field's bytes before its 8 letters, the same for every value.
    const start = fnv1a(attributeField(key, 'xxxxxxxx').subarray(0, -8), state);
    const seen = new Map<number, string>();
    let pair: [string, string] | null = null;
    for (const value of words(block + 1)) {
      let next = start;
      for (let i = 0; i < value.length; i++) next = Math.imul(next ^ value.charCodeAt(i), 0x01000193) >>> 0;
      const earlier = seen.get(next);
      if (earlier !== undefined && earlier !== value) {
        pair = [earlier, value];
        state = next;
        break;
      }
      seen.set(next, value);
    }
    lists = lists.flatMap((list) => (pair ?? []).map((value) => [...list, { key, value }]));
  }
  return lists;
}

describe("the wire reader of gauges and sums, against protobufjs's decoding", () => {
  it('tells apart attribute sets whose encodings share a hash, past the sets it keeps per hash', async () => {
    const lists = collidingAttributeLists(4);
    const encodings = lists.map((list) => Buffer.concat(list.map(({ key, value }) => attributeField(key, value))));
    assert.equal(new Set(encodings.map((bytes) => bytes.toString('hex'))).size, 16);
    assert.equal(new Set(encodings.map((bytes) => fnv1a(bytes))).size, 1);
    const dataPoints = [...lists, ...lists].map((list, i) => ({
      timeUnixNano: String(T_NS + BigInt(i) * 1_000_000n),
      asInt: i,
      attributes: list.map(({ key, value }) => ({ key, value: { stringValue: value } })),
    }));
    const body = encode([{ name: 'collisions', gauge: { dataPoints } }]);
    // The points' attributes are encoded as built here, so the reader hashes these very bytes.
    for (const bytes of encodings) assert.ok(body.includes(bytes));
    const read = await outcome(await decodeRequest(body, 'protobuf'));
    assert.deepEqual(read, await outcome(ExportRequestType.decode(body) as unknown as ExportRequest));
    const labelSets = new Set(read.families[0]?.samples.map(([sample]) => JSON.stringify(sample?.labels)));
    assert.equal(labelSets.size, 16);
  });

  it('translates every request to the same samples, rejections and state', async () => {
    await fc.assert(
      fc.asyncProperty(fc.array(metric, { minLength: 1, maxLength: 4 }), async (metrics) => {
        const body = encode(metrics);
        const read = await decodeRequest(body, 'protobuf');
        const reference = ExportRequestType.decode(body) as unknown as ExportRequest;
        assert.deepEqual(await outcome(read), await outcome(reference));
      }),
      { seed: 1913, numRuns: 300 },
    );
  });

  it('reads a gauge or sum itself, and gives the others up at their start', async () => {
    const sample = fc.sample(metric, { seed: 5, numRuns: 200 });
    let read = 0;
    for (const m of sample) {
      const bytes = Buffer.from(MetricType.encode(MetricType.fromObject(m)).finish());
      const reader = protobuf.Reader.create(bytes);
      const result = readNumberMetric(reader, bytes.length, new AttributeSets(bytes));
      const plain = !('histogram' in m) && !('metadata' in m) && !JSON.stringify(m).includes('exemplars');
      assert.equal(result !== null, plain, JSON.stringify(m));
      assert.equal(reader.pos, result === null ? 0 : bytes.length);
      if (result) read += 1;
    }
    assert.ok(read > 50, `only ${read} metrics read by the wire reader`);
  });

  it('never reads a damaged metric that protobufjs refuses, and reads the others as protobufjs does', async () => {
    const damage = fc.record({ at: fc.nat(), byte: fc.nat({ max: 255 }), truncate: fc.boolean() });
    await fc.assert(
      fc.asyncProperty(metric, damage, async (m, { at, byte, truncate }) => {
        const intact = Buffer.from(MetricType.encode(MetricType.fromObject(m)).finish());
        if (intact.length === 0) return;
        const bytes = Buffer.from(intact.subarray(0, truncate ? at % intact.length : intact.length));
        if (!truncate) bytes[at % bytes.length] = byte;
        let reference: OtlpMetric | null;
        try {
          reference = MetricType.decode(bytes) as unknown as OtlpMetric;
        } catch {
          reference = null;
        }
        const reader = protobuf.Reader.create(bytes);
        const result = readNumberMetric(reader, bytes.length, new AttributeSets(bytes));
        if (result === null) {
          assert.equal(reader.pos, 0);
          return;
        }
        assert.notEqual(reference, null, 'the reader read a metric protobufjs refuses');
        const request = (metrics: OtlpMetric[]): ExportRequest => ({
          resourceMetrics: [{ scopeMetrics: [{ metrics }] }],
        });
        assert.deepEqual(await outcome(request([result])), await outcome(request([reference as OtlpMetric])));
      }),
      { seed: 2611, numRuns: 400 },
    );
  });
});
