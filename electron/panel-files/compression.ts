/**
 * Compressing what the preview serves: the encoding the client accepts (Accept-Encoding with its
 * q-values; brotli before gzip), applied to text-like bodies big enough to gain from it, with
 * `Vary: Accept-Encoding` on every such response so a cache never hands one client's encoding to
 * another. Brotli runs at a middle quality: the bundle is compressed per request, in a few ms.
 */
import { brotliCompressSync, constants as zlibConstants, gzipSync } from 'node:zlib';

export type ContentEncoding = 'br' | 'gzip' | 'identity';

/** In order of preference when the client accepts several with the same weight. */
const ENCODINGS: readonly ContentEncoding[] = ['br', 'gzip'];

/** Below this many bytes the encoding's own overhead outweighs what it saves. */
export const MIN_COMPRESSED_BYTES = 1024;

const BROTLI_QUALITY = 5;

const COMPRESSIBLE_TYPE = /^(text\/|application\/(json|javascript)|image\/svg\+xml)/;

/** The weight (q) the header gives each coding named in it, `*` included. */
function acceptedWeights(acceptEncoding: string): Map<string, number> {
  const weights = new Map<string, number>();
  for (const part of acceptEncoding.split(',')) {
    const [name, ...params] = part.split(';').map((s) => s.trim().toLowerCase());
    if (name === undefined || name === '') continue;
    const q = params.find((p) => p.startsWith('q='));
    const weight = q === undefined ? 1 : Number(q.slice(2));
    weights.set(name, Number.isFinite(weight) ? weight : 0);
  }
  return weights;
}

/** The best encoding the client accepts, or identity when it accepts none of ours. */
export function chooseEncoding(acceptEncoding: string | undefined): ContentEncoding {
  if (acceptEncoding === undefined) return 'identity';
  const weights = acceptedWeights(acceptEncoding);
  let best: ContentEncoding = 'identity';
  let bestWeight = 0;
  for (const encoding of ENCODINGS) {
    const weight = weights.get(encoding) ?? weights.get('*') ?? 0;
    if (weight > bestWeight) {
      best = encoding;
      bestWeight = weight;
    }
  }
  return best;
}

function isCompressible(contentType: string): boolean {
  return COMPRESSIBLE_TYPE.test(contentType);
}

function encode(body: Buffer, encoding: ContentEncoding): Buffer {
  if (encoding === 'br')
    return brotliCompressSync(body, { params: { [zlibConstants.BROTLI_PARAM_QUALITY]: BROTLI_QUALITY } });
  if (encoding === 'gzip') return gzipSync(body);
  return body;
}

export interface EncodedBody {
  body: Buffer;
  /** Content-Encoding and Vary, where they apply. */
  headers: Record<string, string>;
}

/** The body as the client asked for it, and the headers that say how it was encoded. */
export function encodeForClient(body: Buffer, contentType: string, acceptEncoding: string | undefined): EncodedBody {
  if (!isCompressible(contentType)) return { body, headers: {} };
  const vary = { Vary: 'Accept-Encoding' };
  const encoding = body.length < MIN_COMPRESSED_BYTES ? 'identity' : chooseEncoding(acceptEncoding);
  if (encoding === 'identity') return { body, headers: vary };
  return { body: encode(body, encoding), headers: { ...vary, 'Content-Encoding': encoding } };
}
