/**
 * One incident opened: its message, and the chart around it with only the alerting series (the
 * rule's function and aggregation applied, filtered to the incident's labels), the rule's
 * threshold or the anomaly's band (mean ± zσ, clamped to the unit's domain), and its span shaded.
 */
import { useCallback, useMemo } from 'react';
import type { AlertRule, Incident, Unit } from '../../../shared/panel-api.ts';
import { incidentTitle, incidentValueFormat } from '../../../shared/incident-text.ts';
import { ErrorBanner } from '../components/Notice.tsx';
import { useAsync } from '../hooks/use-async.ts';
import { telemetry } from '../lib/api.ts';
import { sameLabels } from '../lib/series.ts';
import { AlertChart } from './AlertChart.tsx';
import { anomalyBand, incidentQuery, incidentText, windowAround } from './incident-format.ts';

interface Props {
  incident: Incident;
  rule: AlertRule | undefined;
  unit: Unit;
  onClose: () => void;
}

export function IncidentDetail({ incident, rule, unit, onClose }: Props) {
  const range = useMemo(() => windowAround(incident, Date.now()), [incident]);
  const series = useAsync(
    useCallback(
      async () =>
        (await telemetry().query(incidentQuery(incident, rule, range))).filter((s) =>
          sameLabels(s.labels, incident.labels),
        ),
      [incident, rule, range],
    ),
  );
  const format = incidentValueFormat(incident, rule?.fn, unit);
  return (
    <section className="card incident-detail" aria-label="Incident" data-testid="incident-detail">
      <div className="card-head">
        <h2>{incidentTitle(incident)}</h2>
        <button type="button" className="button small" onClick={onClose}>
          Close
        </button>
      </div>
      <p className="incident-message">{incidentText(incident, rule, unit)}</p>
      {series.error !== undefined && <ErrorBanner error={series.error} onRetry={series.reload} />}
      <AlertChart
        series={series.data ?? []}
        start={range.start}
        end={range.end}
        format={format}
        threshold={incident.kind === 'rule' ? incident.threshold : undefined}
        band={anomalyBand(incident, unit)}
        spans={[{ start: incident.start, end: incident.end, severity: incident.severity }]}
        label={`Chart of ${incident.metricName} around the incident`}
      />
    </section>
  );
}
