/**
 * What an incident says, in words: one sentence with the direction, the value and threshold in the
 * metric's unit, the times in local time, and for an anomaly by how many σ and against which
 * baseline window. The panel shows it inline and the storage host puts it in notifications, each
 * with its own formatters (so both say the same thing).
 */
import type { AlertRule, Incident, Labels } from '../storage/src/types.ts';
import { formatValue } from './format-value.ts';
import type { Unit } from './panel-api.ts';

export interface IncidentFormat {
  /** A value of the incident's series in its unit (a rate with its "/s"). */
  value: (value: number) => string;
  /** An instant in local time. */
  time: (ms: number) => string;
}

/**
 * A formatter of the incident's values: a counter's rate (a rule's `rate`, an anomaly of a
 * counter) counts per second, its increase counts; anything else is in the metric's unit.
 */
export function incidentValueFormat(
  incident: Incident,
  ruleFn: AlertRule['fn'] | undefined,
  metricUnit: Unit,
): (value: number) => string {
  const perSecond = ruleFn === 'rate' || incident.anomaly?.measure === 'rate';
  const unit = perSecond || ruleFn === 'increase' ? 'count' : metricUnit;
  return (value) => `${formatValue(value, unit)}${perSecond ? '/s' : ''}`;
}

/** `name{a="x", b="y"}`, or the bare name without labels. */
export function seriesName(metricName: string, labels: Labels): string {
  const inner = Object.entries(labels)
    .map(([name, value]) => `${name}="${value}"`)
    .join(', ');
  return inner ? `${metricName}{${inner}}` : metricName;
}

/** How far the peak lies from the baseline mean, in σ (null for a constant baseline, σ = 0). */
function sigmasAtPeak(incident: Incident): number | null {
  const a = incident.anomaly;
  return a && a.stddev > 0 ? Math.abs(incident.peak - a.mean) / a.stddev : null;
}

function span(incident: Incident, fmt: IncidentFormat): string {
  const from = fmt.time(incident.start);
  return incident.end === null ? `since ${from} (ongoing)` : `from ${from} to ${fmt.time(incident.end)}`;
}

function anomalySentence(incident: Incident, fmt: IncidentFormat): string {
  const a = incident.anomaly!;
  const sigmas = sigmasAtPeak(incident);
  const distance = sigmas === null ? 'away from its constant value' : `${sigmas.toFixed(1)}σ ${incident.direction}`;
  return (
    `${distance} its baseline mean ${fmt.value(a.mean)} (σ ${fmt.value(a.stddev)}), ` +
    `outside mean ± ${a.z}σ, ${span(incident, fmt)}; peak ${fmt.value(incident.peak)}; ` +
    `baseline of ${fmt.time(a.windowStart)} to ${fmt.time(a.windowEnd)}`
  );
}

function ruleSentence(incident: Incident, fmt: IncidentFormat): string {
  const verb = incident.direction === 'above' ? 'above' : 'below';
  const pending = incident.state === 'pending' ? ' (pending: not yet for long enough to fire)' : '';
  return `${verb} ${fmt.value(incident.threshold)} ${span(incident, fmt)}; peak ${fmt.value(incident.peak)}${pending}`;
}

/** The incident's message: its series, then what happened. */
export function incidentMessage(incident: Incident, fmt: IncidentFormat): string {
  const what =
    incident.kind === 'anomaly' && incident.anomaly ? anomalySentence(incident, fmt) : ruleSentence(incident, fmt);
  return `${seriesName(incident.metricName, incident.labels)} ${what}`;
}

/** A short title: the severity and the rule's name, or "Anomaly in <metric>". */
export function incidentTitle(incident: Incident): string {
  const severity = incident.severity[0]!.toUpperCase() + incident.severity.slice(1);
  return `${severity}: ${incident.ruleName ?? `Anomaly in ${incident.metricName}`}`;
}
