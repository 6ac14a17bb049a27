/**
 * One HTTP GET of a scrape target, as Prometheus makes it: an Accept header that prefers
 * OpenMetrics 1.0 and takes the text format 0.0.4, gzip accepted, the timeout announced in
 * `X-Prometheus-Scrape-Timeout-Seconds`. Loopback only: the URL, every redirect's target (at most
 * MAX_REDIRECTS, followed only while they stay on loopback) and each resolved address are checked.
 * The whole exchange, body included, has one deadline; the body is capped (decompressed) and must
 * be UTF-8. Every failure is a ScrapeError with a kind and a message for the status view.
 */
import { request as httpRequest, type IncomingMessage } from 'node:http';
import { request as httpsRequest } from 'node:https';
import { BodyEncodingError, BodyTooLargeError, MAX_BODY_BYTES, readBody } from '../http-body.ts';
import { loopbackLookup, loopbackUrlProblem } from './loopback.ts';

export const SCRAPE_ACCEPT =
  'application/openmetrics-text;version=1.0.0,application/openmetrics-text;version=0.0.1;q=0.75,text/plain;version=0.0.4;q=0.5,*/*;q=0.1';
const MAX_REDIRECTS = 5;

export type ScrapeErrorKind = 'refused' | 'network' | 'http' | 'timeout' | 'too-large' | 'garbage' | 'store';

export class ScrapeError extends Error {
  readonly kind: ScrapeErrorKind;

  constructor(kind: ScrapeErrorKind, message: string) {
    super(message);
    this.name = 'ScrapeError';
    this.kind = kind;
  }
}

export interface FetchedExposition {
  body: string;
  contentType: string | undefined;
}

export interface FetchOptions {
  timeoutMs: number;
  maxBytes?: number;
  /** Aborts the exchange (the scraper is closing). */
  signal?: AbortSignal;
}

function checkedUrl(url: string): URL {
  const problem = loopbackUrlProblem(url);
  if (problem) throw new ScrapeError('refused', problem);
  return new URL(url);
}

/** The response of one GET, before its body is read. */
function get(url: URL, timeoutMs: number, signal: AbortSignal): Promise<IncomingMessage> {
  const send = url.protocol === 'https:' ? httpsRequest : httpRequest;
  return new Promise((resolve, reject) => {
    const req = send(url, {
      method: 'GET',
      lookup: loopbackLookup,
      signal,
      headers: {
        accept: SCRAPE_ACCEPT,
        'accept-encoding': 'gzip',
        'user-agent': 'futurnal-telemetry-scraper',
        'x-prometheus-scrape-timeout-seconds': String(timeoutMs / 1000),
      },
    });
    req.on('response', resolve);
    req.on('error', reject);
    req.end();
  });
}

/** The body as text, decompressed, within the size cap. */
async function readText(response: IncomingMessage, maxBytes: number): Promise<string> {
  const encoding = (response.headers['content-encoding'] ?? 'identity').toLowerCase();
  if (encoding !== 'identity' && encoding !== 'gzip') {
    response.resume();
    throw new ScrapeError('garbage', `unsupported Content-Encoding ${encoding}`);
  }
  let body: Buffer;
  try {
    body = await readBody(response, encoding === 'gzip', maxBytes);
  } catch (err) {
    if (err instanceof BodyTooLargeError)
      throw new ScrapeError('too-large', `the response is larger than ${maxBytes} bytes`);
    if (err instanceof BodyEncodingError) throw new ScrapeError('garbage', err.message);
    throw err;
  }
  try {
    return new TextDecoder('utf-8', { fatal: true }).decode(body);
  } catch {
    throw new ScrapeError('garbage', 'the response is not UTF-8 text');
  }
}

function networkError(err: unknown, url: URL, deadline: AbortSignal): ScrapeError {
  if (err instanceof ScrapeError) return err;
  if (deadline.aborted && deadline.reason instanceof ScrapeError) return deadline.reason;
  const code = (err as { code?: string }).code;
  if (code === 'ENOTLOOPBACK') return new ScrapeError('refused', (err as Error).message);
  const message = err instanceof Error ? err.message : String(err);
  return new ScrapeError('network', `${url.host}: ${code === 'ECONNREFUSED' ? 'connection refused' : message}`);
}

/** GETs the exposition at `url`, following redirects that stay on loopback. */
export async function fetchExposition(url: string, options: FetchOptions): Promise<FetchedExposition> {
  const deadline = new AbortController();
  const timer = setTimeout(
    () => deadline.abort(new ScrapeError('timeout', `no complete answer within ${options.timeoutMs / 1000} s`)),
    options.timeoutMs,
  );
  const onAbort = (): void => deadline.abort(new ScrapeError('network', 'the scrape was stopped'));
  options.signal?.addEventListener('abort', onAbort, { once: true });
  let current = checkedUrl(url);
  try {
    for (let redirects = 0; ; redirects++) {
      const response = await get(current, options.timeoutMs, deadline.signal);
      const status = response.statusCode ?? 0;
      const location = response.headers.location;
      if (status >= 300 && status < 400 && location !== undefined) {
        response.resume();
        if (redirects >= MAX_REDIRECTS) throw new ScrapeError('http', `more than ${MAX_REDIRECTS} redirects`);
        const next = new URL(location, current);
        const problem = loopbackUrlProblem(next);
        if (problem) throw new ScrapeError('refused', `redirected to ${next.href}, which is refused: ${problem}`);
        current = next;
        continue;
      }
      if (status < 200 || status >= 300) {
        response.resume();
        throw new ScrapeError('http', `HTTP ${status} ${response.statusMessage ?? ''}`.trim());
      }
      const body = await readText(response, options.maxBytes ?? MAX_BODY_BYTES);
      return { body, contentType: response.headers['content-type'] };
    }
  } catch (err) {
    throw networkError(err, current, deadline.signal);
  } finally {
    clearTimeout(timer);
    options.signal?.removeEventListener('abort', onAbort);
  }
}
