/**
 * The alert history: alerts recorded by the app or by anomaly detection, kept in `alerts` with
 * their labels and message, listed newest first by time, metric and severity, and deleted by
 * retention like everything else.
 */
import type { Statement } from 'better-sqlite3';
import type { Db } from '../db/connection.ts';
import { InvalidArgumentError } from '../errors.ts';
import { checkTimestampArg } from '../config.ts';
import { labelsToJson } from '../series/labels.ts';
import type { Alert, AlertFilter, Labels, NewAlert, Severity } from '../types.ts';

export const SEVERITIES: readonly Severity[] = ['info', 'warning', 'critical'];
export const DEFAULT_ALERT_LIMIT = 500;
export const MAX_ALERT_LIMIT = 10_000;
const MAX_MESSAGE_LENGTH = 2000;

interface AlertRow {
  id: number;
  metric_name: string;
  labels: string;
  alert_type: string;
  severity: Severity;
  value: number;
  threshold: number;
  timestamp: number;
  message: string | null;
}

function fail(message: string): never {
  throw new InvalidArgumentError(`alert: ${message}`);
}

function checkText(value: unknown, name: string, max: number): string {
  if (typeof value !== 'string' || value.length === 0 || value.length > max)
    fail(`${name} must be a non-empty string of at most ${max} characters`);
  return value;
}

function checkLabels(labels: unknown): Labels {
  if (labels === undefined) return {};
  if (labels === null || typeof labels !== 'object' || Array.isArray(labels))
    fail('labels must be an object of strings');
  for (const [name, value] of Object.entries(labels))
    if (typeof value !== 'string') fail(`label ${JSON.stringify(name)} must be a string`);
  return labels as Labels;
}

function checkTime(value: unknown, name: string): number {
  return checkTimestampArg(value, `alert: ${name}`);
}

function checkSeverity(value: unknown): Severity {
  if (!SEVERITIES.includes(value as Severity)) fail(`severity must be one of ${SEVERITIES.join(', ')}`);
  return value as Severity;
}

function toAlert(row: AlertRow): Alert {
  return {
    id: row.id,
    metricName: row.metric_name,
    labels: JSON.parse(row.labels) as Labels,
    alertType: row.alert_type,
    severity: row.severity,
    value: row.value,
    threshold: row.threshold,
    timestamp: row.timestamp,
    message: row.message,
  };
}

export class AlertLog {
  private readonly insert: Statement;
  private readonly exists: Statement;
  private readonly deleteBeforeStmt: Statement;
  private readonly deleteOfSeriesStmt: Statement;

  constructor(
    private readonly db: Db,
    private readonly now: () => number,
  ) {
    this.insert = db.prepare(
      `INSERT INTO alerts (metric_name, labels, alert_type, severity, value, threshold, timestamp, message)
       VALUES (?, ?, ?, ?, ?, ?, ?, ?)`,
    );
    this.exists = db
      .prepare('SELECT 1 FROM alerts WHERE timestamp = ? AND metric_name = ? AND labels = ? AND alert_type = ? LIMIT 1')
      .pluck();
    this.deleteBeforeStmt = db.prepare('DELETE FROM alerts WHERE timestamp < ?');
    this.deleteOfSeriesStmt = db.prepare('DELETE FROM alerts WHERE metric_name = ? AND labels = ?');
  }

  /** Deletes the alerts recorded before `cutoff` (retention); returns how many. */
  deleteBefore(cutoff: number): number {
    return this.deleteBeforeStmt.run(cutoff).changes;
  }

  /** Deletes every alert of one series (its labels in canonical JSON, as recorded); returns how many. */
  deleteOfSeries(metricName: string, labelsJson: string): number {
    return this.deleteOfSeriesStmt.run(metricName, labelsJson).changes;
  }

  record(alert: NewAlert): number {
    if (alert === null || typeof alert !== 'object') fail('must be an object');
    const metricName = checkText(alert.metricName, 'metricName', 200);
    const labels = labelsToJson(checkLabels(alert.labels));
    const alertType = checkText(alert.alertType, 'alertType', 100);
    const severity = checkSeverity(alert.severity);
    for (const key of ['value', 'threshold'] as const) {
      if (typeof alert[key] !== 'number' || !Number.isFinite(alert[key])) fail(`${key} must be a finite number`);
    }
    const timestamp = alert.timestamp === undefined ? this.now() : checkTime(alert.timestamp, 'timestamp');
    const message = alert.message === undefined ? null : checkText(alert.message, 'message', MAX_MESSAGE_LENGTH);
    const info = this.insert.run(
      metricName,
      labels,
      alertType,
      severity,
      alert.value,
      alert.threshold,
      timestamp,
      message,
    );
    return Number(info.lastInsertRowid);
  }

  /** True when an alert of this type for this series at this instant is already recorded. */
  has(metricName: string, labelsJson: string, alertType: string, timestamp: number): boolean {
    return this.exists.get(timestamp, metricName, labelsJson, alertType) !== undefined;
  }

  list(filter: AlertFilter = {}): Alert[] {
    if (filter === null || typeof filter !== 'object') fail('the filter must be an object');
    const where: string[] = [];
    const params: (string | number)[] = [];
    if (filter.start !== undefined) {
      where.push('timestamp >= ?');
      params.push(checkTime(filter.start, 'start'));
    }
    if (filter.end !== undefined) {
      where.push('timestamp < ?');
      params.push(checkTime(filter.end, 'end'));
    }
    if (filter.start !== undefined && filter.end !== undefined && filter.start >= filter.end)
      fail('start must be before end');
    if (filter.metricName !== undefined) {
      where.push('metric_name = ?');
      params.push(checkText(filter.metricName, 'metricName', 200));
    }
    if (filter.severity !== undefined) {
      where.push('severity = ?');
      params.push(checkSeverity(filter.severity));
    }
    const limit = filter.limit ?? DEFAULT_ALERT_LIMIT;
    if (!Number.isInteger(limit) || limit < 1 || limit > MAX_ALERT_LIMIT)
      fail(`limit must be an integer from 1 to ${MAX_ALERT_LIMIT}`);
    const sql = `SELECT * FROM alerts ${where.length ? `WHERE ${where.join(' AND ')}` : ''} ORDER BY timestamp DESC, id DESC LIMIT ?`;
    return (this.db.prepare(sql).all(...params, limit) as AlertRow[]).map(toAlert);
  }
}
