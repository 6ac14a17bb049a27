/**
 * Counter functions: `increase` and `rate` (per second) of one counter series, at a resolution.
 *
 * Semantics (Prometheus' reset rule, without its extrapolation): the increase between two
 * consecutive samples is their difference, or the later value when the counter went down (it
 * restarted from 0); it belongs to the later sample. At raw resolution each sample that has a
 * predecessor (however long before) gets a point: that increase, or it divided by the seconds
 * since the predecessor. At an interval, each aligned bucket overlapping [start, end) that holds
 * a sample gets a point: the sum of its samples' increases (the series' very first sample adds
 * 0), or that divided by the bucket's width in seconds. So a bucket's increase is the sum of its
 * finer buckets' increases, exactly.
 *
 * Served from the rollups: a bucket's summary holds the increase inside it and its first and last
 * values (rollup/bucket-math.ts), so its increase is that inner increase plus the increase from the
 * last sample before the bucket (looked up once, before the first bucket; then the previous
 * bucket's last) to its first. Raw resolution reads only [start, end) and that one predecessor.
 */
import { counterIncrease } from '../rollup/bucket-math.ts';
import { INTERVAL_MS, type Point, type Resolution } from '../types.ts';
import { readRaw, readSlots, type QueryContext } from './query.ts';

export type CounterFunction = 'rate' | 'increase';

/** The series' last raw sample (tier or head) before `before`, if any. */
export function lastSampleBefore(ctx: QueryContext, seriesId: number, before: number): Point | undefined {
  const stored = ctx.tier.lastBefore(seriesId, before);
  const last = ctx.head.lastBefore(seriesId, before, stored?.ts ?? Number.NEGATIVE_INFINITY) ?? stored;
  return last && { timestamp: last.ts, value: last.value };
}

/** The points of `fn` over one counter series in [start, end) at `resolution`. */
export function counterPoints(
  ctx: QueryContext,
  seriesId: number,
  resolution: Resolution,
  start: number,
  end: number,
  fn: CounterFunction,
): Point[] {
  if (resolution === 'raw') {
    const previous = lastSampleBefore(ctx, seriesId, start);
    const samples = readRaw(ctx, seriesId, start, end);
    return counterPointsFromRaw(previous ? [previous, ...samples] : samples, resolution, start, end, fn);
  }
  const width = INTERVAL_MS[resolution];
  let previous = lastSampleBefore(ctx, seriesId, Math.floor(start / width) * width)?.value;
  return readSlots(ctx, resolution, seriesId, start, end, true).map(([slot, s]) => {
    const increase = s.inc + (previous === undefined ? 0 : counterIncrease(previous, s.first));
    previous = s.last;
    return { timestamp: slot * width, value: fn === 'rate' ? increase / (width / 1000) : increase };
  });
}

/**
 * The same from every raw sample of the series up to `end`, by time: the direct computation the
 * rollup-served one must equal (and the reference the tests compare it with).
 */
export function counterPointsFromRaw(
  samples: readonly Point[],
  resolution: Resolution,
  start: number,
  end: number,
  fn: CounterFunction,
): Point[] {
  if (resolution === 'raw') {
    const points: Point[] = [];
    for (let i = 1; i < samples.length; i++) {
      const { timestamp, value } = samples[i]!;
      if (timestamp < start || timestamp >= end) continue;
      const previous = samples[i - 1]!;
      const increase = counterIncrease(previous.value, value);
      points.push({
        timestamp,
        value: fn === 'rate' ? increase / ((timestamp - previous.timestamp) / 1000) : increase,
      });
    }
    return points;
  }
  const width = INTERVAL_MS[resolution];
  const [from, to] = [Math.floor(start / width) * width, Math.ceil(end / width) * width];
  const increases = new Map<number, number>();
  samples.forEach(({ timestamp, value }, i) => {
    if (timestamp < from || timestamp >= to) return;
    const bucket = Math.floor(timestamp / width) * width;
    const increase = i === 0 ? 0 : counterIncrease(samples[i - 1]!.value, value);
    increases.set(bucket, (increases.get(bucket) ?? 0) + increase);
  });
  return [...increases]
    .sort(([a], [b]) => a - b)
    .map(([timestamp, increase]) => ({ timestamp, value: fn === 'rate' ? increase / (width / 1000) : increase }));
}
