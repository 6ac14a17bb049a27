/**
 * The rule editor's form state and its translation to and from an AlertRule: label matchers as
 * text (`process=host, job!=x, path=~/api/.*`), `for` in minutes. A form that does not translate
 * says why, in a sentence.
 */
import type { AlertRule, LabelMatcher, LabelMatchers, MatchOp } from '../../../shared/panel-api.ts';

export interface RuleForm {
  id?: number;
  name: string;
  metricName: string;
  labels: string;
  fn: '' | 'rate' | 'increase' | 'quantile';
  q: string;
  aggregateOp: '' | 'sum' | 'avg' | 'min' | 'max' | 'count';
  by: string;
  op: '>' | '<';
  threshold: string;
  forMinutes: string;
  severity: AlertRule['severity'];
  enabled: boolean;
}

export const EMPTY_FORM: RuleForm = {
  name: '',
  metricName: '',
  labels: '',
  fn: '',
  q: '0.99',
  aggregateOp: '',
  by: '',
  op: '>',
  threshold: '',
  forMinutes: '5',
  severity: 'warning',
  enabled: true,
};

const MATCHER_RE = /^\s*([A-Za-z_][A-Za-z0-9_]*)\s*(=~|!~|!=|=)\s*(.*?)\s*$/;

function parseLabels(text: string): LabelMatchers | undefined {
  const parts = text.split(',').filter((p) => p.trim() !== '');
  if (parts.length === 0) return undefined;
  const labels: Record<string, LabelMatcher[]> = {};
  for (const part of parts) {
    const match = MATCHER_RE.exec(part);
    if (!match) throw new Error(`"${part.trim()}" is not a label matcher (name=value, name!=value, name=~regex)`);
    const [, name, op, value] = match as unknown as [string, string, MatchOp, string];
    (labels[name] ??= []).push(op === '=' ? value : { op, value });
  }
  // One condition on a label stays a single matcher; several on one label are a list (all must hold).
  return Object.fromEntries(Object.entries(labels).map(([name, list]) => [name, list.length === 1 ? list[0]! : list]));
}

function labelsText(labels: AlertRule['labels']): string {
  return Object.entries(labels ?? {})
    .flatMap(([name, matchers]) =>
      [matchers].flat().map((m) => (typeof m === 'string' ? `${name}=${m}` : `${name}${m.op}${m.value}`)),
    )
    .join(', ');
}

export function formOf(rule: AlertRule): RuleForm {
  return {
    ...(rule.id === undefined ? {} : { id: rule.id }),
    name: rule.name,
    metricName: rule.metricName,
    labels: labelsText(rule.labels),
    fn: rule.fn ?? '',
    q: String(rule.q ?? 0.99),
    aggregateOp: rule.aggregate?.op ?? '',
    by: rule.aggregate?.by?.join(', ') ?? '',
    op: rule.op,
    threshold: String(rule.threshold),
    forMinutes: String(rule.forSeconds / 60),
    severity: rule.severity,
    enabled: rule.enabled ?? true,
  };
}

/** The rule a form describes; throws an Error saying what is wrong. */
export function ruleOf(form: RuleForm): AlertRule {
  if (form.name.trim() === '') throw new Error('Give the rule a name.');
  if (form.metricName === '') throw new Error('Choose a metric.');
  const threshold = Number(form.threshold);
  if (form.threshold.trim() === '' || !Number.isFinite(threshold)) throw new Error('The threshold must be a number.');
  const minutes = Number(form.forMinutes);
  if (!Number.isInteger(minutes) || minutes < 0 || minutes > 1440)
    throw new Error('"For" is a whole number of minutes, 0 to 1440.');
  const labels = parseLabels(form.labels);
  const by = form.by
    .split(',')
    .map((b) => b.trim())
    .filter((b) => b !== '');
  return {
    ...(form.id === undefined ? {} : { id: form.id }),
    name: form.name.trim(),
    metricName: form.metricName,
    ...(labels ? { labels } : {}),
    ...(form.fn === '' ? {} : { fn: form.fn }),
    ...(form.fn === 'quantile' ? { q: Number(form.q) } : {}),
    ...(form.aggregateOp === '' ? {} : { aggregate: { op: form.aggregateOp, ...(by.length ? { by } : {}) } }),
    op: form.op,
    threshold,
    forSeconds: minutes * 60,
    severity: form.severity,
    enabled: form.enabled,
  };
}
