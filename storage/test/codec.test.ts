/**
 * The chunk codec is lossless: timestamps to the millisecond and every float64 bit for bit
 * (NaN payloads, -0, subnormals, infinities), for both the Gorilla reference and the packed
 * schemes, on arbitrary inputs (fast-check) and on hand-picked edge cases.
 */

import { strict as assert } from 'node:assert';
import { describe, it } from 'node:test';
import fc from 'fast-check';
import {
  chunkSampleCount,
  decodeChunk,
  encodeChunk,
  encodeGorillaChunk,
  readChunkHeader,
} from '../src/compression/chunk.ts';
import { BitWriter } from '../src/compression/bits.ts';
import { writeXorValues, xorBitsLowerBound } from '../src/compression/gorilla.ts';
import { InvalidArgumentError } from '../src/errors.ts';

const MAX_TS = 253_402_300_799_999;
const ENCODERS = { packed: encodeChunk, gorilla: encodeGorillaChunk };

function bitsOf(values: Float64Array): Uint8Array {
  return new Uint8Array(values.buffer, values.byteOffset, values.byteLength);
}

/** Encodes with `encode`, decodes, and asserts that every timestamp and value bit came back. */
function assertRoundTrip(
  encode: (ts: Float64Array, vs: Float64Array) => Uint8Array,
  ts: Float64Array,
  vs: Float64Array,
): Uint8Array {
  const bytes = encode(ts, vs);
  const out = decodeChunk(bytes);
  assert.equal(chunkSampleCount(bytes), ts.length);
  assert.deepEqual(Array.from(out.timestamps), Array.from(ts));
  assert.deepEqual(bitsOf(out.values), bitsOf(vs));
  return bytes;
}

function bothRoundTrip(ts: number[], vs: Float64Array | number[]): void {
  const values = vs instanceof Float64Array ? vs : Float64Array.from(vs);
  for (const encode of Object.values(ENCODERS)) assertRoundTrip(encode, Float64Array.from(ts), values);
}

/** Doubles from raw 64-bit patterns, written straight into memory so NaN payloads survive. */
function fromBitPatterns(patterns: bigint[]): Float64Array {
  const out = new Float64Array(patterns.length);
  const view = new DataView(out.buffer);
  const little = new Uint8Array(new Uint16Array([1]).buffer)[0] === 1;
  patterns.forEach((p, i) => view.setBigUint64(i * 8, p, little));
  return out;
}

/** Sorted timestamps from a start and gaps that mix duplicates, regular steps, jitter and jumps. */
const timestampsArb = (n: number) =>
  fc
    .tuple(
      fc.integer({ min: 0, max: MAX_TS }),
      fc.array(
        fc.oneof(
          fc.constant(0),
          fc.constant(10_000),
          fc.integer({ min: 9_990, max: 10_010 }),
          fc.integer({ min: 0, max: 2 ** 40 }),
        ),
        { minLength: n, maxLength: n },
      ),
    )
    .map(([start, gaps]) => {
      const ts: number[] = [];
      let t = start;
      for (const gap of gaps) {
        t = Math.min(MAX_TS, t + gap);
        ts.push(t);
      }
      return ts;
    });

const patternArb = fc.oneof(
  fc.bigInt({ min: 0n, max: 2n ** 64n - 1n }),
  // NaNs with arbitrary payloads and sign, infinities
  fc.bigInt({ min: 0n, max: 2n ** 52n - 1n }).map((m) => 0x7ff0000000000000n | m),
  fc.bigInt({ min: 0n, max: 2n ** 52n - 1n }).map((m) => 0xfff0000000000000n | m),
  // subnormals and zeros of both signs
  fc.bigInt({ min: 0n, max: 2n ** 52n - 1n }).map((m) => m),
  fc.bigInt({ min: 0n, max: 2n ** 52n - 1n }).map((m) => 0x8000000000000000n | m),
);

const decimalish = fc.oneof(
  fc.integer({ min: -1_000_000, max: 1_000_000 }).map((i) => i / 100),
  fc.integer({ min: 0, max: 2 ** 40 }).map((i) => i * 4096),
  fc.integer({ min: -(2 ** 49), max: 2 ** 49 }),
);

/** n samples: timestamps plus values drawn from `valueArb`. */
const chunkArb = <T>(valueArb: fc.Arbitrary<T>) =>
  fc
    .integer({ min: 0, max: 400 })
    .chain((n) => fc.tuple(timestampsArb(n), fc.array(valueArb, { minLength: n, maxLength: n })));

