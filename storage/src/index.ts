/**
 * The storage engine's entry point: the TimeSeriesStorage class, its types and its typed errors.
 * Runs under plain Node; knows nothing of Electron.
 */
export * from './types.ts';
export * from './errors.ts';
export { DEFAULT_MAX_LABELS, DEFAULT_MAX_SERIES, DEFAULT_RETENTION_DAYS } from './config.ts';
export {
  TimeSeriesStorage,
  type RetentionPreview,
  type SeriesSelector,
  type StoreStats,
} from './storage.ts';
export { DEFAULT_MAX_POINTS } from './query/query.ts';
export { MAX_RETENTION_DAYS, MIN_RETENTION_DAYS } from './retention/retention.ts';
export { MAX_LABEL_NAME_LENGTH, MAX_LABEL_VALUE_LENGTH, MAX_METRIC_NAME_LENGTH, MAX_TIMESTAMP } from './ingest/validate.ts';
export { SEVERITIES } from './alerts/alerts.ts';
export { defaultExportPath } from './export/parquet-export.ts';
