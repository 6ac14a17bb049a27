/**
 * The ingest sink (electron/ingest/ingest-sink.ts) over a real store: a large batch of units is
 * written in steps that hand the event loop back between them; units the engine refuses (the series
 * limit, a label limit) are rejected one by one with the engine's reason while every other unit is
 * stored whole, and only stored units are committed; an error of the store itself rejects what was
 * not yet written.
 */
import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { ingestInSteps, type IngestUnit } from '../electron/ingest/ingest-sink.ts';
import { STEP_UNITS } from '../electron/ingest/pacing.ts';
import { openStore, T0 } from './support/store.ts';

function unit(series: number, t: number, committed: Set<string>, extra: Record<string, string> = {}): IngestUnit {
  const key = `${series}@${t}`;
  return {
    samples: [
      { name: 'sink_a', value: t, timestamp: T0 + t, labels: { s: String(series), ...extra } },
      { name: 'sink_b', value: -t, timestamp: T0 + t, labels: { s: String(series), ...extra } },
    ],
    commit: () => committed.add(key),
  };
}

function storedCount(store: ReturnType<typeof openStore>['store']): number {
  return ['sink_a', 'sink_b']
    .flatMap((metricName) =>
      store.queryMetrics({ metricName, start: T0, end: T0 + 1e9, aggregation: 'raw', maxPoints: 1e6 }),
    )
    .reduce((n, series) => n + (series.sampledFrom ?? series.points.length), 0);
}

describe('ingest sink', () => {
  it('writes a large batch in steps, yielding to the event loop between them', async () => {
    const s = openStore({ autoMaintenance: false });
    try {
      const committed = new Set<string>();
      const units = Array.from({ length: 10_000 }, (_, i) => unit(i % 10, i, committed));
      let ticks = 0;
      let running = true;
      const tick = (): void => {
        ticks += 1;
        if (running) setImmediate(tick);
      };
      setImmediate(tick);
      const result = await ingestInSteps(s.store, units);
      running = false;
      assert.equal(result.accepted, 10_000);
      assert.equal(result.rejections.total, 0);
      assert.equal(committed.size, 10_000);
      assert.equal(storedCount(s.store), 20_000);
      // 20,000 samples in steps of STEP_UNITS: the event loop ran between every two of them.
      assert.ok(ticks >= Math.floor(20_000 / STEP_UNITS) - 1, `the event loop ran ${ticks} times`);
    } finally {
      s.cleanup();
    }
  });

  it('rejects exactly the units the engine refuses, with why, and stores and commits every other one whole', async () => {
    const s = openStore({ autoMaintenance: false, maxSeries: 6 });
    try {
      const committed = new Set<string>();
      const units = [
        unit(1, 1, committed),
        unit(2, 2, committed),
        unit(3, 3, committed, { big: 'x'.repeat(1025) }),
        unit(3, 4, committed),
        unit(4, 5, committed), // a 7th and 8th series: over the limit
        unit(1, 6, committed),
      ];
      const result = await ingestInSteps(s.store, units);
      assert.equal(result.accepted, 4);
      assert.equal(result.rejections.total, 2);
      assert.match(result.rejections.summary(), /sink_a: label "big" is longer than 1024 characters \(1\)/);
      assert.match(result.rejections.summary(), /sink_a: series limit reached \(the store holds 6 series\) \(1\)/);
      assert.deepEqual([...committed].sort(), ['1@1', '1@6', '2@2', '3@4']);
      assert.equal(storedCount(s.store), 8);
    } finally {
      s.cleanup();
    }
  });

  it('writes the units after a refused step in steps again, not one by one', async () => {
    const s = openStore({ autoMaintenance: false });
    try {
      const committed = new Set<string>();
      const units = Array.from({ length: 5_000 }, (_, i) =>
        unit(i % 10, i, committed, i === 3 ? { big: 'x'.repeat(1025) } : {}),
      );
      const batches: number[] = [];
      const counting = {
        insertSamples: (samples: Parameters<typeof s.store.insertSamples>[0]) => {
          batches.push(samples.length);
          return s.store.insertSamples(samples);
        },
      };
      const result = await ingestInSteps(counting, units);
      assert.equal(result.accepted, 4_999);
      assert.equal(result.rejections.total, 1);
      assert.equal(storedCount(s.store), 2 * 4_999);
      // The refused first step, its units one by one, then steps of about STEP_UNITS samples.
      const firstStepUnits = batches[0]! / 2;
      assert.deepEqual(batches.slice(1, 1 + firstStepUnits), Array(firstStepUnits).fill(2));
      const rest = batches.slice(1 + firstStepUnits);
      assert.ok(
        rest.length > 0 && rest.length <= Math.ceil((2 * (5_000 - firstStepUnits)) / STEP_UNITS),
        `${rest.length} writes after it`,
      );
    } finally {
      s.cleanup();
    }
  });

  it('rejects what is not yet written when the store itself fails (closed), keeping what was', async () => {
    const s = openStore({ autoMaintenance: false });
    try {
      const committed = new Set<string>();
      const first = await ingestInSteps(s.store, [unit(1, 1, committed)]);
      assert.equal(first.accepted, 1);
      s.store.close();
      const second = await ingestInSteps(s.store, [unit(1, 2, committed), unit(1, 3, committed)]);
      assert.equal(second.accepted, 0);
      assert.equal(second.rejections.total, 2);
      assert.match(second.rejections.summary(), /the store refused the write: STORE_CLOSED/);
      assert.deepEqual([...committed], ['1@1']);
    } finally {
      s.cleanup();
    }
  });
});
