/**
 * The first run's rules (renderer/src/lib/first-run.ts): a store counts as new while it holds
 * less than an hour of data and no demo history, and its range covers what is stored, as "the
 * last N minutes" (live), never shorter than five minutes.
 */
import assert from 'node:assert/strict';
import { test } from 'node:test';
import type { Status } from '../shared/panel-api.ts';
import { isFirstRun, rangeFittingData } from '../renderer/src/lib/first-run.ts';

const NOW = Date.UTC(2026, 10, 30, 12);
const MINUTE = 60_000;

function status(oldest: number | null, newest: number | null, hasDemoData = false): Status {
  return {
    dbBytes: 0,
    walBytes: 0,
    samples: oldest === null ? 0 : 10,
    series: 1,
    oldest,
    newest,
    lastRollup: null,
    lastRetention: null,
    hasDemoData,
    problems: [],
  };
}

test('a store is new while it holds less than an hour of data and no demo', () => {
  assert.equal(isFirstRun(status(null, null)), true);
  assert.equal(isFirstRun(status(NOW - 59 * MINUTE, NOW)), true);
  assert.equal(isFirstRun(status(NOW - 60 * MINUTE, NOW)), false);
  assert.equal(isFirstRun(status(NOW - 5 * MINUTE, NOW, true)), false, 'the demo is loaded');
  assert.equal(isFirstRun(status(null, null, true)), false);
});

test('the fitted range is relative and covers everything stored, at least five minutes', () => {
  assert.deepEqual(rangeFittingData(status(null, null), NOW), { kind: 'relative', durationMs: 5 * MINUTE });
  assert.deepEqual(rangeFittingData(status(NOW - 30_000, NOW), NOW), { kind: 'relative', durationMs: 5 * MINUTE });
  assert.deepEqual(rangeFittingData(status(NOW - 42.5 * MINUTE, NOW), NOW), {
    kind: 'relative',
    durationMs: 44 * MINUTE,
  });
  // Data from a while ago (the app was closed) is still in range.
  const old = rangeFittingData(status(NOW - 5 * 3_600_000, NOW - 4.5 * 3_600_000), NOW);
  assert.ok(old.kind === 'relative' && old.durationMs > 5 * 3_600_000);
});
