/**
 * Gauges and sums, the bulk of what SDKs send, read straight from the protobuf wire: each data point
 * becomes a NumberPoint (times as exact milliseconds from their 32-bit halves, the value as a
 * number: no message object nor Long per point), and the attributes of the points are decoded by
 * protobufjs once per distinct encoding in the request, the points that share it sharing the result.
 * Field numbers and wire types are those of the official schema's reflected types. Anything else
 * (another kind of metric, exemplars, metadata, an unknown or repeated field, a wire type other
 * than the schema's, interleaved attributes, bytes that cannot be read) makes the reader give the
 * metric up, and protobufjs then decodes it whole (MetricType.decode): a request decodes, or fails
 * with the same error, exactly as with protobufjs alone.
 */
import protobuf from 'protobufjs';
import {
  GaugeType,
  KeyValueType,
  MetricType,
  NumberDataPointType,
  SumType,
  millisOfHalves,
  type AttributeSet,
  type KeyValue,
  type NumberPoint,
  type OtlpMetric,
} from './schema.ts';

const WIRE = { varint: 0, fixed64: 1, lengthDelimited: 2 } as const;

/** A field's tag (number << 3 | wire type) as the schema declares it. */
function tagOf(type: protobuf.Type, field: string, wire: number): number {
  const id = type.fields[field]?.id;
  if (id === undefined) throw new Error(`${type.name}.${field} is not in the OTLP schema`);
  return ((id << 3) | wire) >>> 0;
}

const TAGS = {
  name: tagOf(MetricType, 'name', WIRE.lengthDelimited),
  description: tagOf(MetricType, 'description', WIRE.lengthDelimited),
  unit: tagOf(MetricType, 'unit', WIRE.lengthDelimited),
  gauge: tagOf(MetricType, 'gauge', WIRE.lengthDelimited),
  sum: tagOf(MetricType, 'sum', WIRE.lengthDelimited),
  gaugePoints: tagOf(GaugeType, 'dataPoints', WIRE.lengthDelimited),
  sumPoints: tagOf(SumType, 'dataPoints', WIRE.lengthDelimited),
  temporality: tagOf(SumType, 'aggregationTemporality', WIRE.varint),
  monotonic: tagOf(SumType, 'isMonotonic', WIRE.varint),
  attributes: tagOf(NumberDataPointType, 'attributes', WIRE.lengthDelimited),
  startTime: tagOf(NumberDataPointType, 'startTimeUnixNano', WIRE.fixed64),
  time: tagOf(NumberDataPointType, 'timeUnixNano', WIRE.fixed64),
  asDouble: tagOf(NumberDataPointType, 'asDouble', WIRE.fixed64),
  asInt: tagOf(NumberDataPointType, 'asInt', WIRE.fixed64),
  flags: tagOf(NumberDataPointType, 'flags', WIRE.varint),
};

const TWO_POW_32 = 2 ** 32;
/**
 * The nesting depth of a point's KeyValue under its Metric (Metric, Gauge or Sum, NumberDataPoint,
 * KeyValue), passed to protobufjs's decode as its own generated code does, so its recursion limit
 * counts from the same place.
 */
const KEY_VALUE_DEPTH = 3;
/** KeyValueType.decode as protobufjs generates it (set up now: its lazy first call would drop the depth), with the depth. */
const keyValueType = KeyValueType.setup() as unknown as {
  decode(reader: protobuf.Reader, length: number, endGroup: undefined, depth: number): KeyValue;
};

/** Where a set's encoding is in the body. */
interface EncodedSet {
  start: number;
  end: number;
  set: AttributeSet;
}

const FNV = { offset: 0x811c9dc5, prime: 0x01000193 };
/** Sets kept per hash; one past them is decoded again at each point (an honest request never gets there). */
const MAX_SETS_PER_HASH = 8;

/** The attribute sets of one request, by their encoding (found by its FNV-1a hash, then compared byte for byte). */
export class AttributeSets {
  private readonly byHash = new Map<number, EncodedSet[]>();
  /** The set of points without attributes. Keys start with '#', never like those of sets made from decoded attributes (translate.ts). */
  readonly none: AttributeSet = { key: '#', attributes: [] };

  constructor(private readonly body: Buffer) {}

  /** The set encoded in body[start, end) (KeyValue fields, tags included). */
  of(start: number, end: number): AttributeSet {
    const body = this.body;
    let hash = FNV.offset;
    for (let i = start; i < end; i++) hash = Math.imul(hash ^ (body[i] as number), FNV.prime);
    let sets = this.byHash.get(hash);
    for (const known of sets ?? []) if (this.sameBytes(known, start, end)) return known.set;
    const set = { key: `#${body.toString('latin1', start, end)}`, attributes: this.decode(start, end) };
    if (sets === undefined) this.byHash.set(hash, (sets = []));
    // Made-up collisions would otherwise make every lookup compare with all of them.
    if (sets.length < MAX_SETS_PER_HASH) sets.push({ start, end, set });
    return set;
  }

  private sameBytes(known: EncodedSet, start: number, end: number): boolean {
    if (known.end - known.start !== end - start) return false;
    const body = this.body;
    for (let i = start, j = known.start; i < end; i++, j++) if (body[i] !== body[j]) return false;
    return true;
  }

