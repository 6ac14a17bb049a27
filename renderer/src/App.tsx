/**
 * The panel's shell: a skip link, a top bar with the four tabs (Metrics, Alerts, Export, Settings),
 * the selected section as the main landmark, and the selected metric's state, kept here so an
 * alert can open its metric at its time.
 */
import { useCallback, useState } from 'react';
import type { Alert } from '../../shared/panel-api.ts';
import { ALERT_WINDOW_MS, DEFAULT_RANGE, rangeAround } from './lib/time-range.ts';
import { AlertsView } from './alerts/AlertsView.tsx';
import { useIncidentNotifications } from './alerts/use-incident-notifications.ts';
import { ExportView } from './export/ExportView.tsx';
import { MetricsView, type MetricSelection } from './metrics/MetricsView.tsx';
import { SettingsView } from './settings/SettingsView.tsx';
import { MAIN_CONTENT_ID, SectionPanel, SectionTabs, SkipLink } from './shell/SectionTabs.tsx';

type Tab = 'metrics' | 'alerts' | 'export' | 'settings';

const TABS: readonly { id: Tab; label: string }[] = [
  { id: 'metrics', label: 'Metrics' },
  { id: 'alerts', label: 'Alerts' },
  { id: 'export', label: 'Export' },
  { id: 'settings', label: 'Settings' },
];

export function App() {
  const [tab, setTab] = useState<Tab>('metrics');
  const [selection, setSelection] = useState<MetricSelection>({ metric: null, range: DEFAULT_RANGE, filters: [] });
  const [incidentId, setIncidentId] = useState<number | null>(null);
  useIncidentNotifications(
    useCallback((id: number) => {
      setIncidentId(id);
      setTab('alerts');
    }, []),
  );

  const openAlert = (alert: Alert) => {
    setSelection({
      metric: alert.metricName,
      range: rangeAround(alert.timestamp, ALERT_WINDOW_MS, Date.now()),
      filters: [],
    });
    setTab('metrics');
  };

  return (
    <div className="app">
      <SkipLink />
      <header className="topbar">
        <div className="brand">
          <span className="brand-mark" aria-hidden="true" />
          Telemetry
        </div>
        <SectionTabs tabs={TABS} selected={tab} onSelect={setTab} />
      </header>
      {/* Landmarks and tabs (shell/SectionTabs.tsx): the selected section is the page's main content. */}
      <main id={MAIN_CONTENT_ID} className="content" tabIndex={-1}>
        <SectionPanel id={tab}>
          {tab === 'metrics' && <MetricsView selection={selection} onSelection={setSelection} />}
          {tab === 'alerts' && <AlertsView onOpen={openAlert} incidentId={incidentId} onIncident={setIncidentId} />}
          {tab === 'export' && <ExportView />}
          {tab === 'settings' && <SettingsView />}
        </SectionPanel>
      </main>
    </div>
  );
}
