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

/** A 64-bit integer as protobufjs gives it: a number, or a Long (anything with toNumber). */
export type Int64 = number | { toNumber(): number } | string;

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

export interface OtlpMetric {
  name?: string | null;
  description?: string | null;
  unit?: string | null;
  gauge?: { dataPoints?: NumberDataPoint[] | null } | null;
  sum?: {
    dataPoints?: NumberDataPoint[] | null;
    aggregationTemporality?: number | null;
    isMonotonic?: boolean | null;
  } | null;
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
