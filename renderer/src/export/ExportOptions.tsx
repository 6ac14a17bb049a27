/** The export's options behind a disclosure: time range, raw or a rollup, anonymise, labels to keep. */
import type { Resolution } from '../../../shared/panel-api.ts';
import { RESOLUTION_CHOICES } from '../lib/resolution.ts';
import { SPAN_LABELS, type ExportChoices, type ExportSpan } from './export-options.ts';

interface Props {
  choices: ExportChoices;
  labelNames: string[];
  onChange: (choices: ExportChoices) => void;
}

const SOURCES = RESOLUTION_CHOICES.filter((c): c is Resolution => c !== 'auto');

export function ExportOptions({ choices, labelNames, onChange }: Props) {
  const set = (patch: Partial<ExportChoices>) => onChange({ ...choices, ...patch });
  const toggleKeep = (name: string, keep: boolean) =>
    set({ keepLabels: keep ? [...choices.keepLabels, name] : choices.keepLabels.filter((n) => n !== name) });

  return (
    <details className="export-options">
      <summary>Options</summary>
      <div className="options-grid">
        <label>
          Time range
          <select value={choices.span} onChange={(e) => set({ span: e.target.value as ExportSpan })}>
            {Object.entries(SPAN_LABELS).map(([value, label]) => (
              <option key={value} value={value}>
                {label}
              </option>
            ))}
          </select>
        </label>
        {choices.span === 'custom' && (
          <>
            <label>
              From
              <input type="datetime-local" value={choices.from} onChange={(e) => set({ from: e.target.value })} />
            </label>
            <label>
              To
              <input type="datetime-local" value={choices.to} onChange={(e) => set({ to: e.target.value })} />
            </label>
          </>
        )}
        <label>
          Data
          <select value={choices.source} onChange={(e) => set({ source: e.target.value as Resolution })}>
            {SOURCES.map((s) => (
              <option key={s} value={s}>
                {s === 'raw' ? 'Raw samples' : `${s} rollup`}
              </option>
            ))}
          </select>
        </label>
        <label className="check">
          <input type="checkbox" checked={choices.anonymize} onChange={(e) => set({ anonymize: e.target.checked })} />
          Anonymise label values (keyed hash, new key per export)
        </label>
        <label className="check">
          <input
            type="checkbox"
            checked={choices.includeDemo}
            onChange={(e) => set({ includeDemo: e.target.checked })}
          />
          Include the demo history (series labelled source=&quot;demo&quot;)
        </label>
      </div>
      {choices.anonymize && labelNames.length > 0 && (
        <fieldset className="keep-labels">
          <legend>Keep these labels verbatim</legend>
          {labelNames.map((name) => (
            <label key={name} className="check">
              <input
                type="checkbox"
                checked={choices.keepLabels.includes(name)}
                onChange={(e) => toggleKeep(name, e.target.checked)}
              />
              {name}
            </label>
          ))}
        </fieldset>
      )}
      {!choices.anonymize && (
        <p className="warning">
          Label values are written as they are. Share this file only with people who may see them.
        </p>
      )}
    </details>
  );
}
