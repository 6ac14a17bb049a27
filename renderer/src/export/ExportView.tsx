/**
 * The Export tab: one button writes an anonymised Parquet file; a progress bar runs while the host
 * works (the window stays responsive) with a button that cancels the export, then the file's name,
 * full path (with "Copy path"), rows and size with "Show in folder"; below, the past exports.
 */
import { useCallback, useEffect, useState } from 'react';
import type { ExportProgress } from '../../../shared/events.ts';
import type { ExportResult } from '../../../shared/panel-api.ts';
import { useAction } from '../hooks/use-action.ts';
import { telemetry } from '../lib/api.ts';
import { formatBytes, formatCount } from '../lib/format.ts';
import { useAsync } from '../hooks/use-async.ts';
import { ErrorBanner } from '../components/Notice.tsx';
import { CopyButton } from './CopyButton.tsx';
import { ExportOptions } from './ExportOptions.tsx';
import { PastExports } from './PastExports.tsx';
import { DEFAULT_CHOICES, fileName, toExportRequest, type ExportChoices } from './export-options.ts';

async function allLabelNames(): Promise<string[]> {
  const metrics = await telemetry().listMetrics();
  const perMetric = await Promise.all(metrics.map((m) => telemetry().listLabels(m.name)));
  return [...new Set(perMetric.flat().map((l) => l.name))].sort();
}

export function ExportView() {
  const labelNames = useAsync(useCallback(allLabelNames, []));
  const [choices, setChoices] = useState<ExportChoices>(DEFAULT_CHOICES);
  const exporting = useAction();
  const running = exporting.busy;
  const [progress, setProgress] = useState<ExportProgress | null>(null);
  const [result, setResult] = useState<ExportResult | null>(null);
  const [cancelling, setCancelling] = useState(false);
  /** Counts the exports written here, so the list of past exports reloads after each. */
  const [exportsWritten, setExportsWritten] = useState(0);

  useEffect(() => (running ? telemetry().on('export-progress', setProgress) : undefined), [running]);

  const start = () => {
    const request = toExportRequest(choices, Date.now());
    if (typeof request === 'string') {
      exporting.fail(new Error(request));
      return;
    }
    setProgress(null);
    setResult(null);
    setCancelling(false);
    exporting.run(async () => {
      setResult(await telemetry().exportParquet(request));
      setExportsWritten((n) => n + 1);
    });
  };
  const cancel = () => {
    setCancelling(true);
    telemetry().cancelExport().catch(exporting.fail);
  };
  const percent = progress !== null && progress.total > 0 ? Math.round((100 * progress.done) / progress.total) : null;

  return (
    <div className="export-view">
      <section className="card" aria-labelledby="export-title">
        <h1 id="export-title">Export</h1>
        <p className="muted">
          Writes the stored samples to a Parquet file in the exports folder. Label values are replaced by keyed hashes
          unless you keep them; the key is never written, so the file cannot be linked back to you.
        </p>
        <button type="button" className="button primary large" onClick={start} disabled={running}>
          {choices.anonymize ? 'Export anonymised Parquet' : 'Export Parquet (not anonymised)'}
        </button>
        <ExportOptions choices={choices} labelNames={labelNames.data ?? []} onChange={setChoices} />
        {running && (
          <div
            className="progress"
            role="progressbar"
            aria-label="Export progress"
            aria-valuemin={0}
            aria-valuemax={100}
            aria-valuenow={percent ?? undefined}
          >
            <div
              className={percent === null ? 'progress-fill indeterminate' : 'progress-fill'}
              style={percent === null ? undefined : { width: `${percent}%` }}
            />
            <span className="progress-text">
              {percent === null
                ? 'Preparing…'
                : `${formatCount(progress?.done ?? 0)} of ${formatCount(progress?.total ?? 0)} rows`}
            </span>
          </div>
        )}
        {running && (
          <button type="button" className="button" onClick={cancel} disabled={cancelling}>
            {cancelling ? 'Cancelling…' : 'Cancel export'}
          </button>
        )}
        {exporting.error !== undefined && <ErrorBanner error={exporting.error} />}
        {result !== null && (
          <div className="export-result" role="status" data-testid="export-result">
            <div className="export-result-info">
              <div className="file-name">{fileName(result.path)}</div>
              <code className="path" data-testid="export-path">
                {result.path}
              </code>
              <div className="muted">
                <span data-testid="export-rows">{formatCount(result.rows)}</span> rows · {formatBytes(result.bytes)}
              </div>
            </div>
            <div className="export-result-actions">
              <CopyButton text={result.path} label="Copy path" />
              <button
                type="button"
                className="button"
                onClick={() => void telemetry().revealExport(result.path).catch(exporting.fail)}
              >
                Show in folder
              </button>
            </div>
          </div>
        )}
      </section>
      <PastExports version={exportsWritten} />
    </div>
  );
}
