/**
 * Time controls: quick ranges, a custom range, zoom out and the live toggle (live refresh only
 * applies while the range ends at now; a zoomed window pauses it, and the toggle keeps its width
 * whichever it says), plus the text of the range shown.
 */
import { useState, type FormEvent } from 'react';
import { formatDateTime } from '../lib/format.ts';
import { PRESETS, fromLocalInput, resolveRange, toLocalInput, type TimeRange } from '../lib/time-range.ts';

interface Props {
  range: TimeRange;
  now: number;
  live: boolean;
  liveActive: boolean;
  onRange: (range: TimeRange) => void;
  onZoomOut: () => void;
  onLive: (live: boolean) => void;
}

/** The window shown, as text (its bounds in data attributes, for tests). */
export function RangeText({ range, start, end }: { range: TimeRange; start: number; end: number }) {
  return (
    <output className="range-text" data-testid="range-text" data-start={start} data-end={end}>
      {formatDateTime(start)} → {range.kind === 'relative' ? 'now' : formatDateTime(end)}
    </output>
  );
}

export function TimeRangeBar({ range, now, live, liveActive, onRange, onZoomOut, onLive }: Props) {
  const { start, end } = resolveRange(range, now);
  const [customOpen, setCustomOpen] = useState(false);
  const [from, setFrom] = useState(toLocalInput(start));
  const [to, setTo] = useState(toLocalInput(end));
  const [customError, setCustomError] = useState<string | null>(null);

  const openCustom = () => {
    setFrom(toLocalInput(start));
    setTo(toLocalInput(end));
    setCustomError(null);
    setCustomOpen(!customOpen);
  };
  const applyCustom = (event: FormEvent) => {
    event.preventDefault();
    const a = fromLocalInput(from);
    const b = fromLocalInput(to);
    if (a === null || b === null || a >= b) {
      setCustomError('The start must be before the end.');
      return;
    }
    onRange({ kind: 'absolute', start: a, end: b });
    setCustomOpen(false);
  };

  return (
    <div className="time-bar">
      <div className="segmented" role="group" aria-label="Quick ranges">
        {PRESETS.map((preset) => (
          <button
            key={preset.label}
            type="button"
            aria-pressed={range.kind === 'relative' && range.durationMs === preset.durationMs}
            onClick={() => onRange({ kind: 'relative', durationMs: preset.durationMs })}
          >
            {preset.label}
          </button>
        ))}
        <button type="button" aria-expanded={customOpen} aria-pressed={range.kind === 'absolute'} onClick={openCustom}>
          Custom
        </button>
      </div>
      <button type="button" className="button" onClick={onZoomOut} aria-label="Zoom out">
        − Zoom out
      </button>
      <label className="switch live-switch">
        <input type="checkbox" checked={live} onChange={(e) => onLive(e.target.checked)} />
        <span className={liveActive ? 'live-dot on' : 'live-dot'} aria-hidden="true" />
        <span className="live-label">
          {/* The longer text, invisible, holds the width, so the toggle never changes size. */}
          <span className="live-label-sizer" aria-hidden="true">
            Live (paused)
          </span>
          <span>{live && !liveActive ? 'Live (paused)' : 'Live'}</span>
        </span>
      </label>
      {customOpen && (
        <form className="custom-range" onSubmit={applyCustom} aria-label="Custom range">
          <label>
            From
            <input type="datetime-local" value={from} onChange={(e) => setFrom(e.target.value)} required />
          </label>
          <label>
            To
            <input type="datetime-local" value={to} onChange={(e) => setTo(e.target.value)} required />
          </label>
          <button type="submit" className="button primary">
            Apply
          </button>
          {customError !== null && <span className="inline-error">{customError}</span>}
        </form>
      )}
    </div>
  );
}
