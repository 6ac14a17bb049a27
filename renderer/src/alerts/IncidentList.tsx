/**
 * The incidents, newest first, filterable by severity, state and metric; each row with its
 * message inline (the metric's unit, local time), its state, an acknowledge button (remembered by
 * the store) and a button that opens it.
 */
import type { AlertRule, Incident, IncidentFilter, Severity, Unit } from '../../../shared/panel-api.ts';
import { formatDateTime } from '../lib/format.ts';
import { incidentText } from './incident-format.ts';

const SEVERITIES: readonly Severity[] = ['critical', 'warning', 'info'];
const STATES: readonly NonNullable<IncidentFilter['state']>[] = ['firing', 'pending', 'resolved'];

interface Props {
  incidents: Incident[];
  filter: IncidentFilter;
  onFilter: (filter: IncidentFilter) => void;
  metrics: string[];
  rules: Map<number, AlertRule>;
  units: Map<string, Unit>;
  onOpen: (incident: Incident) => void;
  onAcknowledge: (incident: Incident) => void;
}

function without<K extends keyof IncidentFilter>(
  filter: IncidentFilter,
  key: K,
  value: IncidentFilter[K] | '',
): IncidentFilter {
  const { [key]: _dropped, ...rest } = filter;
  return value === '' || value === undefined ? rest : { ...rest, [key]: value };
}

export function IncidentList({ incidents, filter, onFilter, metrics, rules, units, onOpen, onAcknowledge }: Props) {
  return (
    <section className="card" aria-labelledby="incidents-title">
      <div className="card-head">
        <h2 id="incidents-title">Incidents</h2>
        <div className="incident-filters">
          <label>
            Severity{' '}
            <select
              value={filter.severity ?? ''}
              onChange={(e) => onFilter(without(filter, 'severity', e.target.value as Severity))}
            >
              <option value="">all</option>
              {SEVERITIES.map((s) => (
                <option key={s}>{s}</option>
              ))}
            </select>
          </label>
          <label>
            State{' '}
            <select
              value={filter.state ?? ''}
              onChange={(e) => onFilter(without(filter, 'state', e.target.value as Incident['state']))}
            >
              <option value="">all</option>
              {STATES.map((s) => (
                <option key={s}>{s}</option>
              ))}
            </select>
          </label>
          <label>
            Metric{' '}
            <select
              value={filter.metricName ?? ''}
              onChange={(e) => onFilter(without(filter, 'metricName', e.target.value))}
            >
              <option value="">all</option>
              {metrics.map((m) => (
                <option key={m}>{m}</option>
              ))}
            </select>
          </label>
        </div>
      </div>
      {incidents.length === 0 ? (
        <p className="muted">No incidents{Object.keys(filter).length > 0 ? ' match these filters' : ' yet'}.</p>
      ) : (
        <ul className="incident-list">
          {incidents.map((incident) => (
            <li
              key={incident.id}
              className="incident-row"
              data-testid="incident-row"
              data-kind={incident.kind}
              data-state={incident.state}
              data-severity={incident.severity}
            >
              <div className="incident-head">
                <span className={`badge severity-${incident.severity}`}>{incident.severity}</span>
                <span className={`state state-${incident.state}`}>{incident.state}</span>
                <strong>{incident.ruleName ?? (incident.kind === 'anomaly' ? 'Anomaly' : 'Deleted rule')}</strong>
                <span className="muted nowrap">{formatDateTime(incident.start)}</span>
              </div>
              <p className="incident-message">
                {incidentText(
                  incident,
                  incident.ruleId === null ? undefined : rules.get(incident.ruleId),
                  units.get(incident.metricName) ?? 'none',
                )}
              </p>
              <div className="incident-actions">
                <button type="button" className="button small" onClick={() => onOpen(incident)}>
                  Open
                </button>
                {incident.acknowledged ? (
                  <span className="muted">Acknowledged</span>
                ) : (
                  <button type="button" className="button small" onClick={() => onAcknowledge(incident)}>
                    Acknowledge
                  </button>
                )}
              </div>
            </li>
          ))}
        </ul>
      )}
    </section>
  );
}
