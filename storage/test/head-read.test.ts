/**
 * The head's per-series view (head/head-view.ts, read through head/head.ts): after any sequence of
 * writes (appends in and out of time order, compaction's marks on each series' oldest rows and its
 * deletion of a window's ids, one left behind by a stopped compaction, retention's bounded
 * deletions, a series' deletion, a quarantine sweep behind the view's back, a transaction rolled
 * back after its writes, a reopen), every read of it equals the same read computed from the head
 * table itself (its rows that no mark covers), which is the reference.
 */
import assert from 'node:assert/strict';
import { join } from 'node:path';
import { describe, it } from 'node:test';
import fc from 'fast-check';
import { openDatabase, type Db } from '../src/db/connection.ts';
import { migrate } from '../src/db/migrations.ts';
import { Head, type HeadRow } from '../src/head/head.ts';
import { tempDir } from '../../test/support/store.ts';

const SERIES = 5;
const SPAN = 1_000;

type Op =
  | { kind: 'append'; rows: { seriesId: number; ts: number; value: number }[]; rollBack: boolean }
  | { kind: 'markMoved'; upToShare: number; shares: number[] }
  | { kind: 'deleteUpTo'; upToShare: number }
  | { kind: 'deleteMoved' }
  | { kind: 'deleteBefore'; ts: number; limit: number }
  | { kind: 'deleteSeries'; seriesId: number }
  | { kind: 'behindTheBack'; ts: number }
  | { kind: 'reopen' };

const seriesId = fc.integer({ min: 1, max: SERIES });
const ts = fc.integer({ min: 0, max: SPAN });
/** A share in [0, 1] in hundredths (fc.double gives mostly tiny values, which would mark nothing). */
const share = fc.integer({ min: 0, max: 100 }).map((n) => n / 100);
const op: fc.Arbitrary<Op> = fc.oneof(
  {
    weight: 5,
    arbitrary: fc.record({
      kind: fc.constant('append' as const),
      rows: fc.array(fc.record({ seriesId, ts, value: fc.integer({ min: -50, max: 50 }) }), {
        maxLength: 700,
        size: 'large',
      }),
      rollBack: fc.boolean(),
    }),
  },
  {
    weight: 2,
    arbitrary: fc.record({
      kind: fc.constant('markMoved' as const),
      upToShare: share,
      shares: fc.array(share, { minLength: SERIES, maxLength: SERIES }),
    }),
  },
  { weight: 1, arbitrary: fc.record({ kind: fc.constant('deleteUpTo' as const), upToShare: share }) },
  { weight: 1, arbitrary: fc.record({ kind: fc.constant('deleteMoved' as const) }) },
  {
    weight: 2,
    arbitrary: fc.record({
      kind: fc.constant('deleteBefore' as const),
      ts,
      limit: fc.integer({ min: 1, max: 300 }),
    }),
  },
  { weight: 1, arbitrary: fc.record({ kind: fc.constant('deleteSeries' as const), seriesId }) },
  { weight: 1, arbitrary: fc.record({ kind: fc.constant('behindTheBack' as const), ts }) },
  { weight: 1, arbitrary: fc.record({ kind: fc.constant('reopen' as const) }) },
);

/** The head table's rows that no mark of compaction covers. */
function tableRows(db: Db): HeadRow[] {
  const unmarked = `SELECT id, series_id, ts, value FROM head h
    WHERE NOT EXISTS (SELECT 1 FROM head_moved m WHERE m.series_id = h.series_id AND h.id <= m.up_to) ORDER BY id`;
  return (db.prepare(unmarked).raw().all() as number[][]).map(([id, sid, t, value]) => ({
    id: id!,
    seriesId: sid!,
    ts: t!,
    value: value!,
  }));
}

/** The id at `share` of the way from the head's first row to its last id. */
function idAt(head: Head, share: number): number {
  const first = head.firstIdAfter(0) ?? head.maxId();
  return first + Math.floor((head.maxId() - first) * share);
}

