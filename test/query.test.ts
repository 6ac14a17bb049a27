/**
 * Queries: PromQL-style label matchers, raw and bucketed reads, the 'auto' resolution choice,
 * real-time buckets for data not aggregated yet, and clear errors for bad queries.
 */
import assert from 'node:assert/strict';
import { spawn } from 'node:child_process';
import { describe, it } from 'node:test';
import { fileURLToPath } from 'node:url';
import { InvalidQueryError, checkLabelMatchers } from '../storage/src/index.ts';
import { DAY, HOUR, MINUTE, MODES, T0, openStore, regularSamples, tempDir } from './support/store.ts';

const REGEX_QUERY = fileURLToPath(new URL('./support/regex-query.ts', import.meta.url));
/** Far beyond what a linear-time match needs; a backtracking engine spends hours on this pattern. */
const HANG_GUARD_MS = 60_000;

/** Runs the regex query in a child process; resolves with the values it matched, or null if it hung. */
function regexQueryInChild(dir: string, pattern: string, values: string[]): Promise<string[] | null> {
  return new Promise((resolve, reject) => {
    const child = spawn(process.execPath, ['--import', 'tsx', REGEX_QUERY, dir, pattern, JSON.stringify(values)], {
      stdio: ['ignore', 'pipe', 'pipe'],
    });
    let stdout = '';
    let stderr = '';
    const guard = setTimeout(() => child.kill('SIGKILL'), HANG_GUARD_MS);
    child.stdout.on('data', (chunk: Buffer) => (stdout += chunk.toString()));
    child.stderr.on('data', (chunk: Buffer) => (stderr += chunk.toString()));
    child.on('exit', (code, signal) => {
      clearTimeout(guard);
      if (signal === 'SIGKILL') resolve(null);
      else if (code === 0) resolve(JSON.parse(stdout) as string[]);
      else reject(new Error(`regex query failed: ${stderr}`));
    });
  });
}

const HOSTS: { name: string; labels: Record<string, string> }[] = [
  { name: 'cpu', labels: { host: 'h1', core: '0' } },
  { name: 'cpu', labels: { host: 'h1', core: '1' } },
  { name: 'cpu', labels: { host: 'h2', core: '0' } },
  { name: 'cpu', labels: { host: 'db-1' } },
];

