/**
 * Reads an HTTP body from another app (an OTLP/HTTP request, a scrape's response), inflating
 * `Content-Encoding: gzip` as a stream and stopping as soon as the decompressed bytes pass the
 * limit, so neither a large body nor a gzip bomb (a few kilobytes that inflate to gigabytes) is
 * ever held in memory beyond the limit and one chunk.
 */
import type { IncomingMessage } from 'node:http';
import { pipeline, type Readable } from 'node:stream';
import { createGunzip } from 'node:zlib';

/** The cap on a body, counted after decompression: OTLP/HTTP's suggested one, also a scrape's. */
export const MAX_BODY_BYTES = 16 * 1024 * 1024;

export class BodyTooLargeError extends Error {
  constructor(limit: number) {
    super(`the body is over ${limit} bytes once decompressed`);
    this.name = 'BodyTooLargeError';
  }
}

export class BodyEncodingError extends Error {
  constructor(message: string) {
    super(message);
    this.name = 'BodyEncodingError';
  }
}

/** Reads the whole body (inflated when gzip is set); BodyTooLargeError past `limit` bytes, BodyEncodingError for bad gzip. */
export async function readBody(req: IncomingMessage, gzip: boolean, limit = MAX_BODY_BYTES): Promise<Buffer> {
  const source: Readable = gzip ? pipeline(req, createGunzip(), () => undefined) : req;
  const chunks: Buffer[] = [];
  let size = 0;
  try {
    for await (const chunk of source as AsyncIterable<Buffer>) {
      size += chunk.length;
      if (size > limit) throw new BodyTooLargeError(limit);
      chunks.push(chunk);
    }
  } catch (err) {
    source.destroy();
    if (err instanceof BodyTooLargeError) throw err;
    if (gzip && (err as NodeJS.ErrnoException).code?.startsWith('Z_')) {
      throw new BodyEncodingError(`the gzip body cannot be inflated: ${(err as Error).message}`);
    }
    throw err;
  }
  return Buffer.concat(chunks, size);
}
