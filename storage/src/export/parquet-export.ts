/**
 * Parquet export: streams rows from the engine (raw samples or rollup buckets) into a Parquet file
 * with hyparquet-writer, one row group at a time, optionally anonymised. The file is written under
 * a temporary name in the target folder and renamed only once complete, so a failed export leaves
 * nothing behind and a reader never sees a partial file.
 *
 * Layout: an explicit schema (timestamps are INT64 TIMESTAMP(MILLIS, UTC), read by DuckDB as
 * TIMESTAMP WITH TIME ZONE), row groups of 100,000 rows, snappy pages. Timestamps and counts use
 * DELTA_BINARY_PACKED; doubles use BYTE_STREAM_SPLIT, never a dictionary (hyparquet-writer's
 * dictionary would fold -0 into 0). Labels are written twice: as JSON object text with sorted keys
 * (`labels`, since schema version 1) and as a Parquet MAP<string, string> (`label_map`, a
 * REQUIRED group annotated MAP holding a REPEATED `key_value` group of REQUIRED UTF8 `key` and
 * `value`, per the Parquet spec), from the same transformed entries, so the two always agree.
 * Schema version 2 appended `metric_type`, `unit` and `label_map` after the version 1 columns and
 * added a random export id to the key-value metadata; README "Export file format" lists it all.
 *
 * The writes are synchronous; between row groups the export yields to the event loop, so a row
 * source must not hold a statement open on a connection that other code uses meanwhile.
 */

import { randomBytes, randomUUID } from 'node:crypto';
import { closeSync, fsyncSync, mkdirSync, openSync, renameSync, rmSync, statSync, writeSync } from 'node:fs';
import { basename, dirname, join } from 'node:path';
import { setImmediate as yieldToEventLoop } from 'node:timers/promises';
import { ByteWriter, ParquetWriter } from 'hyparquet-writer';
import type { ColumnSource, KeyValue, SchemaElement, Writer } from 'hyparquet-writer';
import packageJson from '../../../package.json' with { type: 'json' };
import { StorageError, translateDiskError } from '../errors.ts';
import { byCodeUnits } from '../series/labels.ts';
import type { AnonymizeOptions, ExportResult, Interval, Labels, Resolution } from '../types.ts';
import { createAnonymizer } from './anonymize.ts';
import type { AnonymizationDescription, LabelEntry } from './anonymize.ts';
import type { ExportMetric } from './export-metric.ts';

/** Rows per row group: the unit of streaming (memory is bounded by one group). */
export const ROW_GROUP_ROWS = 100_000;

const EXPORTER = 'futurnal-telemetry';
/** The file layout's version (`futurnal.format_version`): 2 added metric_type, unit, label_map and the export id. */
export const SCHEMA_VERSION = 2;
/** The writer's buffer is written to disk whenever it holds more than this. */
const FLUSH_BYTES = 1 << 20;

/** One raw sample as the engine reads it for export. */
export interface RawExportRow {
  metricName: string;
  timestamp: number;
  value: number;
  labels: Labels;
  metric: ExportMetric;
}

/** One rollup bucket as the engine reads it for export. */
export interface RollupExportRow {
  metricName: string;
  bucket: number;
  count: number;
  sum: number;
  min: number;
  max: number;
  avg: number;
  labels: Labels;
  metric: ExportMetric;
}

/** Batches of rows in the order the engine reads them; pulled one batch at a time. */
export type ExportRowSource<Row> = Iterable<Row[]> | AsyncIterable<Row[]>;

/** The time range the export covers (ms; recorded in the metadata). */
export interface ExportRange {
  start: number;
  end: number;
}

interface ExportRequestBase {
  /** The final file path; its folder is created if missing. An existing file is replaced. */
  path: string;
  /** The engine's row count estimate: onProgress's total (raised to the rows written if it was low). */
  expectedRows: number;
  anonymize: boolean | AnonymizeOptions;
  range: ExportRange;
  /** Called after each row group with the rows written so far. */
  onProgress?: (done: number, total: number) => void;
  /** Aborting it stops the export between row groups (CANCELLED; the partial file is removed). */
  signal?: AbortSignal;
}

export interface RawExportRequest extends ExportRequestBase {
  source: 'raw';
  rows: ExportRowSource<RawExportRow>;
}

export interface RollupExportRequest extends ExportRequestBase {
  source: Interval;
  rows: ExportRowSource<RollupExportRow>;
}

export type ParquetExportRequest = RawExportRequest | RollupExportRequest;

