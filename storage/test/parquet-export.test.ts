/**
 * The Parquet export, read back by an independent reader (DuckDB): exact round trips of raw and
 * rollup rows (metric type, unit and the label MAP included), column types, the MAP's physical
 * layout, key-value metadata with a random export id, streaming in row groups, the all-or-nothing
 * file (no partial or temporary file after a failure), and the new columns anonymised like the old.
 */

import assert from 'node:assert/strict';
import { randomBytes } from 'node:crypto';
import { existsSync, mkdtempSync, readdirSync, readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { after, before, describe, it } from 'node:test';
import { InvalidArgumentError, StorageError } from '../src/errors.ts';
import { ROW_GROUP_ROWS, defaultExportPath, writeParquetExport } from '../src/export/parquet-export.ts';
import type { RawExportRow, RollupExportRow } from '../src/export/parquet-export.ts';
import type { ExportMetric } from '../src/export/export-metric.ts';
import type { Labels } from '../src/types.ts';
import { DuckReader, sqlString } from '../../test/support/duckdb.ts';
import {
  EXPORT_ID,
  RAW_COLUMN_TYPES,
  ROLLUP_COLUMN_TYPES,
  documentedMetricPseudonym,
  documentedPseudonym,
  labelEntries,
  labelsJson,
} from '../../test/support/expected.ts';
import { tempDir } from '../../test/support/store.ts';

const PACKAGE_VERSION = (
  JSON.parse(readFileSync(new URL('../../package.json', import.meta.url), 'utf8')) as { version: string }
).version;

let duck: DuckReader;
let temp: { dir: string; cleanup: () => void };

before(async () => {
  duck = await DuckReader.open();
  temp = tempDir('parquet-export-test-');
});

after(() => {
  duck.close();
  temp.cleanup();
});

/** A fresh empty folder for one test. */
function folder(): string {
  return mkdtempSync(join(temp.dir, 'case-'));
}

type RawExportRequestAnonymize = Parameters<typeof writeParquetExport>[0]['anonymize'];

function* inBatches<T>(all: readonly T[], size: number): Generator<T[]> {
  for (let i = 0; i < all.length; i += size) yield all.slice(i, i + size);
}

const GAUGE: ExportMetric = { type: 'gauge', unit: 'percent', family: 'cpu.usage' };
const UNTYPED: ExportMetric = { type: 'unknown', unit: null, family: 'odd "name"\nwith newline' };
const COUNTER: ExportMetric = { type: 'counter', unit: 'ünïts 名', family: 'ünïcødé 名前 🚀' };
const SUMMARY: ExportMetric = { type: 'summary', unit: 'seconds', family: 'm' };

const ODD_ROWS: RawExportRow[] = [
  { metricName: 'cpu.usage', timestamp: 1_700_000_000_123, value: -0, labels: { host: 'a' }, metric: GAUGE },
  {
    metricName: 'cpu.usage',
    timestamp: -1_234_567_890_123,
    value: Number.MAX_VALUE,
    labels: { host: 'b', empty: '' },
    metric: GAUGE,
  },
  {
    metricName: 'odd "name"\nwith newline',
    timestamp: -1,
    value: -Number.MAX_VALUE,
    labels: {},
    metric: UNTYPED,
  },
  {
    metricName: 'ünïcødé 名前 🚀',
    timestamp: 0,
    value: Number.MIN_VALUE,
    labels: { path: 'C:\\dir\\"q"\n\t\u0000end' },
    metric: COUNTER,
  },
  {
    metricName: 'm',
    timestamp: 7_258_118_400_000,
    value: 0.1 + 0.2,
    labels: { '10': 'ten', '9': 'nine', b: 'β', __proto__x: 'p' },
    metric: SUMMARY,
  },
  {
    metricName: 'm_sum',
    timestamp: 1,
    value: -1e-300,
    labels: { emoji: '👩‍💻', quote: 'it\'s "quoted"' },
    metric: SUMMARY,
  },
  {
    metricName: 'm_count',
    timestamp: 2,
    value: 2 ** 53 + 2,
    labels: { ['__proto__']: 'proto-value' },
    metric: SUMMARY,
  },
];

/** The file's typed columns in write order: metric_type, unit, the label map, and the JSON labels as sorted entries. */
async function typedColumns(
  path: string,
): Promise<{ type: unknown; unit: unknown; map: unknown; jsonEntries: { key: string; value: string }[] }[]> {
  const back = await duck.jsRows(
    `SELECT metric_type, unit, label_map, labels FROM read_parquet(${sqlString(path)}, file_row_number = true)
     ORDER BY file_row_number`,
  );
  return back.map((r) => ({
    type: r.metric_type,
    unit: r.unit,
    map: r.label_map,
    jsonEntries: labelEntries(JSON.parse(String(r.labels)) as Labels),
  }));
}

/** The typed columns expected for rows, from their metric and labels alone. */
function expectedTypedColumns(rows: readonly { labels: Labels; metric: ExportMetric }[]) {
  return rows.map((r) => ({
    type: r.metric.type,
    unit: r.metric.unit,
    map: labelEntries(r.labels),
    jsonEntries: labelEntries(r.labels),
  }));
}

describe('writeParquetExport: raw', () => {
  it('round-trips odd values, timestamps and strings exactly', async () => {
    const path = join(folder(), 'raw.parquet');
    const result = await writeParquetExport({
      path,
      source: 'raw',
      rows: inBatches(ODD_ROWS, 3),
      expectedRows: ODD_ROWS.length,
      anonymize: false,
      range: { start: -2_000_000_000_000, end: 8_000_000_000_000 },
    });
    assert.equal(result.path, path);
    assert.equal(result.rows, ODD_ROWS.length);
    assert.equal(result.bytes, readFileSync(path).length);

    const back = await duck.rows(
      `SELECT metric_name, epoch_ms("timestamp")::DOUBLE AS ts, value, labels
       FROM read_parquet(${sqlString(path)}, file_row_number = true) ORDER BY file_row_number`,
    );
    assert.equal(back.length, ODD_ROWS.length);
    ODD_ROWS.forEach((expected, i) => {
      const row = back[i] as Record<string, unknown>;
      assert.equal(row.metric_name, expected.metricName);
      assert.equal(row.ts, expected.timestamp);
      assert.ok(Object.is(row.value, expected.value), `row ${i}: ${String(row.value)} is not ${expected.value}`);
      assert.equal(row.labels, labelsJson(expected.labels));
    });
    assert.deepEqual(await typedColumns(path), expectedTypedColumns(ODD_ROWS), 'type, unit, label map, JSON labels');
  });

  it('types the columns, the timestamp as TIMESTAMP WITH TIME ZONE', async () => {
    const path = join(folder(), 'types.parquet');
    await writeParquetExport({
      path,
      source: 'raw',
      rows: [ODD_ROWS],
      expectedRows: 7,
      anonymize: false,
      range: { start: 0, end: 1 },
    });
    assert.deepEqual(await duck.columnTypes(path), RAW_COLUMN_TYPES);
    const [row] = await duck.rows(`SELECT min("timestamp")::VARCHAR AS first FROM ${sqlString(path)}`);
    assert.equal(row?.first, '1930-11-18 00:28:29.877+00');
  });

  it('records source, range, row count, version and "no anonymisation" in the metadata', async () => {
    const path = join(folder(), 'meta.parquet');
    await writeParquetExport({
      path,
      source: 'raw',
      rows: [ODD_ROWS.slice(0, 2), ODD_ROWS.slice(2)],
      expectedRows: 7,
      anonymize: false,
      range: { start: 1_000, end: 2_000 },
    });
    const { 'futurnal.export_id': exportId, ...meta } = await duck.kvMetadata(path);
    assert.match(exportId ?? '', EXPORT_ID);
    assert.deepEqual(meta, {
      'futurnal.exporter': 'futurnal-telemetry',
      'futurnal.exporter_version': PACKAGE_VERSION,
      'futurnal.format_version': '2',
      'futurnal.source': 'raw',
      'futurnal.range_start_ms': '1000',
      'futurnal.range_end_ms': '2000',
      'futurnal.row_count': '7',
      'futurnal.anonymization': 'none',
    });
  });

  it('writes a readable, typed file with no rows', async () => {
    const path = join(folder(), 'empty.parquet');
    const result = await writeParquetExport({
      path,
      source: 'raw',
      rows: [],
      expectedRows: 0,
      anonymize: false,
      range: { start: 0, end: 1 },
    });
    assert.equal(result.rows, 0);
    const [row] = await duck.rows(`SELECT count(*)::INTEGER AS n FROM ${sqlString(path)}`);
    assert.equal(row?.n, 0);
    assert.deepEqual(await duck.columnTypes(path), RAW_COLUMN_TYPES);
    assert.equal((await duck.kvMetadata(path))['futurnal.row_count'], '0');
  });
});

describe('writeParquetExport: schema version 2 (metric type, unit, label map, export id)', () => {
  async function exportRows(rows: RawExportRow[], anonymize: RawExportRequestAnonymize = false): Promise<string> {
    const path = join(folder(), 'v2.parquet');
    await writeParquetExport({
      path,
      source: 'raw',
      rows: [rows],
      expectedRows: rows.length,
      anonymize,
      range: { start: 0, end: 1 },
    });
    return path;
  }

  it('writes label_map as the Parquet spec MAP: a MAP group of a repeated key_value group of required UTF8 key and value', async () => {
    const path = await exportRows(ODD_ROWS);
    const schema = await duck.rows(
      `SELECT name, type, converted_type, logical_type, repetition_type, num_children::INTEGER AS children
       FROM parquet_schema(${sqlString(path)})`,
    );
    assert.deepEqual(schema.slice(schema.findIndex((e) => e.name === 'metric_type')), [
      {
        name: 'metric_type',
        type: 'BYTE_ARRAY',
        converted_type: 'UTF8',
        logical_type: null,
        repetition_type: 'REQUIRED',
        children: null,
      },
      {
        name: 'unit',
        type: 'BYTE_ARRAY',
        converted_type: 'UTF8',
        logical_type: null,
        repetition_type: 'OPTIONAL',
        children: null,
      },
      {
        name: 'label_map',
        type: null,
        converted_type: 'MAP',
        logical_type: 'MapType()',
        repetition_type: 'REQUIRED',
        children: 1,
      },
      {
        name: 'key_value',
        type: null,
        converted_type: null,
        logical_type: null,
        repetition_type: 'REPEATED',
        children: 2,
      },
      {
        name: 'key',
        type: 'BYTE_ARRAY',
        converted_type: 'UTF8',
        logical_type: null,
        repetition_type: 'REQUIRED',
        children: null,
      },
      {
        name: 'value',
        type: 'BYTE_ARRAY',
        converted_type: 'UTF8',
        logical_type: null,
        repetition_type: 'REQUIRED',
        children: null,
      },
    ]);
  });

  it('is read by DuckDB as a native MAP: subscript, element_at, cardinality and filters on a label', async () => {
    const path = await exportRows(ODD_ROWS);
    const back = await duck.jsRows(
      `SELECT label_map['host'] AS host, element_at(label_map, 'path') AS path, cardinality(label_map)::INTEGER AS n,
              map_contains(label_map, '__proto__') AS proto
       FROM read_parquet(${sqlString(path)}, file_row_number = true) ORDER BY file_row_number`,
    );
    assert.deepEqual(
      back,
      ODD_ROWS.map((r) => {
        const present = new Map(labelEntries(r.labels).map((e) => [e.key, e.value]));
        return {
          host: present.get('host') ?? null,
          path: present.has('path') ? [present.get('path')] : [],
          n: present.size,
          proto: present.has('__proto__'),
        };
      }),
    );
    const [filtered] = await duck.rows(
      `SELECT count(*)::INTEGER AS n FROM ${sqlString(path)} WHERE label_map['host'] = 'b' AND metric_type = 'gauge'`,
    );
    assert.equal(filtered?.n, ODD_ROWS.filter((r) => r.labels.host === 'b' && r.metric.type === 'gauge').length);
  });

  it('gives every export a fresh random id: a version 4 UUID, different for identical data, options and key', async () => {
    const key = randomBytes(32);
    const ids: string[] = [];
    for (let i = 0; i < 6; i++) {
      const path = await exportRows(ODD_ROWS, { key, timestampPrecision: 'ms' });
      ids.push((await duck.kvMetadata(path))['futurnal.export_id'] ?? '');
    }
    for (const id of ids) assert.match(id, EXPORT_ID);
    assert.equal(new Set(ids).size, ids.length, `ids repeat: ${ids.join(' ')}`);
  });

  it('anonymises label_map exactly like labels: the same pseudonyms, keepLabels and dropLabels in both', async () => {
    const key = randomBytes(32);
    const rows: RawExportRow[] = Array.from({ length: 60 }, (_, i) => ({
      metricName: 'req_latency_seconds_bucket',
      timestamp: i * 1_000,
      value: i,
      labels: { host: `host-${i % 4}`, le: ['0.1', '1', '+Inf'][i % 3] as string, session: `s-${i}`, empty: '' },
      metric: { type: 'histogram', unit: 'seconds', family: 'req_latency_seconds' },
    }));
    const path = await exportRows(rows, { key, keepLabels: ['le'], dropLabels: ['session'] });
    const expected = rows.map((r) => {
      const entries = labelEntries(r.labels)
        .filter((e) => e.key !== 'session')
        .map((e) => ({ key: e.key, value: e.key === 'le' ? e.value : documentedPseudonym(key, e.key, e.value) }));
      return { type: 'histogram', unit: 'seconds', map: entries, jsonEntries: entries };
    });
    assert.deepEqual(await typedColumns(path), expected);
    const decoded = await duck.decodedText(path);
    for (const secret of ['host-', 's-1', 'session']) assert.ok(!decoded.includes(secret), `DuckDB decodes ${secret}`);
  });

  it("hashes a histogram's and a summary's base name, keeping the suffix, and keeps types and units", async () => {
    const key = randomBytes(32);
    const histogram: ExportMetric = { type: 'histogram', unit: 'seconds', family: 'secret_latency' };
    const summary: ExportMetric = { type: 'summary', unit: 'bytes', family: 'secret_size' };
    const counter: ExportMetric = { type: 'counter', unit: null, family: 'secret_jobs_total' };
    const row = (metricName: string, metric: ExportMetric): RawExportRow => ({
      metricName,
      timestamp: 0,
      value: 1,
      labels: {},
      metric,
    });
    const rows = [
      row('secret_latency_bucket', histogram),
      row('secret_latency_sum', histogram),
      row('secret_latency_count', histogram),
      row('secret_size', summary),
      row('secret_size_sum', summary),
      row('secret_size_count', summary),
      row('secret_jobs_total', counter),
      // a family that is not the name's base: the whole name is hashed, nothing is kept
      row('secret_other_sum', histogram),
    ];
    const path = await exportRows(rows, { key, hashMetricNames: true });
    const back = await duck.rows(
      `SELECT metric_name, metric_type, unit FROM read_parquet(${sqlString(path)}, file_row_number = true) ORDER BY file_row_number`,
    );
    const hashed = (name: string) => documentedMetricPseudonym(key, name);
    assert.deepEqual(
      back.map((r) => r.metric_name),
      [
        `${hashed('secret_latency')}_bucket`,
        `${hashed('secret_latency')}_sum`,
        `${hashed('secret_latency')}_count`,
        hashed('secret_size'),
        `${hashed('secret_size')}_sum`,
        `${hashed('secret_size')}_count`,
        hashed('secret_jobs_total'),
        hashed('secret_other_sum'),
      ],
    );
    assert.deepEqual(
      back.map((r) => [r.metric_type, r.unit]),
      rows.map((r) => [r.metric.type, r.metric.unit]),
    );
    assert.ok(!(await duck.decodedText(path)).includes('secret'), 'no metric name decodes');
    assert.ok(!readFileSync(path).includes(Buffer.from('secret')), 'no metric name in the bytes');
  });
});

describe('writeParquetExport: rollups', () => {
  const BUCKETS: RollupExportRow[] = Array.from({ length: 250 }, (_, i) => ({
    metricName: i % 2 ? 'mem' : 'cpu',
    bucket: -3_600_000 + i * 60_000,
    count: i + 1,
    sum: i * 1.5 - 100,
    min: -i,
    max: i * 2,
    avg: (i * 1.5 - 100) / (i + 1),
    labels: { host: `h${i % 3}` },
    metric: i % 2 ? { type: 'gauge', unit: 'bytes', family: 'mem' } : { type: 'unknown', unit: null, family: 'cpu' },
  }));

  it('round-trips buckets with typed columns and metadata', async () => {
    const path = join(folder(), 'rollup.parquet');
    const result = await writeParquetExport({
      path,
      source: '1m',
      rows: inBatches(BUCKETS, 64),
      expectedRows: BUCKETS.length,
      anonymize: false,
      range: { start: -3_600_000, end: 12_000_000 },
    });
    assert.equal(result.rows, 250);
    assert.deepEqual(await duck.columnTypes(path), ROLLUP_COLUMN_TYPES);
    const back = await duck.rows(
      `SELECT metric_name, epoch_ms(bucket)::DOUBLE AS bucket, count::DOUBLE AS count, sum, min, max, avg, labels
       FROM read_parquet(${sqlString(path)}, file_row_number = true) ORDER BY file_row_number`,
    );
    // min is -0 in the first bucket: a strict deep comparison tells -0 from 0
    assert.deepEqual(
      back,
      BUCKETS.map((b) => ({
        metric_name: b.metricName,
        bucket: b.bucket,
        count: b.count,
        sum: b.sum,
        min: b.min,
        max: b.max,
        avg: b.avg,
        labels: labelsJson(b.labels),
      })),
    );
    assert.deepEqual(await typedColumns(path), expectedTypedColumns(BUCKETS));
    const meta = await duck.kvMetadata(path);
    assert.equal(meta['futurnal.source'], '1m');
    assert.equal(meta['futurnal.row_count'], '250');
    assert.equal(meta['futurnal.format_version'], '2');
    assert.match(meta['futurnal.export_id'] ?? '', EXPORT_ID);
  });
});

describe('writeParquetExport: streaming', () => {
  const TOTAL = 300_000;

  function* generated(batch: number, failAfter = Infinity, onFail?: () => void): Generator<RawExportRow[]> {
    const series = [
      { host: 'a', core: '0' },
      { host: 'b', core: '1' },
    ];
    for (let start = 0; start < TOTAL; start += batch) {
      if (start >= failAfter) {
        onFail?.();
        throw new Error('the store went away');
      }
      const rows: RawExportRow[] = [];
      for (let i = start; i < Math.min(start + batch, TOTAL); i++) {
        rows.push({
          metricName: 'cpu',
          timestamp: 1_600_000_000_000 + i * 10,
          value: i % 1000,
          labels: series[i % 2] as Labels,
          metric: { type: 'counter', unit: null, family: 'cpu' },
        });
      }
      yield rows;
    }
  }

  it('writes row groups as batches arrive and reports progress', async () => {
    const path = join(folder(), 'big.parquet');
    const progress: [number, number][] = [];
    const result = await writeParquetExport({
      path,
      source: 'raw',
      rows: generated(7_000),
      expectedRows: TOTAL,
      anonymize: false,
      range: { start: 0, end: 1 },
      onProgress: (done, total) => progress.push([done, total]),
    });
    assert.equal(result.rows, TOTAL);

    const groups = await duck.rows(
      `SELECT DISTINCT row_group_id::INTEGER AS id, row_group_num_rows::INTEGER AS n
       FROM parquet_metadata(${sqlString(path)}) ORDER BY id`,
    );
    assert.deepEqual(groups, [
      { id: 0, n: ROW_GROUP_ROWS },
      { id: 1, n: ROW_GROUP_ROWS },
      { id: 2, n: ROW_GROUP_ROWS },
    ]);
    assert.deepEqual(progress, [
      [100_000, TOTAL],
      [200_000, TOTAL],
      [300_000, TOTAL],
    ]);

    // expected: sum of (i % 1000) over 300 full cycles = 300 * 499,500
    const [stats] = await duck.rows(
      `SELECT count(*)::DOUBLE AS n, sum(value) AS total,
              epoch_ms(min("timestamp"))::DOUBLE AS first, epoch_ms(max("timestamp"))::DOUBLE AS last,
              count(DISTINCT labels)::DOUBLE AS series
       FROM ${sqlString(path)}`,
    );
    assert.deepEqual(stats, {
      n: TOTAL,
      total: 300 * 499_500,
      first: 1_600_000_000_000,
      last: 1_600_000_000_000 + (TOTAL - 1) * 10,
      series: 2,
    });
  });

  it('leaves no file and no temporary file when the row source fails mid-way', async () => {
    const target = folder();
    const path = join(target, 'failed.parquet');
    let seenWhileWriting: string[] = [];
    const failing = writeParquetExport({
      path,
      source: 'raw',
      rows: generated(10_000, 150_000, () => (seenWhileWriting = readdirSync(target))),
      expectedRows: TOTAL,
      anonymize: false,
      range: { start: 0, end: 1 },
    });
    await assert.rejects(
      failing,
      (err: unknown) =>
        err instanceof StorageError && err.code === 'EXPORT_FAILED' && /store went away/.test(err.message),
    );
    assert.equal(seenWhileWriting.length, 1, 'a temporary file existed while writing');
    assert.match(seenWhileWriting[0] ?? '', /^\.failed\.parquet\..+\.tmp$/);
    assert.deepEqual(readdirSync(target), []);
  });

  it('keeps an existing file intact when a replacement export fails', async () => {
    const path = join(folder(), 'kept.parquet');
    writeFileSync(path, 'previous export');
    await assert.rejects(
      writeParquetExport({
        path,
        source: 'raw',
        rows: generated(10_000, 120_000),
        expectedRows: TOTAL,
        anonymize: false,
        range: { start: 0, end: 1 },
      }),
      StorageError,
    );
    assert.equal(readFileSync(path, 'utf8'), 'previous export');
  });

  it('throws a typed error when the folder cannot be written', async () => {
    const notAFolder = join(folder(), 'plain-file');
    writeFileSync(notAFolder, '');
    await assert.rejects(
      writeParquetExport({
        path: join(notAFolder, 'x.parquet'),
        source: 'raw',
        rows: [ODD_ROWS],
        expectedRows: 7,
        anonymize: false,
        range: { start: 0, end: 1 },
      }),
      (err: unknown) => err instanceof StorageError && err.code === 'EXPORT_FAILED',
    );
  });

  it('rejects a bad anonymisation key before creating any file', async () => {
    const target = folder();
    await assert.rejects(
      writeParquetExport({
        path: join(target, 'x.parquet'),
        source: 'raw',
        rows: [ODD_ROWS],
        expectedRows: 7,
        anonymize: { key: new Uint8Array(16) },
        range: { start: 0, end: 1 },
      }),
      InvalidArgumentError,
    );
    assert.deepEqual(readdirSync(target), []);
  });
});

describe('export paths', () => {
  it('names files by source and UTC time, without colons', () => {
    const now = Date.UTC(2024, 4, 1, 12, 30, 0, 123);
    assert.equal(
      defaultExportPath('/x/exports', now, 'raw'),
      join('/x/exports', 'telemetry-raw-2024-05-01T12-30-00.123Z.parquet'),
    );
    assert.equal(
      defaultExportPath('/x/exports', now + 1, '1h'),
      join('/x/exports', 'telemetry-1h-2024-05-01T12-30-00.124Z.parquet'),
    );
  });

  it('creates a missing exports folder', async () => {
    const path = join(folder(), 'exports', 'nested', 'file.parquet');
    await writeParquetExport({
      path,
      source: 'raw',
      rows: [ODD_ROWS],
      expectedRows: 7,
      anonymize: false,
      range: { start: 0, end: 1 },
    });
    assert.ok(existsSync(path));
  });
});
