/**
 * OTLP/HTTP's two encodings: binary protobuf and JSON (the protobuf JSON mapping with OTLP's
 * rules: lowerCamelCase field names, original snake_case names accepted too, 64-bit integers as
 * strings or numbers, enums as integers or names, unknown fields ignored). Each Resource and
 * Metric is decoded by protobufjs from the official schema (decode, or fromObject for JSON), one
 * at a time, yielding between them; a body that cannot be read is an OtlpDecodeError (400). Answers
 * (ExportMetricsServiceResponse, or google.rpc.Status for an error) are encoded in the request's
 * encoding.
 */
import protobuf from 'protobufjs';
import { Pacer } from '../pacing.ts';
import {
  ExportResponseType,
  MetricType,
  ResourceType,
  StatusType,
  pointsOf,
  type ExportRequest,
  type OtlpMetric,
  type OtlpResource,
  type ResourceMetrics,
} from './schema.ts';

export type OtlpEncoding = 'protobuf' | 'json';

export const CONTENT_TYPES: Readonly<Record<OtlpEncoding, string>> = {
  protobuf: 'application/x-protobuf',
  json: 'application/json',
};

export class OtlpDecodeError extends Error {
  constructor(message: string) {
    super(message);
    this.name = 'OtlpDecodeError';
  }
}

/** The encoding a Content-Type names (parameters and case ignored), or null for another type. */
export function encodingOf(contentType: string | undefined): OtlpEncoding | null {
  const type = (contentType ?? '').split(';')[0]?.trim().toLowerCase();
  if (type === CONTENT_TYPES.protobuf) return 'protobuf';
  if (type === CONTENT_TYPES.json) return 'json';
  return null;
}

/** The 64-bit integer fields of OTLP metrics (lowerCamelCase), unsigned or signed. */
const INT64_FIELDS: Readonly<Record<string, { min: bigint; max: bigint }>> = (() => {
  const unsigned = { min: 0n, max: 2n ** 64n - 1n };
  const signed = { min: -(2n ** 63n), max: 2n ** 63n - 1n };
  return {
    timeUnixNano: unsigned,
    startTimeUnixNano: unsigned,
    count: unsigned,
    bucketCounts: unsigned,
    zeroCount: unsigned,
    asInt: signed,
    intValue: signed,
  };
})();

/**
 * A 64-bit field's JSON value checked as the protobuf JSON mapping wants it (an integer, as a
 * decimal string or a number, in the field's range): protobufjs would read "12x" as 12 and "abc"
 * as 0, storing a value the client never sent.
 */
function checkInt64(field: string, value: unknown, range: { min: bigint; max: bigint }): void {
  if (Array.isArray(value)) {
    for (const item of value) checkInt64(field, item, range);
    return;
  }
  const valid =
    (typeof value === 'number' && Number.isInteger(value)) ||
    (typeof value === 'string' && /^-?[0-9]{1,20}$/.test(value));
  const integer = valid ? BigInt(value as number | string) : null;
  if (integer === null || integer < range.min || integer > range.max) {
    throw new OtlpDecodeError(`${field}: ${JSON.stringify(value)} is not a 64-bit integer in range`);
  }
}

/**
 * snake_case keys as lowerCamelCase, in place, at every depth (OTLP JSON has no maps, so every key
 * is a field name), with the 64-bit integer fields checked.
 */
function normaliseJson<T>(value: T): T {
  if (Array.isArray(value)) {
    for (const item of value) normaliseJson(item);
  } else if (typeof value === 'object' && value !== null) {
    const object = value as Record<string, unknown>;
    for (const key of Object.keys(object)) {
      normaliseJson(object[key]);
      const camel = key.includes('_') ? key.replace(/_([a-z0-9])/g, (_m, c: string) => c.toUpperCase()) : key;
      const range = INT64_FIELDS[camel];
      if (range && object[key] !== null && object[key] !== undefined) checkInt64(camel, object[key], range);
      if (camel === key) continue;
      if (!(camel in object)) object[camel] = object[key];
      delete object[key];
    }
  }
  return value;
}

type JsonObject = Record<string, unknown>;

/** The objects of an envelope's repeated field (lowerCamelCase or snake_case name); 400 unless an array of objects. */
function objects(parent: JsonObject, camel: string, snake: string): JsonObject[] {
  const value = parent[camel] ?? parent[snake];
  if (value === undefined || value === null) return [];
  if (
    !Array.isArray(value) ||
    !value.every((item) => typeof item === 'object' && item !== null && !Array.isArray(item))
  ) {
    throw new OtlpDecodeError(`${camel}: an array of objects expected`);
  }
  return value as JsonObject[];
}

function fromJson<T>(type: typeof MetricType, object: unknown): T {
  if (typeof object !== 'object' || object === null || Array.isArray(object)) {
    throw new OtlpDecodeError(`${type.name}: an object expected`);
  }
  try {
    return type.fromObject(normaliseJson(object as JsonObject)) as T;
  } catch (err) {
    if (err instanceof OtlpDecodeError) throw err;
    throw new OtlpDecodeError(`${type.name}: ${(err as Error).message}`);
  }
}