/** Turns a row's text and time fields into what is written (identity unless anonymised). */
interface RowEncoder {
  metricName(name: string, metric: ExportMetric): string;
  timestamp(ms: number): number;
  /** The export's range as the metadata records it: as coarse as the timestamps. */
  range(range: ExportRange): ExportRange;
  labels(labels: Labels): EncodedLabels;
}

/** A label set as written: JSON text and MAP entries, both from the same sorted, transformed entries. */
interface EncodedLabels {
  json: string;
  map: readonly MapEntry[];
}

interface MapEntry {
  key: string;
  value: string;
}

/** One Parquet column: its schema element (and a nested column's descendants), encoding and how to read it from a row. */
interface ColumnSpec<Row> {
  element: SchemaElement;
  descendants?: readonly SchemaElement[];
  encoding?: ColumnSource['encoding'];
  /** Min/max statistics (default on). */
  statistics?: boolean;
  read(row: Row, encoder: RowEncoder): unknown;
}

const TIMESTAMP_MILLIS_UTC = {
  type: 'INT64',
  converted_type: 'TIMESTAMP_MILLIS',
  logical_type: { type: 'TIMESTAMP', isAdjustedToUTC: true, unit: 'MILLIS' },
  repetition_type: 'REQUIRED',
} as const satisfies Omit<SchemaElement, 'name'>;

const UTF8 = { type: 'BYTE_ARRAY', converted_type: 'UTF8', repetition_type: 'REQUIRED' } as const;
const OPTIONAL_UTF8 = { ...UTF8, repetition_type: 'OPTIONAL' } as const;
const DOUBLE = { type: 'DOUBLE', repetition_type: 'REQUIRED' } as const;
const INT64 = { type: 'INT64', repetition_type: 'REQUIRED' } as const;

type SeriesRow = { metricName: string; labels: Labels; metric: ExportMetric };

function metricNameColumn<Row extends SeriesRow>(): ColumnSpec<Row> {
  return { element: { name: 'metric_name', ...UTF8 }, read: (row, enc) => enc.metricName(row.metricName, row.metric) };
}

function labelsColumn<Row extends SeriesRow>(): ColumnSpec<Row> {
  return { element: { name: 'labels', ...UTF8 }, read: (row, enc) => enc.labels(row.labels).json };
}

/** The columns schema version 2 appended to both layouts: metric_type, unit, label_map. */
function typedColumns<Row extends SeriesRow>(): ColumnSpec<Row>[] {
  return [
    { element: { name: 'metric_type', ...UTF8 }, read: (row) => row.metric.type },
    { element: { name: 'unit', ...OPTIONAL_UTF8 }, read: (row) => row.metric.unit },
    {
      element: { name: 'label_map', repetition_type: 'REQUIRED', converted_type: 'MAP', logical_type: { type: 'MAP' } },
      descendants: [
        { name: 'key_value', repetition_type: 'REPEATED', num_children: 2 },
        { name: 'key', ...UTF8 },
        { name: 'value', ...UTF8 },
      ],
      statistics: false,
      read: (row, enc) => enc.labels(row.labels).map,
    },
  ];
}

function doubleColumn<Row>(name: string, read: (row: Row) => number): ColumnSpec<Row> {
  return { element: { name, ...DOUBLE }, encoding: 'BYTE_STREAM_SPLIT', read };
}

const RAW_COLUMNS: readonly ColumnSpec<RawExportRow>[] = [
  metricNameColumn(),
  {
    element: { name: 'timestamp', ...TIMESTAMP_MILLIS_UTC },
    encoding: 'DELTA_BINARY_PACKED',
    read: (row, enc) => enc.timestamp(row.timestamp),
  },
  doubleColumn('value', (row) => row.value),
  labelsColumn(),
  ...typedColumns<RawExportRow>(),
];

const ROLLUP_COLUMNS: readonly ColumnSpec<RollupExportRow>[] = [
  metricNameColumn(),
  {
    element: { name: 'bucket', ...TIMESTAMP_MILLIS_UTC },
    encoding: 'DELTA_BINARY_PACKED',
    read: (row, enc) => enc.timestamp(row.bucket),
  },
  { element: { name: 'count', ...INT64 }, encoding: 'DELTA_BINARY_PACKED', read: (row) => BigInt(row.count) },
  doubleColumn('sum', (row) => row.sum),
  doubleColumn('min', (row) => row.min),
  doubleColumn('max', (row) => row.max),
  doubleColumn('avg', (row) => row.avg),
  labelsColumn(),
  ...typedColumns<RollupExportRow>(),
];

