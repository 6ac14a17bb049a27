/**
 * The panel's reading of incidents and rules: an incident's message in the metric's unit and local
 * time (shared/incident-text.ts, with the panel's formatters), a rule's condition in words, the
 * query that draws an incident's series, and the anomaly band clamped to its unit's domain.
 */
import { ALERT_LOOKBACK_DAYS, DAY_MS, MINUTE_MS } from '../../../shared/constants.ts';
import { incidentMessage, incidentValueFormat, seriesName } from '../../../shared/incident-text.ts';
import type { AlertRule, Incident, MetricQuery, Unit } from '../../../shared/panel-api.ts';
import { formatDateTime, formatValue } from '../lib/format.ts';

/** Units whose values cannot be negative: a band never reaches below zero for them. */
const NON_NEGATIVE: readonly Unit[] = ['bytes', 'percent', 'milliseconds', 'seconds', 'count'];

export function incidentText(incident: Incident, rule: AlertRule | undefined, unit: Unit): string {
  return incidentMessage(incident, { value: incidentValueFormat(incident, rule?.fn, unit), time: formatDateTime });
}

/** "rate of x{a="b"} summed by svc > 5 MiB for 5 min". */
export function ruleCondition(rule: AlertRule, unit: Unit): string {
  const labels = Object.fromEntries(
    Object.entries(rule.labels ?? {}).map(([name, matchers]) => [
      name,
      [matchers]
        .flat()
        .map((m) => (typeof m === 'string' ? m : `${m.op}${m.value}`))
        .join(' and '),
    ]),
  );
  const fn = rule.fn === undefined ? '' : rule.fn === 'quantile' ? `p${(rule.q ?? 0) * 100} of ` : `${rule.fn} of `;
  const by = rule.aggregate
    ? ` ${rule.aggregate.op}${rule.aggregate.by?.length ? ` by ${rule.aggregate.by.join(', ')}` : ''}`
    : '';
  const valueUnit = rule.fn === 'rate' || rule.fn === 'increase' ? 'count' : unit;
  const threshold = `${formatValue(rule.threshold, valueUnit)}${rule.fn === 'rate' ? '/s' : ''}`;
  const lasting = rule.forSeconds > 0 ? ` for ${rule.forSeconds / 60} min` : '';
  return `${fn}${seriesName(rule.metricName, labels)}${by} ${rule.op} ${threshold}${lasting}`;
}

/** The band mean ± z·σ of an anomaly incident, its low edge clamped to the unit's domain. */
export function anomalyBand(incident: Incident, unit: Unit): { low: number; high: number } | undefined {
  const a = incident.anomaly;
  if (!a) return undefined;
  const low = a.mean - a.z * a.stddev;
  const clamped = a.measure === 'rate' || NON_NEGATIVE.includes(unit) ? Math.max(0, low) : low;
  return { low: clamped, high: a.mean + a.z * a.stddev };
}

/** The window shown around an incident: its span with as much again on each side (at least 30 min, at most a day). */
export function windowAround(incident: Incident, now: number): { start: number; end: number } {
  const end = incident.end ?? now;
  const pad = Math.min(DAY_MS, Math.max(30 * MINUTE_MS, end - incident.start));
  return { start: incident.start - pad, end: Math.min(now, end + pad) };
}

/** The query of an incident's series over a window: the rule's (function, aggregation) or, for an anomaly, what it measured. */
export function incidentQuery(
  incident: Incident,
  rule: AlertRule | undefined,
  range: { start: number; end: number },
): MetricQuery {
  const base = {
    metricName: incident.metricName,
    ...range,
    aggregation: range.end - range.start > 2 * DAY_MS ? ('5m' as const) : ('1m' as const),
  };
  if (rule) {
    return {
      ...base,
      ...(rule.labels ? { labels: rule.labels } : {}),
      ...(rule.fn ? { fn: rule.fn } : {}),
      ...(rule.q !== undefined ? { q: rule.q } : {}),
      ...(rule.aggregate ? { aggregate: rule.aggregate } : {}),
    };
  }
  return { ...base, labels: incident.labels, ...(incident.anomaly?.measure === 'rate' ? { fn: 'rate' as const } : {}) };
}

/** How far back a rule's preview looks (as the engine's first evaluation of a new rule). */
export const PREVIEW_SPAN_MS = ALERT_LOOKBACK_DAYS * DAY_MS;
