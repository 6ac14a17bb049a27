/**
 * The Parquet export, read back by an independent reader (DuckDB): exact round trips of raw and
 * rollup rows, column types, key-value metadata, streaming in row groups, and the all-or-nothing
 * file (no partial or temporary file after a failure).
 */

import assert from 'node:assert/strict';
import { existsSync, mkdtempSync, readdirSync, readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { after, before, describe, it } from 'node:test';
import { InvalidArgumentError, StorageError } from '../src/errors.ts';
import { ROW_GROUP_ROWS, defaultExportPath, writeParquetExport } from '../src/export/parquet-export.ts';
import type { RawExportRow, RollupExportRow } from '../src/export/parquet-export.ts';
import type { Labels } from '../src/types.ts';
import { DuckReader, sqlString } from '../../test/support/duckdb.ts';
import { RAW_COLUMN_TYPES, ROLLUP_COLUMN_TYPES, labelsJson } from '../../test/support/expected.ts';
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

function* inBatches<T>(all: readonly T[], size: number): Generator<T[]> {
  for (let i = 0; i < all.length; i += size) yield all.slice(i, i + size);
}

const ODD_ROWS: RawExportRow[] = [
  { metricName: 'cpu.usage', timestamp: 1_700_000_000_123, value: -0, labels: { host: 'a' } },
  { metricName: 'cpu.usage', timestamp: -1_234_567_890_123, value: Number.MAX_VALUE, labels: { host: 'b', empty: '' } },
  { metricName: 'odd "name"\nwith newline', timestamp: -1, value: -Number.MAX_VALUE, labels: {} },
  {
    metricName: 'ünïcødé 名前 🚀',
    timestamp: 0,
    value: Number.MIN_VALUE,
    labels: { path: 'C:\\dir\\"q"\n\t\u0000end' },
  },
  {
    metricName: 'm',
    timestamp: 7_258_118_400_000,
    value: 0.1 + 0.2,
    labels: { '10': 'ten', '9': 'nine', b: 'β', __proto__x: 'p' },
  },
  { metricName: 'm', timestamp: 1, value: -1e-300, labels: { emoji: '👩‍💻', quote: 'it\'s "quoted"' } },
  { metricName: 'm', timestamp: 2, value: 2 ** 53 + 2, labels: { ['__proto__']: 'proto-value' } },
];

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
    assert.deepEqual(await duck.kvMetadata(path), {
      'futurnal.exporter': 'futurnal-telemetry',
      'futurnal.exporter_version': PACKAGE_VERSION,
      'futurnal.format_version': '1',
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
    assert.equal((await duck.columnTypes(path)).timestamp, 'TIMESTAMP WITH TIME ZONE');
    assert.equal((await duck.kvMetadata(path))['futurnal.row_count'], '0');
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
    const meta = await duck.kvMetadata(path);
    assert.equal(meta['futurnal.source'], '1m');
    assert.equal(meta['futurnal.row_count'], '250');
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
