/**
 * Anonymised exports, read back by DuckDB and searched byte by byte: no original label value
 * survives anywhere in the file, pseudonyms are consistent within an export and unlinkable across
 * exports unless the caller passes the same key, and the options do what they say.
 */

import assert from 'node:assert/strict';
import { randomBytes } from 'node:crypto';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { after, before, describe, it } from 'node:test';
import { InvalidArgumentError } from '../src/errors.ts';
import { DEFAULT_TIMESTAMP_PRECISION, createAnonymizer } from '../src/export/anonymize.ts';
import { writeParquetExport } from '../src/export/parquet-export.ts';
import type { RawExportRow, RollupExportRow } from '../src/export/parquet-export.ts';
import type { ExportMetric } from '../src/export/export-metric.ts';
import type { AnonymizeOptions, Labels } from '../src/types.ts';
import { DuckReader, sqlString } from '../../test/support/duckdb.ts';
import { documentedPseudonym } from '../../test/support/expected.ts';
import { tempDir } from '../../test/support/store.ts';

/** The metric of a series with no declared or inferable type. */
function untyped(name: string): ExportMetric {
  return { type: 'unknown', unit: null, family: name };
}

let duck: DuckReader;
let temp: { dir: string; cleanup: () => void };
let fileCount = 0;

before(async () => {
  duck = await DuckReader.open();
  temp = tempDir('anonymize-test-');
});

after(() => {
  duck.close();
  temp.cleanup();
});

async function exportRaw(data: RawExportRow[], anonymize: boolean | AnonymizeOptions): Promise<string> {
  const path = join(temp.dir, `export-${++fileCount}.parquet`);
  await writeParquetExport({
    path,
    source: 'raw',
    rows: [data],
    expectedRows: data.length,
    anonymize,
    range: { start: 0, end: 1 },
  });
  return path;
}

/** The file's rows in write order, labels parsed. */
async function readRaw(
  path: string,
): Promise<{ metricName: string; timestamp: number; value: number; labels: Labels }[]> {
  const back = await duck.rows(
    `SELECT metric_name, epoch_ms("timestamp")::DOUBLE AS ts, value, labels
     FROM read_parquet(${sqlString(path)}, file_row_number = true) ORDER BY file_row_number`,
  );
  return back.map((r) => ({
    metricName: String(r.metric_name),
    timestamp: Number(r.ts),
    value: Number(r.value),
    labels: JSON.parse(String(r.labels)) as Labels,
  }));
}

async function anonymizationMetadata(path: string): Promise<unknown> {
  const [row] = await duck.rows(
    `SELECT decode(value) AS v FROM parquet_kv_metadata(${sqlString(path)}) WHERE decode(key) = 'futurnal.anonymization'`,
  );
  return JSON.parse(String(row?.v));
}

/**
 * Distinctive label values. They share no 4-byte substring with each other or with the label
 * names: snappy replaces a repeat of 4+ bytes by a back-reference, which would hide the text from
 * the byte search of the plain (control) export. The decoded search below does not depend on this.
 */
const SECRETS = {
  machine: 'host-SECRET-7f3a',
  user: 'jdoe.Q9Zx',
  path: '/var/lib/kw8r/launch plan.txt',
  team: 'Zoë-秘密-ünïcode',
  session: 'tok-9c1e-DROPPED',
};

function secretRows(count: number): RawExportRow[] {
  return Array.from({ length: count }, (_, i) => ({
    metricName: 'http.request.latency',
    metric: untyped('http.request.latency'),
    timestamp: 1_700_000_000_000 + i * 250,
    value: i * 0.25,
    labels:
      i % 2
        ? { ...SECRETS, quantile: '0.99', le: '+Inf' }
        : { machine: SECRETS.machine, user: `${SECRETS.user}-${i % 7}` },
  }));
}

