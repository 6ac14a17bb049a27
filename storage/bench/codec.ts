/**
 * Chunk codec benchmark (not a test): one day of the standard workload (200 series, 10 s),
 * cut into chunks of N samples per series, encoded with the Gorilla reference and with the packed
 * codec. Prints bytes per sample (overall and per metric kind), encode/decode throughput, the
 * value schemes chosen, and what a chunk table in SQLite costs per sample on disk.
 *
 *   node --import tsx storage/bench/codec.ts [--days 1] [--jitter 5]   (the second table jitters timestamps)
 */

import { mkdtempSync, rmSync, statSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { performance } from 'node:perf_hooks';
import { parseArgs } from 'node:util';
import Database from 'better-sqlite3';
import {
  DEFAULT_CHUNK_SAMPLES,
  decodeChunk,
  encodeChunk,
  encodeGorillaChunk,
  readChunkHeader,
} from '../src/compression/chunk.ts';
import { type MetricKind, WORKLOAD_METRIC_KINDS, workloadBatches, workloadSeries } from '../../bench/workload.ts';
import { DAY_MS } from '../../shared/constants.ts';

const CHUNK_SIZES = [120, 240, 360, 720];
/** Chunk-table layouts measured on disk: [WITHOUT ROWID?, page size]. */
const SQLITE_LAYOUTS: readonly [boolean, number][] = [
  [true, 4096],
  [false, 4096],
  [false, 16384],
];

interface SeriesData {
  kind: MetricKind;
  ts: Float64Array;
  vs: Float64Array;
}

type Encoder = (ts: Float64Array, vs: Float64Array) => Uint8Array;

interface Run {
  bytes: number;
  byKind: Map<MetricKind, number>;
  schemes: Map<string, number>;
  encodePerSec: number;
  decodePerSec: number;
  chunks: { series: number; ts: Float64Array; payload: Uint8Array }[];
}

function collect(days: number, jitterMs: number): SeriesData[] {
  const series = workloadSeries();
  const perSeries = Math.round((days * DAY_MS) / 10_000);
  const data = series.map((s) => ({
    kind: WORKLOAD_METRIC_KINDS[s.name]!,
    ts: new Float64Array(perSeries),
    vs: new Float64Array(perSeries),
  }));
  let i = 0;
  for (const batch of workloadBatches({
    start: Date.UTC(2025, 0, 6),
    samples: perSeries * series.length,
    batchSize: 10_000,
    jitterMs,
  })) {
    for (const s of batch) {
      const d = data[i % series.length]!;
      const k = Math.floor(i / series.length);
      d.ts[k] = s.timestamp;
      d.vs[k] = s.value;
      i++;
    }
  }
  return data;
}

function slices(
  data: SeriesData[],
  n: number,
): { series: number; kind: MetricKind; ts: Float64Array; vs: Float64Array }[] {
  return data.flatMap((d, series) => {
    const out = [];
    for (let i = 0; i < d.ts.length; i += n) {
      out.push({ series, kind: d.kind, ts: d.ts.subarray(i, i + n), vs: d.vs.subarray(i, i + n) });
    }
    return out;
  });
}

function run(data: SeriesData[], n: number, encode: Encoder): Run {
  const parts = slices(data, n);
  const samples = parts.reduce((sum, p) => sum + p.ts.length, 0);
  for (const p of parts.slice(0, 200)) decodeChunk(encode(p.ts, p.vs)); // warm-up
  let t0 = performance.now();
  const chunks = parts.map((p) => ({ series: p.series, ts: p.ts, payload: encode(p.ts, p.vs) }));
  const encodeMs = performance.now() - t0;
  t0 = performance.now();
  for (const c of chunks) decodeChunk(c.payload);
  const decodeMs = performance.now() - t0;
  const byKind = new Map<MetricKind, number>();
  const schemes = new Map<string, number>();
  let bytes = 0;
  chunks.forEach((c, i) => {
    const kind = parts[i]!.kind;
    bytes += c.payload.length;
    byKind.set(kind, (byKind.get(kind) ?? 0) + c.payload.length);
    const scheme = readChunkHeader(c.payload).scheme;
    schemes.set(scheme, (schemes.get(scheme) ?? 0) + 1);
  });
  return {
    bytes,
    byKind,
    schemes,
    chunks,
    encodePerSec: samples / (encodeMs / 1000),
    decodePerSec: samples / (decodeMs / 1000),
  };
}

/** Bytes per sample of a SQLite file holding only the chunk rows, after a checkpoint. */
function sqliteBytesPerSample(chunks: Run['chunks'], samples: number, withoutRowid: boolean, pageSize: number): number {
  const dir = mkdtempSync(join(tmpdir(), 'codec-bench-'));
  try {
    const file = join(dir, 'chunks.db');
    const db = new Database(file);
    db.pragma(`page_size = ${pageSize}`);
    db.pragma('journal_mode = WAL');
    db.exec(
      withoutRowid
        ? `CREATE TABLE chunks (series_id INTEGER NOT NULL, first_ts INTEGER NOT NULL, last_ts INTEGER NOT NULL,
           count INTEGER NOT NULL, payload BLOB NOT NULL, PRIMARY KEY (series_id, first_ts)) STRICT, WITHOUT ROWID`
        : `CREATE TABLE chunks (id INTEGER PRIMARY KEY, series_id INTEGER NOT NULL, first_ts INTEGER NOT NULL,
           last_ts INTEGER NOT NULL, count INTEGER NOT NULL, payload BLOB NOT NULL) STRICT;
         CREATE INDEX chunks_series ON chunks (series_id, first_ts)`,
    );
    const insert = db.prepare(
      'INSERT INTO chunks (series_id, first_ts, last_ts, count, payload) VALUES (?, ?, ?, ?, ?)',
    );
    // chunks are written as compaction would: oldest first, all series of one time range together
    const ordered = [...chunks].sort((a, b) => a.ts[0]! - b.ts[0]! || a.series - b.series);
    db.transaction(() => {
      for (const c of ordered) insert.run(c.series, c.ts[0]!, c.ts[c.ts.length - 1]!, c.ts.length, c.payload);
    })();
    db.pragma('wal_checkpoint(TRUNCATE)');
    db.close();
    return statSync(file).size / samples;
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
}

function fmt(x: number, digits = 3): string {
  return x.toFixed(digits);
}

function rate(x: number): string {
  return `${(x / 1e6).toFixed(2)}M/s`;
}

function report(data: SeriesData[], label: string, sqlite: boolean): void {
  const samples = data.reduce((sum, d) => sum + d.ts.length, 0);
  const kindSamples = new Map<MetricKind, number>();
  for (const d of data) kindSamples.set(d.kind, (kindSamples.get(d.kind) ?? 0) + d.ts.length);
  console.log(`\n## ${label}: ${data.length} series, ${samples.toLocaleString('en')} samples`);
  console.log(
    '| N | gorilla B/sample | packed B/sample | ratio | gorilla enc | gorilla dec | packed enc | packed dec |' +
      (sqlite
        ? SQLITE_LAYOUTS.map(
            ([wr, page]) => ` file B/sample ${wr ? 'WITHOUT ROWID' : 'rowid+index'} ${page / 1024}K |`,
          ).join('')
        : ''),
  );
  const kinds: string[] = [];
  for (const n of CHUNK_SIZES) {
    const g = run(data, n, encodeGorillaChunk);
    const p = run(data, n, encodeChunk);
    const file = sqlite
      ? SQLITE_LAYOUTS.map(([wr, page]) => ` ${fmt(sqliteBytesPerSample(p.chunks, samples, wr, page))} |`).join('')
      : '';
    const mark = n === DEFAULT_CHUNK_SAMPLES ? ' (default)' : '';
    console.log(
      `| ${n}${mark} | ${fmt(g.bytes / samples)} | ${fmt(p.bytes / samples)} | ${fmt(p.bytes / g.bytes, 2)} | ` +
        `${rate(g.encodePerSec)} | ${rate(g.decodePerSec)} | ${rate(p.encodePerSec)} | ${rate(p.decodePerSec)} |${file}`,
    );
    for (const [kind, count] of kindSamples) {
      kinds.push(`| ${n} | ${kind} | ${fmt(g.byKind.get(kind)! / count)} | ${fmt(p.byKind.get(kind)! / count)} |`);
    }
    kinds.push(`| ${n} | schemes | | ${[...p.schemes].map(([s, c]) => `${s} ${c}`).join(', ')} |`);
  }
  console.log('\n| N | metric kind | gorilla B/sample | packed B/sample |');
  for (const line of kinds) console.log(line);
}

function main(): void {
  const { values } = parseArgs({
    options: { days: { type: 'string', default: '1' }, jitter: { type: 'string', default: '5' } },
  });
  const days = Number(values.days);
  report(collect(days, 0), 'regular timestamps', true);
  report(collect(days, Number(values.jitter)), `timestamps jittered by 0..${values.jitter} ms`, false);
}

main();
