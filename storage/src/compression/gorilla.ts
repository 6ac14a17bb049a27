/**
 * Gorilla (Facebook, VLDB 2015) as Prometheus implements it in its XOR chunks: the reference the
 * other schemes are measured against. Timestamps: first value, first delta, then delta-of-delta
 * in buckets of 0 / 14 / 17 / 20 / 64 bits. Values: first float64 raw, then the XOR with the
 * previous value: '0' when equal, '10' + meaningful bits inside the previous window, or
 * '11' + 5-bit leading-zero count + 6-bit length + meaningful bits.
 * The XOR value coder is also the fallback value scheme of the packed chunk format.
 */

import {
  type BitReader,
  type BitWriter,
  HI,
  LO,
  readFloatBits,
  unzigzag,
  wordsOf,
  writeFloatBits,
  zigzag,
} from './bits.ts';

/** Writes the Gorilla XOR stream of `values` (all of them, the first one raw). */
export function writeXorValues(w: BitWriter, values: Float64Array): void {
  if (values.length === 0) return;
  const words = wordsOf(values);
  writeFloatBits(w, words, 0);
  const window = { lead: -1, trail: 0 };
  for (let i = 1; i < values.length; i++) {
    const xh = (words[2 * i + HI]! ^ words[2 * i - 2 + HI]!) >>> 0;
    const xl = (words[2 * i + LO]! ^ words[2 * i - 2 + LO]!) >>> 0;
    if (xh === 0 && xl === 0) w.writeBit(0);
    else writeXor(w, xh, xl, window);
  }
}

/**
 * A lower bound of the bits writeXorValues takes for `values`, without writing them: 64 for the
 * first, 1 per repeated value, and per other value its 2 control bits and its XOR's significant
 * bits (a reused window is at least as wide; the leading zeros counted at most 31, as written).
 */
export function xorBitsLowerBound(values: Float64Array): number {
  if (values.length === 0) return 0;
  const words = wordsOf(values);
  let bits = 64;
  for (let i = 1; i < values.length; i++) {
    const xh = (words[2 * i + HI]! ^ words[2 * i - 2 + HI]!) >>> 0;
    const xl = (words[2 * i + LO]! ^ words[2 * i - 2 + LO]!) >>> 0;
    if (xh === 0 && xl === 0) {
      bits += 1;
      continue;
    }
    const lead = Math.min(31, xh !== 0 ? Math.clz32(xh) : 32 + Math.clz32(xl));
    const trail = xl !== 0 ? ctz32(xl) : 32 + ctz32(xh);
    bits += 2 + 64 - lead - trail;
  }
  return bits;
}

/** Writes one non-zero XOR, reusing the previous leading/trailing-zero window when it fits. */
function writeXor(w: BitWriter, xh: number, xl: number, window: { lead: number; trail: number }): void {
  const lead = Math.min(31, xh !== 0 ? Math.clz32(xh) : 32 + Math.clz32(xl));
  const trail = xl !== 0 ? ctz32(xl) : 32 + ctz32(xh);
  w.writeBit(1);
  if (window.lead >= 0 && lead >= window.lead && trail >= window.trail) {
    w.writeBit(0);
    writeShifted(w, xh, xl, window.trail, 64 - window.lead - window.trail);
    return;
  }
  const sig = 64 - lead - trail;
  w.writeBit(1);
  w.writeBits(lead, 5);
  w.writeBits(sig & 63, 6);
  writeShifted(w, xh, xl, trail, sig);
  window.lead = lead;
  window.trail = trail;
}

