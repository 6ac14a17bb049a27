/**
 * Queries over a head in any state (read through the head's per-series view) are exact: after a
 * random sequence of inserts (late and out-of-order samples, repeats), folds, compactions,
 * retention, series deletions and reopens, every raw, 1h and auto query equals the reference
 * computed from the raw samples themselves (first write wins; retention drops what is older than
 * its cutoff; a deleted series is gone), and so are the counts (the store's total, a retention's
 * preview). Both storage modes.
 */
import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import fc from 'fast-check';
import { TimeSeriesStorage, type MetricQuery, type SeriesResult } from '../storage/src/index.ts';
import { DAY, HOUR, MINUTE, MODES, T0, tempDir } from './support/store.ts';
import { join } from 'node:path';

const METRIC = 'hv_temperature_celsius';
const HOSTS = ['a', 'b', 'c'];
const SPAN_MINUTES = 3 * 24 * 60;
const RETENTION_DAYS = 1;

type Op =
  | { kind: 'insert'; samples: { host: number; minute: number; value: number }[] }
  | { kind: 'fold' }
  | { kind: 'compact' }
  | { kind: 'rollUpAndCompact' }
  | { kind: 'retention'; cutoffDay: number }
  | { kind: 'deleteSeries'; host: number }
  | { kind: 'reopen' };

const sample = fc.record({
  host: fc.integer({ min: 0, max: HOSTS.length - 1 }),
  minute: fc.integer({ min: 0, max: SPAN_MINUTES - 1 }),
  value: fc.integer({ min: -100, max: 100 }),
});
const op: fc.Arbitrary<Op> = fc.oneof(
  {
    weight: 6,
    arbitrary: fc.record({ kind: fc.constant('insert' as const), samples: fc.array(sample, { maxLength: 80 }) }),
  },
  { weight: 1, arbitrary: fc.record({ kind: fc.constant('fold' as const) }) },
  { weight: 1, arbitrary: fc.record({ kind: fc.constant('compact' as const) }) },
  { weight: 1, arbitrary: fc.record({ kind: fc.constant('rollUpAndCompact' as const) }) },
  {
    weight: 1,
    arbitrary: fc.record({ kind: fc.constant('retention' as const), cutoffDay: fc.integer({ min: 1, max: 2 }) }),
  },
  {
    weight: 1,
    arbitrary: fc.record({ kind: fc.constant('deleteSeries' as const), host: fc.integer({ min: 0, max: 2 }) }),
  },
  { weight: 1, arbitrary: fc.record({ kind: fc.constant('reopen' as const) }) },
);

/** The reference: per host, timestamp → value, as the raw samples make it. */
type Reference = Map<string, Map<number, number>>;

async function applyOp(store: TimeSeriesStorage, ref: Reference, o: Op, setClock: (ms: number) => void): Promise<void> {
  if (o.kind === 'insert') {
    await store.insertSamples(
      o.samples.map((s) => ({
        name: METRIC,
        labels: { host: HOSTS[s.host]! },
        timestamp: T0 + s.minute * MINUTE,
        value: s.value,
      })),
    );
    for (const s of o.samples) {
      const own = ref.get(HOSTS[s.host]!) ?? new Map<number, number>();
      ref.set(HOSTS[s.host]!, own);
      const ts = T0 + s.minute * MINUTE;
      if (!own.has(ts)) own.set(ts, s.value);
    }
  } else if (o.kind === 'fold') {
    await store.aggregate('1m');
  } else if (o.kind === 'compact') {
    await store.compact();
  } else if (o.kind === 'rollUpAndCompact') {
    await store.rollUpAndCompact();
  } else if (o.kind === 'retention') {
    // A day-aligned cutoff: no bucket of any interval straddles it.
    const cutoff = T0 + o.cutoffDay * DAY;
    setClock(cutoff + RETENTION_DAYS * DAY);
    await store.applyRetention();
    for (const own of ref.values()) for (const ts of own.keys()) if (ts < cutoff) own.delete(ts);
  } else if (o.kind === 'deleteSeries') {
    store.deleteSeries({ metricName: METRIC, labels: { host: HOSTS[o.host]! } });
    ref.delete(HOSTS[o.host]!);
  }
}

/** The reference's answer: raw points, or buckets of `width` (every sample of a bucket overlapping the range). */
function expected(ref: Reference, host: string, start: number, end: number, width: number | undefined): object[] {
  const own = [...(ref.get(host) ?? new Map<number, number>())].sort((a, b) => a[0] - b[0]);
  if (width === undefined)
    return own.filter(([ts]) => ts >= start && ts < end).map(([timestamp, value]) => ({ timestamp, value }));
  const [from, to] = [Math.floor(start / width), Math.floor((end - 1) / width)];
  const buckets = new Map<number, number[]>();
  for (const [ts, value] of own) {
    const slot = Math.floor(ts / width);
    if (slot >= from && slot <= to) buckets.set(slot, [...(buckets.get(slot) ?? []), value]);
  }
  return [...buckets].map(([slot, values]) => {
    const sum = values.reduce((a, b) => a + b, 0);
    return {
      timestamp: slot * width,
      value: sum / values.length,
      count: values.length,
      sum,
      min: Math.min(...values),
      max: Math.max(...values),
    };
  });
}

