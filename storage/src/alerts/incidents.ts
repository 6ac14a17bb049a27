/**
 * The incidents table: runs of breaching minutes of one rule or anomaly check on one series
 * (runs.ts), stored as they open, fire and resolve; listed newest first, acknowledged by the user,
 * deleted by retention once they ended before the cutoff (ongoing ones are kept), and with the
 * series they describe.
 */
import type { Statement } from 'better-sqlite3';
import type { Db } from '../db/connection.ts';
import { InvalidArgumentError } from '../errors.ts';
import type { AnomalyBaseline, Incident, IncidentFilter, IncidentState, Labels, Severity } from '../types.ts';
import { SEVERITIES } from './alerts.ts';
import type { Run } from './runs.ts';

export const INCIDENT_STATES: readonly IncidentState[] = ['pending', 'firing', 'resolved'];
const MAX_INCIDENTS_LISTED = 1000;

interface IncidentRow {
  id: number;
  rule_id: number | null;
  kind: Incident['kind'];
  metric_name: string;
  labels: string;
  severity: Severity;
  state: IncidentState;
  start_ts: number;
  end_ts: number | null;
  fired_at: number | null;
  last_breach: number;
  peak: number;
  direction: Incident['direction'];
  threshold: number;
  detail: string | null;
  acknowledged: number;
  rule_name: string | null;
}

/** What an incident describes besides its run: which check, on which series, how severe. */
export interface IncidentSubject {
  ruleId: number | null;
  kind: Incident['kind'];
  metricName: string;
  labelsJson: string;
  severity: Severity;
  threshold: number;
  anomaly?: AnomalyBaseline;
}

function stateOf(run: Run): IncidentState {
  if (run.end !== null) return 'resolved';
  return run.firedAt === null ? 'pending' : 'firing';
}

function toIncident(row: IncidentRow): Incident {
  return {
    id: row.id,
    ruleId: row.rule_id,
    kind: row.kind,
    metricName: row.metric_name,
    labels: JSON.parse(row.labels) as Labels,
    severity: row.severity,
    state: row.state,
    start: row.start_ts,
    end: row.end_ts,
    peak: row.peak,
    direction: row.direction,
    acknowledged: row.acknowledged === 1,
    threshold: row.threshold,
    firedAt: row.fired_at,
    ...(row.rule_name === null ? {} : { ruleName: row.rule_name }),
    ...(row.detail === null ? {} : { anomaly: JSON.parse(row.detail) as AnomalyBaseline }),
  };
}

/** A stored incident as a run (to carry it through more minutes). */
function runOf(row: IncidentRow): Run {
  return {
    id: row.id,
    start: row.start_ts,
    end: row.end_ts,
    lastBreach: row.last_breach,
    firedAt: row.fired_at,
    peak: row.peak,
    direction: row.direction,
  };
}

/** An incident for a run that was never stored (a preview), id 0. */
export function previewIncident(subject: IncidentSubject, run: Run): Incident {
  return {
    id: 0,
    ruleId: subject.ruleId,
    kind: subject.kind,
    metricName: subject.metricName,
    labels: JSON.parse(subject.labelsJson) as Labels,
    severity: subject.severity,
    state: stateOf(run),
    start: run.start,
    end: run.end,
    peak: run.peak,
    direction: run.direction,
    acknowledged: false,
    threshold: subject.threshold,
    firedAt: run.firedAt,
    ...(subject.anomaly ? { anomaly: subject.anomaly } : {}),
  };
}

const SELECT = `SELECT i.*, r.name AS rule_name FROM incidents i LEFT JOIN alert_rules r ON r.id = i.rule_id`;

export class IncidentLog {
  private readonly insertStmt: Statement;
  private readonly updateStmt: Statement;
  private readonly deleteStmt: Statement;
  private readonly byIdStmt: Statement;
  private readonly openOfRuleStmt: Statement;
  private readonly openOfSeriesStmt: Statement;
  private readonly deleteOfSeriesStmt: Statement;

  constructor(private readonly db: Db) {
    this.insertStmt = db.prepare(
      `INSERT INTO incidents (rule_id, kind, metric_name, labels, severity, state, start_ts, end_ts, fired_at,
         last_breach, peak, direction, threshold, detail)
       VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)`,
    );
    this.updateStmt = db.prepare(
      `UPDATE incidents SET state = ?, end_ts = ?, fired_at = ?, last_breach = ?, peak = ?, severity = ?, threshold = ?
       WHERE id = ?`,
    );
    this.deleteStmt = db.prepare('DELETE FROM incidents WHERE id = ?');
    this.byIdStmt = db.prepare(`${SELECT} WHERE i.id = ?`);
    this.openOfRuleStmt = db.prepare(`${SELECT} WHERE i.rule_id = ? AND i.end_ts IS NULL`);
    this.openOfSeriesStmt = db.prepare(
      `${SELECT} WHERE i.kind = 'anomaly' AND i.metric_name = ? AND i.labels = ? AND i.end_ts IS NULL`,
    );
    // Run once per series that retention or deleteSeries drops: prepared once.
    this.deleteOfSeriesStmt = db.prepare('DELETE FROM incidents WHERE metric_name = ? AND labels = ?');
  }

