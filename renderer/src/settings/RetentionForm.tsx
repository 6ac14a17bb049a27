/**
 * Retention days (MIN_RETENTION_DAYS to MAX_RETENTION_DAYS). A change is previewed first (how many samples, from when to when,
 * would be deleted) and applied only once the user confirms; the host persists it.
 */
import { useEffect, useState, type FormEvent } from 'react';
import { MAX_RETENTION_DAYS, MIN_RETENTION_DAYS } from '../../../shared/constants.ts';
import type { RetentionPreview, Settings } from '../../../shared/panel-api.ts';
import { useAction } from '../hooks/use-action.ts';
import { FormError } from '../components/Notice.tsx';
import { telemetry } from '../lib/api.ts';
import { formatCount, formatDateTime } from '../lib/format.ts';

interface Props {
  settings: Settings;
  onSaved: (settings: Settings) => void;
}

function parseDays(text: string): number | null {
  const days = Number(text);
  return Number.isInteger(days) && days >= MIN_RETENTION_DAYS && days <= MAX_RETENTION_DAYS ? days : null;
}

export function RetentionForm({ settings, onSaved }: Props) {
  const [text, setText] = useState(String(settings.retentionDays));
  const [preview, setPreview] = useState<RetentionPreview | null>(null);
  const action = useAction();
  const [saved, setSaved] = useState(false);

  useEffect(() => setText(String(settings.retentionDays)), [settings.retentionDays]);

  const days = parseDays(text);

  const review = (event: FormEvent) => {
    event.preventDefault();
    if (days === null) {
      action.fail(new Error(`Enter a whole number of days from ${MIN_RETENTION_DAYS} to ${MAX_RETENTION_DAYS}.`));
      return;
    }
    setSaved(false);
    action.run(async () => setPreview(await telemetry().previewRetention(days)));
  };
  const confirm = () => {
    if (preview === null) return;
    action.run(async () => {
      onSaved(await telemetry().setRetentionDays(preview.days));
      setPreview(null);
      setSaved(true);
    });
  };

  return (
    <form className="card retention" onSubmit={review} aria-labelledby="retention-title" noValidate>
      <h2 id="retention-title">Retention</h2>
      <p className="muted">Samples older than this are deleted, together with their rollups.</p>
      <div className="field-row">
        <label htmlFor="retention-days">Keep data for</label>
        <input
          id="retention-days"
          type="number"
          min={MIN_RETENTION_DAYS}
          max={MAX_RETENTION_DAYS}
          step={1}
          value={text}
          aria-invalid={days === null}
          onChange={(e) => {
            setText(e.target.value);
            setPreview(null);
            setSaved(false);
          }}
        />
        <span>days</span>
        <button type="submit" className="button" disabled={action.busy || days === settings.retentionDays}>
          Review change
        </button>
      </div>
      <FormError error={action.error} />
      {saved && (
        <p className="success" role="status">
          Retention set to {settings.retentionDays} days and applied.
        </p>
      )}
      {preview !== null && (
        <div className={preview.samples > 0 ? 'confirm-box danger' : 'confirm-box'} data-testid="retention-preview">
          {preview.samples > 0 ? (
            <p>
              Keeping {preview.days} days deletes <strong>{formatCount(preview.samples)} samples</strong> recorded from{' '}
              {formatDateTime(preview.from)} to {formatDateTime(preview.to)} (everything before{' '}
              {formatDateTime(preview.cutoff)}). This cannot be undone.
            </p>
          ) : (
            <p>
              Keeping {preview.days} days deletes nothing now: no sample is older than {formatDateTime(preview.cutoff)}.
            </p>
          )}
          <div className="actions">
            <button
              type="button"
              className={preview.samples > 0 ? 'button danger' : 'button primary'}
              onClick={confirm}
              disabled={action.busy}
            >
              {preview.samples > 0 ? `Delete and keep ${preview.days} days` : `Keep ${preview.days} days`}
            </button>
            <button type="button" className="button" onClick={() => setPreview(null)} disabled={action.busy}>
              Cancel
            </button>
          </div>
        </div>
      )}
    </form>
  );
}