async function decodeJson(body: Buffer, pacer: Pacer): Promise<ExportRequest> {
  let parsed: unknown;
  try {
    parsed = JSON.parse(body.toString('utf8'));
  } catch (err) {
    throw new OtlpDecodeError(`the body is not JSON: ${(err as Error).message}`);
  }
  if (typeof parsed !== 'object' || parsed === null || Array.isArray(parsed)) {
    throw new OtlpDecodeError('the body is not an ExportMetricsServiceRequest object');
  }
  const resourceMetrics: ResourceMetrics[] = [];
  for (const rm of objects(parsed as JsonObject, 'resourceMetrics', 'resource_metrics')) {
    const resource =
      rm.resource === undefined || rm.resource === null ? null : fromJson<OtlpResource>(ResourceType, rm.resource);
    const scopeMetrics = [];
    for (const sm of objects(rm, 'scopeMetrics', 'scope_metrics')) {
      const metrics: OtlpMetric[] = [];
      for (const object of objects(sm, 'metrics', 'metrics')) {
        const metric = fromJson<OtlpMetric>(MetricType, object);
        metrics.push(metric);
        await pacer.advance(pointsOf(metric));
      }
      scopeMetrics.push({ metrics });
    }
    resourceMetrics.push({ resource, scopeMetrics });
  }
  return { resourceMetrics };
}

/** Field tags (number << 3 | wire type 2, length-delimited) of the envelope messages walked by hand. */
const TAG = {
  requestResourceMetrics: (1 << 3) | 2,
  resourceMetricsResource: (1 << 3) | 2,
  resourceMetricsScopeMetrics: (2 << 3) | 2,
  scopeMetricsMetrics: (2 << 3) | 2,
};

/** The end of the length-delimited field the reader is at (its length read), checked against the buffer. */
function fieldEnd(reader: protobuf.Reader, outer: number): number {
  const length = reader.uint32();
  const end = reader.pos + length;
  if (end > outer) throw new RangeError('a field runs past its message');
  return end;
}

/**
 * The request decoded one Metric at a time: the envelopes (request, ResourceMetrics, ScopeMetrics)
 * are walked field by field and each Resource and Metric is decoded by protobufjs from the schema,
 * so a large request yields to the event loop between metrics. Unknown fields are skipped.
 */
async function decodeProtobufInSteps(body: Buffer, pacer: Pacer): Promise<ExportRequest> {
  const reader = protobuf.Reader.create(body);
  const resourceMetrics: ResourceMetrics[] = [];
  while (reader.pos < reader.len) {
    const tag = reader.uint32();
    if (tag !== TAG.requestResourceMetrics) reader.skipType(tag & 7);
    else resourceMetrics.push(await decodeResourceMetrics(reader, fieldEnd(reader, reader.len), pacer));
  }
  return { resourceMetrics };
}

async function decodeResourceMetrics(reader: protobuf.Reader, end: number, pacer: Pacer): Promise<ResourceMetrics> {
  let resource: OtlpResource | null = null;
  const scopeMetrics = [];
  while (reader.pos < end) {
    const tag = reader.uint32();
    if (tag === TAG.resourceMetricsResource) {
      resource = ResourceType.decode(reader, fieldEnd(reader, end) - reader.pos) as OtlpResource;
    } else if (tag === TAG.resourceMetricsScopeMetrics) {
      const scopeEnd = fieldEnd(reader, end);
      const metrics: OtlpMetric[] = [];
      while (reader.pos < scopeEnd) {
        const inner = reader.uint32();
        if (inner !== TAG.scopeMetricsMetrics) {
          reader.skipType(inner & 7);
          continue;
        }
        const metric = MetricType.decode(reader, fieldEnd(reader, scopeEnd) - reader.pos) as OtlpMetric;
        metrics.push(metric);
        await pacer.advance(pointsOf(metric));
      }
      scopeMetrics.push({ metrics });
    } else reader.skipType(tag & 7);
  }
  if (reader.pos !== end) throw new RangeError('a message runs past its length');
  return { resource, scopeMetrics };
}

async function decodeProtobuf(body: Buffer, pacer: Pacer): Promise<ExportRequest> {
  try {
    return await decodeProtobufInSteps(body, pacer);
  } catch (err) {
    throw new OtlpDecodeError(`the body is not an ExportMetricsServiceRequest: ${(err as Error).message}`);
  }
}

/** Decodes a request, yielding to the event loop through `pacer` between metrics; OtlpDecodeError when it cannot be read. */
export function decodeRequest(body: Buffer, encoding: OtlpEncoding, pacer = new Pacer()): Promise<ExportRequest> {
  return encoding === 'json' ? decodeJson(body, pacer) : decodeProtobuf(body, pacer);
}

function encode(type: typeof StatusType, message: Record<string, unknown>, encoding: OtlpEncoding): Buffer {
  if (encoding === 'protobuf') return Buffer.from(type.encode(type.fromObject(message)).finish());
  const object = type.toObject(type.fromObject(message), { longs: String, enums: Number });
  return Buffer.from(JSON.stringify(object));
}

/** The 200 answer: partial_success only when points were rejected (OTLP leaves it unset otherwise). */
export function encodeResponse(rejected: number, errorMessage: string, encoding: OtlpEncoding): Buffer {
  const message = rejected > 0 ? { partialSuccess: { rejectedDataPoints: rejected, errorMessage } } : {};
  return encode(ExportResponseType, message, encoding);
}

/** An error answer's body: google.rpc.Status with a gRPC code and the reason. */
export function encodeStatus(code: number, reason: string, encoding: OtlpEncoding): Buffer {
  return encode(StatusType, { code, message: reason }, encoding);
}
