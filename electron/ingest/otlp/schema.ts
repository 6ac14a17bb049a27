/**
 * The OTLP metrics schema as protobufjs types, loaded from the static descriptor of the vendored
 * official .proto files (proto/otlp-schema.json, made by proto/generate.ts), and the shapes of the
 * decoded messages the receiver reads. protobufjs gives 64-bit integers as `Long` objects, so those
 * fields are typed `Int64` and read through `toNumber`.
 */
import protobuf from 'protobufjs';
import descriptor from './proto/otlp-schema.json' with { type: 'json' };

const root = protobuf.Root.fromJSON(descriptor as protobuf.INamespace);

export const ExportRequestType = root.lookupType(
  'opentelemetry.proto.collector.metrics.v1.ExportMetricsServiceRequest',
);
export const ExportResponseType = root.lookupType(
  'opentelemetry.proto.collector.metrics.v1.ExportMetricsServiceResponse',
);
export const ResourceType = root.lookupType('opentelemetry.proto.resource.v1.Resource');
export const MetricType = root.lookupType('opentelemetry.proto.metrics.v1.Metric');
/** google.rpc.Status: the body of an OTLP error response. */
export const StatusType = root.lookupType('google.rpc.Status');

/** A 64-bit integer as protobufjs gives it: a number, or a Long (its 32-bit halves and toNumber). */
export type Int64 = number | { toNumber(): number; low?: number; high?: number; unsigned?: boolean } | string;

const TWO_32_IN_MS = { whole: 4_294, nanos: 967_296 };
const NS_PER_MS = 1_000_000;

/**
 * Nanoseconds as whole milliseconds (rounded down), exactly: a Long's value (2^60 for today's
 * times) is past a double's 53 bits, so it is divided in its 32-bit halves, as
 * high * 2^32 = high * (4294 ms + 967296 ns), without ever rounding.
 */
export function millisOfNanos(value: Int64 | null | undefined): number {
  if (typeof value === 'object' && value !== null && typeof value.low === 'number' && typeof value.high === 'number') {
    return millisOfHalves(value.unsigned ? value.high >>> 0 : value.high, value.low);
  }
  return Math.floor(toNumber(value) / NS_PER_MS);
}

/** Nanoseconds given as their high (signed, or unsigned when the field is) and low 32 bits, as whole milliseconds. */
function millisOfHalves(high: number, low: number): number {
  return high * TWO_32_IN_MS.whole + Math.floor((high * TWO_32_IN_MS.nanos + (low >>> 0)) / NS_PER_MS);
}

export function toNumber(value: Int64 | null | undefined): number {
  if (value === null || value === undefined) return 0;
  if (typeof value === 'number') return value;
  if (typeof value === 'string') return Number(value);
  return value.toNumber();
}

/** AggregationTemporality. */
export const TEMPORALITY = { unspecified: 0, delta: 1, cumulative: 2 } as const;
/** DataPointFlags.FLAG_NO_RECORDED_VALUE: the point is a staleness marker, it carries no value. */
export const FLAG_NO_RECORDED_VALUE = 1;

/**
 * The oneof member a message holds, as its `value` getter says, without the getter's cost (it
 * lists the message's keys at each call): the one member set, or the getter's answer when several
 * are.
 */
export function memberOf<K extends string>(message: { value?: K }, members: readonly K[]): K | undefined {
  let found: K | undefined;
  for (const member of members) {
    if (!Object.hasOwn(message, member) || (message as Record<string, unknown>)[member] == null) continue;
    if (found !== undefined) return message.value;
    found = member;
  }
  return found;
}

export const NUMBER_MEMBERS = ['asDouble', 'asInt'] as const;
export const ANY_VALUE_MEMBERS = [
  'stringValue',
  'boolValue',
  'intValue',
  'doubleValue',
  'arrayValue',
  'kvlistValue',
  'bytesValue',
] as const;

