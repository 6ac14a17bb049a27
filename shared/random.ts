/**
 * The seeded PRNG used for synthetic data: the demo history, the benchmark workload and the tests.
 * mulberry32: a tiny, fast, well-mixed 32-bit generator returning floats uniform in [0, 1). The
 * sequence for a given seed is fixed: tests and the e2e fixtures depend on it, so do not change it.
 */

/** A source of floats in [0, 1). */
export type Random = () => number;

/** A mulberry32 generator for `seed` (taken as an unsigned 32-bit integer). */
export function seededRandom(seed: number): Random {
  let state = seed >>> 0;
  return () => {
    state = (state + 0x6d2b79f5) >>> 0;
    let t = state;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4_294_967_296;
  };
}
