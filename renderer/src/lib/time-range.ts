/**
 * The chart's time range: either "the last N" (ends at now, so live refresh applies) or a fixed
 * window (a custom range or a zoom). Pure functions, so zoom and presets are easy to reason about.
 */
import { DAY_MS, HOUR_MS, MINUTE_MS } from '../../../shared/constants.ts';
export type TimeRange = { kind: 'relative'; durationMs: number } | { kind: 'absolute'; start: number; end: number };

export interface Preset {
  label: string;
  durationMs: number;
}

export const PRESETS: readonly Preset[] = [
  { label: '1h', durationMs: HOUR_MS },
  { label: '6h', durationMs: 6 * HOUR_MS },
  { label: '24h', durationMs: DAY_MS },
  { label: '7d', durationMs: 7 * DAY_MS },
  { label: '30d', durationMs: 30 * DAY_MS },
];

/** The span shown around an alert that is opened. */
export const ALERT_WINDOW_MS = 30 * MINUTE_MS;

export const DEFAULT_RANGE: TimeRange = { kind: 'relative', durationMs: 6 * HOUR_MS };

/** The smallest window a zoom may produce. */
export const MIN_SPAN_MS = MINUTE_MS;

export function resolveRange(range: TimeRange, now: number): { start: number; end: number } {
  return range.kind === 'relative'
    ? { start: now - range.durationMs, end: now }
    : { start: range.start, end: range.end };
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
    return { kind: 'relative', durationMs: Math.round(Math.min(span * 2, 365 * DAY_MS)) };
  }
  return { kind: 'absolute', start: Math.round(start - span / 2), end: Math.round(newEnd) };
}

/** Halves the window around its middle (the keyboard's "+"). */
export function zoomIn(start: number, end: number): TimeRange {
  const quarter = (end - start) / 4;
  return zoomTo(start + quarter, end - quarter);
}

/**
 * Moves the window by `fraction` of its span (negative: back in time); a window moved up to now
 * or past it becomes "the last N" again, so panning never shows the future.
 */
export function pan(start: number, end: number, fraction: number, now: number): TimeRange {
  const span = end - start;
  const shift = Math.round(span * fraction);
  if (end + shift >= now) return { kind: 'relative', durationMs: span };
  return { kind: 'absolute', start: start + shift, end: end + shift };
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
