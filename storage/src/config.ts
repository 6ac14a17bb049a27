/**
 * The engine's configuration and argument checks: defaults filled in, and a typed
 * INVALID_ARGUMENT error for anything out of range, before any file is touched.
 */
import { STORE_FILE_SUFFIXES } from './db/store-files.ts';
import { realpathSync } from 'node:fs';
import { resolve } from 'node:path';
import { InvalidArgumentError } from './errors.ts';
import { MAX_TIMESTAMP } from './ingest/validate.ts';
import { DEFAULT_MAX_HEAD_AGE_MS, DEFAULT_MAX_HEAD_ROWS } from './maintenance/auto-maintenance.ts';
import { MAX_RETENTION_DAYS, MIN_RETENTION_DAYS } from '../../shared/constants.ts';
import { INTERVALS, type ExportOptions, type Interval, type Resolution, type StorageConfig } from './types.ts';

export const DEFAULT_MAX_SERIES = 10_000;
export const DEFAULT_MAX_LABELS = 32;

export function checkRetentionDays(days: unknown): number {
  if (typeof days !== 'number' || !Number.isInteger(days) || days < MIN_RETENTION_DAYS || days > MAX_RETENTION_DAYS) {
    throw new InvalidArgumentError(
      `retention days must be an integer from ${MIN_RETENTION_DAYS} to ${MAX_RETENTION_DAYS}, got ${String(days)}`,
    );
  }
  return days;
}

/** An argument that must be a timestamp the store can hold (a range's or a filter's bound); `name` starts the error's message. */
export function checkTimestampArg(value: unknown, name: string): number {
  if (typeof value !== 'number' || !Number.isInteger(value) || value < 0 || value > MAX_TIMESTAMP)
    throw new InvalidArgumentError(`${name} must be an integer millisecond timestamp`);
  return value;
}

export function checkInterval(interval: unknown): Interval {
  if (!INTERVALS.includes(interval as Interval)) {
    throw new InvalidArgumentError(`unknown interval ${JSON.stringify(interval)}: use one of ${INTERVALS.join(', ')}`);
  }
  return interval as Interval;
}

/** The configuration, checked and with its defaults filled in. */
export function checkConfig(config: StorageConfig) {
  if (!config || typeof config.dbPath !== 'string' || config.dbPath.length === 0) {
    throw new InvalidArgumentError('dbPath must be a non-empty string');
  }
  if (config.maxSizeBytes !== undefined && (!Number.isInteger(config.maxSizeBytes) || config.maxSizeBytes < 65_536)) {
    throw new InvalidArgumentError('maxSizeBytes must be an integer of at least 65536');
  }
  for (const [name, value] of [
    ['maxSeries', config.maxSeries],
    ['maxLabelsPerSeries', config.maxLabelsPerSeries],
  ] as const) {
    if (value !== undefined && (!Number.isInteger(value) || value < 1))
      throw new InvalidArgumentError(`${name} must be a positive integer`);
  }
  const intervals = (config.aggregationIntervals ?? [...INTERVALS]).map(checkInterval);
  return {
    dbPath: config.dbPath,
    retentionDays: config.retentionDays === undefined ? undefined : checkRetentionDays(config.retentionDays),
    compressed: config.enableCompression ?? true,
    walMode: config.walMode ?? true,
    intervals: INTERVALS.filter((i) => intervals.includes(i)),
    maxSeries: config.maxSeries ?? DEFAULT_MAX_SERIES,
    maxLabelsPerSeries: config.maxLabelsPerSeries ?? DEFAULT_MAX_LABELS,
    maxSizeBytes: config.maxSizeBytes,
    now: config.now ?? Date.now,
    autoMaintenance: checkAutoMaintenance(config.autoMaintenance),
  };
}

/** The longest delay a Node timer takes (a longer one would fire at once). */
const MAX_TIMER_MS = 2 ** 31 - 1;

