/**
 * The first run's offer: while the store holds less than an hour of data and no demo, a banner
 * offers 30 days of demo history, and shows the load's progress (the host's demo-progress events:
 * history written, then the fold into rollups) until it is done.
 */
import { useState } from 'react';
import type { DemoProgress } from '../../../shared/events.ts';
import { telemetry } from '../lib/api.ts';
import { useAction } from '../hooks/use-action.ts';
import { ErrorBanner } from '../components/Notice.tsx';

interface Props {
  /** Called once the demo history is stored. */
  onLoaded: () => void;
  onDismiss: () => void;
}

function progressText(progress: DemoProgress | null): string {
  if (progress === null) return 'Starting…';
  if (progress.phase === 'rollups') return 'Folding it into rollups…';
  return `Writing demo history… ${Math.floor((100 * progress.done) / progress.total)} %`;
}

export function FirstRunBanner({ onLoaded, onDismiss }: Props) {
  const load = useAction();
  const [progress, setProgress] = useState<DemoProgress | null>(null);

  const start = () =>
    load.run(async () => {
      setProgress(null);
      const unsubscribe = telemetry().on('demo-progress', setProgress);
      try {
        await telemetry().loadDemoHistory();
      } finally {
        unsubscribe();
      }
      onLoaded();
    });

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
        <div className="first-run-progress" role="status">
          <progress
            aria-label="Loading demo history"
            max={progress?.total ?? 1}
            value={progress === null ? undefined : progress.done}
          />
          <span>{progressText(progress)}</span>
        </div>
      ) : (
        <div className="first-run-actions">
          <button type="button" className="button primary" onClick={start}>
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
