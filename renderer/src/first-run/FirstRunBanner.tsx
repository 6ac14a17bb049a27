/**
 * The first run's offer: while the store holds less than an hour of data and no demo, a banner
 * offers 30 days of demo history, and shows the load's progress (the host's demo-progress events:
 * history written, then the fold into rollups) until it is done.
 */
import { useDemoLoad } from '../hooks/use-demo-load.ts';
import { ErrorBanner } from '../components/Notice.tsx';
import { DemoProgressBar } from './DemoProgressBar.tsx';

interface Props {
  /** Called once the demo history is stored. */
  onLoaded: () => void;
  onDismiss: () => void;
}

export function FirstRunBanner({ onLoaded, onDismiss }: Props) {
  const load = useDemoLoad();

  return (
    <section className="first-run-banner" aria-labelledby="first-run-title">
      <div className="first-run-text">
        <h2 id="first-run-title">Less than an hour of telemetry so far</h2>
        <p>
          The charts fill up as the app records. To explore them now, load 30 days of demo history: it is labelled
          source=&quot;demo&quot;, marked in the charts, and can be hidden or removed at any time.
        </p>
      </div>
      {load.busy ? (
        <DemoProgressBar progress={load.progress} />
      ) : (
        <div className="first-run-actions">
          <button type="button" className="button primary" onClick={() => load.start(onLoaded)}>
            Load demo history
          </button>
          <button type="button" className="button" onClick={onDismiss}>
            Not now
          </button>
        </div>
      )}
      {load.error !== undefined && <ErrorBanner error={load.error} />}
    </section>
  );
}
