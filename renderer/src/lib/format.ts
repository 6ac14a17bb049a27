/**
 * Number, unit and time formatting for axes, legends, tooltips and the status panel.
 * Units come from the metric (bytes, percent, milliseconds, seconds, counts).
 */
import type { Unit } from '../../../shared/panel-api.ts';
import { DAY_MS, HOUR_MS, MINUTE_MS } from '../../../shared/constants.ts';

export { formatBytes, formatValue } from '../../../shared/format-value.ts';

const plain = new Intl.NumberFormat('en', { maximumFractionDigits: 2 });

const UNIT_NAMES: Record<Unit, string> = {
  bytes: 'bytes',
  percent: 'percent',
  milliseconds: 'ms',
  seconds: 's',
  count: 'count',
  none: '',
};

export function unitName(unit: Unit): string {
  return UNIT_NAMES[unit];
}

const dateTime = new Intl.DateTimeFormat(undefined, {
  year: 'numeric',
  month: 'short',
  day: 'numeric',
  hour: '2-digit',
  minute: '2-digit',
  second: '2-digit',
});
const dayTime = new Intl.DateTimeFormat(undefined, {
  month: 'short',
  day: 'numeric',
  hour: '2-digit',
  minute: '2-digit',
});
const time = new Intl.DateTimeFormat(undefined, { hour: '2-digit', minute: '2-digit' });
const day = new Intl.DateTimeFormat(undefined, { month: 'short', day: 'numeric' });

export function formatDateTime(ms: number | null): string {
  return ms === null ? '–' : dateTime.format(ms);
}

/** An axis tick label, coarser for longer spans. */
export function formatTick(ms: number, spanMs: number): string {
  if (spanMs <= 36 * HOUR_MS) return time.format(ms);
  if (spanMs <= 10 * DAY_MS) return dayTime.format(ms);
  return day.format(ms);
}

export function formatCount(value: number): string {
  return plain.format(value);
}

/** "3 h", "2 d", "45 min": the length of a span for humans. */
export function formatSpan(ms: number): string {
  const minutes = Math.round(ms / MINUTE_MS);
  if (minutes < 120) return `${minutes} min`;
  const hours = Math.round(ms / HOUR_MS);
  if (hours < 72) return `${hours} h`;
  return `${Math.round(ms / DAY_MS)} d`;
}
