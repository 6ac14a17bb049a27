/**
 * The chart's time range: either "the last N" (ends at now, so live refresh applies) or a fixed
 * window (a custom range or a zoom). Pure functions, so zoom and presets are easy to reason about.
 */
export type TimeRange =
  | { kind: 'relative'; durationMs: number }
  | { kind: 'absolute'; start: number; end: number };

export interface Preset {
  label: string;
  durationMs: number;
}

const HOUR = 3_600_000;

export const PRESETS: readonly Preset[] = [
  { label: '1h', durationMs: HOUR },
  { label: '6h', durationMs: 6 * HOUR },
  { label: '24h', durationMs: 24 * HOUR },
  { label: '7d', durationMs: 7 * 24 * HOUR },
  { label: '30d', durationMs: 30 * 24 * HOUR },
];

export const DEFAULT_RANGE: TimeRange = { kind: 'relative', durationMs: 6 * HOUR };

/** The smallest window a zoom may produce. */
export const MIN_SPAN_MS = 60_000;

export function resolveRange(range: TimeRange, now: number): { start: number; end: number } {
  return range.kind === 'relative' ? { start: now - range.durationMs, end: now } : { start: range.start, end: range.end };
}

/** A window around `at`, used to open a metric at the time of an alert. */
export function rangeAround(at: number, halfSpanMs: number, now: number): TimeRange {
  const end = Math.min(at + halfSpanMs, now);
  return { kind: 'absolute', start: end - 2 * halfSpanMs, end };
}

/** Selecting [a, b] on the chart; the result never shrinks below MIN_SPAN_MS. */
export function zoomTo(a: number, b: number): TimeRange {
  const start = Math.min(a, b);
  const end = Math.max(a, b);
  if (end - start >= MIN_SPAN_MS) return { kind: 'absolute', start: Math.round(start), end: Math.round(end) };
  const middle = (start + end) / 2;
  return { kind: 'absolute', start: Math.round(middle - MIN_SPAN_MS / 2), end: Math.round(middle + MIN_SPAN_MS / 2) };
}

/** Doubles the span around its middle; a window that reaches now becomes "the last N" again. */
export function zoomOut(range: TimeRange, now: number): TimeRange {
  const { start, end } = resolveRange(range, now);
  const span = end - start;
  const newEnd = end + span / 2;
  if (range.kind === 'relative' || newEnd >= now) {
    return { kind: 'relative', durationMs: Math.round(Math.min(span * 2, 365 * 24 * HOUR)) };
  }
  return { kind: 'absolute', start: Math.round(start - span / 2), end: Math.round(newEnd) };
}

/** `datetime-local` input value (local time, minutes) <-> ms. */
export function toLocalInput(ms: number): string {
  const d = new Date(ms);
  const pad = (n: number): string => String(n).padStart(2, '0');
  return `${d.getFullYear()}-${pad(d.getMonth() + 1)}-${pad(d.getDate())}T${pad(d.getHours())}:${pad(d.getMinutes())}`;
}

export function fromLocalInput(value: string): number | null {
  const ms = new Date(value).getTime();
  return Number.isFinite(ms) ? ms : null;
}
