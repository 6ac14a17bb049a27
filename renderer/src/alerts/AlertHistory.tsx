/**
 * The recorded alerts (one row per alert: time, metric, labels, severity, value vs threshold),
 * filterable by severity; opening one shows its metric around the alert's time.
 */
import { useCallback, useMemo, useState } from 'react';
import type { Alert, Severity, Unit } from '../../../shared/panel-api.ts';
import { telemetry } from '../lib/api.ts';
import { formatDateTime, formatValue } from '../lib/format.ts';
import { formatLabels } from '../lib/series.ts';
import { useAsync } from '../hooks/use-async.ts';
import { EmptyState, ErrorBanner } from '../components/Notice.tsx';

const SEVERITIES: readonly Severity[] = ['critical', 'warning', 'info'];
const LIMIT = 500;

export function AlertHistory({ onOpen }: { onOpen: (alert: Alert) => void }) {
  const [severity, setSeverity] = useState<Severity | null>(null);
  const alerts = useAsync(
    useCallback(
      () => telemetry().listAlerts(severity === null ? { limit: LIMIT } : { severity, limit: LIMIT }),
      [severity],
    ),
  );
  const metrics = useAsync(useCallback(() => telemetry().listMetrics(), []));
  const units = useMemo(() => new Map<string, Unit>((metrics.data ?? []).map((m) => [m.name, m.unit])), [metrics.data]);
  const list = alerts.data ?? [];

  return (
    <section className="card" aria-labelledby="history-title">
      <div className="card-head">
        <h2 id="history-title">Recorded alerts</h2>
        <div className="segmented" role="group" aria-label="Severity">
          <button type="button" aria-pressed={severity === null} onClick={() => setSeverity(null)}>
            All
          </button>
          {SEVERITIES.map((s) => (
            <button key={s} type="button" aria-pressed={severity === s} onClick={() => setSeverity(s)}>
              {s}
            </button>
          ))}
        </div>
      </div>
      {alerts.error !== undefined && <ErrorBanner error={alerts.error} onRetry={alerts.reload} />}
      {alerts.data !== undefined && list.length === 0 && (
        <EmptyState title={severity === null ? 'No alerts recorded' : `No ${severity} alerts`}>
          <p>Anomaly alerts appear here, one per minute a series spends outside its baseline band.</p>
        </EmptyState>
      )}
      {list.length > 0 && (
        <table className="alerts-table">
          <thead>
            <tr>
              <th scope="col">Time</th>
              <th scope="col">Metric</th>
              <th scope="col">Labels</th>
              <th scope="col">Severity</th>
              <th scope="col">Value and threshold</th>
              <th scope="col">
                <span className="visually-hidden">Open</span>
              </th>
            </tr>
          </thead>
          <tbody>
            {list.map((alert) => {
              const unit = units.get(alert.metricName) ?? 'none';
              return (
                <tr key={alert.id} data-testid="alert-row" data-severity={alert.severity}>
                  <td className="nowrap">{formatDateTime(alert.timestamp)}</td>
                  <td className="mono">{alert.metricName}</td>
                  <td className="labels-cell">{formatLabels(alert.labels) || '–'}</td>
                  <td>
                    <span className={`badge severity-${alert.severity}`}>{alert.severity}</span>
                  </td>
                  <td className="nowrap">
                    {formatValue(alert.value, unit)}{' '}
                    <span className="muted">
                      {alert.value >= alert.threshold ? 'above' : 'below'} {formatValue(alert.threshold, unit)}
                    </span>
                  </td>
                  <td>
                    <button
                      type="button"
                      className="button small"
                      onClick={() => onOpen(alert)}
                      aria-label={`Open ${alert.metricName} at ${formatDateTime(alert.timestamp)}`}
                    >
                      Open chart
                    </button>
                  </td>
                </tr>
              );
            })}
          </tbody>
        </table>
      )}
    </section>
  );
}
