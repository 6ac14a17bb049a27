/**
 * The Alerts tab: incidents (newest first, filterable, each with its message inline; opened, one
 * shows the chart around it), the alert rules with their editor and preview, the notification
 * settings, when anomaly detection's baselines will be ready, and the history of recorded alerts.
 */
import { useCallback, useEffect, useMemo, useState } from 'react';
import type { Alert, AlertRule, IncidentFilter, Unit } from '../../../shared/panel-api.ts';
import { MINUTE_MS } from '../../../shared/constants.ts';
import { ErrorBanner } from '../components/Notice.tsx';
import { useAction } from '../hooks/use-action.ts';
import { useAsync } from '../hooks/use-async.ts';
import { telemetry } from '../lib/api.ts';
import { AlertHistory } from './AlertHistory.tsx';
import { IncidentDetail } from './IncidentDetail.tsx';
import { IncidentList } from './IncidentList.tsx';
import { NotificationSettingsForm } from './NotificationSettingsForm.tsx';
import { RuleEditor } from './RuleEditor.tsx';
import { RuleList } from './RuleList.tsx';

const time = new Intl.DateTimeFormat(undefined, { hour: '2-digit', minute: '2-digit' });

interface Props {
  /** Opens a recorded alert's metric at its time (Metrics tab). */
  onOpen: (alert: Alert) => void;
  /** The incident shown opened (from a notification, or a click here), or null. */
  incidentId: number | null;
  onIncident: (incidentId: number | null) => void;
}

export function AlertsView({ onOpen, incidentId, onIncident }: Props) {
  const [filter, setFilter] = useState<IncidentFilter>({});
  const [editing, setEditing] = useState<AlertRule | 'new' | null>(null);
  const api = telemetry();
  const incidents = useAsync(useCallback(() => api.listIncidents(filter), [api, filter]));
  const all = useAsync(useCallback(() => api.listIncidents(), [api]));
  const rules = useAsync(useCallback(() => api.listAlertRules(), [api]));
  const metrics = useAsync(useCallback(() => api.listMetrics(), [api]));
  const status = useAsync(useCallback(() => api.getAlertingStatus(), [api]));
  const action = useAction();
  const { reload: reloadIncidents } = incidents;
  const { reload: reloadAll } = all;
  const { reload: reloadRules } = rules;
  const refresh = useCallback(() => {
    reloadIncidents();
    reloadAll();
    reloadRules();
  }, [reloadIncidents, reloadAll, reloadRules]);
  useEffect(() => {
    const timer = setInterval(refresh, MINUTE_MS);
    return () => clearInterval(timer);
  }, [refresh]);

  const units = useMemo(() => new Map<string, Unit>((metrics.data ?? []).map((m) => [m.name, m.unit])), [metrics.data]);
  const rulesById = useMemo(() => new Map((rules.data ?? []).map((r) => [r.id!, r])), [rules.data]);
  const opened = incidentId === null ? undefined : all.data?.find((i) => i.id === incidentId);
  const incidentMetrics = useMemo(() => [...new Set((all.data ?? []).map((i) => i.metricName))].sort(), [all.data]);

  const change = (work: () => Promise<unknown>) =>
    action.run(async () => {
      await work();
      refresh();
    });

  return (
    <div className="alerts-view">
      <h1 className="page-title">Alerts</h1>
      {status.data?.baselines === 0 && (
        <p className="notice" data-testid="baselines-pending">
          Anomaly detection needs baselines:{' '}
          {status.data.nextBaselinesAt === null
            ? 'they are computed once enough data is stored.'
            : `ready at ${time.format(status.data.nextBaselinesAt)} (computed every 15 minutes once a series has 30 samples).`}
        </p>
      )}
      {action.error !== undefined && <ErrorBanner error={action.error} />}
      {opened && (
        <IncidentDetail
          incident={opened}
          rule={opened.ruleId === null ? undefined : rulesById.get(opened.ruleId)}
          unit={units.get(opened.metricName) ?? 'none'}
          onClose={() => onIncident(null)}
        />
      )}
      {incidents.error !== undefined && <ErrorBanner error={incidents.error} onRetry={incidents.reload} />}
      {incidents.data && (
        <IncidentList
          incidents={incidents.data}
          filter={filter}
          onFilter={setFilter}
          metrics={incidentMetrics}
          rules={rulesById}
          units={units}
          onOpen={(incident) => {
            onIncident(incident.id);
            window.scrollTo({ top: 0 });
          }}
          onAcknowledge={(incident) => change(() => api.acknowledgeIncident(incident.id))}
        />
      )}
      <section className="card" aria-labelledby="rules-title">
        <div className="card-head">
          <h2 id="rules-title">Rules</h2>
          <button type="button" className="button small" onClick={() => setEditing('new')}>
            New rule
          </button>
        </div>
        {editing !== null && (
          <RuleEditor
            key={editing === 'new' ? 'new' : editing.id}
            rule={editing === 'new' ? null : editing}
            metrics={metrics.data ?? []}
            onSaved={() => {
              setEditing(null);
              refresh();
            }}
            onCancel={() => setEditing(null)}
          />
        )}
        {rules.data && (
          <RuleList
            rules={rules.data}
            units={units}
            busy={action.busy}
            onEdit={setEditing}
            onToggle={(rule) => change(() => api.saveAlertRule({ ...rule, enabled: rule.enabled === false }))}
            onDelete={(rule) => change(() => api.deleteAlertRule(rule.id!))}
          />
        )}
      </section>
      <NotificationSettingsForm />
      <AlertHistory onOpen={onOpen} />
    </div>
  );
}