describe('chunk codec round trip (properties)', () => {
  for (const [name, encode] of Object.entries(ENCODERS)) {
    it(`${name}: any fc.double() values`, () => {
      fc.assert(
        fc.property(chunkArb(fc.double()), ([ts, vs]) => {
          assertRoundTrip(encode, Float64Array.from(ts), Float64Array.from(vs));
        }),
        { numRuns: 300 },
      );
    });

    it(`${name}: any 64-bit pattern (NaN payloads, subnormals, -0)`, () => {
      fc.assert(
        fc.property(chunkArb(patternArb), ([ts, patterns]) => {
          assertRoundTrip(encode, Float64Array.from(ts), fromBitPatterns(patterns));
        }),
        { numRuns: 300 },
      );
    });

    it(`${name}: decimal-origin values mixed with specials`, () => {
      const mixed = fc.oneof(
        { arbitrary: decimalish, weight: 8 },
        { arbitrary: fc.double(), weight: 1 },
        { arbitrary: fc.constantFrom(NaN, -0, Infinity, -Infinity, Number.MAX_VALUE, Number.MIN_VALUE), weight: 1 },
      );
      fc.assert(
        fc.property(chunkArb(mixed), ([ts, vs]) => {
          assertRoundTrip(encode, Float64Array.from(ts), Float64Array.from(vs));
        }),
        { numRuns: 300 },
      );
    });

    it(`${name}: random walks of 0.01 steps (the decimal path with deltas)`, () => {
      const walk = fc.array(fc.integer({ min: -500, max: 500 }), { minLength: 1, maxLength: 800 }).map((steps) => {
        let x = 5000;
        return steps.map((s) => (x += s) / 100);
      });
      fc.assert(
        fc.property(walk, (vs) => {
          const ts = vs.map((_, i) => 1_700_000_000_000 + i * 10_000);
          assertRoundTrip(encode, Float64Array.from(ts), Float64Array.from(vs));
        }),
        { numRuns: 200 },
      );
    });
  }
});

