/**
 * Ingest: bulk inserts land exactly, label order does not split a series, repeats are ignored,
 * and every kind of bad input is rejected with a typed error naming the sample, storing nothing.
 */
import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import Database from 'better-sqlite3';
import fc from 'fast-check';
import {
  CardinalityLimitError,
  InvalidArgumentError,
  InvalidSampleError,
  type MetricSample,
} from '../storage/src/index.ts';
import { MODES, T0, openStore, regularSamples } from './support/store.ts';

function rawCount(dbPath: string): number {
  const db = new Database(dbPath, { readonly: true });
  try {
    return db.prepare('SELECT COUNT(*) FROM metrics_raw').pluck().get() as number;
  } finally {
    db.close();
  }
}

for (const mode of MODES) {
  describe(`ingest (${mode.name})`, () => {
    it('stores a bulk insert exactly and reads it back', async () => {
      const s = openStore({ enableCompression: mode.enableCompression });
      try {
        const series = Array.from({ length: 20 }, (_, k) => ({ name: 'cpu', labels: { host: `h${k}` } }));
        const samples = regularSamples(series, T0, 500, 10_000, (k, i) => k * 1000 + i + 0.25);
        for (let i = 0; i < samples.length; i += 1000) {
          assert.equal(await s.store.insertSamples(samples.slice(i, i + 1000)), Math.min(1000, samples.length - i));
        }
        const result = s.store.queryMetrics({
          metricName: 'cpu',
          start: T0,
          end: T0 + 500 * 10_000,
          aggregation: 'raw',
        });
        assert.equal(result.length, 20);
        for (const r of result) {
          const k = Number(r.labels.host!.slice(1));
          assert.equal(r.points.length, 500);
          r.points.forEach((p, i) => {
            assert.equal(p.timestamp, T0 + i * 10_000);
            assert.equal(p.value, k * 1000 + i + 0.25);
          });
        }
        assert.equal(rawCount(s.dbPath), 10_000);
      } finally {
        s.cleanup();
      }
    });

    it('treats label key order and empty label values as the same series', async () => {
      const s = openStore({ enableCompression: mode.enableCompression });
      try {
        await s.store.insertSamples([
          { name: 'm', value: 1, timestamp: T0, labels: { a: '1', b: '2' } },
          { name: 'm', value: 2, timestamp: T0 + 1, labels: { b: '2', a: '1' } },
          { name: 'm', value: 3, timestamp: T0 + 2, labels: { b: '2', a: '1', c: '' } },
        ]);
        assert.deepEqual(s.store.listMetrics(), [{ name: 'm', type: 'unknown', seriesCount: 1 }]);
        const [series] = s.store.queryMetrics({ metricName: 'm', start: T0, end: T0 + 10, aggregation: 'raw' });
        assert.deepEqual(series!.labels, { a: '1', b: '2' });
        assert.deepEqual(
          series!.points.map((p) => p.value),
          [1, 2, 3],
        );
      } finally {
        s.cleanup();
      }
    });

    it('puts each sample in the series of its labels, whatever key order, prefix, empty value or reused object', async () => {
      // A fresh labels object, or the one of the same position in the previous batch changed, in any key order.
      const labelSet = fc.array(fc.tuple(fc.constantFrom('a', 'b', 'c', 'toString'), fc.constantFrom('', 'x', 'y')), {
        maxLength: 4,
      });
      const sample = fc.record({ name: fc.constantFrom('m', 'n'), pairs: labelSet, reuse: fc.boolean() });
      let run = 0;
      await fc.assert(
        fc.asyncProperty(
          fc.array(fc.array(sample, { maxLength: 30 }), { minLength: 1, maxLength: 4 }),
          async (batches) => {
            const s = openStore({ enableCompression: mode.enableCompression, autoMaintenance: false });
            try {
              const expected = new Map<string, number[]>();
              const previous: Record<string, string>[] = [];
              let ts = T0 + run++;
              for (const batch of batches) {
                const samples: MetricSample[] = batch.map(({ name, pairs, reuse }, i) => {
                  const labels = reuse ? (previous[i] ?? {}) : {};
                  for (const key of Object.keys(labels)) delete labels[key];
                  previous[i] = labels;
                  for (const [key, value] of pairs) labels[key] = value;
                  // The series independently: sorted keys, empty values dropped.
                  const canonical = Object.entries(labels)
                    .filter(([, value]) => value !== '')
                    .sort(([a], [b]) => (a < b ? -1 : 1));
                  const key = `${name} ${JSON.stringify(canonical)}`;
                  ts += 1000;
                  expected.set(key, [...(expected.get(key) ?? []), ts]);
                  return { name, value: 1, timestamp: ts, labels };
                });
                await s.store.insertSamples(samples);
              }
              const got = new Map<string, number[]>();
              for (const name of ['m', 'n']) {
                for (const series of s.store.queryMetrics({
                  metricName: name,
                  start: T0,
                  end: ts + 1,
                  aggregation: 'raw',
                })) {
                  const canonical = Object.entries(series.labels).sort(([a], [b]) => (a < b ? -1 : 1));
                  got.set(
                    `${name} ${JSON.stringify(canonical)}`,
                    series.points.map((p) => p.timestamp),
                  );
                }
              }
              assert.deepEqual(got, expected);
            } finally {
              s.cleanup();
            }
          },
        ),
        { seed: 1319, numRuns: 30 },
      );
    });

    it('ignores a sample whose series and timestamp are already stored, before and after compaction', async () => {
      const s = openStore({ enableCompression: mode.enableCompression });
      try {
        const batch = regularSamples([{ name: 'm' }], T0, 100, 1000, (_, i) => i);
        assert.equal(await s.store.insertSamples(batch), 100);
        assert.equal(await s.store.insertSamples(batch), 0, 'a retried batch stores nothing');
        for (const i of s.store.intervals) await s.store.aggregate(i);
        await s.store.compact();
        const changed = batch.map((x) => ({ ...x, value: x.value + 1 }));
        assert.equal(await s.store.insertSamples([...changed, { name: 'm', value: 7, timestamp: T0 + 100_000 }]), 1);
        const [r] = s.store.queryMetrics({ metricName: 'm', start: T0, end: T0 + 200_000, aggregation: 'raw' });
        assert.equal(r!.points.length, 101);
        assert.equal(r!.points[5]!.value, 5, 'the first write wins');
        assert.equal(await s.store.insertSamples([batch[0]!, batch[0]!]), 0);
      } finally {
        s.cleanup();
      }
    });

    it('ignores repeats of a series whose head rows are out of time order, however many checks', async () => {
      const s = openStore({ enableCompression: mode.enableCompression });
      try {
        // Shuffled (a fixed permutation): most samples are late, and the head's rows of the series are out of order.
        const n = 600;
        const order = Array.from({ length: n }, (_, i) => (i * 241) % n);
        const batch = order.map((i) => ({ name: 'late', value: i, timestamp: T0 + i * 1000 }));
        assert.equal(await s.store.insertSamples(batch), n);
        // Each repeat is checked one at a time (more checks than scans before the series is sorted), then all at once.
        for (const sample of batch) assert.equal(await s.store.insertSamples([{ ...sample, value: -1 }]), 0);
        assert.equal(await s.store.insertSamples(batch.map((x) => ({ ...x, value: -2 }))), 0);
        const fresh = { name: 'late', value: 0.5, timestamp: T0 + 500 };
        assert.equal(await s.store.insertSamples([fresh, fresh]), 1, 'a new late sample is stored once');
        const [r] = s.store.queryMetrics({ metricName: 'late', start: T0, end: T0 + n * 1000, aggregation: 'raw' });
        const expected = [...batch, fresh]
          .map(({ timestamp, value }) => ({ timestamp, value }))
          .sort((a, b) => a.timestamp - b.timestamp);
        assert.deepEqual(r!.points, expected, 'the first write wins');
      } finally {
        s.cleanup();
      }
    });

    it('rejects each kind of bad sample with its index and reason, storing none of the batch', async () => {
      const s = openStore({ enableCompression: mode.enableCompression, maxLabelsPerSeries: 3 });
      try {
        await s.store.insertSamples([{ name: 'ok', value: 1, timestamp: T0 }]);
        const good: MetricSample = { name: 'm', value: 1, timestamp: T0 + 1, labels: { a: 'x' } };
        const bad: [unknown, RegExp][] = [
          [{ ...good, value: Number.NaN }, /finite/],
          [{ ...good, value: Number.POSITIVE_INFINITY }, /finite/],
          [{ ...good, value: '1' }, /finite number/],
          [{ ...good, timestamp: 1.5 }, /integer/],
          [{ ...good, timestamp: -1 }, /out of range/],
          [{ ...good, timestamp: 1e16 }, /out of range/],
          [{ ...good, name: '' }, /empty/],
          [{ ...good, name: 'x'.repeat(201) }, /longer than 200/],
          [{ ...good, name: 'has space' }, /must match/],
          [{ ...good, labels: { a: 1 } }, /number value/],
          [{ ...good, labels: { a: null } }, /null value/],
          [{ ...good, labels: { 'bad-name': 'x' } }, /label name/],
          [{ ...good, labels: { __reserved: 'x' } }, /label name/],
          [{ ...good, labels: { a: '1', b: '2', c: '3', d: '4' } }, /more than the limit of 3/],
          [{ ...good, labels: ['x'] }, /labels must be an object/],
          [null, /not an object/],
        ];
        for (const [sample, reason] of bad) {
          const batch = [good, { ...good, timestamp: T0 + 2 }, sample] as MetricSample[];
          await assert.rejects(s.store.insertSamples(batch), (err: unknown) => {
            assert.ok(err instanceof InvalidSampleError, `typed error for ${JSON.stringify(sample)}`);
            assert.equal(err.code, 'INVALID_SAMPLE');
            assert.equal(err.index, 2);
            assert.match(err.reason, reason);
            return true;
          });
        }
        await assert.rejects(s.store.insertSamples('nope' as never), InvalidArgumentError);
        assert.equal(rawCount(s.dbPath), 1, 'nothing of a rejected batch was stored');
        assert.deepEqual(
          s.store.listMetrics().map((m) => m.name),
          ['ok'],
          'no series was created',
        );
      } finally {
        s.cleanup();
      }
    });

    it('checks every label of a sample whose labels begin like a stored series, or look like them', async () => {
      const s = openStore({ enableCompression: mode.enableCompression, maxLabelsPerSeries: 3 });
      try {
        // Stored series whose labels the bad samples below share in part (or in text only).
        const known: MetricSample[] = [
          { name: 'm', value: 1, timestamp: T0, labels: { a: 'x' } },
          { name: 'm', value: 1, timestamp: T0, labels: { a: 'x', b: 'y' } },
          { name: 'm', value: 1, timestamp: T0, labels: { a: '5' } },
          { name: 'm', value: 1, timestamp: T0, labels: { a: 'null' } },
        ];
        assert.equal(await s.store.insertSamples(known), 4);
        const bad: [unknown, RegExp][] = [
          [{ a: 5 }, /number value/],
          [{ a: null }, /null value/],
          [{ a: 'x', b: 1 }, /number value/],
          [{ a: 'x', b: 'y', c: 'z', d: 'w' }, /more than the limit of 3/],
          [{ a: 'x', 'bad-name': 'y' }, /label name/],
          [{ a: 'x', __reserved: 'y' }, /label name/],
          [{ a: 'x', b: '\uD800' }, /lone UTF-16 surrogate/],
          [{ a: 'x', b: 'y'.repeat(1025) }, /longer than 1024/],
        ];
        for (const [labels, reason] of bad) {
          await assert.rejects(
            s.store.insertSamples([
              ...known.map((k) => ({ ...k, timestamp: T0 + 1 })),
              { ...known[0]!, labels } as MetricSample,
            ]),
            (err: unknown) => {
              assert.ok(err instanceof InvalidSampleError, `typed error for ${JSON.stringify(labels)}`);
              assert.equal(err.index, 4);
              assert.match(err.reason, reason);
              return true;
            },
          );
        }
        assert.equal(rawCount(s.dbPath), 4, 'nothing of a rejected batch was stored');
      } finally {
        s.cleanup();
      }
    });

    it('stores exactly what it validated: every field is read once, so a getter cannot slip past', async () => {
      const s = openStore({ enableCompression: mode.enableCompression });
      try {
        /** A property whose first read gives `first` and every later read `later`. */
        const shifty = (first: unknown, later: unknown) => {
          let reads = 0;
          return { enumerable: true, get: () => (reads++ === 0 ? first : later) };
        };
        const labels = Object.defineProperties({}, { host: shifty('a', 42), zone: shifty('eu', '\uD800') });
        const sample = Object.defineProperties(
          {},
          {
            name: shifty('good', 'bad name'),
            value: shifty(1.5, '7'),
            timestamp: shifty(T0, 1.5),
            labels: shifty(labels, { other: 'x' }),
          },
        ) as MetricSample;
        const infinite = Object.defineProperties(
          {},
          {
            name: { value: 'good', enumerable: true },
            value: shifty(2.5, Number.POSITIVE_INFINITY),
            timestamp: { value: T0 + 1, enumerable: true },
          },
        ) as MetricSample;
        assert.equal(await s.store.insertSamples([sample, infinite]), 2);
        await s.store.rollUpAndCompact();
        assert.deepEqual(s.store.listMetrics(), [{ name: 'good', type: 'unknown', seriesCount: 2 }]);
        const read = s.store
          .queryMetrics({ metricName: 'good', start: T0, end: T0 + 10, aggregation: 'raw' })
          .map((r) => [r.labels, r.points.map((p) => [p.timestamp, p.value])]);
        assert.deepEqual(read, [
          [{ host: 'a', zone: 'eu' }, [[T0, 1.5]]],
          [{}, [[T0 + 1, 2.5]]],
        ]);
        const [hour] = s.store.queryMetrics({ metricName: 'good', start: T0, end: T0 + 10, aggregation: '1h' });
        assert.equal(hour!.points[0]!.sum, 1.5, 'the rollups hold the validated number');
      } finally {
        s.cleanup();
      }
    });

    it('refuses text with a lone UTF-16 surrogate and keeps astral characters (emoji) exact', async () => {
      const s = openStore({ enableCompression: mode.enableCompression });
      try {
        const base: MetricSample = { name: 'm', value: 1, timestamp: T0 };
        for (const value of ['\uD800', 'a\uDBFF', '\uDC00b', '\uDE00\uD83D']) {
          await assert.rejects(s.store.insertSamples([{ ...base, labels: { v: value } }]), {
            code: 'INVALID_SAMPLE',
            message: /lone UTF-16 surrogate/,
          });
        }
        await assert.rejects(s.store.insertSamples([{ ...base, name: 'm\uD800' }]), { code: 'INVALID_SAMPLE' });
        await assert.rejects(s.store.insertSamples([{ ...base, labels: { ['k\uDC00']: 'x' } }]), {
          code: 'INVALID_SAMPLE',
        });
        const astral = ['\u{1F600}', '\u{1F601}', 'x\u{1D518}y'];
        assert.equal(await s.store.insertSamples(astral.map((v) => ({ ...base, labels: { v } }))), 3);
        assert.deepEqual(s.store.listLabels('m'), [{ name: 'v', values: [...astral].sort() }]);
        assert.deepEqual(
          s.store.listMetrics(),
          [{ name: 'm', type: 'unknown', seriesCount: 3 }],
          'three values, three series',
        );
      } finally {
        s.cleanup();
      }
    });

    it('enforces the cardinality limit without storing the batch or leaking series', async () => {
      const s = openStore({ enableCompression: mode.enableCompression, maxSeries: 3 });
      try {
        await s.store.insertSamples([0, 1].map((k) => ({ name: 'm', value: k, timestamp: T0, labels: { k: `${k}` } })));
        const batch = [2, 3].map((k) => ({ name: 'm', value: k, timestamp: T0, labels: { k: `${k}` } }));
        await assert.rejects(s.store.insertSamples(batch), (err: unknown) => {
          assert.ok(err instanceof CardinalityLimitError);
          assert.equal(err.index, 1);
          assert.equal(err.limit, 3);
          return true;
        });
        assert.equal(s.store.listMetrics()[0]!.seriesCount, 2);
        assert.equal(rawCount(s.dbPath), 2);
        assert.equal(
          await s.store.insertSamples(batch.slice(0, 1)),
          1,
          'the series freed by the rollback can be created',
        );
        const reopened = s.reopen();
        assert.equal(reopened.listMetrics()[0]!.seriesCount, 3);
      } finally {
        s.cleanup();
      }
    });
  });
}
