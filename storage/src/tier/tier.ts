/**
 * The tier: where compacted samples live, one series at a time, ordered by time. Two
 * implementations share this contract: `RowTier` (one row per sample, `enableCompression: false`)
 * and `ChunkTier` (compressed per-series chunks, the default).
 */

/** Samples of one series, ascending by time, in two parallel arrays. */
export interface SeriesSamples {
  ts: number[];
  values: number[];
}

/** One sample. */
export interface Sample {
  ts: number;
  value: number;
}

/** How many samples, and the oldest and newest of their timestamps (null when none). */
export interface SampleSpan {
  samples: number;
  oldest: number | null;
  newest: number | null;
}

/** The samples of two spans together (the tier's and the head's). */
export function mergeSpans(a: SampleSpan, b: SampleSpan): SampleSpan {
  const pick = (x: number | null, y: number | null, f: (p: number, q: number) => number): number | null =>
    x === null ? y : y === null ? x : f(x, y);
  return {
    samples: a.samples + b.samples,
    oldest: pick(a.oldest, b.oldest, Math.min),
    newest: pick(a.newest, b.newest, Math.max),
  };
}

export interface Tier {
  /** Adds samples (ascending, none already stored) to a series. */
  insert(seriesId: number, ts: ArrayLike<number>, values: ArrayLike<number>): void;
  /** Samples with start <= ts < end, ascending. */
  read(seriesId: number, start: number, end: number): SeriesSamples;
  contains(seriesId: number, ts: number): boolean;
  /** Samples with start <= ts < end, counting no further than `limit`. */
  count(seriesId: number, start: number, end: number, limit: number): number;
  /** Deletes the given series' samples with ts < cutoff; returns how many. */
  deleteBefore(seriesIds: readonly number[], cutoff: number): number;
  /** Deletes every sample of a series; returns how many. */
  deleteSeries(seriesId: number): number;
  /**
   * Where the series' next samples at or after `from` begin: a time no earlier than `from` and no
   * later than the first such sample (undefined when there is none), found without decoding.
   */
  next(seriesId: number, from: number): number | undefined;
  latest(seriesId: number): number | undefined;
  /** The series' last sample with ts < before, if any. */
  lastBefore(seriesId: number, before: number): Sample | undefined;
  /** Total samples, and the oldest and newest timestamps, over every series. */
  totals(): SampleSpan;
  /** Samples older than the cutoff, with the oldest and newest of them. */
  countBefore(cutoff: number): SampleSpan;
}