/**
 * Writes one export. Resolves once the file is complete under `request.path`; on any failure
 * removes the temporary file and rejects with a StorageError (EXPORT_FAILED, DISK_FULL, CANCELLED,
 * or the row source's own StorageError; INVALID_ARGUMENT for bad anonymisation options, before any I/O).
 */
export async function writeParquetExport(request: ParquetExportRequest): Promise<ExportResult> {
  const anonymizer =
    request.anonymize === false ? undefined : createAnonymizer(request.anonymize === true ? {} : request.anonymize);
  const encoder = rowEncoder(anonymizer);
  const tempPath = temporaryPath(request.path);
  let fd: number | undefined;
  let created = false;
  try {
    mkdirSync(dirname(request.path), { recursive: true });
    fd = openSync(tempPath, 'wx');
    created = true;
    const writer = fileWriter(fd);
    const rows =
      request.source === 'raw'
        ? await writeRows(writer, RAW_COLUMNS, request, encoder, anonymizer?.description)
        : await writeRows(writer, ROLLUP_COLUMNS, request, encoder, anonymizer?.description);
    fsyncSync(fd);
    closeSync(fd);
    fd = undefined;
    renameSync(tempPath, request.path);
    return { path: request.path, rows, bytes: statSync(request.path).size };
  } catch (err) {
    if (created) discard(fd, tempPath);
    throw exportFailure(err, request.path);
  }
}

/** e.g. `<dir>/telemetry-raw-2024-05-01T12-30-00.123Z.parquet` (UTC; no colons, so valid on Windows). */
export function defaultExportPath(exportsDir: string, now: number, source: Resolution): string {
  const stamp = new Date(now).toISOString().replaceAll(':', '-');
  return join(exportsDir, `telemetry-${source}-${stamp}.parquet`);
}

/** Pulls the batches, writes a row group every ROW_GROUP_ROWS rows, then the footer; returns the row count. */
async function writeRows<Row>(
  writer: Writer,
  columns: readonly ColumnSpec<Row>[],
  request: ExportRequestBase & { source: Resolution; rows: ExportRowSource<Row> },
  encoder: RowEncoder,
  anonymization: AnonymizationDescription | undefined,
): Promise<number> {
  const parquet = new ParquetWriter({
    writer,
    schema: schemaOf(columns),
    createdBy: `${EXPORTER} version ${packageJson.version}`,
  });
  let group = emptyGroup(columns);
  let done = 0;
  const writeGroup = async (): Promise<void> => {
    const size = group[0]?.length ?? 0;
    await parquet.write({
      columnData: columns.map((column, i) => columnData(column, group[i] ?? [])),
      rowGroupSize: size,
    });
    group = emptyGroup(columns);
    done += size;
    request.onProgress?.(done, Math.max(done, request.expectedRows));
    await yieldToEventLoop();
    throwIfCancelled(request.signal);
  };
  throwIfCancelled(request.signal);
  for await (const batch of request.rows) {
    for (const row of batch) {
      columns.forEach((column, i) => group[i]?.push(column.read(row, encoder)));
      if (group[0]?.length === ROW_GROUP_ROWS) await writeGroup();
    }
  }
  if ((group[0]?.length ?? 0) > 0) await writeGroup();
  parquet.kvMetadata = exportMetadata(request.source, encoder.range(request.range), done, anonymization);
  await parquet.finish();
  return done;
}

function emptyGroup<Row>(columns: readonly ColumnSpec<Row>[]): unknown[][] {
  return columns.map(() => []);
}

function columnData<Row>(column: ColumnSpec<Row>, data: unknown[]): ColumnSource {
  return { name: column.element.name, data, encoding: column.encoding, statistics: column.statistics };
}

function schemaOf<Row>(columns: readonly ColumnSpec<Row>[]): SchemaElement[] {
  return [
    { name: 'root', num_children: columns.length },
    ...columns.flatMap((column) => [
      column.descendants ? { ...column.element, num_children: 1 } : column.element,
      ...(column.descendants ?? []),
    ]),
  ];
}

/**
 * The key-value metadata: provenance, schema version, a random export id (made here, from nothing
 * about the machine or the data, so files from many machines can be told apart), source, range,
 * row count and anonymisation (never the key).
 */
