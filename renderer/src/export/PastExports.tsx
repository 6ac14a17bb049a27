/**
 * The files in the exports folder, newest first: name, size, when, the options each was written
 * with, and "Show in folder" and "Delete" (asked twice, in the row) for each. Reloads when `version`
 * changes (a new export was written). Focus follows the question: to "Keep" when it is asked, back
 * to "Delete" when kept, to the list's heading once the row is gone, never to the page itself.
 */
import { useCallback, useEffect, useRef, useState } from 'react';
import type { ExportFile, ExportFileOptions } from '../../../shared/panel-api.ts';
import { telemetry } from '../lib/api.ts';
import { formatBytes, formatCount, formatDateTime } from '../lib/format.ts';
import { useAction } from '../hooks/use-action.ts';
import { useAsync } from '../hooks/use-async.ts';
import { ErrorBanner } from '../components/Notice.tsx';

/** "raw · anonymised (keeps host) · 1,234 rows · from … to …". */
export function describeOptions(options: ExportFileOptions | null): string {
  if (options === null) return 'options not recorded';
  const parts = [
    options.source === 'raw' ? 'raw samples' : `${options.source} rollups`,
    options.anonymize
      ? `anonymised${options.keepLabels?.length ? ` (keeps ${options.keepLabels.join(', ')})` : ''}`
      : 'not anonymised',
    `${formatCount(options.rows)} rows`,
  ];
  if (options.start !== undefined && options.end !== undefined) {
    parts.push(`${formatDateTime(options.start)} – ${formatDateTime(options.end)}`);
  } else parts.push('everything stored');
  return parts.join(' · ');
}

function ExportRow({
  file,
  onDeleted,
  onError,
}: {
  file: ExportFile;
  onDeleted: () => void;
  onError: (e: unknown) => void;
}) {
  const [confirming, setConfirming] = useState(false);
  const keepButton = useRef<HTMLButtonElement>(null);
  const deleteButton = useRef<HTMLButtonElement>(null);
  /** Whether the question was asked here, so focus moves only after a user's answer, not on mount. */
  const asked = useRef(false);
  useEffect(() => {
    if (confirming) keepButton.current?.focus();
    else if (asked.current) deleteButton.current?.focus();
  }, [confirming]);
  const ask = () => {
    asked.current = true;
    setConfirming(true);
  };
  const remove = () => telemetry().deleteExport(file.path).then(onDeleted, onError);
  return (
    <li className="past-export" data-testid="past-export" data-path={file.path}>
      <div className="past-export-info">
        <div className="file-name">{file.name}</div>
        <div className="muted">
          {formatBytes(file.bytes)} ·{' '}
          <time dateTime={new Date(file.modified).toISOString()}>{formatDateTime(file.modified)}</time>
        </div>
        <div className="muted" data-testid="past-export-options">
          {describeOptions(file.options)}
        </div>
      </div>
      <div className="past-export-actions">
        <button
          type="button"
          className="button"
          onClick={() => void telemetry().revealExport(file.path).catch(onError)}
        >
          Show in folder
        </button>
        {confirming ? (
          <>
            <button
              type="button"
              className="button danger"
              onClick={() => void remove()}
              aria-label={`Delete ${file.name} for good`}
            >
              Delete for good
            </button>
            <button type="button" className="button" ref={keepButton} onClick={() => setConfirming(false)}>
              Keep
            </button>
          </>
        ) : (
          <button type="button" className="button" ref={deleteButton} onClick={ask} aria-label={`Delete ${file.name}`}>
            Delete
          </button>
        )}
      </div>
    </li>
  );
}

export function PastExports({ version }: { version: number }) {
  const files = useAsync(useCallback(() => telemetry().listExports(), []));
  const action = useAction();
  const heading = useRef<HTMLHeadingElement>(null);
  const { reload } = files;
  /** The deleted row takes the focus with it: the heading holds it instead. */
  const deleted = () => {
    heading.current?.focus();
    reload();
  };
  useEffect(() => {
    if (version > 0) reload();
  }, [version, reload]);

  return (
    <section className="card" aria-labelledby="past-exports-title">
      <h2 id="past-exports-title" ref={heading} tabIndex={-1}>
        Past exports
      </h2>
      {files.error !== undefined && <ErrorBanner error={files.error} onRetry={files.reload} />}
      {action.error !== undefined && <ErrorBanner error={action.error} />}
      {files.data?.length === 0 && <p className="muted">No export in the exports folder yet.</p>}
      {files.data !== undefined && files.data.length > 0 && (
        <ul className="past-exports">
          {files.data.map((file) => (
            <ExportRow key={file.path} file={file} onDeleted={deleted} onError={action.fail} />
          ))}
        </ul>
      )}
    </section>
  );
}
