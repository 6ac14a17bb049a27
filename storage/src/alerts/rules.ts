/**
 * The alert_rules table: users' rules, kept as settings (retention never deletes them), each with
 * the end of the last 1m bucket it evaluated. Saving a changed condition, pausing or deleting a
 * rule ends its ongoing incidents where its evaluation stood (a pending one is dropped, a firing one
 * resolved); resuming a paused rule starts evaluating at the current minute (the paused time is not
 * evaluated afterwards).
 */
import type { Statement } from 'better-sqlite3';
import type { Db } from '../db/connection.ts';
import { InvalidArgumentError } from '../errors.ts';
import type { AlertRule } from '../types.ts';
import type { IncidentLog } from './incidents.ts';
import type { CheckedRule } from './rule-check.ts';

/** A stored rule and how far it has been evaluated. */
export interface StoredRule extends CheckedRule {
  id: number;
  /** The end of the last evaluated 1m bucket; null when never evaluated. */
  evaluatedTo: number | null;
}

interface RuleRow {
  id: number;
  name: string;
  metric_name: string;
  selector: string;
  op: AlertRule['op'];
  threshold: number;
  for_seconds: number;
  severity: AlertRule['severity'];
  enabled: number;
  evaluated_to: number | null;
}

type Selector = Pick<AlertRule, 'labels' | 'fn' | 'q' | 'aggregate'>;

function selectorOf(rule: AlertRule): Selector {
  return {
    ...(rule.labels === undefined ? {} : { labels: rule.labels }),
    ...(rule.fn === undefined ? {} : { fn: rule.fn }),
    ...(rule.q === undefined ? {} : { q: rule.q }),
    ...(rule.aggregate === undefined ? {} : { aggregate: rule.aggregate }),
  };
}

function toRule(row: RuleRow): StoredRule {
  return {
    id: row.id,
    name: row.name,
    metricName: row.metric_name,
    ...(JSON.parse(row.selector) as Selector),
    op: row.op,
    threshold: row.threshold,
    forSeconds: row.for_seconds,
    severity: row.severity,
    enabled: row.enabled === 1,
    evaluatedTo: row.evaluated_to,
  };
}

/** The rule as the API gives it (without its evaluation cursor). */
export function publicRule({ evaluatedTo: _evaluatedTo, ...rule }: StoredRule): AlertRule {
  return rule;
}

/** Whether two rules select and compare the same values (a change of name or severity is not). */
function sameCondition(a: AlertRule, b: AlertRule): boolean {
  return (
    a.metricName === b.metricName &&
    JSON.stringify(selectorOf(a)) === JSON.stringify(selectorOf(b)) &&
    a.op === b.op &&
    a.threshold === b.threshold &&
    a.forSeconds === b.forSeconds
  );
}

export class RuleStore {
  private readonly insertStmt: Statement;
  private readonly updateStmt: Statement;
  private readonly getStmt: Statement;
  private readonly allStmt: Statement;
  private readonly deleteStmt: Statement;
  private readonly evaluatedStmt: Statement;

  constructor(
    db: Db,
    private readonly incidents: IncidentLog,
  ) {
    this.insertStmt = db.prepare(
      `INSERT INTO alert_rules (name, metric_name, selector, op, threshold, for_seconds, severity, enabled, evaluated_to)
       VALUES (?, ?, ?, ?, ?, ?, ?, ?, NULL)`,
    );
    this.updateStmt = db.prepare(
      `UPDATE alert_rules SET name = ?, metric_name = ?, selector = ?, op = ?, threshold = ?, for_seconds = ?,
         severity = ?, enabled = ?, evaluated_to = ? WHERE id = ?`,
    );
    this.getStmt = db.prepare('SELECT * FROM alert_rules WHERE id = ?');
    this.allStmt = db.prepare('SELECT * FROM alert_rules ORDER BY id');
    this.deleteStmt = db.prepare('DELETE FROM alert_rules WHERE id = ?');
    this.evaluatedStmt = db.prepare('UPDATE alert_rules SET evaluated_to = ? WHERE id = ?');
  }

  get(id: number): StoredRule {
    const row = this.getStmt.get(id) as RuleRow | undefined;
    if (!row) throw new InvalidArgumentError(`alert rule: no rule with id ${id}`);
    return toRule(row);
  }

  list(): StoredRule[] {
    return (this.allStmt.all() as RuleRow[]).map(toRule);
  }

  /** Creates or updates a rule; `currentMinute` is where a resumed rule starts evaluating. */
  save(rule: CheckedRule, currentMinute: number): StoredRule {
    const fields = [
      rule.name,
      rule.metricName,
      JSON.stringify(selectorOf(rule)),
      rule.op,
      rule.threshold,
      rule.forSeconds,
      rule.severity,
      rule.enabled ? 1 : 0,
    ];
    if (rule.id === undefined) return this.get(Number(this.insertStmt.run(...fields).lastInsertRowid));
    const before = this.get(rule.id);
    let evaluatedTo = before.evaluatedTo;
    if (before.enabled && (!rule.enabled || !sameCondition(before, rule)) && evaluatedTo !== null)
      this.incidents.closeOfRule(rule.id, evaluatedTo);
    if (!before.enabled && rule.enabled && evaluatedTo !== null) evaluatedTo = currentMinute;
    this.updateStmt.run(...fields, evaluatedTo, rule.id);
    return this.get(rule.id);
  }

  delete(id: number): void {
    const rule = this.get(id);
    if (rule.evaluatedTo !== null) this.incidents.closeOfRule(id, rule.evaluatedTo);
    this.deleteStmt.run(id);
  }

  setEvaluatedTo(id: number, to: number): void {
    this.evaluatedStmt.run(to, id);
  }
}