function exportMetadata(
  source: Resolution,
  range: ExportRange,
  rows: number,
  anonymization: AnonymizationDescription | undefined,
): KeyValue[] {
  return [
    { key: 'futurnal.exporter', value: EXPORTER },
    { key: 'futurnal.exporter_version', value: packageJson.version },
    { key: 'futurnal.format_version', value: String(SCHEMA_VERSION) },
    { key: 'futurnal.export_id', value: randomUUID() },
    { key: 'futurnal.source', value: source },
    { key: 'futurnal.range_start_ms', value: String(range.start) },
    { key: 'futurnal.range_end_ms', value: String(range.end) },
    { key: 'futurnal.row_count', value: String(rows) },
    { key: 'futurnal.anonymization', value: anonymization === undefined ? 'none' : JSON.stringify(anonymization) },
  ];
}

function rowEncoder(anonymizer: ReturnType<typeof createAnonymizer> | undefined): RowEncoder {
  const transformLabels = anonymizer ? anonymizer.labels : (entries: LabelEntry[]) => entries;
  const cache = new WeakMap<Labels, EncodedLabels>();
  // rows come series by series: the last label set answers almost every look-up
  let last: { labels: Labels; encoded: EncodedLabels } | undefined;
  return {
    metricName: anonymizer ? (name, metric) => anonymizer.metricName(name, metric.family) : (name) => name,
    timestamp: anonymizer ? anonymizer.timestamp : (ms) => ms,
    range: (range) => {
      if (!anonymizer) return range;
      const [start, end] = anonymizer.range(range.start, range.end);
      return { start, end };
    },
    labels: (labels) => {
      if (last?.labels === labels) return last.encoded;
      let encoded = cache.get(labels);
      if (encoded === undefined) {
        encoded = encodeLabels(transformLabels(presentLabels(labels)));
        cache.set(labels, encoded);
      }
      last = { labels, encoded };
      return encoded;
    },
  };
}

function encodeLabels(entries: readonly LabelEntry[]): EncodedLabels {
  const sorted = [...entries].sort(([a], [b]) => byCodeUnits(a, b));
  return { json: labelsJson(sorted), map: sorted.map(([key, value]) => ({ key, value })) };
}

/** The labels that exist: an empty value is the same as an absent label. */
function presentLabels(labels: Labels): LabelEntry[] {
  return Object.entries(labels).filter(([, value]) => value !== '');
}

/** JSON object text of entries sorted in code-unit order (built by hand: JS objects put integer-like keys first). */
function labelsJson(sorted: readonly LabelEntry[]): string {
  return `{${sorted.map(([name, value]) => `${JSON.stringify(name)}:${JSON.stringify(value)}`).join(',')}}`;
}

/** A hyparquet Writer that appends to an open file descriptor, about 1 MiB at a time. */
function fileWriter(fd: number): Writer {
  const writer = new ByteWriter();
  const grow = writer.ensure.bind(writer);
  const flush = (): void => {
    writeFully(fd, new Uint8Array(writer.buffer, 0, writer.index));
    writer.index = 0;
  };
  writer.ensure = (size: number): void => {
    if (writer.index > FLUSH_BYTES) flush();
    grow(size);
  };
  return Object.assign(writer, { flush, finish: flush });
}

function writeFully(fd: number, bytes: Uint8Array): void {
  let written = 0;
  while (written < bytes.length) written += writeSync(fd, bytes, written);
}

/** A hidden, unique name in the same folder, so the final rename stays on one file system. */
function temporaryPath(path: string): string {
  return join(dirname(path), `.${basename(path)}.${randomBytes(6).toString('hex')}.tmp`);
}

/** Best-effort cleanup after a failure: the export's own error is the one worth reporting. */
function discard(fd: number | undefined, tempPath: string): void {
  if (fd !== undefined) ignoreErrors(() => closeSync(fd));
  ignoreErrors(() => rmSync(tempPath, { force: true }));
}

function ignoreErrors(action: () => void): void {
  try {
    action();
  } catch {
    // deliberately ignored (see discard)
  }
}

function throwIfCancelled(signal: AbortSignal | undefined): void {
  if (signal?.aborted) throw new StorageError('CANCELLED', 'the export was cancelled: no file was written');
}

function exportFailure(err: unknown, path: string): StorageError {
  if (err instanceof StorageError) return err;
  const disk = translateDiskError(err);
  if (disk instanceof StorageError) return disk;
  const reason = err instanceof Error ? err.message : String(err);
  return new StorageError('EXPORT_FAILED', `export to ${path} failed: ${reason}`, { cause: err });
}