const WIDTH: Record<string, number | undefined> = {
  raw: undefined,
  '1m': MINUTE,
  '5m': 5 * MINUTE,
  '1h': HOUR,
  '1d': DAY,
};

/** What 'auto' picks, computed from the reference: raw when every series fits maxPoints, else the finest interval whose buckets do. */
function autoResolution(ref: Reference, hosts: string[], start: number, end: number, maxPoints: number): string {
  const inRange = (host: string) => [...(ref.get(host)?.keys() ?? [])].filter((ts) => ts >= start && ts < end).length;
  if (hosts.every((host) => inRange(host) <= maxPoints)) return 'raw';
  const slots = (width: number) => Math.floor((end - 1) / width) - Math.floor(start / width) + 1;
  return ['1m', '5m', '1h', '1d'].find((i) => slots(WIDTH[i]!) <= maxPoints) ?? '1d';
}

function checkQueries(store: TimeSeriesStorage, ref: Reference, ranges: [number, number][]): void {
  for (const [startMinute, length] of ranges) {
    const start = T0 + startMinute * MINUTE;
    const end = start + length * MINUTE;
    const queries: MetricQuery[] = [
      { metricName: METRIC, start, end, aggregation: 'raw' },
      { metricName: METRIC, labels: { host: 'b' }, start, end, aggregation: 'raw' },
      { metricName: METRIC, start, end, aggregation: '1h' },
      { metricName: METRIC, start, end, aggregation: 'auto', maxPoints: 40 },
    ];
    for (const q of queries) {
      const got = store.queryMetrics(q).filter((s: SeriesResult) => s.points.length > 0);
      const hosts = HOSTS.filter((h) => q.labels === undefined || q.labels['host'] === h);
      const resolution =
        q.aggregation === 'auto' ? autoResolution(ref, hosts, start, end, q.maxPoints!) : q.aggregation!;
      for (const s of got) assert.equal(s.resolution, resolution, `${JSON.stringify(q)}: its resolution`);
      const want = hosts
        .map((host) => ({ host, points: expected(ref, host, start, end, WIDTH[resolution]) }))
        .filter((s) => s.points.length > 0);
      assert.deepEqual(
        got.map((s) => ({ host: s.labels['host'], points: s.points })).sort((a, b) => a.host!.localeCompare(b.host!)),
        want,
        `${JSON.stringify(q)} at ${resolution}`,
      );
    }
  }
}

/** The counts: the store's total, and what a retention would delete at a few times, equal the reference's. */
function checkCounts(store: TimeSeriesStorage, ref: Reference, previewAt: (ms: number) => void): void {
  const all = [...ref.values()].flatMap((own) => [...own.keys()]);
  assert.equal(store.getStats().samples, all.length, 'samples stored');
  for (const [days, now] of [
    [1, T0 + 2 * DAY],
    [1, T0 + 2 * DAY + 7 * HOUR],
    [2, T0 + 4 * DAY],
  ] as const) {
    previewAt(now);
    const preview = store.previewRetention(days);
    assert.equal(preview.cutoff, now - days * DAY, 'the cutoff');
    const before = all.filter((ts) => ts < preview.cutoff);
    const span = { samples: before.length, from: null as number | null, to: null as number | null };
    if (before.length > 0) [span.from, span.to] = [Math.min(...before), Math.max(...before)];
    assert.deepEqual({ samples: preview.samples, from: preview.from, to: preview.to }, span, `preview of ${days} days`);
  }
}

describe('queries over a head in any state', () => {
  for (const mode of MODES) {
    it(`equal the reference computed from the raw samples (${mode.name})`, async () => {
      const { dir, cleanup } = tempDir('head-view-');
      try {
        let run = 0;
        await fc.assert(
          fc.asyncProperty(
            fc.array(op, { minLength: 1, maxLength: 10 }),
            fc.array(
              fc.tuple(fc.integer({ min: -60, max: SPAN_MINUTES }), fc.integer({ min: 1, max: SPAN_MINUTES + 120 })),
              { minLength: 1, maxLength: 3 },
            ),
            async (ops, ranges) => {
              let clock = T0;
              const config = {
                dbPath: join(dir, `run-${run++}.db`),
                enableCompression: mode.enableCompression,
                retentionDays: RETENTION_DAYS,
                autoMaintenance: false as const,
                now: () => clock,
              };
              let store = new TimeSeriesStorage(config);
              const ref: Reference = new Map();
              try {
                for (const o of ops) {
                  if (o.kind === 'reopen') {
                    store.close();
                    store = new TimeSeriesStorage(config);
                  } else {
                    await applyOp(store, ref, o, (ms) => (clock = ms));
                  }
                  checkQueries(store, ref, ranges);
                  const now = clock;
                  checkCounts(store, ref, (ms) => (clock = ms));
                  clock = now;
                }
              } finally {
                store.close();
              }
            },
          ),
          { seed: 1313, numRuns: 25 },
        );
      } finally {
        cleanup();
      }
    });
  }
});
