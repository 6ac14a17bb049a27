/**
 * Bucket arithmetic shared by rollups, queries and rebuilds: the mergeable summary of a bucket's
 * samples (slot = floor(ts / width), UTC-aligned) that lets buckets be merged exactly.
 *
 * Besides count/sum/min/max, a summary keeps what counter functions need: its first and last
 * samples (time and value) and `inc`, the counter increase over consecutive pairs of its own
 * samples. Two summaries whose samples do not interleave in time merge exactly (a monoid): the
 * earlier's inc + the later's inc + the increase from the earlier's last value to the later's
 * first. When they interleave (a late sample landing between two already summarised) count, sum,
 * min, max, first and last still merge exactly but the increase is unknown: NaN (NULL in a rollup
 * table), until the bucket is recomputed from its raw samples.
 *
 * A sum is a float64 that saturates: past the float64 range it is +Infinity or -Infinity, and once
 * sums that overflowed both ways meet (+Infinity + -Infinity, NaN in IEEE arithmetic, which SQLite
 * would store as NULL) it is +Infinity: its size is beyond float64 and its sign unknown. Every place
 * that adds sums (here, and the SQL of the rollups and views) goes through addSums / sqlSum.
 */

/** A bucket's summary without its series (the series is the map key around it). */
export interface Summary {
  count: number;
  sum: number;
  min: number;
  max: number;
  firstTs: number;
  first: number;
  lastTs: number;
  last: number;
  /** Counter increase over consecutive pairs of the bucket's own samples; NaN when unknown (see above). */
  inc: number;
}

/** The sum a bucket holds once sums that overflowed in both directions meet. */
export const OVERFLOWED_SUM = Number.POSITIVE_INFINITY;

/** a + b, saturating: never NaN (see OVERFLOWED_SUM). */
export function addSums(a: number, b: number): number {
  const sum = a + b;
  return Number.isNaN(sum) ? OVERFLOWED_SUM : sum;
}

/** A SQL sum expression made NaN-free as addSums is (SQLite turns NaN into NULL; 9e999 is +Infinity there). */
export function sqlSum(expression: string): string {
  return `COALESCE(${expression}, 9e999)`;
}

/** The increase from one counter value to the next: the difference, or the new value after a reset. */
export function counterIncrease(previous: number, current: number): number {
  return current >= previous ? current - previous : current;
}

/** counterIncrease in SQL, over two SQL expressions. */
export function sqlCounterIncrease(previous: string, current: string): string {
  return `CASE WHEN ${current} >= ${previous} THEN ${current} - ${previous} ELSE ${current} END`;
}

export function summaryOf(ts: number, value: number): Summary {
  return { count: 1, sum: value, min: value, max: value, firstTs: ts, first: value, lastTs: ts, last: value, inc: 0 };
}

/** Folds `b` into `a` in place (the increase NaN when their samples interleave in time). */
export function mergeInto(a: Summary, b: Summary): void {
  if (b.firstTs > a.lastTs) a.inc = a.inc + b.inc + counterIncrease(a.last, b.first);
  else if (b.lastTs < a.firstTs) a.inc = b.inc + a.inc + counterIncrease(b.last, a.first);
  else a.inc = Number.NaN;
  if (b.firstTs < a.firstTs) [a.firstTs, a.first] = [b.firstTs, b.first];
  if (b.lastTs > a.lastTs) [a.lastTs, a.last] = [b.lastTs, b.last];
  a.count += b.count;
  a.sum = addSums(a.sum, b.sum);
  if (b.min < a.min) a.min = b.min;
  if (b.max > a.max) a.max = b.max;
}

/** Summaries keyed by slot, for one series. */
export type SlotSummaries = Map<number, Summary>;

/** Adds a sample to its slot's summary (cheapest when it comes after the samples already there). */
export function accumulate(into: SlotSummaries, slot: number, ts: number, value: number): void {
  const acc = into.get(slot);
  if (acc) addSample(acc, ts, value);
  else into.set(slot, summaryOf(ts, value));
}

/** Adds a sample of its bucket to a summary. */
function addSample(acc: Summary, ts: number, value: number): void {
  if (ts <= acc.lastTs) {
    mergeInto(acc, summaryOf(ts, value));
    return;
  }
  acc.inc += counterIncrease(acc.last, value);
  acc.lastTs = ts;
  acc.last = value;
  acc.count += 1;
  acc.sum = addSums(acc.sum, value);
  if (value < acc.min) acc.min = value;
  if (value > acc.max) acc.max = value;
}

/** The summaries of ascending samples, by slot of `width` (a slot is looked up once per run of its samples). */
export function summarize(ts: ArrayLike<number>, values: ArrayLike<number>, width: number): SlotSummaries {
  const out: SlotSummaries = new Map();
  let slot = Number.NaN;
  let acc: Summary | undefined;
  for (let i = 0; i < ts.length; i++) {
    const t = ts[i]!;
    const value = values[i]!;
    const s = Math.floor(t / width);
    if (s !== slot || acc === undefined) {
      slot = s;
      acc = out.get(s);
      if (acc === undefined) {
        out.set(s, (acc = summaryOf(t, value)));
        continue;
      }
    }
    addSample(acc, t, value);
  }
  return out;
}
