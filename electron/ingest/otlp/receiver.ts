/**
 * The OTLP/HTTP metrics receiver: `POST /v1/metrics` on 127.0.0.1 only, in the storage host. Every
 * request passes, in order: a loopback Host header (`127.0.0.1:PORT` or `localhost:PORT`, 403
 * otherwise: DNS rebinding), no Origin header (403: a web page must not post into the store), the
 * bearer token when the settings set one (401), the path (404) and method (405), the content type
 * (415 unless protobuf or JSON) and encoding (415 unless gzip or none), the size (413 over 16 MiB
 * decompressed), the decoding (400), the queue (503 with Retry-After when more points wait than
 * MAX_QUEUED_POINTS). Requests are then ingested one at a time (the delta and reset state depends on
 * their order), in steps that yield to the panel's calls, and answered 200 with an
 * ExportMetricsServiceResponse whose partial_success counts the points not stored and says why.
 * A request answered with anything else stored nothing.
 */
import { createHash, timingSafeEqual } from 'node:crypto';
import { createServer, type IncomingMessage, type Server, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';
import { StorageError, type MetricMetadata, type MetricSample } from '../../../storage/src/index.ts';
import { isLoopbackHostHeader } from '../../host/host-header.ts';
import { DeclaredMetadata } from '../declared-metadata.ts';
import { BodyEncodingError, BodyTooLargeError, MAX_BODY_BYTES, readBody } from '../http-body.ts';
import { ingestInSteps, type IngestUnit } from '../ingest-sink.ts';
import {
  CONTENT_TYPES,
  OtlpDecodeError,
  decodeRequest,
  encodeResponse,
  encodeStatus,
  encodingOf,
  type OtlpEncoding,
} from './codec.ts';
import { pointsOf, type ExportRequest } from './schema.ts';
import { SeriesState } from './series-state.ts';
import { translateRequest, type MetricFamily } from './translate.ts';

const OTLP_METRICS_PATH = '/v1/metrics';
/** Data points waiting to be stored beyond which a request is refused with 503 (unless none wait). */
const MAX_QUEUED_POINTS = 1_000_000;
/** Seconds a client is asked to wait after a 503. */
const RETRY_AFTER_SECONDS = 1;
/** Connection limits, as the preview server's: slow or idle clients are cut off. */
const SERVER_LIMITS = {
  headersTimeoutMs: 10_000,
  requestTimeoutMs: 60_000,
  keepAliveTimeoutMs: 5_000,
  maxConnections: 64,
};

/** gRPC status codes for the google.rpc.Status of error answers. */
const GRPC = {
  invalidArgument: 3,
  notFound: 5,
  permissionDenied: 7,
  unimplemented: 12,
  internal: 13,
  unavailable: 14,
  unauthenticated: 16,
  resourceExhausted: 8,
};

export interface OtlpStore {
  insertSamples(samples: MetricSample[]): Promise<number>;
  describeMetric(meta: MetricMetadata): void;
}

/** What the receiver reads from the settings for each request. */
export interface OtlpRequestSettings {
  token?: string;
  resourceAttributes: readonly string[];
}

/** One answered export: points stored and refused, and why (null when all were stored). */
export interface OtlpExportResult {
  accepted: number;
  rejected: number;
  error: string | null;
}

export interface OtlpReceiverOptions {
  store: OtlpStore;
  settings: () => OtlpRequestSettings;
  /** Called after each request that reached the store, and for each request refused (accepted 0). */
  onResult?: (result: OtlpExportResult) => void;
  maxBodyBytes?: number;
  maxQueuedPoints?: number;
}

interface Answer {
  status: number;
  body: Buffer;
  encoding: OtlpEncoding;
  headers?: Record<string, string>;
}

class Refusal extends Error {
  constructor(
    readonly status: number,
    readonly grpcCode: number,
    message: string,
    readonly headers: Record<string, string> = {},
  ) {
    super(message);
  }
}

function digest(text: string): Buffer {
  return createHash('sha256').update(text).digest();
}

function countPoints(request: ExportRequest): number {
  let points = 0;
  for (const resource of request.resourceMetrics ?? []) {
    for (const scope of resource.scopeMetrics ?? []) {
      for (const metric of scope.metrics ?? []) points += pointsOf(metric);
    }
  }
  return points;
}

export class OtlpReceiver {
  private server: Server | null = null;
  private port = 0;
  private queue: Promise<unknown> = Promise.resolve();
  private queuedPoints = 0;
  private readonly state = new SeriesState();
  private readonly declared = new DeclaredMetadata();

  constructor(private readonly options: OtlpReceiverOptions) {}

  /** Data points taken and not yet stored. */
  get waitingPoints(): number {
    return this.queuedPoints;
  }

  /** `http://127.0.0.1:PORT/v1/metrics` while listening, else null. */
  get address(): string | null {
    return this.server ? `http://127.0.0.1:${this.port}${OTLP_METRICS_PATH}` : null;
  }

  /** Listens on 127.0.0.1:port (0 picks a free port); resolves to the address. */
  async start(port: number): Promise<string> {
    if (this.server) throw new Error('the OTLP receiver is already listening');
    const server = createServer(
      {
        headersTimeout: SERVER_LIMITS.headersTimeoutMs,
        requestTimeout: SERVER_LIMITS.requestTimeoutMs,
        keepAliveTimeout: SERVER_LIMITS.keepAliveTimeoutMs,
      },
      (req, res) => void this.handle(req, res),
    );
    server.maxConnections = SERVER_LIMITS.maxConnections;
    await new Promise<void>((resolve, reject) => {
      server.once('error', reject);
      server.listen(port, '127.0.0.1', () => {
        server.off('error', reject);
        resolve();
      });
    });
    this.port = (server.address() as AddressInfo).port;
    this.server = server;
    return this.address as string;
  }

  /** Stops listening and waits for the requests already taken to be stored. */
  async stop(): Promise<void> {
    const server = this.server;
    this.server = null;
    if (server) {
      const closed = new Promise<void>((resolve) => server.close(() => resolve()));
      server.closeIdleConnections();
      await this.queue;
      server.closeAllConnections();
      await closed;
    }
  }

  private async handle(req: IncomingMessage, res: ServerResponse): Promise<void> {
    const requestEncoding = encodingOf(req.headers['content-type']) ?? 'json';
    let answer: Answer;
    try {
      answer = await this.answer(req, requestEncoding);
    } catch (err) {
      const refusal =
        err instanceof Refusal ? err : new Refusal(500, GRPC.internal, `internal error: ${(err as Error).message}`);
      // A refused request stored nothing: its reason is the source's last error.
      this.report({ accepted: 0, rejected: 0, error: refusal.message });
      answer = {
        status: refusal.status,
        body: encodeStatus(refusal.grpcCode, refusal.message, requestEncoding),
        encoding: requestEncoding,
        headers: refusal.headers,
      };
    }
    const complete = req.complete;
    res.writeHead(answer.status, {
      'Content-Type': CONTENT_TYPES[answer.encoding],
      'Content-Length': answer.body.length,
      ...(complete ? {} : { Connection: 'close' }),
      ...answer.headers,
    });
    res.end(answer.body);
    if (!complete) req.resume();
  }

  private report(result: OtlpExportResult): void {
    this.options.onResult?.(result);
  }

  private checkAccess(req: IncomingMessage): void {
    if (!isLoopbackHostHeader(req.headers.host, this.port)) {
      throw new Refusal(403, GRPC.permissionDenied, 'foreign Host header: only 127.0.0.1 and localhost are served');
    }
    if (req.headers.origin !== undefined) {
      throw new Refusal(403, GRPC.permissionDenied, 'requests from web pages (with an Origin header) are refused');
    }
    const token = this.options.settings().token;
    if (token) {
      const given = req.headers.authorization ?? '';
      if (!timingSafeEqual(digest(given), digest(`Bearer ${token}`))) {
        throw new Refusal(401, GRPC.unauthenticated, 'missing or wrong bearer token (Authorization: Bearer ...)', {
          'WWW-Authenticate': 'Bearer',
        });
      }
    }
  }

  private checkRequest(req: IncomingMessage): { encoding: OtlpEncoding; gzip: boolean } {
    const path = (req.url ?? '').split('?')[0];
    if (path !== OTLP_METRICS_PATH) throw new Refusal(404, GRPC.notFound, `only ${OTLP_METRICS_PATH} is served`);
    if (req.method !== 'POST') throw new Refusal(405, GRPC.unimplemented, 'only POST is accepted', { Allow: 'POST' });
    const encoding = encodingOf(req.headers['content-type']);
    if (!encoding) {
      throw new Refusal(
        415,
        GRPC.unimplemented,
        `unsupported Content-Type: use ${CONTENT_TYPES.protobuf} or ${CONTENT_TYPES.json}`,
      );
    }
    const contentEncoding = (req.headers['content-encoding'] ?? 'identity').trim().toLowerCase();
    if (contentEncoding !== 'gzip' && contentEncoding !== 'identity') {
      throw new Refusal(415, GRPC.unimplemented, `unsupported Content-Encoding "${contentEncoding}": use gzip or none`);
    }
    const limit = this.options.maxBodyBytes ?? MAX_BODY_BYTES;
    if (contentEncoding === 'identity' && Number(req.headers['content-length'] ?? 0) > limit) {
      throw new Refusal(413, GRPC.resourceExhausted, `the body is over ${limit} bytes`);
    }
    return { encoding, gzip: contentEncoding === 'gzip' };
  }

  private async readRequest(req: IncomingMessage, encoding: OtlpEncoding, gzip: boolean): Promise<ExportRequest> {
    let body: Buffer;
    try {
      body = await readBody(req, gzip, this.options.maxBodyBytes ?? MAX_BODY_BYTES);
    } catch (err) {
      if (err instanceof BodyTooLargeError) throw new Refusal(413, GRPC.resourceExhausted, err.message);
      if (err instanceof BodyEncodingError) throw new Refusal(400, GRPC.invalidArgument, err.message);
      throw err;
    }
    try {
      return await decodeRequest(body, encoding);
    } catch (err) {
      if (err instanceof OtlpDecodeError) throw new Refusal(400, GRPC.invalidArgument, err.message);
      throw err;
    }
  }

  private async answer(req: IncomingMessage, requestEncoding: OtlpEncoding): Promise<Answer> {
    this.checkAccess(req);
    const { encoding, gzip } = this.checkRequest(req);
    const limit = this.options.maxQueuedPoints ?? MAX_QUEUED_POINTS;
    // Refused before its body is read when the queue is full already, and after when it would overflow it.
    if (this.queuedPoints >= limit) throw this.busyRefusal();
    const request = await this.readRequest(req, encoding, gzip);
    const points = countPoints(request);
    if (this.queuedPoints > 0 && this.queuedPoints + points > limit) throw this.busyRefusal();
    this.queuedPoints += points;
    const run = this.queue.then(() => this.ingest(request));
    this.queue = run.catch(() => undefined);
    try {
      const result = await run;
      this.report(result);
      return { status: 200, body: encodeResponse(result.rejected, result.error ?? '', requestEncoding), encoding };
    } finally {
      this.queuedPoints -= points;
    }
  }

  private busyRefusal(): Refusal {
    const reason = `the store is busy: ${this.queuedPoints} data points wait to be stored`;
    return new Refusal(503, GRPC.unavailable, reason, { 'Retry-After': String(RETRY_AFTER_SECONDS) });
  }

  private async ingest(request: ExportRequest): Promise<OtlpExportResult> {
    const settings = this.options.settings();
    const translation = await translateRequest(request, this.state, {
      resourceAttributes: settings.resourceAttributes,
    });
    const families = translation.families.filter((family) => this.declare(family, translation.rejections));
    const units: IngestUnit[] = [];
    for (const family of families) for (const unit of family.points) units.push(unit);
    const { accepted, rejections } = await ingestInSteps(this.options.store, units, translation.rejections);
    return { accepted, rejected: rejections.total, error: rejections.total > 0 ? rejections.summary() : null };
  }

  /** Declares a family's type, unit and help; a conflict with the store rejects its points. */
  private declare(family: MetricFamily, rejections: { add(reason: string, points: number): void }): boolean {
    try {
      this.declared.declare(this.options.store, family.metadata);
      return true;
    } catch (err) {
      if (!(err instanceof StorageError)) throw err;
      rejections.add(`${family.metadata.name}: ${err.message}`, family.points.length);
      return false;
    }
  }
}