/** The oneof members protobufjs sets; the others read as their defaults, so `value` says which one holds. */
export interface AnyValue {
  value?: 'stringValue' | 'boolValue' | 'intValue' | 'doubleValue' | 'arrayValue' | 'kvlistValue' | 'bytesValue';
  stringValue?: string | null;
  boolValue?: boolean | null;
  intValue?: Int64 | null;
  doubleValue?: number | null;
  arrayValue?: { values?: AnyValue[] | null } | null;
  kvlistValue?: { values?: KeyValue[] | null } | null;
  bytesValue?: Uint8Array | null;
}

export interface KeyValue {
  key?: string | null;
  value?: AnyValue | null;
}

interface PointBase {
  attributes?: KeyValue[] | null;
  startTimeUnixNano?: Int64 | null;
  timeUnixNano?: Int64 | null;
  flags?: number | null;
}

export interface NumberDataPoint extends PointBase {
  /** Which of asDouble and asInt holds the value. */
  value?: 'asDouble' | 'asInt';
  asDouble?: number | null;
  asInt?: Int64 | null;
}

export interface HistogramDataPoint extends PointBase {
  count?: Int64 | null;
  sum?: number | null;
  bucketCounts?: Int64[] | null;
  explicitBounds?: number[] | null;
}

export interface ExponentialBuckets {
  offset?: number | null;
  bucketCounts?: Int64[] | null;
}

export interface ExponentialHistogramDataPoint extends PointBase {
  count?: Int64 | null;
  sum?: number | null;
  scale?: number | null;
  zeroCount?: Int64 | null;
  zeroThreshold?: number | null;
  positive?: ExponentialBuckets | null;
  negative?: ExponentialBuckets | null;
}

export interface SummaryDataPoint extends PointBase {
  count?: Int64 | null;
  sum?: number | null;
  quantileValues?: { quantile?: number | null; value?: number | null }[] | null;
}

/** A data point's attributes, with a key that tells them from every other set (their keys and values as text). */
export interface AttributeSet {
  /** Tells the set from every other of the request. */
  key: string;
  attributes: readonly KeyValue[];
}

/**
 * A gauge's or sum's data point as the translation reads it: times as whole milliseconds (exact),
 * the value's member (the last one given, as protobufjs keeps it) and its value as a number.
 */
export interface NumberPoint {
  attributeSet: AttributeSet;
  startMs: number;
  timeMs: number;
  member: 'asDouble' | 'asInt' | undefined;
  value: number;
  flags: number;
}

/** A gauge's or sum's points, as protobufjs decodes them. */
export interface NumberData {
  dataPoints?: NumberDataPoint[] | null;
}

export interface OtlpMetric {
  name?: string | null;
  description?: string | null;
  unit?: string | null;
  gauge?: NumberData | null;
  sum?: (NumberData & { aggregationTemporality?: number | null; isMonotonic?: boolean | null }) | null;
  histogram?: { dataPoints?: HistogramDataPoint[] | null; aggregationTemporality?: number | null } | null;
  exponentialHistogram?: {
    dataPoints?: ExponentialHistogramDataPoint[] | null;
    aggregationTemporality?: number | null;
  } | null;
  summary?: { dataPoints?: SummaryDataPoint[] | null } | null;
}

export interface OtlpResource {
  attributes?: KeyValue[] | null;
}

export interface ResourceMetrics {
  resource?: OtlpResource | null;
  scopeMetrics?: { metrics?: OtlpMetric[] | null }[] | null;
}

export interface ExportRequest {
  resourceMetrics?: ResourceMetrics[] | null;
}

/** How many data points a metric carries, whatever its kind. */
export function pointsOf(metric: OtlpMetric): number {
  const data = metric.gauge ?? metric.sum ?? metric.histogram ?? metric.exponentialHistogram ?? metric.summary;
  return data?.dataPoints?.length ?? 0;
}
