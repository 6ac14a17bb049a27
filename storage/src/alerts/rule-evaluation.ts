/**
 * Evaluating alert rules: a rule's query (its series at 1m, through its function and aggregation,
 * exactly as queryMetrics computes them) is read for the complete minutes since the rule was last
 * evaluated, each result series is carried through them by runs.ts, and its incidents stored.
 * Each minute is evaluated once, by the first evaluation after it is complete: a sample that
 * arrives later for a minute already evaluated does not change that minute's verdict (history is
 * not rewritten; a late sample in a minute not yet evaluated counts). A rule never evaluated starts
 * ALERT_LOOKBACK_DAYS back, as its preview does; no evaluation goes further back than that.
 * A preview runs the same evaluation over a range without storing anything.
 */
import { ALERT_LOOKBACK_DAYS, DAY_MS, MINUTE_MS } from '../../../shared/constants.ts';
import { queryMetrics, type QueryContext } from '../query/query.ts';
import { labelsToJson } from '../series/labels.ts';
import type { AlertRule, Incident } from '../types.ts';
import { previewIncident, type IncidentLog, type IncidentSubject } from './incidents.ts';
import { asRuleError, ruleQuery } from './rule-check.ts';
import type { RuleStore, StoredRule } from './rules.ts';
import { advance, type Condition, type Run } from './runs.ts';

const LOOKBACK_MS = ALERT_LOOKBACK_DAYS * DAY_MS;

export interface RuleEvaluationContext {
  query: QueryContext;
  rules: RuleStore;
  incidents: IncidentLog;
}

function conditionOf(rule: AlertRule): Condition {
  const { threshold } = rule;
  return {
    breach:
      rule.op === '>' ? (v) => (v > threshold ? 'above' : undefined) : (v) => (v < threshold ? 'below' : undefined),
    forMs: rule.forSeconds * 1000,
  };
}

/** The rule's 1m values over [from, to), per result series (canonical labels JSON), by minute start. */
function minuteValues(ctx: QueryContext, rule: AlertRule, from: number, to: number): Map<string, Map<number, number>> {
  const series = asRuleError(() => queryMetrics(ctx, ruleQuery(rule, from, to)));
  return new Map(series.map((s) => [labelsToJson(s.labels), new Map(s.points.map((p) => [p.timestamp, p.value]))]));
}

function subjectOf(rule: AlertRule, labelsJson: string): IncidentSubject {
  return {
    ruleId: rule.id ?? null,
    kind: 'rule',
    metricName: rule.metricName,
    labelsJson,
    severity: rule.severity,
    threshold: rule.threshold,
  };
}

const runsOf = (result: { resolved: Run[]; open: Run | undefined }): Run[] => [
  ...result.resolved,
  ...(result.open ? [result.open] : []),
];

const stateOf = (run: Run | undefined): string =>
  run === undefined ? 'none' : run.end !== null ? 'resolved' : run.firedAt === null ? 'pending' : 'firing';

/**
 * Evaluates a stored rule over its complete minutes up to `to` (minute-aligned) and stores its
 * incidents; returns those opened or whose state changed.
 */
export function evaluateStoredRule(ctx: RuleEvaluationContext, rule: StoredRule, to: number): Incident[] {
  const from = Math.max(rule.evaluatedTo ?? 0, to - LOOKBACK_MS);
  if (from >= to) return [];
  const values = minuteValues(ctx.query, rule, from, to);
  const open = ctx.incidents.openOfRule(rule.id);
  const condition = conditionOf(rule);
  const changed: Incident[] = [];
  for (const labelsJson of new Set([...open.keys(), ...values.keys()])) {
    const before = open.get(labelsJson);
    const result = advance(before, values.get(labelsJson) ?? new Map(), from, to, condition);
    if (result.droppedPending && before?.id !== undefined) ctx.incidents.delete(before.id);
    for (const run of runsOf(result)) {
      const stored = ctx.incidents.save(subjectOf(rule, labelsJson), run);
      if (run.id === undefined || stateOf(run) !== stateOf(before)) changed.push(stored);
    }
  }
  ctx.rules.setEvaluatedTo(rule.id, to);
  return changed;
}

/** The incidents a rule would have had over the complete minutes of [start, end), newest first; nothing is stored. */
export function previewRule(ctx: QueryContext, rule: AlertRule, start: number, end: number): Incident[] {
  const from = Math.ceil(start / MINUTE_MS) * MINUTE_MS;
  const to = Math.floor(end / MINUTE_MS) * MINUTE_MS;
  if (from >= to) return [];
  const condition = conditionOf(rule);
  const incidents = [...minuteValues(ctx, rule, from, to)].flatMap(([labelsJson, values]) =>
    runsOf(advance(undefined, values, from, to, condition)).map((run) =>
      previewIncident(subjectOf(rule, labelsJson), run),
    ),
  );
  return incidents.sort((a, b) => b.start - a.start);
}