  /** Stores a run (inserts it, or updates the incident it continues); returns the incident. */
  save(subject: IncidentSubject, run: Run): Incident {
    const state = stateOf(run);
    const detail = subject.anomaly ? JSON.stringify(subject.anomaly) : null;
    let id = run.id;
    if (id === undefined) {
      id = Number(
        this.insertStmt.run(
          subject.ruleId,
          subject.kind,
          subject.metricName,
          subject.labelsJson,
          subject.severity,
          state,
          run.start,
          run.end,
          run.firedAt,
          run.lastBreach,
          run.peak,
          run.direction,
          subject.threshold,
          detail,
        ).lastInsertRowid,
      );
    } else {
      this.updateStmt.run(
        state,
        run.end,
        run.firedAt,
        run.lastBreach,
        run.peak,
        subject.severity,
        subject.threshold,
        id,
      );
    }
    return this.get(id)!;
  }

  delete(id: number): void {
    this.deleteStmt.run(id);
  }

  get(id: number): Incident | undefined {
    const row = this.byIdStmt.get(id) as IncidentRow | undefined;
    return row && toIncident(row);
  }

  /** A rule's ongoing incidents (pending or firing), by their series' labels (canonical JSON). */
  openOfRule(ruleId: number): Map<string, Run> {
    const rows = this.openOfRuleStmt.all(ruleId) as IncidentRow[];
    return new Map(rows.map((row) => [row.labels, runOf(row)]));
  }

  /** The ongoing anomaly incident of a series, if any. */
  openAnomaly(metricName: string, labelsJson: string): Run | undefined {
    const row = this.openOfSeriesStmt.get(metricName, labelsJson) as IncidentRow | undefined;
    return row && runOf(row);
  }

  list(filter: IncidentFilter = {}): Incident[] {
    if (filter === null || typeof filter !== 'object') fail('the filter must be an object');
    const where: string[] = [];
    const params: string[] = [];
    if (filter.state !== undefined) {
      if (!INCIDENT_STATES.includes(filter.state)) fail(`state must be one of ${INCIDENT_STATES.join(', ')}`);
      where.push('i.state = ?');
      params.push(filter.state);
    }
    if (filter.severity !== undefined) {
      if (!SEVERITIES.includes(filter.severity)) fail(`severity must be one of ${SEVERITIES.join(', ')}`);
      where.push('i.severity = ?');
      params.push(filter.severity);
    }
    if (filter.metricName !== undefined) {
      if (typeof filter.metricName !== 'string' || filter.metricName === '') fail('metricName must be a name');
      where.push('i.metric_name = ?');
      params.push(filter.metricName);
    }
    const sql = `${SELECT} ${where.length ? `WHERE ${where.join(' AND ')}` : ''}
      ORDER BY i.start_ts DESC, i.id DESC LIMIT ${MAX_INCIDENTS_LISTED}`;
    return (this.db.prepare(sql).all(...params) as IncidentRow[]).map(toIncident);
  }

  acknowledge(id: number): void {
    if (!Number.isInteger(id) || id < 1) fail('the incident id must be a positive integer');
    const changes = this.db.prepare('UPDATE incidents SET acknowledged = 1 WHERE id = ?').run(id).changes;
    if (changes === 0) fail(`no incident with id ${id}`);
  }

  /** Deletes the incidents that ended before `cutoff` (retention); returns how many. */
  deleteBefore(cutoff: number): number {
    return this.db.prepare('DELETE FROM incidents WHERE end_ts < ?').run(cutoff).changes;
  }

  /** Deletes the incidents of a series (the series is being deleted). */
  deleteSeries(metricName: string, labelsJson: string): void {
    this.deleteOfSeriesStmt.run(metricName, labelsJson);
  }

  /** Deletes a rule's pending incidents and resolves its firing ones at `at` (the rule is deleted, paused or changed). */
  closeOfRule(ruleId: number, at: number): void {
    this.db.prepare("DELETE FROM incidents WHERE rule_id = ? AND state = 'pending'").run(ruleId);
    this.db
      .prepare("UPDATE incidents SET state = 'resolved', end_ts = ? WHERE rule_id = ? AND state = 'firing'")
      .run(at, ruleId);
  }
}

function fail(message: string): never {
  throw new InvalidArgumentError(`incidents: ${message}`);
}