for (const mode of MODES) {
  describe(`queries (${mode.name})`, () => {
    async function seeded() {
      const s = openStore({ enableCompression: mode.enableCompression });
      await s.store.insertSamples(regularSamples(HOSTS, T0, 360, 10_000, (k, i) => k * 100 + (i % 60)));
      return s;
    }

    it('treats labels named like Object.prototype members as absent, and refuses a null matcher', async () => {
      const s = await seeded();
      try {
        const query = (labels: Record<string, unknown>) =>
          s.store.queryMetrics({
            metricName: 'cpu',
            start: T0,
            end: T0 + HOUR,
            labels: labels as never,
            aggregation: '1h',
          });
        for (const name of ['toString', 'constructor', 'hasOwnProperty', '__proto__']) {
          assert.equal(query({ [name]: { op: '!=', value: '' } }).length, 0, `${name} != '' matches no series`);
          assert.equal(query({ [name]: '' }).length, HOSTS.length, `${name} = '' matches every series`);
        }
        assert.equal(
          s.store.deleteSeries({ metricName: 'cpu', labels: { hasOwnProperty: { op: '!=' as const, value: '' } } }),
          0,
        );
        assert.equal(query({}).length, HOSTS.length, 'nothing was deleted');
        assert.throws(() => query({ host: null }), InvalidQueryError);
        assert.throws(() => query({ host: 5 }), InvalidQueryError);
      } finally {
        s.cleanup();
      }
    });

    it('applies = != =~ !~ matchers, anchored regexes and missing labels as empty', async () => {
      const s = await seeded();
      try {
        const hosts = (labels: Record<string, unknown>) =>
          s.store
            .queryMetrics({ metricName: 'cpu', start: T0, end: T0 + HOUR, labels: labels as never, aggregation: '1h' })
            .map((r) => `${r.labels.host}/${r.labels.core ?? ''}`)
            .sort();
        assert.deepEqual(hosts({}), ['db-1/', 'h1/0', 'h1/1', 'h2/0']);
        assert.deepEqual(hosts({ host: 'h1' }), ['h1/0', 'h1/1']);
        assert.deepEqual(hosts({ host: { op: '!=', value: 'h1' } }), ['db-1/', 'h2/0']);
        assert.deepEqual(hosts({ host: { op: '=~', value: 'h.' } }), ['h1/0', 'h1/1', 'h2/0']);
        assert.deepEqual(hosts({ host: { op: '=~', value: 'h' } }), [], 'regexes are fully anchored');
        assert.deepEqual(hosts({ host: { op: '!~', value: 'h[12]' } }), ['db-1/']);
        assert.deepEqual(hosts({ core: '' }), ['db-1/'], 'a missing label equals the empty string');
        assert.deepEqual(hosts({ core: { op: '!=', value: '' } }), ['h1/0', 'h1/1', 'h2/0']);
        assert.deepEqual(hosts({ host: 'h1', core: { op: '=~', value: '1|2' } }), ['h1/1']);
        assert.deepEqual(hosts({ nosuch: 'x' }), []);
        // Several conditions on one label: all must hold (a list, not the last one written).
        assert.deepEqual(
          hosts({
            host: [
              { op: '=~', value: 'h.' },
              { op: '!=', value: 'h2' },
            ],
          }),
          ['h1/0', 'h1/1'],
        );
        assert.deepEqual(hosts({ host: ['h1', 'h2'] }), [], 'two equalities on one label match nothing');
        assert.deepEqual(hosts({ host: [{ op: '!~', value: 'db-.*' }], core: ['0'] }), ['h1/0', 'h2/0']);
        assert.doesNotThrow(() => checkLabelMatchers({ host: [{ op: '=~', value: 'h.' }, 'h1'] }));
      } finally {
        s.cleanup();
      }
    });

    it('returns raw samples in [start, end) ascending, across head and tier', async () => {
      const s = await seeded();
      try {
        for (const i of s.store.intervals) await s.store.aggregate(i);
        await s.store.compact();
        // Late samples and new ones land in the head, interleaved with compacted ones.
        await s.store.insertSamples([
          { name: 'cpu', labels: { host: 'db-1' }, value: -1, timestamp: T0 + 5_000 },
          { name: 'cpu', labels: { host: 'db-1' }, value: -2, timestamp: T0 + 3600_000 },
        ]);
        const [r] = s.store.queryMetrics({
          metricName: 'cpu',
          labels: { host: 'db-1' },
          start: T0,
          end: T0 + 30_000,
          aggregation: 'raw',
        });
        assert.equal(r!.resolution, 'raw');
        assert.deepEqual(r!.points, [
          { timestamp: T0, value: 300 },
          { timestamp: T0 + 5_000, value: -1 },
          { timestamp: T0 + 10_000, value: 301 },
          { timestamp: T0 + 20_000, value: 302 },
        ]);
        const [all] = s.store.queryMetrics({
          metricName: 'cpu',
          labels: { host: 'db-1' },
          start: T0,
          end: T0 + DAY,
          aggregation: 'raw',
        });
        assert.equal(all!.points.length, 362);
        assert.ok(all!.points.every((p, i, a) => i === 0 || a[i - 1]!.timestamp < p.timestamp));
      } finally {
        s.cleanup();
      }
    });

    it('caps a raw query at maxPoints: evenly spaced samples, the first and last kept, sampledFrom set', async () => {
      const s = await seeded();
      try {
        for (const i of s.store.intervals) await s.store.aggregate(i);
        await s.store.compact();
        await s.store.insertSamples([{ name: 'cpu', labels: { host: 'db-1' }, value: -1, timestamp: T0 + 5_000 }]);
        const raw = (maxPoints?: number) =>
          s.store.queryMetrics({
            metricName: 'cpu',
            labels: { host: 'db-1' },
            start: T0,
            end: T0 + DAY,
            aggregation: 'raw',
            maxPoints,
          })[0]!;
        const all = raw();
        assert.equal(all.points.length, 361);
        assert.equal(all.sampledFrom, undefined, 'without maxPoints a raw query returns everything');
        assert.deepEqual(raw(361), all, 'a cap the series fits changes nothing');

        const capped = raw(10);
        assert.equal(capped.points.length, 10);
        assert.equal(capped.sampledFrom, 361);
        const at = capped.points.map((p) => all.points.findIndex((q) => q.timestamp === p.timestamp));
        assert.deepEqual(
          capped.points,
          at.map((i) => all.points[i]),
          'every point kept is a stored sample',
        );
        assert.equal(at[0], 0, 'the first sample is kept');
        assert.equal(at.at(-1), 360, 'the last sample is kept');
        const gaps = at.slice(1).map((i, k) => i - at[k]!);
        assert.ok(Math.max(...gaps) - Math.min(...gaps) <= 1, `evenly spaced: ${gaps.join(' ')}`);

        assert.deepEqual(raw(1).points, [all.points.at(-1)], 'one point is the newest sample');
      } finally {
        s.cleanup();
      }
    });

    it('answers bucket queries with avg, count, sum, min and max, including data not aggregated yet', async () => {
      const s = await seeded();
      try {
        await s.store.aggregate('1m');
        await s.store.insertSamples([{ name: 'cpu', labels: { host: 'db-1' }, value: 1000, timestamp: T0 + 35_000 }]);
        const [r] = s.store.queryMetrics({
          metricName: 'cpu',
          labels: { host: 'db-1' },
          start: T0,
          end: T0 + 2 * MINUTE,
          aggregation: '1m',
        });
        assert.equal(r!.resolution, '1m');
        assert.deepEqual(r!.points[0], {
          timestamp: T0,
          value: (300 + 301 + 302 + 303 + 304 + 305 + 1000) / 7,
          count: 7,
          sum: 2815,
          min: 300,
          max: 1000,
        });
        assert.deepEqual(r!.points[1], {
          timestamp: T0 + MINUTE,
          value: 308.5,
          count: 6,
          sum: 1851,
          min: 306,
          max: 311,
        });
        const [h] = s.store.queryMetrics({
          metricName: 'cpu',
          labels: { host: 'db-1' },
          start: T0,
          end: T0 + HOUR,
          aggregation: '1h',
        });
        assert.equal(h!.points.length, 1);
        assert.equal(h!.points[0]!.count, 361, '1h is not aggregated yet: computed from the head on the fly');
      } finally {
        s.cleanup();
      }
    });

    it("picks the finest resolution within maxPoints for 'auto'", async () => {
      const s = await seeded();
      try {
        const pick = (start: number, end: number, maxPoints: number) =>
          s.store.queryMetrics({ metricName: 'cpu', labels: { host: 'h2' }, start, end, maxPoints })[0]!;
        const raw = pick(T0, T0 + HOUR, 360);
        assert.equal(raw.resolution, 'raw');
        assert.equal(raw.points.length, 360);
        assert.equal(pick(T0, T0 + HOUR, 359).resolution, '1m');
        assert.equal(pick(T0, T0 + HOUR, 60).points.length, 60);
        assert.equal(pick(T0, T0 + HOUR, 59).resolution, '5m');
        assert.equal(pick(T0, T0 + 7 * DAY, 1000).resolution, 'raw', 'sparse data stays raw when it fits');
        assert.equal(pick(T0, T0 + 7 * DAY, 200).resolution, '1h');
        assert.equal(pick(T0, T0 + 200 * DAY, 300).resolution, '1d');
        assert.equal(pick(T0, T0 + 365 * DAY, 300).resolution, '1d', 'the coarsest when nothing fits');
        assert.equal(
          s.store.queryMetrics({ metricName: 'cpu', start: T0, end: T0 + HOUR }).length,
          4,
          'default maxPoints',
        );
      } finally {
        s.cleanup();
      }
    });

    it('rejects bad queries with a clear error', async () => {
      const s = await seeded();
      try {
        const q = { metricName: 'cpu', start: T0, end: T0 + HOUR };
        const bad: [unknown, RegExp][] = [
          [{ ...q, start: q.end, end: q.start }, /reversed/],
          [{ ...q, end: q.start }, /empty/],
          [{ ...q, aggregation: '2m' }, /unknown aggregation/],
          [{ ...q, maxPoints: 0 }, /maxPoints/],
          [{ ...q, maxPoints: 2.5 }, /maxPoints/],
          [{ ...q, start: Number.NaN }, /start/],
          [{ ...q, metricName: '' }, /metricName/],
          [{ ...q, labels: { host: { op: '=~', value: '(' } } }, /invalid regular expression/],
          [{ ...q, labels: { host: { op: '=~', value: '(h)\\1' } } }, /without backreferences or lookaround/],
          [{ ...q, labels: { host: { op: '!~', value: 'h(?=1)' } } }, /without backreferences or lookaround/],
          [{ ...q, labels: { host: { op: '=~', value: '(?<!d)h1' } } }, /without backreferences or lookaround/],
          [{ ...q, labels: { host: { op: '~~', value: 'x' } } }, /unknown matcher operator/],
          [{ ...q, labels: { host: 3 } }, /string value/],
          [{ ...q, labels: { host: ['h1', { op: '=~', value: '(' }] } }, /invalid regular expression/],
          [{ ...q, labels: { host: [null] } }, /string value/],
        ];
        for (const [query, message] of bad) {
          const { labels } = query as { labels?: Record<string, never> };
          // checkLabelMatchers refuses exactly the matchers such a query meets, with its message.
          if (labels !== undefined) assert.throws(() => checkLabelMatchers(labels), message);
          assert.throws(
            () => s.store.queryMetrics(query as never),
            (err: unknown) => {
              assert.ok(err instanceof InvalidQueryError, JSON.stringify(query));
              assert.equal(err.code, 'INVALID_QUERY');
              assert.match(err.message, message);
              return true;
            },
          );
        }
      } finally {
        s.cleanup();
      }
    });
  });
}

describe('regex matchers under a hostile pattern', () => {
  it('answers a catastrophic-backtracking pattern (linear-time RE2 engine), still fully anchored', async () => {
    const { dir, cleanup } = tempDir('regex-');
    try {
      const long = 'a'.repeat(1000);
      const matched = await regexQueryInChild(dir, '(?:(?:.?){15}){15}X', [
        long,
        `${'a'.repeat(40)}X`,
        'X',
        `X${long}`,
      ]);
      assert.notEqual(matched, null, `the query did not answer within ${HANG_GUARD_MS} ms`);
      assert.deepEqual(matched, [`${'a'.repeat(40)}X`, 'X'].sort());
    } finally {
      cleanup();
    }
  });
});