function apply(db: Db, head: Head, o: Op): void {
  if (o.kind === 'append') {
    try {
      db.transaction(() => {
        for (const r of o.rows) head.push(r.seriesId, r.ts, r.value);
        head.flush();
        if (o.rollBack) throw new Error('rolled back');
      })();
    } catch {
      head.discard();
    }
  } else if (o.kind === 'markMoved') {
    // As compaction's steps do: some of each series' oldest rows among those with id <= upTo.
    db.transaction(() => {
      const upTo = idAt(head, o.upToShare);
      o.shares.forEach((part, k) => {
        const count = (head.seriesRowsBetween(0, upTo).get(k + 1)?.ids.length ?? 0) * part;
        const { ids } = head.firstRows(k + 1, upTo, Math.floor(count));
        if (ids.length > 0) head.markMoved(k + 1, ids[ids.length - 1]!);
      });
    })();
  } else if (o.kind === 'deleteUpTo') {
    db.transaction(() => head.deleteUpTo(idAt(head, o.upToShare)))();
  } else if (o.kind === 'deleteMoved') {
    const marked = (db.prepare('SELECT COUNT(*) FROM head').pluck().get() as number) - tableRows(db).length;
    assert.equal(head.deleteMoved(), marked);
    assert.equal(db.prepare('SELECT COUNT(*) FROM head_moved').pluck().get(), 0);
  } else if (o.kind === 'deleteBefore') {
    db.transaction(() => head.deleteBefore(o.ts, o.limit))();
  } else if (o.kind === 'deleteSeries') {
    db.transaction(() => head.deleteSeries(o.seriesId))();
    // Its rows marked moved go too: they are in the tier.
    assert.equal(db.prepare('SELECT COUNT(*) FROM head WHERE series_id = ?').pluck().get(o.seriesId), 0);
  } else if (o.kind === 'behindTheBack') {
    // As a quarantine sweep does: a delete the view does not apply, with the version bumped.
    db.transaction(() => {
      if (db.prepare('DELETE FROM head WHERE ts = ?').run(o.ts).changes > 0)
        db.prepare('UPDATE temp.head_version SET n = n + 1').run();
    })();
  }
}

function checkReads(db: Db, head: Head, queries: [number, number, number][]): void {
  const all = tableRows(db);
  const byTime = (a: HeadRow, b: HeadRow) => a.ts - b.ts || a.id - b.id;
  for (const [sid, start, length] of queries) {
    const end = start + length;
    const own = all.filter((r) => r.seriesId === sid).sort(byTime);
    assert.deepEqual(
      head.readSeriesRange(sid, start, end),
      own.filter((r) => r.ts >= start && r.ts < end),
    );
    const before = own.filter((r) => r.ts < end && r.ts > start).at(-1);
    assert.deepEqual(head.lastBefore(sid, end, start), before && { ts: before.ts, value: before.value });
    assert.equal(head.next(sid, start), own.find((r) => r.ts >= start)?.ts);
  }
  for (const upTo of [0, Math.floor(head.maxId() / 2), head.maxId()]) {
    for (let sid = 1; sid <= SERIES; sid++) {
      const upToBound = all.filter((r) => r.seriesId === sid && r.id <= upTo);
      const first = upToBound.slice(0, 7);
      const { ids, ts, values, left } = head.firstRows(sid, upTo, 7);
      assert.deepEqual(
        { ids: Array.from(ids), ts: Array.from(ts), values: Array.from(values), left },
        {
          ids: first.map((r) => r.id),
          ts: first.map((r) => r.ts),
          values: first.map((r) => r.value),
          left: upToBound.length - first.length,
        },
      );
    }
  }
  const latest = new Map<number, number>();
  for (const r of all) latest.set(r.seriesId, Math.max(latest.get(r.seriesId) ?? -Infinity, r.ts));
  assert.deepEqual(head.latestBySeries(), latest);
  assert.deepEqual(head.seriesIds(), new Set(latest.keys()));
}

describe('the head per-series view', () => {
  it('reads what the head table holds after any sequence of writes, rollbacks and reopens', () => {
    const { dir, cleanup } = tempDir('head-read-');
    const path = join(dir, 'telemetry.db');
    try {
      fc.assert(
        fc.property(
          fc.array(op, { minLength: 1, maxLength: 12 }),
          fc.array(fc.tuple(seriesId, fc.integer({ min: -10, max: SPAN }), fc.integer({ min: 1, max: SPAN + 20 })), {
            minLength: 1,
            maxLength: 6,
          }),
          (ops, queries) => {
            let db = openDatabase(path, true);
            try {
              migrate(db);
              db.exec('DELETE FROM head; DELETE FROM head_moved');
              let head = new Head(db);
              for (const o of ops) {
                if (o.kind === 'reopen') {
                  db.close();
                  db = openDatabase(path, true);
                  head = new Head(db);
                } else {
                  apply(db, head, o);
                }
                checkReads(db, head, queries);
              }
            } finally {
              db.close();
            }
          },
        ),
        { seed: 13, numRuns: 60 },
      );
    } finally {
      cleanup();
    }
  });
});