/** Reads `out.length` values written by writeXorValues into `out`. */
export function readXorValues(r: BitReader, out: Float64Array): void {
  if (out.length === 0) return;
  const words = wordsOf(out);
  let lead = 0;
  let trail = 0;
  readFloatBits(r, words, 0);
  let hi = words[HI]!;
  let lo = words[LO]!;
  for (let i = 1; i < out.length; i++) {
    if (r.readBit() === 1) {
      if (r.readBit() === 1) {
        lead = r.readBits(5);
        const sig = r.readBits(6) || 64;
        trail = 64 - lead - sig;
      }
      const sig = 64 - lead - trail;
      const xHi = sig > 32 ? r.readBits(sig - 32) : 0;
      const xLo = r.readBits(sig > 32 ? 32 : sig);
      if (trail >= 32) {
        hi = (hi ^ (xLo << (trail - 32))) >>> 0;
      } else if (trail === 0) {
        hi = (hi ^ xHi) >>> 0;
        lo = (lo ^ xLo) >>> 0;
      } else {
        hi = (hi ^ ((xHi << trail) | (xLo >>> (32 - trail)))) >>> 0;
        lo = (lo ^ (xLo << trail)) >>> 0;
      }
    }
    words[2 * i + HI] = hi;
    words[2 * i + LO] = lo;
  }
}

/** Writes timestamps the Prometheus way (first as a zigzag varint, then delta, then dod buckets). */
export function writeGorillaTimestamps(w: BitWriter, ts: Float64Array): void {
  let prev = 0;
  let prevDelta = 0;
  for (let i = 0; i < ts.length; i++) {
    const t = ts[i]!;
    if (i === 0) w.writeVarWide(zigzag(t));
    else if (i === 1) w.writeVarWide(t - prev);
    else writeDod(w, t - prev - prevDelta);
    if (i > 0) prevDelta = t - prev;
    prev = t;
  }
}

export function readGorillaTimestamps(r: BitReader, out: Float64Array): void {
  let prev = 0;
  let delta = 0;
  for (let i = 0; i < out.length; i++) {
    if (i === 0) prev = unzigzag(r.readVarWide());
    else {
      delta = i === 1 ? r.readVarWide() : delta + readDod(r);
      prev += delta;
    }
    out[i] = prev;
  }
}

const DOD_BUCKETS: readonly { prefix: number; prefixBits: number; bits: number }[] = [
  { prefix: 0b10, prefixBits: 2, bits: 14 },
  { prefix: 0b110, prefixBits: 3, bits: 17 },
  { prefix: 0b1110, prefixBits: 4, bits: 20 },
];

function writeDod(w: BitWriter, dod: number): void {
  if (dod === 0) {
    w.writeBit(0);
    return;
  }
  for (const b of DOD_BUCKETS) {
    const half = 2 ** (b.bits - 1);
    if (dod >= -half + 1 && dod <= half) {
      w.writeBits(b.prefix, b.prefixBits);
      w.writeBits(dod < 0 ? dod + 2 * half : dod, b.bits);
      return;
    }
  }
  w.writeBits(0b1111, 4);
  w.writeVarWide(zigzag(dod));
}

function readDod(r: BitReader): number {
  if (r.readBit() === 0) return 0;
  for (const b of DOD_BUCKETS) {
    if (r.readBit() === 0) return readBucket(r, b.bits);
  }
  return unzigzag(r.readVarWide());
}

function readBucket(r: BitReader, bits: number): number {
  const half = 2 ** (bits - 1);
  const raw = r.readBits(bits);
  return raw > half ? raw - 2 * half : raw;
}

function writeShifted(w: BitWriter, xh: number, xl: number, trail: number, sig: number): void {
  let hi: number;
  let lo: number;
  if (trail >= 32) {
    hi = 0;
    lo = xh >>> (trail - 32);
  } else if (trail === 0) {
    hi = xh;
    lo = xl;
  } else {
    hi = xh >>> trail;
    lo = ((xl >>> trail) | (xh << (32 - trail))) >>> 0;
  }
  if (sig > 32) {
    w.writeBits(hi, sig - 32);
    w.writeBits(lo, 32);
  } else {
    w.writeBits(lo, sig);
  }
}

function ctz32(x: number): number {
  return 31 - Math.clz32(x & -x);
}
