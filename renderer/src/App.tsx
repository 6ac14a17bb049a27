/**
 * The panel's shell: a skip link, a top bar with the four tabs (Metrics, Alerts, Export, Settings),
 * the demo switch and the preview's "Copy link", the selected section as the main landmark (with
 * the first-run banner above the Metrics view), and the Metrics view's state, kept in the address
 * (hooks/use-view-state.ts) and here, so an alert can open its metric at its time.
 */
import { useCallback, useEffect, useRef, useState } from 'react';
import type { Alert } from '../../shared/panel-api.ts';
import { telemetry } from './lib/api.ts';
import { isFirstRun, rangeFittingData } from './lib/first-run.ts';
import { ALERT_WINDOW_MS, rangeAround } from './lib/time-range.ts';
import { useAsync } from './hooks/use-async.ts';
import { useStoredFlag } from './hooks/use-stored-state.ts';
import { useViewState } from './hooks/use-view-state.ts';
import { AlertsView } from './alerts/AlertsView.tsx';
import { useIncidentNotifications } from './alerts/use-incident-notifications.ts';
import { ExportView } from './export/ExportView.tsx';
import { FirstRunBanner } from './first-run/FirstRunBanner.tsx';
import { CopyLinkButton } from './metrics/CopyLinkButton.tsx';
import { MetricsView } from './metrics/MetricsView.tsx';
import { SettingsView } from './settings/SettingsView.tsx';
import { MAIN_CONTENT_ID, SectionPanel, SectionTabs, SkipLink } from './shell/SectionTabs.tsx';

type Tab = 'metrics' | 'alerts' | 'export' | 'settings';

const TABS: readonly { id: Tab; label: string }[] = [
  { id: 'metrics', label: 'Metrics' },
  { id: 'alerts', label: 'Alerts' },
  { id: 'export', label: 'Export' },
  { id: 'settings', label: 'Settings' },
];

/** The preview runs in a browser, where the address can be shared; the Electron window's cannot. */
const IN_BROWSER = location.protocol === 'http:' || location.protocol === 'https:';

export function App() {
  const [tab, setTab] = useState<Tab>('metrics');
  const { view, setView, replaceView, restored } = useViewState();
  const [hideDemo, setHideDemo] = useStoredFlag('telemetry.hideDemo', false);
  const [dismissed, setDismissed] = useState(false);
  /** Bumped when the demo is loaded, so the Metrics view lists its metrics afresh. */
  const [dataVersion, setDataVersion] = useState(0);
  const status = useAsync(useCallback(() => telemetry().getStatus(), []));
  const firstRun = status.data !== undefined && isFirstRun(status.data);
  const fitted = useRef(restored);

  useEffect(() => {
    if (status.data === undefined || fitted.current) return;
    fitted.current = true;
    if (isFirstRun(status.data)) replaceView((v) => ({ ...v, range: rangeFittingData(status.data!, Date.now()) }));
  }, [status.data, replaceView]);

  const openTab = (next: Tab) => {
    // The demo may have been loaded or removed in Settings: the switch and banner follow the store.
    if (next === 'metrics') status.reload();
    setTab(next);
  };
  const [incidentId, setIncidentId] = useState<number | null>(null);
  useIncidentNotifications(
    useCallback((id: number) => {
      setIncidentId(id);
      setTab('alerts');
    }, []),
  );

  const openAlert = (alert: Alert) => {
    setView((v) => ({
      ...v,
      metric: alert.metricName,
      range: rangeAround(alert.timestamp, ALERT_WINDOW_MS, Date.now()),
      filters: [],
    }));
    openTab('metrics');
  };

  const onDemoLoaded = () => {
    status.reload();
    setDataVersion((n) => n + 1);
  };

  return (
    <div className="app">
      <SkipLink />
      <header className="topbar">
        <div className="brand">
          <span className="brand-mark" aria-hidden="true" />
          Telemetry
        </div>
        <SectionTabs tabs={TABS} selected={tab} onSelect={openTab} />
        <div className="topbar-tools">
          {status.data?.hasDemoData === true && (
            <label className="check demo-switch" title='Series labelled source="demo": generated history'>
              <input
                type="checkbox"
                role="switch"
                checked={!hideDemo}
                onChange={(e) => setHideDemo(!e.target.checked)}
              />
              Show demo data
            </label>
          )}
          {IN_BROWSER && tab === 'metrics' && <CopyLinkButton />}
        </div>
      </header>
      {/* Landmarks and tabs (shell/SectionTabs.tsx): the selected section is the page's main content. */}
      <main id={MAIN_CONTENT_ID} className="content" tabIndex={-1}>
        <SectionPanel id={tab}>
          {tab === 'metrics' && firstRun && !dismissed && (
            <FirstRunBanner onLoaded={onDemoLoaded} onDismiss={() => setDismissed(true)} />
          )}
          {tab === 'metrics' && (
            <MetricsView key={dataVersion} selection={view} onSelection={setView} hideDemo={hideDemo} />
          )}
          {tab === 'alerts' && <AlertsView onOpen={openAlert} incidentId={incidentId} onIncident={setIncidentId} />}
          {tab === 'export' && <ExportView />}
          {tab === 'settings' && <SettingsView />}
        </SectionPanel>
      </main>
    </div>
  );
}
