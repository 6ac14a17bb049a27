/**
 * The `le` of a histogram bucket (bucket-bound.ts), as properties: every finite float64 written the
 * way JavaScript or Go's %g writes it reads back as itself; "+Inf" (and Go's other spellings of
 * positive infinity) is +Infinity; and any text accepted is a number's plain decimal spelling or
 * such an infinity (never NaN, a negative infinity, padded, hex or empty).
 */
import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import fc from 'fast-check';
import { bucketBound } from '../src/metrics/bucket-bound.ts';

const RUNS = { seed: 20_261_130, numRuns: 2_000 };
const finite = fc.double({ noNaN: true, noDefaultInfinity: true });

describe('bucketBound', () => {
  it('reads back every finite float64 as written by String, toExponential and toPrecision', () => {
    fc.assert(
      fc.property(finite, (x) => {
        // (=== rather than assert.equal: the sign of a zero is not part of a bound.)
        for (const text of [String(x), x.toExponential(), x.toPrecision(17)]) {
          assert.ok(bucketBound(text) === Number(text), text);
        }
        assert.ok(bucketBound(String(x)) === x, String(x));
      }),
      RUNS,
    );
    assert.equal(bucketBound('+Inf'), Infinity);
  });

  it('accepts only a finite number spelled plainly, or positive infinity as Go spells it', () => {
    const texts = fc.oneof(
      fc.string(),
      fc.constantFrom('NaN', 'Inf', '-Inf', 'inf', 'Infinity', '0x1f', '0b1', '1_000', ' 1', '1\n', '', '1e999'),
      finite.map((x) => `${String(x)}${'x'}`),
    );
    fc.assert(
      fc.property(texts, (text) => {
        const bound = bucketBound(text);
        if (bound === undefined) return;
        const infinite = /^\+?inf(inity)?$/i.test(text);
        assert.ok(infinite || Number.isFinite(bound), text);
        assert.equal(text.trim(), text);
        assert.match(text, /^(\+?inf(inity)?|[+-]?[0-9.]+([eE][+-]?[0-9]+)?)$/i);
        assert.ok(bound === (infinite ? Infinity : Number(text)), text);
      }),
      RUNS,
    );
  });
});
