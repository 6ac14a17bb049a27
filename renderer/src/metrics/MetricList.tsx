/**
 * The metric picker: a searchable list showing each metric's series count, unit and type (when not
 * a plain gauge). The list is one Tab stop (roving tabindex): arrow keys, Home and End move
 * between metrics, Enter or Space opens one.
 */
import { useMemo, useRef, useState, type KeyboardEvent } from 'react';
import type { MetricInfo, MetricType } from '../../../shared/panel-api.ts';
import { unitName } from '../lib/format.ts';
import { rovingTarget } from '../lib/roving-focus.ts';

/** Types worth a tag: a gauge, or an unknown metric shown as one, needs none. */
const SHOWN_TYPES: ReadonlySet<MetricType> = new Set(['counter', 'histogram', 'summary']);

interface Props {
  metrics: MetricInfo[];
  selected: string | null;
  onSelect: (name: string) => void;
}

export function MetricList({ metrics, selected, onSelect }: Props) {
  const [search, setSearch] = useState('');
  const shown = useMemo(() => {
    const needle = search.trim().toLowerCase();
    return needle === ''
      ? metrics
      : metrics.filter((m) => m.name.toLowerCase().includes(needle) || m.unit.includes(needle));
  }, [metrics, search]);
  const items = useRef<(HTMLButtonElement | null)[]>([]);
  const [focused, setFocused] = useState<string | null>(null);
  // The one item in the Tab order: the last one focused while still shown, else the selected one, else the first.
  const tabStop = [focused, selected].find((name) => shown.some((m) => m.name === name)) ?? shown[0]?.name;

  const onKeyDown = (event: KeyboardEvent, index: number) => {
    const target = rovingTarget(event.key, index, shown.length, 'vertical');
    if (target === null) return;
    event.preventDefault();
    items.current[target]?.focus();
  };

  return (
    <nav className="metric-list" aria-label="Metrics">
      <label className="search">
        <span className="visually-hidden">Search metrics</span>
        <input type="search" placeholder="Search metrics…" value={search} onChange={(e) => setSearch(e.target.value)} />
      </label>
      <ul>
        {shown.map((metric, index) => (
          <li key={metric.name}>
            <button
              ref={(element) => {
                items.current[index] = element;
              }}
              type="button"
              className="metric-item"
              aria-current={metric.name === selected ? 'true' : undefined}
              title={metric.help}
              tabIndex={metric.name === tabStop ? 0 : -1}
              onFocus={() => setFocused(metric.name)}
              onKeyDown={(event) => onKeyDown(event, index)}
              onClick={() => onSelect(metric.name)}
            >
              <span className="metric-name">{metric.name}</span>
              <span className="metric-meta">
                {metric.seriesCount} series
                {unitName(metric.unit) !== '' && <span className="unit-badge">{unitName(metric.unit)}</span>}
                {SHOWN_TYPES.has(metric.type) && <span className="unit-badge">{metric.type}</span>}
              </span>
            </button>
          </li>
        ))}
      </ul>
      {shown.length === 0 && <p className="muted list-empty">No metric matches “{search}”.</p>}
    </nav>
  );
}
