/**
 * The storage engine's entry point: the TimeSeriesStorage class, its types and its typed errors.
 * Runs under plain Node; knows nothing of Electron.
 */
export * from './types.ts';
export * from './errors.ts';
export { DEFAULT_MAX_LABELS, DEFAULT_MAX_SERIES } from './config.ts';
export { DEFAULT_MAX_HEAD_AGE_MS, DEFAULT_MAX_HEAD_ROWS } from './maintenance/auto-maintenance.ts';
export { TimeSeriesStorage } from './storage.ts';
export { DEFAULT_MAX_POINTS } from './query/query.ts';
export { counterPointsFromRaw } from './query/counters.ts';
export { histogramQuantile, type HistogramBucket } from './query/histogram-quantile.ts';
export {
  ALERT_LOOKBACK_DAYS,
  ANOMALY_Z_THRESHOLD,
  DAY_MS,
  DEFAULT_RETENTION_DAYS,
  HOUR_MS,
  MAX_RETENTION_DAYS,
  MIN_RETENTION_DAYS,
  MINUTE_MS,
} from '../../shared/constants.ts';
export {
  LABEL_NAME_RE,
  MAX_LABEL_NAME_LENGTH,
  MAX_LABEL_VALUE_LENGTH,
  MAX_METRIC_NAME_LENGTH,
  MAX_TIMESTAMP,
  METRIC_NAME_RE,
  isLabelName,
} from './ingest/validate.ts';
export { HISTOGRAM_SUFFIXES, histogramBase } from './metrics/catalog.ts';
export { INF_BOUND, LE_LABEL, bucketBound } from './metrics/bucket-bound.ts';
export { MAX_HELP_LENGTH, MAX_UNIT_LENGTH } from './metrics/metadata.ts';
export type { ListedMetric } from './metrics/stored-catalog.ts';
export { SEVERITIES } from './alerts/alerts.ts';
export { INCIDENT_STATES } from './alerts/incidents.ts';
export { MAX_FOR_SECONDS, MAX_RULE_NAME_LENGTH, RULE_FUNCTIONS } from './alerts/rule-check.ts';
export { checkLabelMatchers } from './series/labels.ts';
export { MIN_BASELINE_SAMPLES } from './baselines/baselines.ts';
export { defaultExportPath } from './export/parquet-export.ts';
