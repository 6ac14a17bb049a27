/**
 * Validation of an alert rule (a user's input): every field read once into a copy, each checked
 * with a typed INVALID_ARGUMENT error naming the field; then the rule's query itself is checked
 * by the query engine (a function that does not fit the metric's type, a regex RE2 cannot run, an
 * unknown aggregation), whose INVALID_QUERY becomes the rule's INVALID_ARGUMENT.
 */
import { InvalidArgumentError, InvalidQueryError } from '../errors.ts';
import { METRIC_NAME_RE } from '../ingest/validate.ts';
import type { AlertRule, MetricQuery } from '../types.ts';
import { SEVERITIES } from './alerts.ts';

export const RULE_FUNCTIONS: readonly NonNullable<AlertRule['fn']>[] = ['rate', 'increase', 'quantile'];
export const MAX_RULE_NAME_LENGTH = 200;
/** The longest `for` a rule may have: a day. */
export const MAX_FOR_SECONDS = 86_400;

/** A rule as stored: every field present, `enabled` decided. */
export type CheckedRule = AlertRule & { enabled: boolean };

function fail(message: string): never {
  throw new InvalidArgumentError(`alert rule: ${message}`);
}

function checkOptionalId(id: unknown): number | undefined {
  if (id === undefined) return undefined;
  if (typeof id !== 'number' || !Number.isInteger(id) || id < 1) fail('id must be a positive integer');
  return id;
}

function checkFunction(fn: unknown, q: unknown): Pick<AlertRule, 'fn' | 'q'> {
  if (fn === undefined) {
    if (q !== undefined) fail("q is only for fn 'quantile'");
    return {};
  }
  if (!RULE_FUNCTIONS.includes(fn as never))
    fail(`fn must be one of ${RULE_FUNCTIONS.join(', ')}, got ${JSON.stringify(fn)}`);
  if (fn !== 'quantile') {
    if (q !== undefined) fail(`q is only for fn 'quantile', not ${String(fn)}`);
    return { fn: fn as AlertRule['fn'] };
  }
  if (typeof q !== 'number' || !(q > 0 && q < 1))
    fail(`q must be a number between 0 and 1 (exclusive), got ${String(q)}`);
  return { fn: 'quantile', q };
}

/** The rule's fields, checked, in a fresh object. */
export function checkRuleFields(input: unknown): CheckedRule {
  if (input === null || typeof input !== 'object' || Array.isArray(input)) fail('must be an object');
  const rule = input as Record<keyof AlertRule, unknown>;
  const { id, name, metricName, labels, fn, q, aggregate, op, threshold, forSeconds, severity, enabled } = rule;
  if (typeof name !== 'string' || name.trim() === '' || name.length > MAX_RULE_NAME_LENGTH)
    fail(`name must be a non-empty string of at most ${MAX_RULE_NAME_LENGTH} characters`);
  if (typeof metricName !== 'string' || !METRIC_NAME_RE.test(metricName))
    fail(`metricName must be a metric name (${METRIC_NAME_RE.source})`);
  if (labels !== undefined && (labels === null || typeof labels !== 'object' || Array.isArray(labels)))
    fail('labels must be an object of label matchers');
  if (op !== '>' && op !== '<') fail(`op must be '>' or '<', got ${JSON.stringify(op)}`);
  if (typeof threshold !== 'number' || !Number.isFinite(threshold)) fail('threshold must be a finite number');
  if (typeof forSeconds !== 'number' || !Number.isInteger(forSeconds) || forSeconds < 0 || forSeconds > MAX_FOR_SECONDS)
    fail(`forSeconds must be an integer from 0 to ${MAX_FOR_SECONDS}`);
  if (!SEVERITIES.includes(severity as never)) fail(`severity must be one of ${SEVERITIES.join(', ')}`);
  if (enabled !== undefined && typeof enabled !== 'boolean') fail('enabled must be true or false');
  const checkedId = checkOptionalId(id);
  return {
    ...(checkedId === undefined ? {} : { id: checkedId }),
    name,
    metricName,
    ...(labels === undefined ? {} : { labels: structuredClone(labels) as AlertRule['labels'] }),
    ...checkFunction(fn, q),
    ...(aggregate === undefined ? {} : { aggregate: structuredClone(aggregate) as AlertRule['aggregate'] }),
    op,
    threshold,
    forSeconds,
    severity: severity as AlertRule['severity'],
    enabled: enabled ?? true,
  };
}

/** The query a rule evaluates over [start, end): its series at 1m, through its function and aggregation. */
export function ruleQuery(rule: AlertRule, start: number, end: number): MetricQuery {
  return {
    metricName: rule.metricName,
    start,
    end,
    aggregation: '1m',
    ...(rule.labels === undefined ? {} : { labels: rule.labels }),
    ...(rule.fn === undefined ? {} : { fn: rule.fn }),
    ...(rule.q === undefined ? {} : { q: rule.q }),
    ...(rule.aggregate === undefined ? {} : { aggregate: rule.aggregate }),
  };
}

/** Runs `read` (the rule's query), turning the query engine's INVALID_QUERY into the rule's INVALID_ARGUMENT. */
export function asRuleError<T>(read: () => T): T {
  try {
    return read();
  } catch (err) {
    if (err instanceof InvalidQueryError) fail(err.message);
    throw err;
  }
}
