/**
 * Test support for the OTLP receiver: a receiver on a free loopback port over a real store in a
 * temporary folder, a raw HTTP POST that reports status, headers and body however the server
 * answers, and payloads built with protobufjs from the vendored official schema.
 */
import { request } from 'node:http';
import { OtlpReceiver, type OtlpExportResult, type OtlpRequestSettings } from '../../electron/ingest/otlp/receiver.ts';
import { ExportRequestType, ExportResponseType, StatusType } from '../../electron/ingest/otlp/schema.ts';
import { openStore, type OpenedStore } from './store.ts';
import type { StorageConfig } from '../../storage/src/index.ts';

export interface ReceiverHarness {
  opened: OpenedStore;
  receiver: OtlpReceiver;
  url: string;
  port: number;
  settings: OtlpRequestSettings;
  results: OtlpExportResult[];
  close(): Promise<void>;
}

export interface ReceiverHarnessOptions {
  settings?: Partial<OtlpRequestSettings>;
  store?: Partial<StorageConfig>;
  maxQueuedPoints?: number;
  /** Runs before each write reaches the store (a test holds writes back with it). */
  beforeWrite?: () => Promise<void>;
}

export async function startReceiver(options: ReceiverHarnessOptions = {}): Promise<ReceiverHarness> {
  const opened = openStore({ autoMaintenance: false, ...options.store });
  const settings: OtlpRequestSettings = { resourceAttributes: [], ...options.settings };
  const results: OtlpExportResult[] = [];
  const receiver = new OtlpReceiver({
    store: {
      insertSamples: async (samples) => {
        await options.beforeWrite?.();
        return opened.store.insertSamples(samples);
      },
      describeMetric: (meta) => opened.store.describeMetric(meta),
    },
    settings: () => settings,
    onResult: (result) => results.push(result),
    ...(options.maxQueuedPoints ? { maxQueuedPoints: options.maxQueuedPoints } : {}),
  });
  const url = await receiver.start(0);
  return {
    opened,
    receiver,
    url,
    port: Number(new URL(url).port),
    settings,
    results,
    close: async () => {
      await receiver.stop();
      opened.cleanup();
    },
  };
}

export interface RawAnswer {
  status: number;
  headers: Record<string, string | string[] | undefined>;
  body: Buffer;
}

/** POSTs a body as is (headers as given, Host included when set); resolves with whatever the server answers. */
export function post(
  url: string,
  body: Buffer | string,
  headers: Record<string, string>,
  options: { method?: string; path?: string } = {},
): Promise<RawAnswer> {
  const target = new URL(url);
  return new Promise((resolve, reject) => {
    const req = request(
      {
        host: '127.0.0.1',
        port: target.port,
        path: options.path ?? target.pathname,
        method: options.method ?? 'POST',
        agent: false,
        headers: { 'Content-Length': String(Buffer.byteLength(body)), ...headers },
      },
      (res) => {
        const chunks: Buffer[] = [];
        res.on('data', (chunk: Buffer) => chunks.push(chunk));
        res.on('end', () =>
          resolve({ status: res.statusCode ?? 0, headers: res.headers, body: Buffer.concat(chunks) }),
        );
        res.on('error', reject);
      },
    );
    // A server that answers before reading the whole body may reset the upload: the answer still counts.
    req.on('error', (err) => reject(err));
    req.end(body);
  });
}

/** An ExportMetricsServiceRequest in protobuf, from its JSON-shaped object (fromObject). */
export function protobufRequest(object: Record<string, unknown>): Buffer {
  return Buffer.from(ExportRequestType.encode(ExportRequestType.fromObject(object)).finish());
}

export function decodeProtobufResponse(body: Buffer): { rejected: number; message: string } {
  const response = ExportResponseType.toObject(ExportResponseType.decode(body), { longs: Number }) as {
    partialSuccess?: { rejectedDataPoints?: number; errorMessage?: string };
  };
  return {
    rejected: response.partialSuccess?.rejectedDataPoints ?? 0,
    message: response.partialSuccess?.errorMessage ?? '',
  };
}

export function decodeStatus(body: Buffer): { code: number; message: string } {
  return StatusType.toObject(StatusType.decode(body)) as { code: number; message: string };
}

/** Nanoseconds since the epoch, as the string OTLP JSON uses, for a time in ms. */
export function nanos(ms: number): string {
  return `${BigInt(ms) * 1_000_000n}`;
}