describe('anonymised export: privacy', () => {
  it('leaves no original label value in the bytes, statistics or metadata of the file', async () => {
    const data = secretRows(2_000);
    const plain = readFileSync(await exportRaw(data, false));
    const anonymisedPath = await exportRaw(data, { keepLabels: ['quantile', 'le'], dropLabels: ['session'] });
    const anonymised = readFileSync(anonymisedPath);
    const decoded = await duck.decodedText(anonymisedPath);
    for (const secret of Object.values(SECRETS)) {
      assert.ok(plain.includes(Buffer.from(secret, 'utf8')), `control: the plain export contains ${secret}`);
      assert.ok(!anonymised.includes(Buffer.from(secret, 'utf8')), `the file bytes contain ${secret}`);
      assert.ok(!decoded.includes(secret), `the decoded file contains ${secret}`);
    }
    assert.ok(decoded.includes('"le":"+Inf"') && decoded.includes('"quantile":"0.99"'), 'kept labels stay verbatim');
    assert.ok(!decoded.includes('"session"'), 'dropped labels are gone, name and all');
  });

  it('hides metric names when asked, and never writes the key', async () => {
    const key = randomBytes(32);
    const data = secretRows(500);
    const path = await exportRaw(data, { key, hashMetricNames: true });
    const bytes = readFileSync(path);
    for (const text of [
      'http.request.latency',
      key.toString('hex'),
      key.toString('base64'),
      key.toString('base64url'),
    ]) {
      assert.ok(!bytes.includes(Buffer.from(text)), `the file contains ${text}`);
    }
    assert.ok(!bytes.includes(key), 'the file contains the raw key bytes');
    const back = await readRaw(path);
    assert.match(back[0]?.metricName ?? '', /^[0-9a-f]{16}$/);
    assert.equal(new Set(back.map((r) => r.metricName)).size, 1);
  });
});

describe('anonymised export: pseudonyms', () => {
  const data: RawExportRow[] = Array.from({ length: 600 }, (_, i) => ({
    metricName: 'cpu',
    metric: untyped('cpu'),
    timestamp: i * 1_000,
    value: i,
    labels: { host: `host-${i % 40}`, region: `host-${i % 40}`, shard: String(i % 3) },
  }));

  it('maps each name and value to one pseudonym, and distinct values to distinct pseudonyms', async () => {
    const back = await readRaw(await exportRaw(data, true));
    const byInput = new Map<string, string>();
    const byPseudonym = new Map<string, string>();
    back.forEach((row, i) => {
      for (const [name, value] of Object.entries(data[i]?.labels ?? {})) {
        const pseudonym = row.labels[name] ?? '';
        assert.match(pseudonym, /^[0-9a-f]{16}$/);
        const input = JSON.stringify([name, value]);
        assert.equal(byInput.get(input) ?? pseudonym, pseudonym, `${input} has one pseudonym`);
        assert.equal(byPseudonym.get(pseudonym) ?? input, input, `${pseudonym} stands for one input`);
        byInput.set(input, pseudonym);
        byPseudonym.set(pseudonym, input);
      }
      // the same value under two label names gets unrelated pseudonyms
      assert.notEqual(row.labels.host, row.labels.region);
    });
    assert.equal(byInput.size, 40 + 40 + 3);
  });

  it('cannot link two exports with random keys, and links two with the same passed key', async () => {
    const key = randomBytes(32);
    const [random1, random2, keyed1, keyed2] = await Promise.all(
      [true, true, { key }, { key: Uint8Array.from(key) }].map(async (option) =>
        readRaw(await exportRaw(data, option)),
      ),
    );
    const labelsOf = (exported: typeof random1): string[] => (exported ?? []).map((r) => JSON.stringify(r.labels));
    assert.deepEqual(labelsOf(keyed1), labelsOf(keyed2));
    const r1 = labelsOf(random1);
    const r2 = labelsOf(random2);
    assert.ok(
      r1.every((labels, i) => labels !== r2[i]),
      'no row of two random-key exports matches',
    );
    assert.ok(r1.every((labels, i) => labels !== labelsOf(keyed1)[i]));
  });

  it('computes the documented HMAC-SHA256 over length-prefixed name and value', async () => {
    const key = randomBytes(32);
    const back = await readRaw(await exportRaw(data.slice(0, 5), { key }));
    back.forEach((row, i) => {
      for (const [name, value] of Object.entries(data[i]?.labels ?? {})) {
        assert.equal(row.labels[name], documentedPseudonym(key, name, value));
      }
    });
  });

  it('frames name and value unambiguously', () => {
    const anonymizer = createAnonymizer({ key: new Uint8Array(32) });
    const [[, joinedLeft]] = anonymizer.labels([['ab', 'c']]) as [[string, string]];
    const [[, joinedRight]] = anonymizer.labels([['a', 'bc']]) as [[string, string]];
    assert.notEqual(joinedLeft, joinedRight);
  });
});

