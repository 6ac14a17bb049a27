/**
 * The part of the storage engine the shell uses, as one type: the handlers, jobs, collector and
 * demo history depend on these methods only (a narrower surface than TimeSeriesStorage).
 */
import type { TimeSeriesStorage } from '../../storage/src/index.ts';

export type ShellStore = Pick<
  TimeSeriesStorage,
  | 'insertSamples'
  | 'queryMetrics'
  | 'aggregate'
  | 'compact'
  | 'rollUpAndCompact'
  | 'applyRetention'
  | 'setRetentionDays'
  | 'retentionDays'
  | 'intervals'
  | 'previewRetention'
  | 'listMetrics'
  | 'listLabels'
  | 'getStats'
  | 'diskUsage'
  | 'deleteSeries'
  | 'computeBaselines'
  | 'getBaselines'
  | 'listAlerts'
  | 'detectAnomalies'
  | 'exportToParquet'
  | 'checkpoint'
  | 'close'
  | 'getAppSetting'
  | 'setAppSetting'
  | 'metricMetadata'
  | 'saveAlertRule'
  | 'listAlertRules'
  | 'deleteAlertRule'
  | 'evaluateAlertRules'
  | 'previewAlertRule'
  | 'listIncidents'
  | 'acknowledgeIncident'
>;
