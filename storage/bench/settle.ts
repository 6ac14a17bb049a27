/**
 * Bulk-load settling benchmark (not a test): loads the standard workload (bench/workload.ts, 200
 * series every 10 s) into a store with automatic maintenance off, then times, in wall and CPU time
 * of the process (`process.cpuUsage()`, which a machine shared with other work does not inflate):
 * `aggregate('1m')` over the whole head followed by `rollUpAndCompact()` (as `npm run bench` does),
 * and, on a second store loaded the same way, `rollUpAndCompact()` alone. Compressed and
 * uncompressed. With --sustained, instead: the load in batches of 1k, a turn of the event loop after
 * each, the engine maintaining itself (then settled), against the naive seed design with its four
 * GROUP BY rollups (bench/designs), as the "sustained" row of `npm run bench` measures it.
 *
 *   node --import tsx storage/bench/settle.ts [--samples 600000] [--mode compressed|uncompressed] [--sustained]
 */
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { setImmediate as nextTurn } from 'node:timers/promises';
import { parseArgs } from 'node:util';
import { TimeSeriesStorage } from '../src/index.ts';
import type { Design } from '../../bench/designs/design.ts';
import { EngineDesign } from '../../bench/designs/engine.ts';
import { NaiveDesign } from '../../bench/designs/naive.ts';
import { workloadBatches } from '../../bench/workload.ts';

const T0 = Date.UTC(2026, 0, 1);
const STEP_MS = 10_000;

interface Timing {
  wall: number;
  cpu: number;
}

async function timed(run: () => Promise<unknown>): Promise<Timing> {
  const [started, cpu] = [performance.now(), process.cpuUsage()];
  await run();
  const used = process.cpuUsage(cpu);
  return { wall: performance.now() - started, cpu: (used.user + used.system) / 1000 };
}

async function loadedStore(
  dir: string,
  name: string,
  compressed: boolean,
  samples: number,
): Promise<TimeSeriesStorage> {
  const store = new TimeSeriesStorage({
    dbPath: join(dir, name),
    enableCompression: compressed,
    autoMaintenance: false,
    now: () => T0 + (samples / 200) * STEP_MS,
  });
  for (const batch of workloadBatches({ start: T0, samples, batchSize: 10_000, intervalMs: STEP_MS })) {
    await store.insertSamples(batch);
  }
  return store;
}

async function measure(compressed: boolean, samples: number): Promise<Record<string, string>> {
  const dir = mkdtempSync(join(tmpdir(), 'bench-settle-'));
  try {
    const first = await loadedStore(dir, 'a.db', compressed, samples);
    const aggregate = await timed(() => first.aggregate('1m'));
    const afterAggregate = await timed(() => first.rollUpAndCompact());
    first.close();
    const second = await loadedStore(dir, 'b.db', compressed, samples);
    const settle = await timed(() => second.rollUpAndCompact());
    second.close();
    const show = (t: Timing): string => `${Math.round(t.wall)} ms (CPU ${Math.round(t.cpu)} ms)`;
    return {
      mode: compressed ? 'compressed' : 'uncompressed',
      "aggregate('1m')": show(aggregate),
      'settle after it': show(afterAggregate),
      'settle alone': show(settle),
    };
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
}

/** Samples per second of wall and of CPU time: the whole load in batches of 1k, then settled. */
async function sustained(make: (path: string) => Design, samples: number): Promise<Record<string, string>> {
  const dir = mkdtempSync(join(tmpdir(), 'bench-sustained-'));
  const design = make(join(dir, 'sustained.db'));
  try {
    const took = await timed(async () => {
      for (const batch of workloadBatches({ start: T0, samples, batchSize: 1_000, intervalMs: STEP_MS })) {
        await design.ingest(batch);
        await nextTurn();
      }
      await design.settleAll();
    });
    const rate = (ms: number): string => Math.round((samples / ms) * 1000).toLocaleString('en-US');
    return { design: design.name, 'samples/s (wall)': rate(took.wall), 'samples/s (CPU)': rate(took.cpu) };
  } finally {
    await design.close();
    rmSync(dir, { recursive: true, force: true });
  }
}

const { values } = parseArgs({
  options: { samples: { type: 'string', default: '600000' }, mode: { type: 'string' }, sustained: { type: 'boolean' } },
});
const samples = Number(values.samples);
const modes = values.mode === undefined ? [true, false] : [values.mode === 'compressed'];
const rows = [];
if (values.sustained) {
  console.log(`${samples.toLocaleString('en-US')} samples over 200 series in batches of 1k, sustained:`);
  rows.push(await sustained((path) => new NaiveDesign(path), samples));
  for (const compressed of modes) {
    rows.push(await sustained((path) => new EngineDesign(path, compressed, { automatic: true }), samples));
  }
} else {
  console.log(`${samples.toLocaleString('en-US')} samples over 200 series, automatic maintenance off:`);
  for (const compressed of modes) rows.push(await measure(compressed, samples));
}
console.table(rows);