describe('anonymised export: values, metric names and time', () => {
  it('keeps metric names and values, and truncates timestamps to whole seconds by default', async () => {
    assert.equal(DEFAULT_TIMESTAMP_PRECISION, 's');
    const data: RawExportRow[] = [
      { metricName: 'cpu', timestamp: 1_700_000_000_999, value: -0, labels: { host: 'a' }, metric: untyped('cpu') },
      { metricName: 'mem', timestamp: -1_500, value: 1e-300, labels: { host: 'b' }, metric: untyped('mem') },
      { metricName: 'mem', timestamp: 61_000, value: Number.MAX_VALUE, labels: {}, metric: untyped('mem') },
    ];
    const back = await readRaw(await exportRaw(data, true));
    assert.deepEqual(
      back.map((r) => r.metricName),
      ['cpu', 'mem', 'mem'],
    );
    assert.deepEqual(
      back.map((r) => r.timestamp),
      [1_700_000_000_000, -2_000, 61_000],
    );
    assert.ok(Object.is(back[0]?.value, -0));
    assert.deepEqual(
      back.slice(1).map((r) => r.value),
      [1e-300, Number.MAX_VALUE],
    );
  });

  it('truncates toward the past at every precision', () => {
    const at = (timestampPrecision: AnonymizeOptions['timestampPrecision'], ms: number): number =>
      createAnonymizer({ timestampPrecision }).timestamp(ms);
    assert.equal(at('ms', -1_234_567), -1_234_567);
    assert.equal(at('s', -1), -1_000);
    assert.equal(at('min', 3_599_999), 3_540_000);
    assert.equal(at('min', -1), -60_000);
    assert.equal(at('h', 7_199_999), 3_600_000);
    assert.equal(at('h', -3_600_001), -7_200_000);
  });

  it('anonymises rollups: buckets truncated, labels hidden, aggregates unchanged', async () => {
    const path = join(temp.dir, 'rollup.parquet');
    const data: RollupExportRow[] = [
      {
        metricName: 'cpu',
        metric: untyped('cpu'),
        bucket: 5_400_000,
        count: 3,
        sum: 6,
        min: 1,
        max: 3,
        avg: 2,
        labels: { machine: SECRETS.machine },
      },
      {
        metricName: 'cpu',
        metric: untyped('cpu'),
        bucket: 7_260_000,
        count: 1,
        sum: 5,
        min: 5,
        max: 5,
        avg: 5,
        labels: { machine: SECRETS.machine },
      },
    ];
    await writeParquetExport({
      path,
      source: '1m',
      rows: [data],
      expectedRows: 2,
      anonymize: { timestampPrecision: 'h' },
      range: { start: 0, end: 1 },
    });
    const back = await duck.rows(
      `SELECT epoch_ms(bucket)::DOUBLE AS bucket, count::DOUBLE AS count, sum, labels FROM read_parquet(${sqlString(path)}, file_row_number = true) ORDER BY file_row_number`,
    );
    assert.deepEqual(
      back.map((r) => [r.bucket, r.count, r.sum]),
      [
        [3_600_000, 3, 6],
        [7_200_000, 1, 5],
      ],
    );
    assert.equal(back[0]?.labels, back[1]?.labels);
    assert.ok(!readFileSync(path).includes(Buffer.from(SECRETS.machine)));
  });
});

describe('anonymisation options', () => {
  it('are recorded in the metadata without the key or the dropped label names', async () => {
    const path = await exportRaw(secretRows(10), {
      key: randomBytes(32),
      keepLabels: ['quantile', 'le'],
      dropLabels: ['session'],
      hashMetricNames: true,
      timestampPrecision: 'min',
    });
    assert.deepEqual(await anonymizationMetadata(path), {
      method: 'hmac-sha256',
      pseudonymHexChars: 16,
      key: 'caller-supplied',
      keepLabels: ['le', 'quantile'],
      droppedLabelCount: 1,
      hashMetricNames: true,
      timestampPrecision: 'min',
    });
    assert.deepEqual(await anonymizationMetadata(await exportRaw(secretRows(10), true)), {
      method: 'hmac-sha256',
      pseudonymHexChars: 16,
      key: 'random-per-export',
      keepLabels: [],
      droppedLabelCount: 0,
      hashMetricNames: false,
      timestampPrecision: 's',
    });
  });

  it('reject a key that is not 32 bytes, overlapping keep/drop lists and unknown precisions', () => {
    assert.throws(() => createAnonymizer({ key: new Uint8Array(31) }), InvalidArgumentError);
    assert.throws(() => createAnonymizer({ key: new Uint8Array(33) }), InvalidArgumentError);
    assert.throws(() => createAnonymizer({ keepLabels: ['le'], dropLabels: ['le'] }), InvalidArgumentError);
    for (const precision of ['d', 'toString']) {
      assert.throws(() => createAnonymizer({ timestampPrecision: precision as 's' }), InvalidArgumentError);
    }
  });
});
