/**
 * `npm run bench`: puts the naive seed design, DuckDB and this engine (uncompressed and
 * compressed) through the same workload in one run and prints a table of figures (medians of
 * repeated operations) and ratios against the naive design, then the export of 1M samples through
 * the engine (time and peak memory, in a child process), the OTLP receiver's throughput and the
 * panel's latency during a burst (bench/otlp.ts, through a storage host process), and counter rates
 * served from the rollups (storage/bench/counters.ts, in a child process). The two queries are also
 * timed right after the load, before any maintenance (the engine's head then holds it all), with
 * their ratio to the same query after maintenance. The "sustained" row loads the whole workload again
 * with the engine maintaining itself and each design settling its store (see sustained()). Last,
 * the time of each step of the engine's own maintenance at a steady 2,000 samples/s
 * (storage/bench/compaction-steady.ts: 10 simulated minutes, 2 with --quick; its --full runs a
 * whole two-hour window). Then ingest alone in CPU time, the engine against the naive design in one
 * process (storage/bench/ingest.ts). Not a test: it asserts nothing.
 *
 * Options: --quick (a smaller load, for a smoke run), --series-samples N (samples per series),
 * --scale (only the scale run of bench/scale.ts: 1M, 4M and 16M samples over 1,000 series).
 */
import { execFileSync } from 'node:child_process';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { setImmediate as nextTurn } from 'node:timers/promises';
import type { Design } from './designs/design.ts';
import { DuckDbDesign } from './designs/duckdb.ts';
import { EngineDesign } from './designs/engine.ts';
import { NaiveDesign } from './designs/naive.ts';
import { histogramQuantileFigure } from './histogram-quantile.ts';
import { otlpFigures } from './otlp.ts';
import { scaleRun } from './scale.ts';
import { workloadBatches, workloadSeries } from './workload.ts';
import { DAY_MS } from '../storage/src/index.ts';

const quick = process.argv.includes('--quick');
const SERIES = workloadSeries().length;
const PER_SERIES = Number(argValue('--series-samples') ?? (quick ? 1_000 : 9_000));
const T0 = Date.UTC(2026, 0, 1);
const STEP = 10_000;
const DAY = DAY_MS;
const REPEATS = 5;

function argValue(flag: string): string | undefined {
  const i = process.argv.indexOf(flag);
  return i >= 0 ? process.argv[i + 1] : undefined;
}

function median(values: number[]): number {
  const sorted = [...values].sort((a, b) => a - b);
  return sorted[Math.floor(sorted.length / 2)]!;
}

async function timed(fn: () => unknown): Promise<number> {
  const t = performance.now();
  await fn();
  return performance.now() - t;
}

async function repeated(fn: () => unknown): Promise<number> {
  const times: number[] = [];
  for (let i = 0; i < REPEATS; i++) times.push(await timed(fn));
  return median(times);
}

type Figures = Record<string, number>;

async function load(design: Design, start: number, samples: number, batchSize: number): Promise<number> {
  let ms = 0;
  for (const batch of workloadBatches({ start, samples, batchSize, intervalMs: STEP }))
    ms += await timed(() => design.ingest(batch));
  return (samples / ms) * 1000;
}

/** Opens a design's store; `automatic`: the engine maintains itself (the other designs have nothing to turn on). */
type Maker = (path: string, options?: { automatic?: boolean }) => Design | Promise<Design>;

/**
 * Sustained throughput: the whole load in batches of 1k, a turn of the event loop after each (as a
 * live feed gives, so the engine's own maintenance runs between batches), then whatever the design
 * does until its store is settled (the engine: its maintenance; naive and DuckDB: their four
 * GROUP BY rollups). Samples per second over the whole.
 */
async function sustained(make: Maker, samples: number): Promise<number> {
  const dir = mkdtempSync(join(tmpdir(), 'bench-sustained-'));
  const design = await make(join(dir, 'sustained.db'), { automatic: true });
  try {
    const ms = await timed(async () => {
      for (const batch of workloadBatches({ start: T0, samples, batchSize: 1_000, intervalMs: STEP })) {
        await design.ingest(batch);
        await nextTurn();
      }
      await design.settleAll();
    });
    return (samples / ms) * 1000;
  } finally {
    await design.close();
    rmSync(dir, { recursive: true, force: true });
  }
}

