/**
 * The timestamp section of a packed chunk: integer milliseconds, non-decreasing, stored through
 * the integer-sequence coder, which picks delta-of-delta for regular scrapes (0 bits per sample
 * when the interval never changes, a few bits when it jitters) and copes with gaps and duplicates.
 */

import { InvalidArgumentError } from '../errors.ts';
import { BitWriter, type BitReader } from './bits.ts';
import { MAX_SEQ_INT, readIntSeq, writeIntSeq } from './intseq.ts';

/** Throws unless every timestamp is an integer within ±2^49 ms and none is smaller than the last. */
export function assertTimestamps(ts: Float64Array): void {
  let prev = -Infinity;
  for (let i = 0; i < ts.length; i++) {
    const t = ts[i]!;
    if (!Number.isInteger(t) || Math.abs(t) > MAX_SEQ_INT) {
      throw new InvalidArgumentError(`timestamp ${i} is not an integer millisecond in range: ${t}`);
    }
    if (t < prev) throw new InvalidArgumentError(`timestamp ${i} goes back in time: ${t} < ${prev}`);
    prev = t;
  }
}

/** The byte-aligned timestamp section for already validated timestamps. */
export function encodeTimestamps(ts: Float64Array): Uint8Array {
  const w = new BitWriter(16 + ts.length / 4);
  writeIntSeq(w, ts);
  return w.finish();
}

export function readTimestamps(r: BitReader, out: Float64Array): void {
  readIntSeq(r, out);
  for (let i = 1; i < out.length; i++) {
    if (out[i]! < out[i - 1]!) throw new InvalidArgumentError('corrupt chunk: timestamps go back');
  }
}
