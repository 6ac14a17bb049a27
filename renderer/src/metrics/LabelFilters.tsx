/**
 * Label filters as removable chips, and a "+ Filter" button that opens a small form: label,
 * operator and a value offered from the metric's known values (a free pattern for the regex
 * operators). Several conditions may apply to one label. A pattern is checked by the engine
 * (checkLabelMatcher) before it becomes a chip; a refused one stays in the form with the reason.
 */
import { useCallback, useId, useState, type FormEvent } from 'react';
import type { LabelInfo, MatchOp } from '../../../shared/panel-api.ts';
import { errorMessage, telemetry } from '../lib/api.ts';
import { MATCH_OPS, isRegexOp, toMatcher, withFilter, withoutFilter, type LabelFilter } from '../lib/label-filters.ts';
import { formatFilter } from '../lib/view-state.ts';
import { useAction } from '../hooks/use-action.ts';
import { useAsync } from '../hooks/use-async.ts';

interface Props {
  metricName: string;
  filters: LabelFilter[];
  onChange: (filters: LabelFilter[]) => void;
}

export function LabelFilters({ metricName, filters, onChange }: Props) {
  const labels = useAsync(useCallback(() => telemetry().listLabels(metricName), [metricName]));
  const [open, setOpen] = useState(false);
  const known = labels.data ?? [];

  return (
    <div className="label-filters">
      {filters.length > 0 && (
        <ul className="chips" aria-label="Active label filters">
          {filters.map((f) => (
            <li key={formatFilter(f)} className="chip">
              <span>
                {f.name} <b>{f.op}</b> {f.value}
              </span>
              <button
                type="button"
                aria-label={`Remove filter ${f.name} ${f.op} ${f.value}`}
                onClick={() => onChange(withoutFilter(filters, f))}
              >
                ×
              </button>
            </li>
          ))}
        </ul>
      )}
      {labels.error !== undefined && <span className="inline-error">{errorMessage(labels.error)}</span>}
      {open ? (
        <FilterForm
          known={known}
          onAdd={(filter) => {
            onChange(withFilter(filters, filter));
            setOpen(false);
          }}
          onCancel={() => setOpen(false)}
        />
      ) : (
        known.length > 0 && (
          <button type="button" className="button add-filter" onClick={() => setOpen(true)}>
            + Filter
          </button>
        )
      )}
    </div>
  );
}

interface FormProps {
  known: LabelInfo[];
  onAdd: (filter: LabelFilter) => void;
  onCancel: () => void;
}

function FilterForm({ known, onAdd, onCancel }: FormProps) {
  const [name, setName] = useState('');
  const [op, setOp] = useState<MatchOp>('=');
  const [value, setValue] = useState('');
  const check = useAction();
  const errorId = useId();
  const values = known.find((l) => l.name === name)?.values ?? [];
  const complete = name !== '' && (isRegexOp(op) || value !== '');

  const add = (event: FormEvent) => {
    event.preventDefault();
    if (!complete) return;
    const filter = { name, op, value };
    if (!isRegexOp(op)) return onAdd(filter);
    check.run(() =>
      telemetry()
        .checkLabelMatcher(name, toMatcher(filter))
        .then(() => onAdd(filter)),
    );
  };

  return (
    <form className="filter-form" onSubmit={add} aria-label="Add a label filter">
      <label>
        <span className="visually-hidden">Label</span>
        <select
          value={name}
          autoFocus
          onChange={(e) => {
            setName(e.target.value);
            setValue('');
          }}
        >
          <option value="" disabled>
            Label…
          </option>
          {known.map((l) => (
            <option key={l.name} value={l.name}>
              {l.name}
            </option>
          ))}
        </select>
      </label>
      <label>
        <span className="visually-hidden">Operator</span>
        <select value={op} onChange={(e) => setOp(e.target.value as MatchOp)}>
          {MATCH_OPS.map((o) => (
            <option key={o} value={o}>
              {o}
            </option>
          ))}
        </select>
      </label>
      {isRegexOp(op) ? (
        <label>
          <span className="visually-hidden">Pattern</span>
          <input
            type="text"
            placeholder="regex, e.g. web-.*"
            value={value}
            aria-invalid={check.error !== undefined}
            aria-describedby={check.error !== undefined ? errorId : undefined}
            onChange={(e) => {
              setValue(e.target.value);
              check.fail(undefined);
            }}
          />
        </label>
      ) : (
        <label>
          <span className="visually-hidden">Value</span>
          <select value={value} onChange={(e) => setValue(e.target.value)} disabled={name === ''}>
            <option value="" disabled>
              Value…
            </option>
            {values.map((v) => (
              <option key={v} value={v}>
                {v}
              </option>
            ))}
          </select>
        </label>
      )}
      <button type="submit" className="button primary" disabled={!complete || check.busy}>
        Add
      </button>
      <button type="button" className="button" onClick={onCancel}>
        Cancel
      </button>
      {check.error !== undefined && (
        <span id={errorId} className="inline-error" role="alert">
          {errorMessage(check.error)}
        </span>
      )}
    </form>
  );
}
