/**
 * Retention benchmark (not a test): the store of `npm run bench` (200 series, 9,000 samples each
 * every 10 s, then five more minutes folded in), built once per design (the naive seed schema, the
 * engine compressed and uncompressed, each settled as bench/run.ts does), then copied afresh for
 * each run; each run times the deletion of the older half (`applyRetention` for the engine, the
 * naive DELETEs) in wall and CPU time of the process, which a machine shared with other work does
 * not inflate, and prints medians and the ratios to the naive design.
 *
 * A first run of each, not counted, warms the code up, as the ingest before it does in bench/run.ts.
 *
 *   node --import tsx storage/bench/retention.ts [--runs 5] [--series-samples 9000] [--dir D]
 *
 * With --dir the built stores are kept there and reused by the next run with the same sizes.
 */
import { copyFileSync, existsSync, mkdirSync, mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { parseArgs } from 'node:util';
import type { Design } from '../../bench/designs/design.ts';
import { EngineDesign } from '../../bench/designs/engine.ts';
import { NaiveDesign } from '../../bench/designs/naive.ts';
import { workloadBatches, workloadSeries } from '../../bench/workload.ts';

const { values: args } = parseArgs({
  options: {
    runs: { type: 'string', default: '5' },
    'series-samples': { type: 'string', default: '9000' },
    dir: { type: 'string' },
  },
});
const RUNS = Number(args.runs);
const PER_SERIES = Number(args['series-samples']);
const T0 = Date.UTC(2026, 0, 1);
const STEP = 10_000;
const SPAN = PER_SERIES * STEP;
const EXTRA_MINUTES = 5;

interface Subject {
  name: string;
  open: (path: string) => Design;
}

const SUBJECTS: Subject[] = [
  { name: 'naive seed schema', open: (p) => new NaiveDesign(p) },
  { name: 'engine (uncompressed)', open: (p) => new EngineDesign(p, false) },
  { name: 'engine (compressed)', open: (p) => new EngineDesign(p, true) },
];

/** Builds the store as bench/run.ts leaves it before its retention figure. */
async function build(subject: Subject, path: string): Promise<void> {
  const design = subject.open(path);
  try {
    const total = workloadSeries().length * PER_SERIES;
    for (const batch of workloadBatches({ start: T0, samples: total, batchSize: 1_000, intervalMs: STEP })) {
      await design.ingest(batch);
    }
    await design.aggregate1m();
    await design.settle();
    for (let minute = 0; minute < EXTRA_MINUTES; minute++) {
      const samples = workloadSeries().length * 6;
      const start = T0 + SPAN + minute * 60_000;
      for (const batch of workloadBatches({ start, samples, batchSize: samples, intervalMs: STEP, seed: minute + 2 })) {
        await design.ingest(batch);
      }
      await design.aggregate1m();
    }
    await design.bytesOnDisk(); // checkpoints: the file alone is the store
  } finally {
    await design.close();
  }
}

function copyStore(from: string, to: string): void {
  for (const suffix of ['-wal', '-shm']) rmSync(to + suffix, { force: true });
  copyFileSync(from, to);
  if (existsSync(`${from}-wal`)) copyFileSync(`${from}-wal`, `${to}-wal`);
}

interface Timing {
  wall: number;
  cpu: number;
}

async function timeRetention(subject: Subject, path: string): Promise<Timing> {
  const design = subject.open(path);
  try {
    const cpu = process.cpuUsage();
    const start = performance.now();
    await design.deleteBefore(T0 + SPAN / 2);
    const wall = performance.now() - start;
    const used = process.cpuUsage(cpu);
    return { wall, cpu: (used.user + used.system) / 1000 };
  } finally {
    await design.close();
  }
}

function median(xs: number[]): number {
  const sorted = [...xs].sort((a, b) => a - b);
  return sorted[Math.floor(sorted.length / 2)]!;
}

const dir = args.dir ?? mkdtempSync(join(tmpdir(), 'retention-bench-'));
mkdirSync(dir, { recursive: true });
const templateOf = (s: Subject): string => join(dir, `${s.name.replace(/\W+/g, '-')}-${PER_SERIES}.db`);
try {
  for (const subject of SUBJECTS) {
    if (existsSync(templateOf(subject))) continue;
    const t = performance.now();
    await build(subject, templateOf(subject));
    console.error(`built: ${subject.name} (${((performance.now() - t) / 1000).toFixed(1)} s)`);
  }
  const timings = new Map<string, Timing[]>(SUBJECTS.map((s) => [s.name, []]));
  const work = join(dir, 'run.db');
  for (let run = 0; run <= RUNS; run++) {
    for (const subject of SUBJECTS) {
      copyStore(templateOf(subject), work);
      const timing = await timeRetention(subject, work);
      if (run > 0) timings.get(subject.name)!.push(timing);
    }
  }
  const naive = timings.get(SUBJECTS[0]!.name)!;
  const rows = SUBJECTS.map((s) => {
    const t = timings.get(s.name)!;
    const [wall, cpu] = [median(t.map((x) => x.wall)), median(t.map((x) => x.cpu))];
    const naiveWall = median(naive.map((x) => x.wall));
    const naiveCpu = median(naive.map((x) => x.cpu));
    return {
      design: s.name,
      'wall, ms': wall.toFixed(1),
      'CPU, ms': cpu.toFixed(1),
      'naive / this, wall': (naiveWall / wall).toFixed(1),
      'naive / this, CPU': (naiveCpu / cpu).toFixed(1),
    };
  });
  console.log(
    `Retention of the older half: ${workloadSeries().length} series x ${PER_SERIES} samples, median of ${RUNS} runs`,
  );
  console.table(rows);
} finally {
  if (args.dir === undefined) rmSync(dir, { recursive: true, force: true });
  else for (const suffix of ['', '-wal', '-shm']) rmSync(join(dir, `run.db${suffix}`), { force: true });
}
