/**
 * The Prometheus scrape targets: the list, each with its last scrape (up or down, when, how long,
 * the error), a Remove button, and a form to add one (a loopback URL, an interval, an optional
 * job). The host validates a new target; its refusal is shown under the form.
 */
import { useState, type FormEvent } from 'react';
import { DEFAULT_SCRAPE_INTERVAL_SECONDS, type ScrapeTarget, type ScrapeTargetStatus } from '../../../shared/ingest.ts';
import { useAction } from '../hooks/use-action.ts';
import { FormError } from '../components/Notice.tsx';
import { errorMessage, telemetry } from '../lib/api.ts';
import { formatDateTime } from '../lib/format.ts';

interface Props {
  targets: ScrapeTarget[];
  /** The last scrape of each target, by id (absent before the status arrives). */
  statuses: ReadonlyMap<number, ScrapeTargetStatus>;
  onChanged: () => void;
}

function LastScrape({ status }: { status: ScrapeTargetStatus | undefined }) {
  if (status?.lastScrape === null || status?.lastScrape === undefined) return <span className="muted">not yet</span>;
  return (
    <>
      <span className={status.up === 1 ? 'badge up' : 'badge down'}>{status.up === 1 ? 'up' : 'down'}</span>{' '}
      <time dateTime={new Date(status.lastScrape).toISOString()}>{formatDateTime(status.lastScrape)}</time>
      {status.lastDurationSeconds !== null && (
        <span className="muted"> in {(status.lastDurationSeconds * 1000).toFixed(0)} ms</span>
      )}
    </>
  );
}

/** The error of the last scrape (a failure, or what it could not store), not an older one. */
function lastScrapeError(status: ScrapeTargetStatus): string | null {
  const ofLastScrape =
    status.lastErrorAt !== null && status.lastScrape !== null && status.lastErrorAt >= status.lastScrape;
  return ofLastScrape ? status.lastError : null;
}

function TargetRow({
  target,
  status,
  onChanged,
}: {
  target: ScrapeTarget;
  status: ScrapeTargetStatus | undefined;
  onChanged: () => void;
}) {
  const remove = useAction();
  return (
    <tr data-testid="scrape-target" data-url={target.url} data-up={status?.up ?? ''}>
      <td className="mono">{target.url}</td>
      <td>{target.job}</td>
      <td>{target.intervalSeconds} s</td>
      <td>
        <LastScrape status={status} />
        {status !== undefined && lastScrapeError(status) !== null && (
          <div className="inline-error" data-testid="scrape-error">
            {lastScrapeError(status)}
          </div>
        )}
        {remove.error !== undefined && <div className="inline-error">{errorMessage(remove.error)}</div>}
      </td>
      <td>
        <button
          type="button"
          className="button small"
          aria-label={`Remove ${target.url}`}
          disabled={remove.busy}
          onClick={() =>
            remove.run(async () => {
              await telemetry().deleteScrapeTarget(target.id);
              onChanged();
            })
          }
        >
          Remove
        </button>
      </td>
    </tr>
  );
}

function AddTargetForm({ onAdded }: { onAdded: () => void }) {
  const [url, setUrl] = useState('');
  const [intervalText, setIntervalText] = useState(String(DEFAULT_SCRAPE_INTERVAL_SECONDS));
  const [job, setJob] = useState('');
  const action = useAction();

  const submit = (event: FormEvent) => {
    event.preventDefault();
    const intervalSeconds = Number(intervalText);
    action.run(async () => {
      await telemetry().saveScrapeTarget({
        url: url.trim(),
        intervalSeconds,
        ...(job.trim() === '' ? {} : { job: job.trim() }),
      });
      setUrl('');
      setJob('');
      onAdded();
    });
  };

  return (
    <form className="field-row add-target" onSubmit={submit} aria-label="Add a scrape target" noValidate>
      <label htmlFor="target-url">URL</label>
      <input
        id="target-url"
        type="url"
        placeholder="http://127.0.0.1:8000/metrics"
        value={url}
        onChange={(e) => setUrl(e.target.value)}
      />
      <label htmlFor="target-interval">Every</label>
      <input
        id="target-interval"
        type="number"
        min={1}
        step={1}
        value={intervalText}
        onChange={(e) => setIntervalText(e.target.value)}
      />
      <span>s</span>
      <label htmlFor="target-job">Job</label>
      <input id="target-job" type="text" placeholder="host:port" value={job} onChange={(e) => setJob(e.target.value)} />
      <button type="submit" className="button" disabled={action.busy || url.trim() === ''}>
        Add target
      </button>
      <FormError error={action.error} wide />
    </form>
  );
}

export function ScrapeTargets({ targets, statuses, onChanged }: Props) {
  return (
    <div className="scrape-targets" aria-labelledby="scrape-title">
      <h3 id="scrape-title">Prometheus scrape targets</h3>
      <p className="muted">
        Endpoints on this machine that serve metrics in the Prometheus or OpenMetrics text format, such as a Python
        program that called <span className="mono">prometheus_client.start_http_server(8000)</span>.
      </p>
      {targets.length > 0 && (
        <table className="alerts-table" aria-label="Scrape targets">
          <thead>
            <tr>
              <th>URL</th>
              <th>Job</th>
              <th>Interval</th>
              <th>Last scrape</th>
              <th>
                <span className="visually-hidden">Actions</span>
              </th>
            </tr>
          </thead>
          <tbody>
            {targets.map((target) => (
              <TargetRow key={target.id} target={target} status={statuses.get(target.id)} onChanged={onChanged} />
            ))}
          </tbody>
        </table>
      )}
      <AddTargetForm onAdded={onChanged} />
    </div>
  );
}
