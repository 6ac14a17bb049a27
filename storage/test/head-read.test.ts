/**
 * The head's range reads (head/head.ts readSeriesRange): whichever way a read goes (through the
 * time index for a narrow range, one pass over the table for a wide one), it returns exactly the
 * rows of the asked series in [start, end), by time, as a filter of every head row gives them.
 */
import assert from 'node:assert/strict';
import { join } from 'node:path';
import { describe, it } from 'node:test';
import fc from 'fast-check';
import { openDatabase } from '../src/db/connection.ts';
import { migrate } from '../src/db/migrations.ts';
import { Head, type HeadRow } from '../src/head/head.ts';
import { tempDir } from '../../test/support/store.ts';

describe('Head.readSeriesRange', () => {
  it('gives the rows of the asked series in [start, end), by time, for narrow and wide ranges alike', () => {
    const { dir, cleanup } = tempDir('head-read-');
    const db = openDatabase(join(dir, 'telemetry.db'), true);
    try {
      migrate(db);
      const head = new Head(db);
      const rows: Omit<HeadRow, 'id'>[] = [];
      // Ten series, arrival order not time order (late samples), 3,000 rows over 10,000 ms.
      for (let i = 0; i < 3000; i++) rows.push({ seriesId: (i * 7) % 10, ts: (i * 7919) % 10_000, value: i });
      db.transaction(() => {
        for (const r of rows) head.push(r.seriesId, r.ts, r.value);
        head.flush();
      })();
      const all = rows.map((r, i) => ({ id: i + 1, ...r }));
      fc.assert(
        fc.property(
          fc.uniqueArray(fc.integer({ min: 0, max: 11 }), { maxLength: 4 }),
          fc.integer({ min: -100, max: 10_100 }),
          fc.integer({ min: 1, max: 10_200 }),
          (ids, start, length) => {
            const end = start + length;
            const expected = all
              .filter((r) => ids.includes(r.seriesId) && r.ts >= start && r.ts < end)
              .sort((a, b) => a.ts - b.ts || a.id - b.id);
            assert.deepEqual(head.readSeriesRange(ids, start, end), expected);
          },
        ),
        { seed: 13, numRuns: 300 },
      );
    } finally {
      db.close();
      cleanup();
    }
  });
});
