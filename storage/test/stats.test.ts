/**
 * Baseline statistics against hand-derived values (numpy's default quantile method, R type 7) and
 * against an exact integer computation (BigInt sums) for mean and population variance.
 */

import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import fc from 'fast-check';
import { InvalidArgumentError } from '../src/errors.ts';
import { mean, populationStddev, quantile, quantileSorted, summarize } from '../src/baselines/stats.ts';

function close(actual: number, expected: number, tolerance = 1e-12): void {
  assert.ok(Math.abs(actual - expected) <= tolerance * Math.max(1, Math.abs(expected)), `${actual} != ${expected}`);
}

describe('summarize', () => {
  it('matches hand-computed values for [1, 2, 3, 4]', () => {
    // mean 2.5; population variance ((1.5^2 + 0.5^2) * 2) / 4 = 1.25
    // type 7: h = 3q -> p50: h = 1.5 -> 2 + 0.5 * 1 = 2.5; p95: h = 2.85 -> 3.85; p99: h = 2.97 -> 3.97
    const s = summarize(Float64Array.of(4, 1, 3, 2));
    assert.equal(s.count, 4);
    close(s.mean, 2.5);
    close(s.stddev, Math.sqrt(1.25));
    close(s.p50, 2.5);
    close(s.p95, 3.85);
    close(s.p99, 3.97);
  });

  it('matches hand-computed values for 1..100', () => {
    // population stddev of 1..n is sqrt((n^2 - 1) / 12) = sqrt(833.25)
    // type 7: h = 99q -> p50: h = 49.5 -> 50.5; p95: h = 94.05 -> 95.05; p99: h = 98.01 -> 99.01
    const values = Float64Array.from({ length: 100 }, (_, i) => 100 - i);
    const s = summarize(values);
    close(s.mean, 50.5);
    close(s.stddev, Math.sqrt(833.25));
    close(s.p50, 50.5);
    close(s.p95, 95.05);
    close(s.p99, 99.01);
  });

  it('gives the value itself and zero spread for one value', () => {
    assert.deepEqual(summarize(Float64Array.of(-7.25)), {
      count: 1,
      mean: -7.25,
      stddev: 0,
      p50: -7.25,
      p95: -7.25,
      p99: -7.25,
    });
  });

  it('stays accurate when all values share a large offset', () => {
    // deviations -6, -3, 3, 6 -> variance (36 + 9 + 9 + 36) / 4 = 22.5; a naive sum of squares
    // (values ~1e18) loses every digit of this.
    const s = summarize(Float64Array.of(1e9 + 4, 1e9 + 7, 1e9 + 13, 1e9 + 16));
    close(s.mean, 1e9 + 10);
    close(s.stddev, Math.sqrt(22.5), 1e-9);
  });

  it('stays finite and right at the edges of float64 (a client may record Number.MAX_VALUE)', () => {
    const M = Number.MAX_VALUE;
    const s = summarize(Float64Array.of(M, M, -M, -M));
    assert.equal(s.mean, 0);
    close(s.stddev, M, 1e-15);
    assert.equal(s.p50, 0);
    assert.equal(s.p95, M);
    close(quantileSorted(Float64Array.of(-M, M), 0.75), M / 2, 1e-15);
    const high = summarize(Float64Array.of(M, M, M));
    assert.deepEqual([high.mean, high.stddev, high.p99], [M, 0, M]);
    const wide = summarize(Float64Array.of(M, -M));
    assert.equal(wide.mean, 0);
    close(wide.stddev, M, 1e-15);
    for (const value of Object.values(summarize(Float64Array.of(M, 1e308, -1e-308, 0)))) {
      assert.ok(Number.isFinite(value), `${value} is finite`);
    }
  });

  it('does not reorder its input', () => {
    const values = Float64Array.of(3, 1, 2);
    summarize(values);
    quantile(values, 0.5);
    assert.deepEqual([...values], [3, 1, 2]);
  });

  it('rejects an empty input', () => {
    assert.throws(() => summarize(new Float64Array()), InvalidArgumentError);
    assert.throws(() => mean(new Float64Array()), InvalidArgumentError);
    assert.throws(() => quantile(new Float64Array(), 0.5), InvalidArgumentError);
  });
});

describe('quantile', () => {
  it('interpolates between closest ranks of an unsorted input', () => {
    // sorted [0, 5, 10]; h = 2q -> p95: h = 1.9 -> 5 + 0.9 * 5 = 9.5; p99: h = 1.98 -> 9.9
    const values = Float64Array.of(10, 0, 5);
    close(quantile(values, 0.95), 9.5);
    close(quantile(values, 0.99), 9.9);
    assert.equal(quantile(values, 0), 0);
    assert.equal(quantile(values, 1), 10);
  });

  it('rejects q outside [0, 1]', () => {
    for (const q of [-0.1, 1.1, Number.NaN]) {
      assert.throws(() => quantile(Float64Array.of(1, 2), q), InvalidArgumentError);
    }
  });

  it('hits the k-th order statistic exactly at q = k / (n - 1) and is monotone in q', () => {
    fc.assert(
      fc.property(
        fc.array(fc.double({ min: -1e6, max: 1e6, noNaN: true }), { minLength: 2, maxLength: 50 }),
        (list) => {
          const sorted = Float64Array.from(list).sort();
          const n = sorted.length;
          for (let k = 0; k < n; k++) assert.equal(quantileSorted(sorted, k / (n - 1)), sorted[k]);
          let previous = -Infinity;
          for (let q = 0; q <= 1; q += 0.01) {
            const value = quantileSorted(sorted, q);
            assert.ok(value >= previous && value >= (sorted[0] as number) && value <= (sorted[n - 1] as number));
            previous = value;
          }
        },
      ),
    );
  });
});

describe('mean and population stddev', () => {
  it('agree with an exact integer computation', () => {
    fc.assert(
      fc.property(
        fc.array(fc.integer({ min: -1_000_000, max: 1_000_000 }), { minLength: 1, maxLength: 200 }),
        (list) => {
          // exact: mean = S / n, population variance = (n * Q - S^2) / n^2 with S = sum, Q = sum of squares
          const n = BigInt(list.length);
          const sum = list.reduce((acc, x) => acc + BigInt(x), 0n);
          const squares = list.reduce((acc, x) => acc + BigInt(x) * BigInt(x), 0n);
          const exactMean = Number(sum) / list.length;
          const exactVariance = Number(n * squares - sum * sum) / Number(n * n);
          const values = Float64Array.from(list);
          close(mean(values), exactMean, 1e-9);
          close(populationStddev(values) ** 2, exactVariance, 1e-9);
        },
      ),
    );
  });
});
