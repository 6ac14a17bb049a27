/**
 * The chunk format: all samples of one series over a time range, as one BLOB.
 *
 *   byte 0    scheme tag: 1 gorilla (the reference), 2 decimal, 3 xor, 4 raw
 *   varint    sample count (LEB128)
 *   gorilla:  one bit stream, Prometheus-style timestamps then XOR values (gorilla.ts)
 *   others:   timestamp section (timestamps.ts), padded to a byte, then the value section in the
 *             tagged scheme (values.ts)
 *
 * encodeChunk picks the smallest value scheme for the chunk; every float64 comes back bit for bit
 * (NaN payloads, -0, subnormals) and every timestamp to the millisecond.
 *
 * chunkChecksum is the CRC-32 stored beside each chunk, over the payload and the row's series id,
 * first and last timestamp and count, so a flipped bit in any of them is found before decoding.
 */
import { crc32 } from 'node:zlib';

import { InvalidArgumentError } from '../errors.ts';
import { BitReader, BitWriter } from './bits.ts';
import { readGorillaTimestamps, readXorValues, writeGorillaTimestamps, writeXorValues } from './gorilla.ts';
import { assertTimestamps, encodeTimestamps, readTimestamps } from './timestamps.ts';
import { encodeValues, readValues, type ValueScheme } from './values.ts';

export type ChunkScheme = 'gorilla' | ValueScheme;

export interface ChunkHeader {
  scheme: ChunkScheme;
  count: number;
}

export interface DecodedChunk {
  timestamps: Float64Array;
  values: Float64Array;
}

/**
 * Samples per chunk the engine should compact to (2 h at 10 s). Measured by storage/bench/codec.ts on a
 * day of the workload: 1.77 B/sample against 1.79 (360), 1.82 (240), 1.91 (120); in a rowid
 * chunk table with an index on (series_id, first_ts) the file holds 2.25 B/sample (4 KiB pages)
 * or 1.99 (16 KiB pages), the least of all sizes. Do not put chunks this big in a WITHOUT ROWID
 * table: rows above about 1 KB spill into overflow pages there (3.0 to 4.0 B/sample).
 */
export const DEFAULT_CHUNK_SAMPLES = 720;

/** Most samples one chunk may hold. */
export const MAX_CHUNK_SAMPLES = 1 << 20;

const TAGS: readonly ChunkScheme[] = ['gorilla', 'decimal', 'xor', 'raw'];

/** Encodes one series' samples with the smallest scheme. Timestamps: integer ms, non-decreasing. */
export function encodeChunk(timestamps: Float64Array, values: Float64Array): Uint8Array {
  assertChunkInput(timestamps, values);
  const ts = encodeTimestamps(timestamps);
  const { scheme, bytes } = encodeValues(values);
  const head = header(scheme, timestamps.length);
  const out = new Uint8Array(head.length + ts.length + bytes.length);
  out.set(head, 0);
  out.set(ts, head.length);
  out.set(bytes, head.length + ts.length);
  return out;
}

/** Encodes one series' samples as a Prometheus-style Gorilla chunk (the reference scheme). */
export function encodeGorillaChunk(timestamps: Float64Array, values: Float64Array): Uint8Array {
  assertChunkInput(timestamps, values);
  const head = header('gorilla', timestamps.length);
  const w = new BitWriter(head.length + 16 + timestamps.length * 2);
  for (const byte of head) w.writeBits(byte, 8);
  writeGorillaTimestamps(w, timestamps);
  writeXorValues(w, values);
  return w.finish();
}

export function decodeChunk(bytes: Uint8Array): DecodedChunk {
  const { scheme, count, offset } = parseHeader(bytes);
  const timestamps = new Float64Array(count);
  const values = new Float64Array(count);
  const r = new BitReader(bytes, offset);
  if (scheme === 'gorilla') {
    readGorillaTimestamps(r, timestamps);
    readXorValues(r, values);
  } else {
    readTimestamps(r, timestamps);
    readValues(new BitReader(bytes, r.nextByteOffset()), scheme, values);
  }
  return { timestamps, values };
}

/** The scheme and sample count, read from the first few bytes without decoding. */
export function readChunkHeader(bytes: Uint8Array): ChunkHeader {
  const { scheme, count } = parseHeader(bytes);
  return { scheme, count };
}

export function chunkSampleCount(bytes: Uint8Array): number {
  return parseHeader(bytes).count;
}

/** The row fields a chunk's checksum covers besides its payload. */
export interface ChunkPlacement {
  seriesId: number;
  firstTs: number;
  lastTs: number;
  count: number;
}

/** CRC-32 of the payload followed by the placement as four little-endian float64s. */
export function chunkChecksum(payload: Uint8Array, placement: ChunkPlacement): number {
  const fields = new DataView(new ArrayBuffer(32));
  [placement.seriesId, placement.firstTs, placement.lastTs, placement.count].forEach((field, i) =>
    fields.setFloat64(i * 8, field, true),
  );
  return crc32(new Uint8Array(fields.buffer), crc32(payload));
}

function assertChunkInput(timestamps: Float64Array, values: Float64Array): void {
  if (timestamps.length !== values.length) {
    throw new InvalidArgumentError(
      `a chunk needs as many timestamps as values (${timestamps.length} vs ${values.length})`,
    );
  }
  if (timestamps.length > MAX_CHUNK_SAMPLES) {
    throw new InvalidArgumentError(`a chunk holds at most ${MAX_CHUNK_SAMPLES} samples`);
  }
  assertTimestamps(timestamps);
}

function header(scheme: ChunkScheme, count: number): Uint8Array {
  const out = [TAGS.indexOf(scheme) + 1];
  let rest = count;
  while (rest >= 0x80) {
    out.push((rest & 0x7f) | 0x80);
    rest >>>= 7;
  }
  out.push(rest);
  return Uint8Array.from(out);
}

function parseHeader(bytes: Uint8Array): ChunkHeader & { offset: number } {
  const scheme = TAGS[(bytes[0] ?? 0) - 1];
  if (scheme === undefined) throw new InvalidArgumentError('corrupt chunk: unknown scheme tag');
  let count = 0;
  let offset = 1;
  for (let shift = 0; shift <= 21; shift += 7) {
    const byte = bytes[offset++];
    if (byte === undefined) break;
    count += (byte & 0x7f) * 2 ** shift;
    if (byte < 0x80) {
      if (count > MAX_CHUNK_SAMPLES) break;
      return { scheme, count, offset };
    }
  }
  throw new InvalidArgumentError('corrupt chunk: bad sample count');
}
