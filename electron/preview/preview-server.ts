/**
 * The browser preview's HTTP server: the built renderer plus the panel API on 127.0.0.1 only.
 * Every request must carry the expected Host (127.0.0.1:<port> or localhost:<port>) and, when it
 * has one, a same-origin Origin, which defeats DNS rebinding and cross-site requests; the page,
 * the API (panel calls, and the recovery calls while the store cannot open) and the event stream
 * also need the per-run token (header, or `?token=` for the page and the EventSource), whichever way
 * the page's path is spelled. Static assets of the renderer need only the Host check. A client
 * cannot hold the server: headers, whole requests and idle keep-alive connections have time limits
 * and the connections a cap (PREVIEW_LIMITS); an oversized body gets its 413 before the connection
 * closes. Pages, assets and call answers are compressed (brotli or gzip) as the client accepts.
 */
import { randomBytes, timingSafeEqual } from 'node:crypto';
import { createServer, type IncomingMessage, type Server, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';
import type { ErrorCode } from '../../shared/errors.ts';
import type { PanelEvent } from '../../shared/events.ts';
import { TRANSPORT, type CallReply } from '../../shared/panel-api.ts';
import { isLoopbackHostHeader } from '../host/host-header.ts';
import { encodeForClient } from '../panel-files/compression.ts';
import { SECURITY_HEADERS } from '../panel-files/security-headers.ts';
import { namesIndexPage, readIndexPage, readStaticFile, type StaticFile } from '../panel-files/static-files.ts';

const MAX_BODY_BYTES = 1024 * 1024;
const HEARTBEAT_MS = 25_000;

/** How long a client may take and how many connections it may hold (the panel needs a handful). */
export interface PreviewLimits {
  /** Until the request's headers are complete. */
  headersTimeoutMs: number;
  /** Until the whole request (body included) is in; the event stream's response is not limited. */
  requestTimeoutMs: number;
  /** An idle keep-alive connection between requests. */
  keepAliveTimeoutMs: number;
  /** How often the server checks the two request timeouts. */
  timeoutCheckMs: number;
  maxConnections: number;
}

export const PREVIEW_LIMITS: PreviewLimits = {
  headersTimeoutMs: 10_000,
  requestTimeoutMs: 30_000,
  keepAliveTimeoutMs: 5_000,
  timeoutCheckMs: 1_000,
  maxConnections: 64,
};

/** What the server needs of the storage host (StorageHostClient provides it). */
export interface PreviewBackend {
  forward(envelope: unknown): Promise<CallReply>;
  onEvent(listener: (event: PanelEvent) => void): () => void;
}

export interface PreviewServerOptions {
  backend: PreviewBackend;
  /** Answers the recovery calls (HostSupervisor) on TRANSPORT.httpRecoveryPath; without it that path is 404. */
  recovery?: (envelope: unknown) => Promise<CallReply>;
  staticDir: string;
  /** 0 (default) picks a free port. */
  port?: number;
  token?: string;
  limits?: PreviewLimits;
}

export interface PreviewServer {
  port: number;
  token: string;
  /** The page's URL, token included. */
  url: string;
  /** The HTTP server itself, with its limits set. */
  http: Server;
  close(): Promise<void>;
}

export function newToken(): string {
  return randomBytes(32).toString('base64url');
}

function tokenMatches(given: string | null | undefined, expected: string): boolean {
  if (typeof given !== 'string') return false;
  const a = Buffer.from(given);
  const b = Buffer.from(expected);
  return a.length === b.length && timingSafeEqual(a, b);
}

function isAllowedOrigin(origin: string | undefined, port: number): boolean {
  return origin === undefined || origin === `http://127.0.0.1:${port}` || origin === `http://localhost:${port}`;
}

interface SendOptions {
  /** False for a HEAD request: the headers only. */
  withBody?: boolean;
  /** The request's Accept-Encoding: the body is compressed as it allows (compression.ts). */
  acceptEncoding?: string;
}

function send(res: ServerResponse, status: number, file: StaticFile, options: SendOptions = {}): void {
  const encoded = encodeForClient(file.body, file.contentType, options.acceptEncoding);
  res.writeHead(status, {
    ...SECURITY_HEADERS,
    ...encoded.headers,
    'Content-Type': file.contentType,
    'Content-Length': encoded.body.length,
  });
  res.end(options.withBody === false ? undefined : encoded.body);
}

function sendJson(res: ServerResponse, status: number, body: unknown, acceptEncoding?: string): void {
  send(
    res,
    status,
    { body: Buffer.from(JSON.stringify(body)), contentType: 'application/json; charset=utf-8' },
    {
      acceptEncoding,
    },
  );
}

function sendError(res: ServerResponse, status: number, code: ErrorCode, message: string): void {
  sendJson(res, status, { ok: false, error: { code, message } } satisfies CallReply);
}

/**
 * The body as text, or null once it passes MAX_BODY_BYTES: from then on the rest is read and
 * dropped (never kept), so the client, still sending, is not reset before it reads the 413; the
 * server's requestTimeout bounds how long that may last.
 */
function readBody(req: IncomingMessage): Promise<string | null> {
  return new Promise((resolve, reject) => {
    const chunks: Buffer[] = [];
    let size = 0;
    req.on('data', (chunk: Buffer) => {
      size += chunk.length;
      if (size <= MAX_BODY_BYTES) chunks.push(chunk);
      else {
        chunks.length = 0;
        resolve(null);
      }
    });
    req.on('end', () => resolve(size > MAX_BODY_BYTES ? null : Buffer.concat(chunks).toString('utf8')));
    req.on('error', reject);
  });
}

function parseJson(text: string): { value: unknown } | null {
  try {
    return { value: JSON.parse(text) };
  } catch {
    return null;
  }
}

export async function startPreviewServer(options: PreviewServerOptions): Promise<PreviewServer> {
  const token = options.token ?? newToken();
  const streams = new Set<ServerResponse>();
  let port = 0;

  async function handleCall(
    req: IncomingMessage,
    res: ServerResponse,
    answer: (envelope: unknown) => Promise<CallReply>,
  ): Promise<void> {
    if (!req.headers['content-type']?.startsWith('application/json')) {
      return sendError(res, 415, 'INVALID_ARGUMENT', 'the body must be application/json');
    }
    const body = await readBody(req);
    if (body === null) return sendError(res, 413, 'INVALID_ARGUMENT', 'the request body is too large');
    const parsed = parseJson(body);
    if (!parsed) return sendError(res, 400, 'INVALID_ARGUMENT', 'the body is not valid JSON');
    sendJson(res, 200, await answer(parsed.value), req.headers['accept-encoding']);
  }

  function handleEvents(res: ServerResponse): void {
    res.writeHead(200, {
      ...SECURITY_HEADERS,
      'Content-Type': 'text/event-stream; charset=utf-8',
      Connection: 'keep-alive',
    });
    res.write(': connected\n\n');
    streams.add(res);
    const unsubscribe = options.backend.onEvent((event) => {
      res.write(`event: ${event.name}\ndata: ${JSON.stringify(event.payload)}\n\n`);
    });
    const heartbeat = setInterval(() => res.write(': heartbeat\n\n'), HEARTBEAT_MS);
    res.on('close', () => {
      unsubscribe();
      clearInterval(heartbeat);
      streams.delete(res);
    });
  }

  async function route(req: IncomingMessage, res: ServerResponse): Promise<void> {
    if (!isLoopbackHostHeader(req.headers.host, port)) return sendError(res, 403, 'FORBIDDEN', 'foreign Host header');
    if (!isAllowedOrigin(req.headers.origin, port)) return sendError(res, 403, 'FORBIDDEN', 'foreign Origin');
    const url = new URL(req.url ?? '/', `http://127.0.0.1:${port}`);
    const headerToken = req.headers[TRANSPORT.tokenHeader];
    const queryToken = url.searchParams.get('token');
    const isPage = namesIndexPage(options.staticDir, url.pathname);

    const answer =
      url.pathname === TRANSPORT.httpCallPath
        ? (envelope: unknown) => options.backend.forward(envelope)
        : url.pathname === TRANSPORT.httpRecoveryPath
          ? options.recovery
          : undefined;
    if (answer) {
      if (req.method !== 'POST') return sendError(res, 405, 'INVALID_ARGUMENT', 'use POST');
      if (!tokenMatches(typeof headerToken === 'string' ? headerToken : null, token)) {
        return sendError(res, 401, 'FORBIDDEN', 'missing or wrong token');
      }
      return handleCall(req, res, answer);
    }
    if (req.method !== 'GET' && req.method !== 'HEAD') return sendError(res, 405, 'INVALID_ARGUMENT', 'use GET');
    const sendOptions: SendOptions = { withBody: req.method === 'GET', acceptEncoding: req.headers['accept-encoding'] };
    if (url.pathname === TRANSPORT.httpEventsPath || isPage) {
      const given = typeof headerToken === 'string' ? headerToken : queryToken;
      if (!tokenMatches(given, token)) return sendError(res, 401, 'FORBIDDEN', 'missing or wrong token');
      if (isPage) return send(res, 200, readIndexPage(options.staticDir), sendOptions);
      return handleEvents(res);
    }
    const file = readStaticFile(options.staticDir, url.pathname);
    if (!file) return sendError(res, 404, 'NOT_FOUND', 'no such file');
    send(res, 200, file, sendOptions);
  }

  const limits = options.limits ?? PREVIEW_LIMITS;
  const server = createServer(
    {
      headersTimeout: limits.headersTimeoutMs,
      requestTimeout: limits.requestTimeoutMs,
      keepAliveTimeout: limits.keepAliveTimeoutMs,
      connectionsCheckingInterval: limits.timeoutCheckMs,
    },
    (req, res) => {
      route(req, res).catch((err: unknown) => {
        if (!res.headersSent) sendError(res, 500, 'INTERNAL', err instanceof Error ? err.message : String(err));
        else res.destroy();
      });
    },
  );
  server.maxConnections = limits.maxConnections;
  await new Promise<void>((resolve, reject) => {
    server.once('error', reject);
    server.listen(options.port ?? 0, '127.0.0.1', resolve);
  });
  port = (server.address() as AddressInfo).port;

  return {
    port,
    token,
    url: `http://127.0.0.1:${port}/?token=${token}`,
    http: server,
    close: () =>
      new Promise<void>((resolve) => {
        for (const stream of streams) stream.end();
        server.close(() => resolve());
        server.closeAllConnections();
      }),
  };
}
