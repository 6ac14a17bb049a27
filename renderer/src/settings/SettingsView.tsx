/** The Settings tab: retention, the store's status, and the demo history switch. */
import { useCallback } from 'react';
import { telemetry } from '../lib/api.ts';
import { useAction } from '../hooks/use-action.ts';
import { useDemoLoad } from '../hooks/use-demo-load.ts';
import { DemoProgressBar } from '../first-run/DemoProgressBar.tsx';
import { useAsync } from '../hooks/use-async.ts';
import { ErrorBanner } from '../components/Notice.tsx';
import { RetentionForm } from './RetentionForm.tsx';
import { StatusPanel } from './StatusPanel.tsx';

export function SettingsView() {
  const settings = useAsync(useCallback(() => telemetry().getSettings(), []));
  const status = useAsync(useCallback(() => telemetry().getStatus(), []));
  const demo = useAction();
  const demoLoad = useDemoLoad();

  const toggleDemo = (load: boolean) =>
    load ? demoLoad.start(status.reload) : demo.run(() => telemetry().removeDemoHistory().then(status.reload));

  return (
    <div className="settings-view">
      <h1 className="visually-hidden">Settings</h1>
      {settings.error !== undefined && <ErrorBanner error={settings.error} onRetry={settings.reload} />}
      {settings.data !== undefined && (
        <RetentionForm
          settings={settings.data}
          onSaved={() => {
            settings.reload();
            status.reload();
          }}
        />
      )}
      <section className="card" aria-labelledby="status-title">
        <div className="card-head">
          <h2 id="status-title">Status</h2>
          <button type="button" className="button" onClick={status.reload} disabled={status.loading}>
            Refresh
          </button>
        </div>
        {status.error !== undefined && <ErrorBanner error={status.error} onRetry={status.reload} />}
        {status.data !== undefined && <StatusPanel status={status.data} dataDir={settings.data?.dataDir} />}
      </section>
      {status.data !== undefined && (
        <section className="card" aria-labelledby="demo-title">
          <h2 id="demo-title">Demo history</h2>
          <p className="muted">
            {status.data.hasDemoData
              ? 'The store holds demo history (labelled source="demo"). Remove it before relying on the numbers above.'
              : 'Load 30 days of generated history to explore the charts. It is labelled source="demo" and can be removed at any time.'}
          </p>
          <button
            type="button"
            className="button"
            onClick={() => toggleDemo(!status.data?.hasDemoData)}
            disabled={demo.busy || demoLoad.busy}
          >
            {status.data.hasDemoData ? 'Remove demo history' : 'Load demo history'}
          </button>
          {demoLoad.busy && <DemoProgressBar progress={demoLoad.progress} />}
          {demo.error !== undefined && <ErrorBanner error={demo.error} />}
          {demoLoad.error !== undefined && <ErrorBanner error={demoLoad.error} />}
        </section>
      )}
    </div>
  );
}