async function scenario(make: Maker): Promise<{ name: string; figures: Figures }> {
  const dir = mkdtempSync(join(tmpdir(), 'bench-'));
  const figures: Figures = {};
  const total = SERIES * PER_SERIES;
  const span = PER_SERIES * STEP;
  const design = await make(join(dir, 'main.db'));
  try {
    figures['ingest samples/s, batches of 1k'] = await load(design, T0, total, 1_000);
    // Before maintenance: the same two queries as below, right after the load, as a library user who never calls it.
    const cpu = workloadSeries().find((s) => s.name === 'process_cpu_percent')!;
    const firstDay = T0 + Math.min(DAY, span);
    const rawBefore = await repeated(() => design.queryRawSeries(cpu.name, cpu.labels, T0, firstDay));
    const labelBefore = await repeated(() =>
      design.queryByLabel('network_receive_bytes_total', 'host', 'h1', T0, firstDay),
    );
    figures['raw query, one series over one day, before maintenance, ms'] = rawBefore;
    figures['one metric filtered by one label, before maintenance, ms'] = labelBefore;
    figures['aggregate 1m over the history, ms'] = await timed(() => design.aggregate1m());
    let buckets = 0;
    figures['then read every 1m bucket of the history, ms'] = await timed(
      async () => (buckets = await design.read1mBuckets(T0, T0 + span)),
    );
    figures['buckets read by it'] = buckets;
    figures['settle after the load (rollups + compaction), ms'] = await timed(() => design.settle());
    figures['bytes per sample on disk'] = (await design.bytesOnDisk()) / total;
    const series = workloadSeries().find((s) => s.name === 'process_cpu_percent')!;
    const day = Math.min(DAY, span);
    figures['raw query, one series over one day, ms'] = await repeated(() =>
      design.queryRawSeries(series.name, series.labels, T0, T0 + day),
    );
    figures['rows returned by it'] = await design.queryRawSeries(series.name, series.labels, T0, T0 + day);
    figures['one metric filtered by one label, ms'] = await repeated(() =>
      design.queryByLabel('network_receive_bytes_total', 'host', 'h1', T0, T0 + day),
    );
    figures['rows returned by it '] = await design.queryByLabel(
      'network_receive_bytes_total',
      'host',
      'h1',
      T0,
      T0 + day,
    );
    figures['raw query before / after maintenance'] = rawBefore / figures['raw query, one series over one day, ms']!;
    figures['label query before / after maintenance'] = labelBefore / figures['one metric filtered by one label, ms']!;
    const incremental: number[] = [];
    for (let minute = 0; minute < REPEATS; minute++) {
      const start = T0 + span + minute * 60_000;
      for (const batch of workloadBatches({
        start,
        samples: SERIES * 6,
        batchSize: SERIES * 6,
        intervalMs: STEP,
        seed: minute + 2,
      }))
        await design.ingest(batch);
      incremental.push(await timed(() => design.aggregate1m()));
    }
    figures['aggregate 1m after one more minute, ms'] = median(incremental);
    figures['retention of the older half, ms'] = await timed(() => design.deleteBefore(T0 + span / 2));
  } finally {
    await design.close();
  }
  const second = await make(join(dir, 'batches10k.db'));
  try {
    figures['ingest samples/s, batches of 10k'] = await load(second, T0, Math.min(total, 600_000), 10_000);
  } finally {
    await second.close();
    rmSync(dir, { recursive: true, force: true });
  }
  figures['sustained samples/s (ingest + maintenance until settled)'] = await sustained(make, total);
  return { name: design.name, figures };
}

function format(value: number): string {
  if (value >= 1000) return Math.round(value).toLocaleString('en-US');
  if (value >= 10) return value.toFixed(1);
  return value.toFixed(2);
}

function printTable(results: { name: string; figures: Figures }[]): void {
  const [base, ...others] = results;
  const header = ['figure (median)', ...results.map((r) => r.name), ...others.map((r) => `${r.name} / naive`)];
  const rows = Object.keys(base!.figures).map((key) => [
    key.trim(),
    ...results.map((r) => format(r.figures[key]!)),
    ...others.map((r) => (r.figures[key]! / base!.figures[key]!).toFixed(2)),
  ]);
  const lines = [header, header.map(() => '---'), ...rows].map((cells) => `| ${cells.join(' | ')} |`);
  console.log(lines.join('\n'));
}

if (process.argv.includes('--scale')) {
  scaleRun(quick);
  process.exit(0);
}

console.log(
  `Workload: ${SERIES} series, a sample every ${STEP / 1000} s, ${PER_SERIES} samples per series (${(SERIES * PER_SERIES).toLocaleString('en-US')} in all), Node ${process.version}.`,
);
const results = [];
const makers: Maker[] = [
  (p) => new NaiveDesign(p),
  (p) => DuckDbDesign.open(p),
  (p, options) => new EngineDesign(p, false, options),
  (p, options) => new EngineDesign(p, true, options),
];
for (const make of makers) {
  results.push(await scenario(make));
  console.error(`done: ${results[results.length - 1]!.name}`);
}
printTable(results);

const exportSamples = quick ? 100_000 : 1_000_000;
const exported = JSON.parse(
  execFileSync(
    process.execPath,
    ['--import', 'tsx', new URL('./export-store.ts', import.meta.url).pathname, '--samples', String(exportSamples)],
    { encoding: 'utf8' },
  ),
) as { rows: number; seconds: number; fileMiB: number; rssBeforeMiB: number; peakRssMiB: number };
console.log(
  `\nAnonymised Parquet export of ${exported.rows.toLocaleString('en-US')} samples through the engine: ${exported.seconds.toFixed(2)} s, ` +
    `${exported.fileMiB} MiB, peak RSS ${exported.peakRssMiB} MiB (${exported.rssBeforeMiB} MiB before the export).`,
);

console.log(`\n${await histogramQuantileFigure(quick ? 3 : 30)}`);
console.log(`\n${await otlpFigures(quick)}`);
// Counter rates served from the rollups against the raw computation and the same gauge query (a white-box script of the engine).
process.stdout.write(
  execFileSync(
    process.execPath,
    [
      '--import',
      'tsx',
      new URL('../storage/bench/counters.ts', import.meta.url).pathname,
      ...(quick ? ['--quick'] : []),
    ],
    { encoding: 'utf8' },
  ),
);
// The engine's own maintenance at a steady rate: p50/p99/largest step (a white-box script of the engine).
process.stdout.write(
  execFileSync(
    process.execPath,
    [
      '--import',
      'tsx',
      new URL('../storage/bench/compaction-steady.ts', import.meta.url).pathname,
      '--minutes',
      quick ? '2' : '10',
    ],
    { encoding: 'utf8' },
  ),
);
// Ingest alone, in CPU time of the insert calls, the engine against the naive design (a white-box script of the engine).
process.stdout.write(
  execFileSync(
    process.execPath,
    ['--import', 'tsx', new URL('../storage/bench/ingest.ts', import.meta.url).pathname, ...(quick ? ['--quick'] : [])],
    { encoding: 'utf8' },
  ),
);
