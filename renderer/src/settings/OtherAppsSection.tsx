/**
 * "Other apps": how the user's other software feeds the store, on this machine only: the OTLP/HTTP
 * receiver (push) and the Prometheus scrape targets (pull), each with what it did last.
 */
import { useCallback, useMemo } from 'react';
import type { IngestStatus, ScrapeTargetStatus } from '../../../shared/ingest.ts';
import { useAsync } from '../hooks/use-async.ts';
import { telemetry } from '../lib/api.ts';
import { ErrorBanner } from '../components/Notice.tsx';
import { OtlpReceiverForm } from './OtlpReceiverForm.tsx';
import { ScrapeTargets } from './ScrapeTargets.tsx';

interface Props {
  status: IngestStatus | undefined;
  /** Asks for a fresh status (after a change). */
  onChanged: () => void;
}

export function OtherAppsSection({ status, onChanged }: Props) {
  const settings = useAsync(useCallback(() => telemetry().getIngestSettings(), []));
  const targets = useAsync(useCallback(() => telemetry().listScrapeTargets(), []));
  const statuses = useMemo(
    () => new Map<number, ScrapeTargetStatus>((status?.targets ?? []).map((t) => [t.id, t])),
    [status],
  );

  return (
    <section className="card other-apps" aria-labelledby="other-apps-title">
      <h2 id="other-apps-title">Other apps</h2>
      <p className="muted">
        Metrics from your other programs on this machine. Nothing is accepted from, or sent to, another machine.
      </p>
      {settings.error !== undefined && <ErrorBanner error={settings.error} onRetry={settings.reload} />}
      {settings.data !== undefined && (
        <OtlpReceiverForm
          settings={settings.data}
          status={status?.otlp}
          onSaved={() => {
            settings.reload();
            onChanged();
          }}
        />
      )}
      {targets.error !== undefined && <ErrorBanner error={targets.error} onRetry={targets.reload} />}
      {targets.data !== undefined && (
        <ScrapeTargets
          targets={targets.data}
          statuses={statuses}
          onChanged={() => {
            targets.reload();
            onChanged();
          }}
        />
      )}
    </section>
  );
}
