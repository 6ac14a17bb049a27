/**
 * OTLP/HTTP's two encodings: binary protobuf and JSON (the protobuf JSON mapping with OTLP's
 * rules: lowerCamelCase field names, original snake_case names accepted too, 64-bit integers as
 * strings or numbers, enums as integers or names, unknown fields ignored). Decoding is protobufjs'
 * (decode, or fromObject for JSON); a body neither can read is an OtlpDecodeError (400). Answers
 * (ExportMetricsServiceResponse, or google.rpc.Status for an error) are encoded in the request's
 * encoding.
 */
import { ExportRequestType, ExportResponseType, StatusType, type ExportRequest } from './schema.ts';

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

/** snake_case keys as lowerCamelCase, in place, at every depth (OTLP JSON has no maps, so every key is a field name). */
function camelCaseKeys(value: unknown): unknown {
  if (Array.isArray(value)) {
    for (const item of value) camelCaseKeys(item);
  } else if (typeof value === 'object' && value !== null) {
    const object = value as Record<string, unknown>;
    for (const key of Object.keys(object)) {
      camelCaseKeys(object[key]);
      if (!key.includes('_')) continue;
      const camel = key.replace(/_([a-z0-9])/g, (_m, c: string) => c.toUpperCase());
      if (!(camel in object)) object[camel] = object[key];
      delete object[key];
    }
  }
  return value;
}

function decodeJson(body: Buffer): ExportRequest {
  let parsed: unknown;
  try {
    parsed = JSON.parse(body.toString('utf8'));
  } catch (err) {
    throw new OtlpDecodeError(`the body is not JSON: ${(err as Error).message}`);
  }
  if (typeof parsed !== 'object' || parsed === null || Array.isArray(parsed)) {
    throw new OtlpDecodeError('the body is not an ExportMetricsServiceRequest object');
  }
  try {
    return ExportRequestType.fromObject(camelCaseKeys(parsed) as Record<string, unknown>) as ExportRequest;
  } catch (err) {
    throw new OtlpDecodeError(`the body is not an ExportMetricsServiceRequest: ${(err as Error).message}`);
  }
}

function decodeProtobuf(body: Buffer): ExportRequest {
  try {
    return ExportRequestType.decode(body) as ExportRequest;
  } catch (err) {
    throw new OtlpDecodeError(`the body is not an ExportMetricsServiceRequest: ${(err as Error).message}`);
  }
}

export function decodeRequest(body: Buffer, encoding: OtlpEncoding): ExportRequest {
  return encoding === 'json' ? decodeJson(body) : decodeProtobuf(body);
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