/** The automatic maintenance's thresholds, or undefined when it is turned off. */
function checkAutoMaintenance(option: unknown): { maxHeadRows: number; maxHeadAgeMs: number } | undefined {
  if (option === false) return undefined;
  const thresholds = option === undefined || option === true ? {} : option;
  if (thresholds === null || typeof thresholds !== 'object')
    throw new InvalidArgumentError('autoMaintenance must be true, false or an object of thresholds');
  const { maxHeadRows, maxHeadAgeMs } = thresholds as { maxHeadRows?: unknown; maxHeadAgeMs?: unknown };
  if (maxHeadRows !== undefined && (!Number.isInteger(maxHeadRows) || (maxHeadRows as number) < 1))
    throw new InvalidArgumentError('autoMaintenance.maxHeadRows must be a positive integer');
  const maxAge = checkPositive(maxHeadAgeMs, 'autoMaintenance.maxHeadAgeMs', DEFAULT_MAX_HEAD_AGE_MS);
  if (maxAge > MAX_TIMER_MS)
    throw new InvalidArgumentError(`autoMaintenance.maxHeadAgeMs must be at most ${MAX_TIMER_MS}`);
  return { maxHeadRows: (maxHeadRows as number | undefined) ?? DEFAULT_MAX_HEAD_ROWS, maxHeadAgeMs: maxAge };
}

export function checkExportOptions(options: ExportOptions): { source: Resolution; start: number; end: number } {
  if (options === null || typeof options !== 'object')
    throw new InvalidArgumentError('export options must be an object');
  const source = options.source ?? 'raw';
  if (source !== 'raw' && !INTERVALS.includes(source)) {
    throw new InvalidArgumentError(`unknown export source ${JSON.stringify(source)}: use raw, ${INTERVALS.join(', ')}`);
  }
  const start = options.start ?? 0;
  const end = options.end ?? MAX_TIMESTAMP + 1;
  for (const [name, value] of [
    ['start', start],
    ['end', end],
  ] as const) {
    if (typeof value !== 'number' || !Number.isInteger(value))
      throw new InvalidArgumentError(`export ${name} must be an integer millisecond timestamp`);
  }
  if (start >= end) throw new InvalidArgumentError(`export range is ${start === end ? 'empty' : 'reversed'}`);
  if (options.onProgress !== undefined && typeof options.onProgress !== 'function')
    throw new InvalidArgumentError('onProgress must be a function');
  if (options.signal !== undefined && !(options.signal instanceof AbortSignal))
    throw new InvalidArgumentError('signal must be an AbortSignal');
  const anonymize: unknown = options.anonymize;
  if (
    anonymize !== undefined &&
    typeof anonymize !== 'boolean' &&
    (anonymize === null || typeof anonymize !== 'object')
  ) {
    throw new InvalidArgumentError('anonymize must be true, false or an options object');
  }
  return { source, start, end };
}

/** The longest name and value an embedder's own setting may have. */
const MAX_APP_SETTING_NAME = 200;
const MAX_APP_SETTING_VALUE = 1 << 20;

/** An embedder's setting name: a non-empty string of at most MAX_APP_SETTING_NAME characters. */
export function checkAppSettingName(name: unknown): string {
  if (typeof name !== 'string' || name.length === 0 || name.length > MAX_APP_SETTING_NAME) {
    throw new InvalidArgumentError(`a setting name must be a string of 1 to ${MAX_APP_SETTING_NAME} characters`);
  }
  return name;
}

/** An embedder's setting value: a string of at most MAX_APP_SETTING_VALUE characters, or null to remove it. */
export function checkAppSettingValue(value: unknown): string | null {
  if (value !== null && (typeof value !== 'string' || value.length > MAX_APP_SETTING_VALUE)) {
    throw new InvalidArgumentError(
      `a setting value must be null or a string of at most ${MAX_APP_SETTING_VALUE} characters`,
    );
  }
  return value;
}

/** A positive number option, or its default when absent. */
export function checkPositive(value: unknown, name: string, fallback: number): number {
  if (value === undefined) return fallback;
  if (typeof value !== 'number' || !Number.isFinite(value) || value <= 0)
    throw new InvalidArgumentError(`${name} must be a positive number`);
  return value;
}

/** A path as the file system resolves it (through links), or as written when it does not exist yet. */
function realPath(path: string): string {
  try {
    return realpathSync(path);
  } catch {
    return resolve(path);
  }
}

/** Refuses an export path that names one of the store's own files (writing there would destroy the store). */
export function checkNotStoreFile(dbPath: string, output: string): void {
  const target = realPath(output);
  if (STORE_FILE_SUFFIXES.some((suffix) => realPath(`${dbPath}${suffix}`) === target)) {
    throw new InvalidArgumentError(`${output} is one of the store's own files: export to another path`);
  }
}
