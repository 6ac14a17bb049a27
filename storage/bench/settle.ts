/**
 * Bulk-load settling benchmark (not a test): loads the standard workload (bench/workload.ts, 200
 * series every 10 s) into a store with automatic maintenance off, then times, in wall and CPU time
 * of the process (`process.cpuUsage()`, which a machine shared with other work does not inflate):
 * `aggregate('1m')` over the whole head followed by `rollUpAndCompact()` (as `npm run bench` does),
 * and, on a second store loaded the same way, `rollUpAndCompact()` alone. Compressed and
 * uncompressed.
 *
 *   node --import tsx storage/bench/settle.ts [--samples 600000] [--mode compressed|uncompressed]
 */
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { parseArgs } from 'node:util';
import { TimeSeriesStorage } from '../src/index.ts';
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

const { values } = parseArgs({
  options: { samples: { type: 'string', default: '600000' }, mode: { type: 'string' } },
});
const samples = Number(values.samples);
const modes = values.mode === undefined ? [true, false] : [values.mode === 'compressed'];
console.log(`${samples.toLocaleString('en-US')} samples over 200 series, automatic maintenance off:`);
const rows = [];
for (const compressed of modes) rows.push(await measure(compressed, samples));
console.table(rows);
