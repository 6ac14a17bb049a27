/**
 * The value section of a packed chunk and the choice of its scheme: decimal (ALP-style scaled
 * integers, see decimal.ts), Gorilla XOR (noisy full-precision floats) or raw 64-bit patterns
 * (the worst case bound). The smallest one wins, by exact size.
 */

import { BitWriter, type BitReader, readFloatBits, wordsOf, writeFloatBits } from './bits.ts';
import { planDecimal, readDecimal, writeDecimal } from './decimal.ts';
import { readXorValues, writeXorValues, xorBitsLowerBound } from './gorilla.ts';

export type ValueScheme = 'decimal' | 'xor' | 'raw';

export function encodeValues(values: Float64Array): { scheme: ValueScheme; bytes: Uint8Array } {
  const n = values.length;
  const decimal = planDecimal(values);
  const asDecimal = () => finish(n, (w) => writeDecimal(w, values, decimal!));
  // XOR needs 64 bits plus at least one per further value: below that, decimal has already won.
  if (decimal !== undefined && decimal.bits <= 64 + n - 1) {
    return { scheme: 'decimal', bytes: asDecimal() };
  }
  const decimalBytes = decimal === undefined ? Infinity : Math.ceil(decimal.bits / 8);
  // Decimal wins ties: no need to write the XOR form when even its lower bound does not beat it.
  if (decimalBytes <= Math.min(8 * n, Math.ceil(xorBitsLowerBound(values) / 8))) {
    return { scheme: 'decimal', bytes: asDecimal() };
  }
  const xor = finish(n, (w) => writeXorValues(w, values));
  const best = Math.min(decimalBytes, xor.length, 8 * n);
  if (decimalBytes === best) return { scheme: 'decimal', bytes: asDecimal() };
  if (xor.length === best) return { scheme: 'xor', bytes: xor };
  return { scheme: 'raw', bytes: finish(n, (w) => writeRaw(w, values)) };
}

export function readValues(r: BitReader, scheme: ValueScheme, out: Float64Array): void {
  if (scheme === 'decimal') readDecimal(r, out);
  else if (scheme === 'xor') readXorValues(r, out);
  else readRaw(r, out);
}

function finish(n: number, write: (w: BitWriter) => void): Uint8Array {
  const w = new BitWriter(16 + n * 2);
  write(w);
  return w.finish();
}

function writeRaw(w: BitWriter, values: Float64Array): void {
  const words = wordsOf(values);
  for (let i = 0; i < values.length; i++) writeFloatBits(w, words, i);
}

function readRaw(r: BitReader, out: Float64Array): void {
  const words = wordsOf(out);
  for (let i = 0; i < out.length; i++) readFloatBits(r, words, i);
}
