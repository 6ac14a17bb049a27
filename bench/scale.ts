/**
 * The scale run (`npm run bench -- --scale`): cost grows with the work, not with the store. Loads
 * stores of 1M, 4M and 16M samples over 1,000 series (each size in its own child process,
 * bench/scale-store.ts, so that its RSS is its own) and prints, per size, the ingest rate, the
 * settling after the load, bytes per sample, the latency of a one-day raw query and of a 30-day
 * auto query (the same series and data at every size), and the process RSS, with the ratio of the
 * largest size to the smallest. With
 * --quick: 100k, 400k and 1.6M samples.
 */
import { execFileSync } from 'node:child_process';

interface QueryTime {
  wallMs: number;
  cpuMs: number;
}

interface SizeFigures {
  samples: number;
  days: number;
  ingestPerSecond: number;
  ingestPerCpuSecond: number;
  settleMs: number;
  settleCpuMsPerMillion: number;
  bytesPerSample: number;
  oneDay: QueryTime;
  oneDayPoints: number;
  thirtyDayAuto: QueryTime;
  thirtyDayResolution: string;
  thirtyDayPoints: number;
  rssMiB: number;
  peakRssMiB: number;
}

const ROWS: [string, (f: SizeFigures) => number | string][] = [
  ['days the 990 other series span (a sample every 2 min; the 10 queried ones: 30 days)', (f) => f.days],
  ['ingest samples/s, batches of 10k, with the automatic maintenance between them', (f) => f.ingestPerSecond],
  ['the same in samples per CPU second', (f) => f.ingestPerCpuSecond],
  ['settle after the load (what automatic maintenance left), ms', (f) => f.settleMs],
  ['settling CPU ms per million samples', (f) => f.settleCpuMsPerMillion],
  ['bytes per sample on disk', (f) => f.bytesPerSample],
  ['one-day raw query, one series, ms', (f) => f.oneDay.wallMs],
  ['its CPU time, ms', (f) => f.oneDay.cpuMs],
  ['points returned by it', (f) => f.oneDayPoints],
  ['30-day auto query, one metric on one instance (10 series), ms', (f) => f.thirtyDayAuto.wallMs],
  ['its CPU time, ms', (f) => f.thirtyDayAuto.cpuMs],
  ['resolution and points returned by it', (f) => `${f.thirtyDayResolution}, ${f.thirtyDayPoints}`],
  ['process RSS after the queries, MiB', (f) => f.rssMiB],
  ['peak RSS, MiB', (f) => f.peakRssMiB],
];

function format(value: number | string): string {
  if (typeof value === 'string') return value;
  if (value >= 1000) return Math.round(value).toLocaleString('en-US');
  if (value >= 10) return value.toFixed(1);
  return value.toFixed(2);
}

function measure(samples: number): SizeFigures {
  const script = new URL('./scale-store.ts', import.meta.url).pathname;
  const out = execFileSync(process.execPath, ['--import', 'tsx', script, '--samples', String(samples)], {
    encoding: 'utf8',
    maxBuffer: 1 << 20,
  });
  return JSON.parse(out) as SizeFigures;
}

export function scaleRun(quick: boolean): void {
  const sizes = quick ? [100_000, 400_000, 1_600_000] : [1_000_000, 4_000_000, 16_000_000];
  const figures = sizes.map((samples) => {
    const measured = measure(samples);
    console.error(`done: ${samples.toLocaleString('en-US')} samples`);
    return measured;
  });
  const header = ['figure', ...sizes.map((n) => `${(n / 1e6).toLocaleString('en-US')}M samples`), 'largest / smallest'];
  const rows = ROWS.map(([name, pick]) => {
    const cells = figures.map(pick);
    const [first, last] = [cells[0]!, cells.at(-1)!];
    const ratio = typeof first === 'number' && typeof last === 'number' ? (last / first).toFixed(2) : '';
    return [name, ...cells.map(format), ratio];
  });
  console.log(`Scale run: 1,000 series, Node ${process.version}.`);
  console.log([header, header.map(() => '---'), ...rows].map((cells) => `| ${cells.join(' | ')} |`).join('\n'));
}
