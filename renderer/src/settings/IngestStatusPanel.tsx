/**
 * What the other apps sent, per source (the OTLP receiver, each scrape target) since the host
 * started: points accepted and rejected, and the last error with its time.
 */
import type { IngestCounts, IngestStatus } from '../../../shared/ingest.ts';
import { formatCount, formatDateTime } from '../lib/format.ts';

interface Source extends IngestCounts {
  key: string;
  name: string;
}

function sources(status: IngestStatus): Source[] {
  return [
    { key: 'otlp', name: 'OTLP receiver', ...status.otlp },
    ...status.targets.map((t) => ({ key: `target-${t.id}`, name: `${t.job} (${t.url})`, ...t })),
  ];
}

export function IngestStatusPanel({ status }: { status: IngestStatus }) {
  return (
    <table className="alerts-table ingest-status" data-testid="ingest-status">
      <caption>Points from other apps since the app started</caption>
      <thead>
        <tr>
          <th>Source</th>
          <th>Accepted</th>
          <th>Rejected</th>
          <th>Last error</th>
        </tr>
      </thead>
      <tbody>
        {sources(status).map((source) => (
          <tr key={source.key} data-source={source.key}>
            <td>{source.name}</td>
            <td data-testid="accepted">{formatCount(source.accepted)}</td>
            <td data-testid="rejected">{formatCount(source.rejected)}</td>
            <td>
              {source.lastError === null ? (
                <span className="muted">none</span>
              ) : (
                <>
                  <span className="inline-error">{source.lastError}</span>
                  {source.lastErrorAt !== null && (
                    <span className="muted"> ({formatDateTime(source.lastErrorAt)})</span>
                  )}
                </>
              )}
            </td>
          </tr>
        ))}
      </tbody>
    </table>
  );
}