  private decode(start: number, end: number): KeyValue[] {
    const reader = protobuf.Reader.create(this.body.subarray(start, end));
    const attributes: KeyValue[] = [];
    while (reader.pos < reader.len) {
      reader.tag();
      attributes.push(keyValueType.decode(reader, reader.size(), undefined, KEY_VALUE_DEPTH));
    }
    return attributes;
  }
}

/** Thrown to give a metric up to protobufjs. */
class NotANumberMetric extends Error {}

/**
 * The Gauge or Sum metric at the reader (`length` bytes, its length prefix read), or null when it is
 * anything this reader does not read: the reader is then back at the metric's start.
 */
export function readNumberMetric(reader: protobuf.Reader, length: number, sets: AttributeSets): OtlpMetric | null {
  const start = reader.pos;
  const outer = reader.len;
  let metric: OtlpMetric | null = null;
  if (start + length <= outer) {
    reader.len = start + length;
    try {
      metric = metricFields(reader, sets);
    } catch {
      metric = null;
    }
  }
  reader.len = outer;
  if (metric === null) reader.pos = start;
  return metric;
}

/** Bounds the reader to the length-delimited field it is at, as protobufjs bounds a sub-message; the bound it had. */
function enter(reader: protobuf.Reader): number {
  const outer = reader.len;
  const end = reader.size() + reader.pos;
  if (end > outer) throw new NotANumberMetric();
  reader.len = end;
  return outer;
}

/** Back to the enclosing message's bound once the field is read to its end. */
function leave(reader: protobuf.Reader, outer: number): void {
  if (reader.pos !== reader.len) throw new NotANumberMetric();
  reader.len = outer;
}

function metricFields(reader: protobuf.Reader, sets: AttributeSets): OtlpMetric {
  const metric: OtlpMetric = { name: '', description: '', unit: '' };
  while (reader.pos < reader.len) {
    const tag = reader.tag();
    if (tag === TAGS.name) metric.name = reader.stringVerify();
    else if (tag === TAGS.description) metric.description = reader.stringVerify();
    else if (tag === TAGS.unit) metric.unit = reader.stringVerify();
    else if (tag === TAGS.gauge && !metric.gauge && !metric.sum) {
      const outer = enter(reader);
      metric.gauge = { points: gaugeData(reader, sets) };
      leave(reader, outer);
    } else if (tag === TAGS.sum && !metric.gauge && !metric.sum) {
      const outer = enter(reader);
      metric.sum = sumData(reader, sets);
      leave(reader, outer);
    } else throw new NotANumberMetric();
  }
  if (!metric.gauge && !metric.sum) throw new NotANumberMetric();
  return metric;
}

function gaugeData(reader: protobuf.Reader, sets: AttributeSets): NumberPoint[] {
  const points: NumberPoint[] = [];
  while (reader.pos < reader.len) {
    if (reader.tag() !== TAGS.gaugePoints) throw new NotANumberMetric();
    points.push(numberPoint(reader, sets));
  }
  return points;
}

function sumData(reader: protobuf.Reader, sets: AttributeSets): NonNullable<OtlpMetric['sum']> {
  const points: NumberPoint[] = [];
  let aggregationTemporality = 0;
  let isMonotonic = false;
  while (reader.pos < reader.len) {
    const tag = reader.tag();
    if (tag === TAGS.sumPoints) points.push(numberPoint(reader, sets));
    else if (tag === TAGS.temporality) aggregationTemporality = reader.int32();
    else if (tag === TAGS.monotonic) isMonotonic = reader.bool();
    else throw new NotANumberMetric();
  }
  return { points, aggregationTemporality, isMonotonic };
}

/** A fixed64 of nanoseconds as whole milliseconds. */
function readMillis(reader: protobuf.Reader): number {
  const low = reader.fixed32();
  return millisOfHalves(reader.fixed32(), low);
}

/** The NumberDataPoint field the reader is at (its tag read). */
function numberPoint(reader: protobuf.Reader, sets: AttributeSets): NumberPoint {
  const outer = enter(reader);
  let attributesStart = -1;
  let attributesEnd = -1;
  const point: NumberPoint = { attributeSet: sets.none, startMs: 0, timeMs: 0, member: undefined, value: 0, flags: 0 };
  while (reader.pos < reader.len) {
    const fieldStart = reader.pos;
    const tag = reader.tag();
    if (tag === TAGS.attributes) {
      // Interleaved with other fields, the attributes would not be one run of bytes.
      if (attributesStart >= 0 && attributesEnd !== fieldStart) throw new NotANumberMetric();
      if (attributesStart < 0) attributesStart = fieldStart;
      reader.skip(reader.size());
      attributesEnd = reader.pos;
    } else if (tag === TAGS.startTime) point.startMs = readMillis(reader);
    else if (tag === TAGS.time) point.timeMs = readMillis(reader);
    else if (tag === TAGS.asDouble) {
      point.value = reader.double();
      point.member = 'asDouble';
    } else if (tag === TAGS.asInt) {
      // An sfixed64 as protobufjs's Long.toNumber reads it: the signed high half times 2^32, plus the low half.
      const low = reader.fixed32();
      point.value = (reader.fixed32() | 0) * TWO_POW_32 + low;
      point.member = 'asInt';
    } else if (tag === TAGS.flags) point.flags = reader.uint32();
    else throw new NotANumberMetric();
  }
  leave(reader, outer);
  if (attributesStart >= 0) point.attributeSet = sets.of(attributesStart, attributesEnd);
  return point;
}
