/**
 * Bit-level I/O for the chunk codecs: a writer over a growable Uint8Array and a reader over a
 * finished buffer. Bits are written most significant first. Widths up to 32 take the fast path;
 * `writeWide`/`readWide` carry non-negative integers up to 53 bits held in a double.
 */

import { InvalidArgumentError } from '../errors.ts';

const TWO_32 = 4_294_967_296;

/** Number of bits needed to write the non-negative integer `x` (0 for 0). Works up to 2^53. */
export function bitWidth(x: number): number {
  if (x < TWO_32) return 32 - Math.clz32(x);
  return 64 - Math.clz32(Math.floor(x / TWO_32));
}

export class BitWriter {
  private buf: Uint8Array;
  private len = 0;
  private cur = 0;
  private curBits = 0;

  constructor(initialBytes = 256) {
    this.buf = new Uint8Array(Math.max(16, initialBytes));
  }

  /** Writes the low `n` bits (0..32) of `value`, which must be an unsigned integer below 2^n. */
  writeBits(value: number, n: number): void {
    while (n > 0) {
      const free = 8 - this.curBits;
      const take = n < free ? n : free;
      n -= take;
      this.cur = (this.cur << take) | ((value >>> n) & ((1 << take) - 1));
      this.curBits += take;
      if (this.curBits === 8) this.flushByte();
    }
  }

  writeBit(bit: number): void {
    this.cur = (this.cur << 1) | bit;
    if (++this.curBits === 8) this.flushByte();
  }

  /** Writes a non-negative integer below 2^53 in `n` (0..53) bits. */
  writeWide(value: number, n: number): void {
    if (n <= 32) {
      this.writeBits(value >>> 0, n);
      return;
    }
    this.writeBits(Math.floor(value / TWO_32), n - 32);
    this.writeBits(value >>> 0, 32);
  }

  /** Writes `value` (non-negative, below 2^53) as a 6-bit width followed by that many bits. */
  writeVarWide(value: number): void {
    const n = bitWidth(value);
    this.writeBits(n, 6);
    this.writeWide(value, n);
  }

  /** Pads the last byte with zero bits and returns the written bytes (a copy). */
  finish(): Uint8Array {
    if (this.curBits > 0) {
      this.cur <<= 8 - this.curBits;
      this.curBits = 8;
      this.flushByte();
    }
    return this.buf.slice(0, this.len);
  }

  private flushByte(): void {
    if (this.len === this.buf.length) {
      const bigger = new Uint8Array(this.buf.length * 2);
      bigger.set(this.buf);
      this.buf = bigger;
    }
    this.buf[this.len++] = this.cur & 0xff;
    this.cur = 0;
    this.curBits = 0;
  }
}

export class BitReader {
  private readonly buf: Uint8Array;
  private pos: number;
  private cur = 0;
  private curBits = 0;

  constructor(buf: Uint8Array, byteOffset = 0) {
    this.buf = buf;
    this.pos = byteOffset;
  }

  /** Reads `n` (0..32) bits as an unsigned integer. */
  readBits(n: number): number {
    let out = 0;
    while (n > 0) {
      if (this.curBits === 0) this.loadByte();
      const take = n < this.curBits ? n : this.curBits;
      this.curBits -= take;
      out = (out << take) | ((this.cur >>> this.curBits) & ((1 << take) - 1));
      n -= take;
    }
    return out >>> 0;
  }

  readBit(): number {
    if (this.curBits === 0) this.loadByte();
    this.curBits--;
    return (this.cur >>> this.curBits) & 1;
  }

  /** Counts 1-bits up to `max`, consuming the terminating 0-bit when it comes before `max`. */
  readUnary(max: number): number {
    let q = 0;
    while (q < max && this.readBit() === 1) q++;
    return q;
  }

  readWide(n: number): number {
    if (n <= 32) return this.readBits(n);
    const hi = this.readBits(n - 32);
    return hi * TWO_32 + this.readBits(32);
  }

  readVarWide(): number {
    return this.readWide(this.readBits(6));
  }

  /** Where the next byte-aligned section starts: the rest of the current byte is padding. */
  nextByteOffset(): number {
    return this.pos;
  }

  private loadByte(): void {
    const byte = this.buf[this.pos++];
    if (byte === undefined) throw new InvalidArgumentError('corrupt chunk: read past its end');
    this.cur = byte;
    this.curBits = 8;
  }
}

/** Maps a signed safe integer to a non-negative one: 0, -1, 1, -2 ... -> 0, 1, 2, 3 ... */
export function zigzag(x: number): number {
  return x >= 0 ? 2 * x : -2 * x - 1;
}

export function unzigzag(z: number): number {
  return z % 2 === 0 ? z / 2 : -(z + 1) / 2;
}

const LITTLE_ENDIAN = new Uint8Array(new Uint16Array([1]).buffer)[0] === 1;
/** Index of the high and the low 32-bit word of a float64 within its pair in wordsOf(). */
export const HI = LITTLE_ENDIAN ? 1 : 0;
export const LO = LITTLE_ENDIAN ? 0 : 1;

/**
 * The 32-bit halves of each float64, viewed over the array's own memory so that NaN payloads are
 * never canonicalised by a round trip through a JS number.
 */
export function wordsOf(values: Float64Array): Uint32Array {
  return new Uint32Array(values.buffer, values.byteOffset, values.length * 2);
}

/** Writes the 64 bits of float number `i` of `words` (a wordsOf view). */
export function writeFloatBits(w: BitWriter, words: Uint32Array, i: number): void {
  w.writeBits(words[2 * i + HI]!, 32);
  w.writeBits(words[2 * i + LO]!, 32);
}

export function readFloatBits(r: BitReader, words: Uint32Array, i: number): void {
  words[2 * i + HI] = r.readBits(32);
  words[2 * i + LO] = r.readBits(32);
}
