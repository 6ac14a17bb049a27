/**
 * Typed errors. Every error the engine throws on purpose is a StorageError with a stable `code`
 * (StorageErrorCode, in types.ts), so callers (the IPC layer, the panel) can tell bad input from a
 * full disk without parsing text.
 */
import type { StorageErrorCode } from './types.ts';

export class StorageError extends Error {
  readonly code: StorageErrorCode;

  constructor(code: StorageErrorCode, message: string, options?: { cause?: unknown }) {
    super(message, options);
    this.name = 'StorageError';
    this.code = code;
  }
}

/** A sample in a batch was rejected; the whole batch was stored or none of it (here: none). */
export class InvalidSampleError extends StorageError {
  readonly index: number;
  readonly reason: string;

  constructor(index: number, reason: string) {
    super('INVALID_SAMPLE', `sample ${index}: ${reason}`);
    this.name = 'InvalidSampleError';
    this.index = index;
    this.reason = reason;
  }
}

/** The store already holds its configured maximum of series; the batch was not stored. */
export class CardinalityLimitError extends StorageError {
  readonly index: number;
  readonly limit: number;

  constructor(index: number, limit: number) {
    super(
      'CARDINALITY_LIMIT',
      `sample ${index}: would create a new series, but the store already holds its limit of ${limit} series`,
    );
    this.name = 'CardinalityLimitError';
    this.index = index;
    this.limit = limit;
  }
}

export class InvalidQueryError extends StorageError {
  constructor(message: string) {
    super('INVALID_QUERY', message);
    this.name = 'InvalidQueryError';
  }
}

export class InvalidArgumentError extends StorageError {
  constructor(message: string) {
    super('INVALID_ARGUMENT', message);
    this.name = 'InvalidArgumentError';
  }
}

/**
 * A metric declaration (describeMetric) contradicts the data the store holds for that metric, or
 * another declaration: nothing was changed. Its code is INVALID_ARGUMENT; `metricName` names it.
 */
export class MetricConflictError extends StorageError {
  readonly metricName: string;

  constructor(metricName: string, reason: string) {
    super('INVALID_ARGUMENT', `${metricName}: ${reason}`);
    this.name = 'MetricConflictError';
    this.metricName = metricName;
  }
}

/** A stored chunk fails its checksum: the samples of that series and time range cannot be trusted. */
export class ChunkCorruptError extends StorageError {
  readonly seriesId: number;
  readonly start: number;
  readonly end: number;

  constructor(seriesId: number, start: number, end: number) {
    super(
      'CHUNK_CORRUPT',
      `the stored samples of series ${seriesId} from ${isoTime(start)} to ${isoTime(end)} are damaged (a chunk fails its checksum)`,
    );
    this.name = 'ChunkCorruptError';
    this.seriesId = seriesId;
    this.start = start;
    this.end = end;
  }
}

/** A time for a message: ISO 8601 when it is a valid instant, else the raw number. */
function isoTime(ms: number): string {
  const date = new Date(ms);
  return Number.isNaN(date.getTime()) ? String(ms) : date.toISOString();
}

const DISK_FULL_CODES = new Set(['SQLITE_FULL', 'ENOSPC', 'SQLITE_IOERR_WRITE']);

/** Turns SQLite's and the file system's "no space left" into a typed DISK_FULL error. */
export function translateDiskError(err: unknown): unknown {
  const code = (err as { code?: unknown } | null)?.code;
  if (typeof code === 'string' && DISK_FULL_CODES.has(code)) {
    return new StorageError('DISK_FULL', 'the disk is full: nothing was written', { cause: err });
  }
  return err;
}
