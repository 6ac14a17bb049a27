/**
 * Label filters as removable chips, plus a small form to add one: label, operator and a value
 * offered from the metric's known values (a free pattern for the regex operators).
 */
import { useCallback, useState, type FormEvent } from 'react';
import type { MatchOp } from '../../../shared/panel-api.ts';
import { errorMessage, telemetry } from '../lib/api.ts';
import { MATCH_OPS, isRegexOp, withFilter, type LabelFilter } from '../lib/label-filters.ts';
import { useAsync } from '../hooks/use-async.ts';

interface Props {
  metricName: string;
  filters: LabelFilter[];
  onChange: (filters: LabelFilter[]) => void;
}

export function LabelFilters({ metricName, filters, onChange }: Props) {
  const labels = useAsync(useCallback(() => telemetry().listLabels(metricName), [metricName]));
  const [name, setName] = useState('');
  const [op, setOp] = useState<MatchOp>('=');
  const [value, setValue] = useState('');
  const known = labels.data ?? [];
  const chosen = known.find((l) => l.name === name) ?? known[0];
  const values = chosen?.values ?? [];

  const add = (event: FormEvent) => {
    event.preventDefault();
    const filterValue = value !== '' ? value : isRegexOp(op) ? '' : (values[0] ?? '');
    if (chosen === undefined || filterValue === '') return;
    onChange(withFilter(filters, { name: chosen.name, op, value: filterValue }));
    setValue('');
  };

  return (
    <div className="label-filters">
      <ul className="chips" aria-label="Active label filters">
        {filters.map((f) => (
          <li key={f.name} className="chip">
            <span>
              {f.name} <b>{f.op}</b> {f.value}
            </span>
            <button
              type="button"
              aria-label={`Remove filter ${f.name} ${f.op} ${f.value}`}
              onClick={() => onChange(filters.filter((other) => other.name !== f.name))}
            >
              ×
            </button>
          </li>
        ))}
      </ul>
      {labels.error !== undefined && <span className="inline-error">{errorMessage(labels.error)}</span>}
      {known.length > 0 && (
        <form className="filter-form" onSubmit={add} aria-label="Add a label filter">
          <label>
            <span className="visually-hidden">Label</span>
            <select
              value={chosen?.name ?? ''}
              onChange={(e) => {
                setName(e.target.value);
                setValue('');
              }}
            >
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
                onChange={(e) => setValue(e.target.value)}
              />
            </label>
          ) : (
            <label>
              <span className="visually-hidden">Value</span>
              <select value={value || values[0] || ''} onChange={(e) => setValue(e.target.value)}>
                {values.map((v) => (
                  <option key={v} value={v}>
                    {v}
                  </option>
                ))}
              </select>
            </label>
          )}
          <button type="submit" className="button">
            Add filter
          </button>
        </form>
      )}
    </div>
  );
}
