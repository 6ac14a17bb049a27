/**
 * Ingest benchmark (not a test): the bench workload (bench/workload.ts, 200 series in time order)
 * loaded into the naive seed design (bench/designs/naive.ts) and into the engine, compressed and
 * uncompressed, automatic maintenance off, in batches of 1k and of 10k, all in this one process.
 * The batches are built before the clock starts; each load's cost is the CPU time of the process
 * (user + system) spent inside the insert calls, so that other work on a shared machine inflates
 * every design alike. Each load runs `--rounds` times (designs in turn, a fresh store each time) and
 * the median is printed as samples per CPU second, with each engine's ratio to the naive design
 * (after an untimed warm-up load of each, so that no design is timed while its code is compiled).
 *
 *   node --import tsx storage/bench/ingest.ts [--samples 1800000] [--rounds 3] [--quick]
 */
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { parseArgs } from 'node:util';
import { NaiveDesign } from '../../bench/designs/naive.ts';
import { workloadBatches } from '../../bench/workload.ts';
import { TimeSeriesStorage, type MetricSample } from '../src/index.ts';

const T0 = Date.UTC(2026, 0, 1);
const BATCH_SIZES = [1_000, 10_000];

interface Loader {
  insert(batch: MetricSample[]): unknown;
  close(): void;
}

const DESIGNS: Record<string, (path: string) => Loader> = {
  naive: (path) => {
    const naive = new NaiveDesign(path);
    return { insert: (batch) => naive.ingest(batch), close: () => void naive.close() };
  },
  'engine (compressed)': (path) => engine(path, true),
  'engine (uncompressed)': (path) => engine(path, false),
};

function engine(dbPath: string, enableCompression: boolean): Loader {
  const store = new TimeSeriesStorage({ dbPath, enableCompression, autoMaintenance: false, now: () => T0 });
  return { insert: (batch) => store.insertSamples(batch), close: () => store.close() };
}

function cpuMs(): number {
  const { user, system } = process.cpuUsage();
  return (user + system) / 1000;
}

/** Loads every batch into a fresh store of the design; returns samples per CPU second. */
async function load(make: (path: string) => Loader, batches: MetricSample[][], samples: number): Promise<number> {
  const dir = mkdtempSync(join(tmpdir(), 'ingest-bench-'));
  const loader = make(join(dir, 'store.db'));
  try {
    let ms = 0;
    for (const batch of batches) {
      const started = cpuMs();
      await loader.insert(batch);
      ms += cpuMs() - started;
    }
    return (samples / ms) * 1000;
  } finally {
    loader.close();
    rmSync(dir, { recursive: true, force: true });
  }
}

function median(values: number[]): number {
  return [...values].sort((a, b) => a - b)[Math.floor(values.length / 2)]!;
}

async function main(): Promise<void> {
  const { values } = parseArgs({
    options: { samples: { type: 'string' }, rounds: { type: 'string' }, quick: { type: 'boolean' } },
  });
  const samples = Number(values.samples ?? (values.quick ? 200_000 : 1_800_000));
  const rounds = Number(values.rounds ?? (values.quick ? 1 : 3));
  const rows: Record<string, string>[] = [];
  for (const batchSize of BATCH_SIZES) {
    const batches = [...workloadBatches({ start: T0, samples, batchSize })];
    const rates: Record<string, number[]> = {};
    // A first, untimed load of a tenth of the batches, so that no design is measured while its code is compiled.
    const warmUp = batches.slice(0, Math.ceil(batches.length / 10));
    for (const make of Object.values(DESIGNS)) await load(make, warmUp, warmUp.length * batchSize);
    for (let round = 0; round < rounds; round++) {
      for (const [name, make] of Object.entries(DESIGNS)) (rates[name] ??= []).push(await load(make, batches, samples));
    }
    const naive = median(rates.naive!);
    for (const [name, measured] of Object.entries(rates)) {
      const rate = median(measured);
      rows.push({
        batch: batchSize.toLocaleString('en-US'),
        design: name,
        'samples per CPU second': Math.round(rate).toLocaleString('en-US'),
        '/ naive': (rate / naive).toFixed(2),
      });
    }
  }
  console.log(
    `Ingest of the bench workload (${samples.toLocaleString('en-US')} samples, 200 series), CPU time of the insert calls, median of ${rounds}:`,
  );
  console.table(rows);
}

await main();
