/**
 * The Metrics view in the URL hash (renderer/src/lib/view-state.ts): every valid view survives the
 * round trip through its hash (fast-check, fixed seed), relative ranges stay relative, and any text
 * at all parses without throwing into a view whose own hash reads back the same; malformed fields
 * take their defaults one by one.
 */
import assert from 'node:assert/strict';
import { test } from 'node:test';
import fc from 'fast-check';
import { DEFAULT_RANGE } from '../renderer/src/lib/time-range.ts';
import { DEFAULT_VIEW, parseViewHash, viewHash, type ViewState } from '../renderer/src/lib/view-state.ts';

const FC = { seed: 20261130, numRuns: 300 } as const;
const MINUTE = 60_000;

const labelName = fc.stringMatching(/^[a-z_][a-z0-9_]{0,8}$/).filter((n) => !n.startsWith('__'));
const filter = fc.record(
  { name: labelName, op: fc.constantFrom('=', '!=', '=~', '!~' as const), value: fc.string() },
  { noNullPrototype: true },
);

const view: fc.Arbitrary<ViewState> = fc.record(
  {
    metric: fc.option(fc.stringMatching(/^[a-z_:][a-z0-9_:.-]{0,30}$/), { nil: null }),
    range: fc.oneof(
      fc.integer({ min: 60, max: 365 * 86_400 }).map((s) => ({ kind: 'relative' as const, durationMs: s * 1000 })),
      fc
        .tuple(fc.integer({ min: 0, max: 4_000_000_000_000 }), fc.integer({ min: MINUTE, max: 400 * 86_400_000 }))
        .map(([start, span]) => ({ kind: 'absolute' as const, start, end: start + span })),
    ),
    filters: fc.uniqueArray(filter, { maxLength: 6, selector: (f) => `${f.name}${f.op}${JSON.stringify(f.value)}` }),
    fn: fc.option(
      fc.oneof(
        fc.constant({ name: 'rate' as const }),
        fc.constant({ name: 'increase' as const }),
        fc.double({ min: 0.001, max: 0.999, noNaN: true }).map((q) => ({ name: 'quantile' as const, q })),
      ),
      { nil: null },
    ),
    aggregate: fc.option(
      fc.record(
        {
          op: fc.constantFrom('sum', 'avg', 'min', 'max', 'count' as const),
          by: fc.uniqueArray(labelName, { maxLength: 3 }),
        },
        { noNullPrototype: true },
      ),
      { nil: null },
    ),
  },
  { noNullPrototype: true },
);

test('every view survives the round trip through its hash', () => {
  fc.assert(
    fc.property(view, (v) => {
      assert.deepEqual(parseViewHash(viewHash(v)), v);
    }),
    FC,
  );
});

test('a relative range stays relative and readable; an absolute one is two UTC instants', () => {
  assert.equal(viewHash({ ...DEFAULT_VIEW, range: { kind: 'relative', durationMs: 6 * 3_600_000 } }), '#range=6h');
  assert.equal(viewHash({ ...DEFAULT_VIEW, range: { kind: 'relative', durationMs: 90 * MINUTE } }), '#range=90m');
  assert.equal(viewHash({ ...DEFAULT_VIEW, range: { kind: 'relative', durationMs: 24 * 3_600_000 } }), '#range=24h');
  assert.equal(viewHash({ ...DEFAULT_VIEW, range: { kind: 'relative', durationMs: 7 * 86_400_000 } }), '#range=7d');
  const start = Date.UTC(2026, 10, 30, 12, 0, 0);
  const hash = viewHash({ ...DEFAULT_VIEW, range: { kind: 'absolute', start, end: start + 3_600_000 } });
  assert.equal(hash, '#from=2026-11-30T12%3A00%3A00.000Z&to=2026-11-30T13%3A00%3A00.000Z');
  assert.deepEqual(parseViewHash('#from=1000&to=61000').range, { kind: 'absolute', start: 1000, end: 61_000 });
});

test('any text parses without throwing, into a view whose hash reads back the same', () => {
  const hashes = fc.oneof(
    fc.string(),
    fc
      .array(
        fc.tuple(
          fc.constantFrom('metric', 'range', 'from', 'to', 'filter', 'fn', 'q', 'agg', 'by', 'x'),
          fc.oneof(fc.string(), fc.constantFrom('6h', '0h', '99999999999d', 'rate', 'quantile', '0.5', '1', 'sum')),
        ),
        { maxLength: 8 },
      )
      .map((pairs) => `#${new URLSearchParams(pairs).toString()}`),
  );
  fc.assert(
    fc.property(hashes, (hash) => {
      const parsed = parseViewHash(hash);
      assert.deepEqual(parseViewHash(viewHash(parsed)), parsed);
    }),
    FC,
  );
});

test('each malformed field falls back to its default, the others are kept', () => {
  assert.deepEqual(parseViewHash(''), DEFAULT_VIEW);
  assert.deepEqual(parseViewHash('#%E0%A4%A'), DEFAULT_VIEW);
  const cases: [string, Partial<ViewState>][] = [
    ['#metric=cpu&range=0h', { metric: 'cpu', range: DEFAULT_RANGE }],
    ['#metric=cpu&range=30s', { metric: 'cpu', range: DEFAULT_RANGE }],
    ['#metric=cpu&range=999d', { metric: 'cpu', range: DEFAULT_RANGE }],
    ['#metric=cpu&from=5&to=6', { metric: 'cpu', range: DEFAULT_RANGE }],
    ['#metric=cpu&from=yesterday&to=1000000', { metric: 'cpu', range: DEFAULT_RANGE }],
    ['#metric=not%20a%20metric&range=1h', { metric: null, range: { kind: 'relative', durationMs: 3_600_000 } }],
    [
      `#${new URLSearchParams([
        ['filter', 'host="web"'],
        ['filter', 'bad'],
        ['filter', 'host=web'],
        ['filter', '__x="1"'],
        ['filter', 'host="unclosed'],
        ['filter', 'host=1'],
        ['filter', 'host!="web-3"'],
        ['filter', 'host="web"'],
      ]).toString()}`,
      {
        filters: [
          { name: 'host', op: '=', value: 'web' },
          { name: 'host', op: '!=', value: 'web-3' },
        ],
      },
    ],
    [
      `#${new URLSearchParams([
        ['filter', 'host=~"a=\\"b"'],
        ['filter', 'host="~x"'],
      ]).toString()}`,
      {
        filters: [
          { name: 'host', op: '=~', value: 'a="b' },
          { name: 'host', op: '=', value: '~x' },
        ],
      },
    ],
    ['#fn=quantile', {}],
    ['#fn=quantile&q=1', {}],
    ['#fn=quantile&q=0.9', { fn: { name: 'quantile', q: 0.9 } }],
    ['#fn=median', {}],
    ['#agg=median&by=host', {}],
    ['#agg=sum&by=host,bad-name', {}],
    ['#agg=avg&by=host,,host', { aggregate: { op: 'avg', by: ['host'] } }],
  ];
  for (const [hash, expected] of cases) assert.deepEqual(parseViewHash(hash), { ...DEFAULT_VIEW, ...expected }, hash);
});
