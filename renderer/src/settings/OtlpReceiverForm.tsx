/**
 * The OTLP/HTTP receiver's settings: the switch (saved at once), the port and the optional bearer
 * token (saved with "Save"), where it listens now (from the ingest status) and the environment an
 * OpenTelemetry SDK needs to send there. Errors of the host's validation are shown under the form.
 */
import { useEffect, useState, type FormEvent } from 'react';
import type { IngestSettings, OtlpStatus } from '../../../shared/ingest.ts';
import { useAction } from '../hooks/use-action.ts';
import { FormError } from '../components/Notice.tsx';
import { telemetry } from '../lib/api.ts';

interface Props {
  settings: IngestSettings;
  status: OtlpStatus | undefined;
  onSaved: (settings: IngestSettings) => void;
}

function parsePort(text: string): number | null {
  const port = Number(text);
  return text.trim() !== '' && Number.isInteger(port) && port >= 0 && port <= 65_535 ? port : null;
}

export function OtlpReceiverForm({ settings, status, onSaved }: Props) {
  const [portText, setPortText] = useState(String(settings.otlp.port));
  const [token, setToken] = useState(settings.otlp.token ?? '');
  const action = useAction();

  useEffect(() => setPortText(String(settings.otlp.port)), [settings.otlp.port]);
  useEffect(() => setToken(settings.otlp.token ?? ''), [settings.otlp.token]);

  const port = parsePort(portText);
  const save = (enabled: boolean) => {
    if (port === null) {
      action.fail(new Error('Enter a port from 0 to 65535 (0 picks a free one).'));
      return;
    }
    const otlp = { enabled, port, ...(token === '' ? {} : { token }) };
    action.run(async () => onSaved(await telemetry().setIngestSettings({ ...settings, otlp })));
  };
  const submit = (event: FormEvent) => {
    event.preventDefault();
    save(settings.otlp.enabled);
  };

  return (
    <form className="otlp-form" onSubmit={submit} aria-labelledby="otlp-title" noValidate>
      <h3 id="otlp-title">OpenTelemetry (OTLP/HTTP) receiver</h3>
      <label className="switch">
        <input
          type="checkbox"
          role="switch"
          checked={settings.otlp.enabled}
          onChange={(e) => save(e.target.checked)}
          disabled={action.busy}
        />
        Receive OTLP metrics
      </label>
      <p className="muted" data-testid="otlp-address">
        {settings.otlp.enabled && status?.address ? (
          <>
            Listening on <span className="mono">{status.address}</span>
          </>
        ) : settings.otlp.enabled ? (
          'Starting…'
        ) : (
          'Off: nothing listens.'
        )}
      </p>
      {settings.otlp.enabled && status?.address && (
        <p className="muted" data-testid="otlp-env">
          In the program&apos;s environment:{' '}
          <span className="mono">
            OTEL_EXPORTER_OTLP_METRICS_ENDPOINT={status.address}
            {settings.otlp.token !== undefined &&
              ` OTEL_EXPORTER_OTLP_HEADERS="Authorization=Bearer ${settings.otlp.token}"`}
          </span>
        </p>
      )}
      <div className="field-row">
        <label htmlFor="otlp-port">Port</label>
        <input
          id="otlp-port"
          type="number"
          min={0}
          max={65_535}
          step={1}
          value={portText}
          aria-invalid={port === null}
          onChange={(e) => setPortText(e.target.value)}
        />
        <label htmlFor="otlp-token">Token</label>
        <input
          id="otlp-token"
          type="text"
          autoComplete="off"
          placeholder="none"
          value={token}
          onChange={(e) => setToken(e.target.value)}
        />
        <button type="submit" className="button" disabled={action.busy}>
          Save
        </button>
      </div>
      <FormError error={action.error} />
    </form>
  );
}