describe('chunk codec edge cases', () => {
  const regular = (n: number) => Array.from({ length: n }, (_, i) => 1_700_000_000_000 + i * 10_000);

  it('empty chunk', () => {
    bothRoundTrip([], []);
    assert.equal(chunkSampleCount(encodeChunk(new Float64Array(0), new Float64Array(0))), 0);
  });

  it('one sample, including each special value', () => {
    for (const v of [0, -0, 1.5, NaN, Infinity, -Infinity, Number.MAX_VALUE, Number.MIN_VALUE, -5e-324]) {
      bothRoundTrip([42], [v]);
    }
  });

  it('duplicate timestamps', () => {
    bothRoundTrip([5, 5, 5, 6, 6, 1000, 1000], [1, 2, 3, 4, 5, 6, 7]);
  });

  it('huge gaps and the ends of the timestamp range', () => {
    bothRoundTrip([0, 1, MAX_TS - 1, MAX_TS, MAX_TS], [1, 2, 3, 4, 5]);
    bothRoundTrip([0, MAX_TS], [0.1, 0.2]);
  });

  it('all-equal values cost (almost) nothing per sample with regular timestamps', () => {
    const n = 720;
    for (const v of [0, 42.5, 1 / 3, NaN]) {
      const bytes = assertRoundTrip(encodeChunk, Float64Array.from(regular(n)), new Float64Array(n).fill(v));
      assert.ok(bytes.length < 120, `${v}: ${bytes.length} bytes`);
    }
  });

  it('alternating signs and -0', () => {
    bothRoundTrip(regular(9), [1, -1, 2, -2, -0, 0, -0, -0.5, 0.5]);
    bothRoundTrip(regular(4), [-0, -0, -0, -0]);
  });

  it('extremes: MAX_VALUE, MIN_VALUE, subnormals, ±Infinity, NaN, integers beyond 2^53', () => {
    bothRoundTrip(regular(10), [
      Number.MAX_VALUE,
      Number.MIN_VALUE,
      -Number.MAX_VALUE,
      2.2250738585072014e-308 / 3,
      Infinity,
      -Infinity,
      NaN,
      2 ** 53 + 2,
      -(2 ** 60),
      0.1 + 0.2,
    ]);
  });

  it('keeps NaN payloads and sign bits', () => {
    const patterns = [0x7ff8000000000000n, 0x7ff0000000000001n, 0xfff8000000000123n, 0x7ff4dead0000beefn];
    bothRoundTrip(regular(4), fromBitPatterns(patterns));
    bothRoundTrip(regular(8), fromBitPatterns([...patterns, ...patterns]));
  });

  it('picks the decimal scheme for decimals, XOR for noisy floats, raw for random bits', () => {
    const n = 240;
    const decimals = Float64Array.from({ length: n }, (_, i) => Math.round(500 + 100 * Math.sin(i / 9)) / 10);
    const noisy = Float64Array.from({ length: n }, (_, i) => 0.5 + Math.sin(i) / 7);
    const random = fromBitPatterns(Array.from({ length: n }, (_, i) => (BigInt(i) * 0x9e3779b97f4a7c15n) % 2n ** 64n));
    const ts = Float64Array.from(regular(n));
    assert.equal(readChunkHeader(assertRoundTrip(encodeChunk, ts, decimals)).scheme, 'decimal');
    assert.equal(readChunkHeader(assertRoundTrip(encodeChunk, ts, noisy)).scheme, 'xor');
    assert.equal(readChunkHeader(assertRoundTrip(encodeChunk, ts, random)).scheme, 'raw');
    assert.equal(readChunkHeader(encodeGorillaChunk(ts, decimals)).scheme, 'gorilla');
  });

  it('never exceeds 8 bytes per value plus the timestamps and a small header', () => {
    fc.assert(
      fc.property(chunkArb(patternArb), ([ts, patterns]) => {
        const bytes = encodeChunk(Float64Array.from(ts), fromBitPatterns(patterns));
        const tsOnly = encodeChunk(Float64Array.from(ts), new Float64Array(ts.length));
        assert.ok(bytes.length <= tsOnly.length + 8 * ts.length + 2);
      }),
    );
  });

  it('rejects bad input with InvalidArgumentError', () => {
    const bad: [number[], number[]][] = [
      [
        [2, 1],
        [0, 0],
      ],
      [[1.5], [0]],
      [[NaN], [0]],
      [[2 ** 50], [0]],
      [[1, 2], [0]],
    ];
    for (const [ts, vs] of bad) {
      for (const encode of Object.values(ENCODERS)) {
        assert.throws(() => encode(Float64Array.from(ts), Float64Array.from(vs)), InvalidArgumentError);
      }
    }
  });

  it('rejects truncated and unknown chunks instead of inventing samples', () => {
    const n = 50;
    const ts = Float64Array.from(regular(n));
    const vs = Float64Array.from({ length: n }, (_, i) => i * 1.25 + Math.sin(i));
    for (const encode of Object.values(ENCODERS)) {
      const bytes = encode(ts, vs);
      for (let len = 0; len < bytes.length; len++) {
        assert.throws(() => decodeChunk(bytes.subarray(0, len)), InvalidArgumentError, `prefix ${len}`);
      }
    }
    assert.throws(() => decodeChunk(Uint8Array.from([99, 0])), InvalidArgumentError);
  });
});

describe('value scheme choice', () => {
  it('the XOR size bound that spares writing the XOR form never exceeds its real size', () => {
    const mixed = fc.oneof(
      { arbitrary: decimalish, weight: 6 },
      { arbitrary: fc.double(), weight: 2 },
      { arbitrary: patternArb.map((p) => fromBitPatterns([p])[0]!), weight: 1 },
      { arbitrary: fc.constantFrom(0, 1, -0, NaN, 12.5), weight: 2 },
    );
    // Runs of one value (1 bit each) and two values alternating (the same XOR each time) make the bound tight.
    const runs = fc
      .array(fc.tuple(mixed, fc.integer({ min: 1, max: 30 })), { minLength: 1, maxLength: 30 })
      .map((parts) => parts.flatMap(([v, n]) => Array.from({ length: n }, () => v)));
    const alternating = fc
      .tuple(mixed, mixed, fc.integer({ min: 1, max: 200 }))
      .map(([a, b, n]) => Array.from({ length: n }, (_, i) => (i % 2 === 0 ? a : b)));
    fc.assert(
      fc.property(fc.oneof(fc.array(mixed, { minLength: 1, maxLength: 400 }), runs, alternating), (vs) => {
        const values = Float64Array.from(vs);
        const w = new BitWriter(16);
        writeXorValues(w, values);
        assert.ok(Math.ceil(xorBitsLowerBound(values) / 8) <= w.finish().length);
      }),
      { numRuns: 500, seed: 13 },
    );
  });
});
