/**
 * Number, unit and time formatting for axes, legends, tooltips and the status panel.
 * Units come from the metric (bytes, percent, milliseconds, seconds, counts).
 */
import type { Unit } from '../../../shared/panel-api.ts';
import { DAY_MS, HOUR_MS, MINUTE_MS, SECOND_MS } from '../../../shared/constants.ts';

const compact = new Intl.NumberFormat('en', { notation: 'compact', maximumFractionDigits: 2 });
const plain = new Intl.NumberFormat('en', { maximumFractionDigits: 2 });

const BYTE_UNITS = ['B', 'KiB', 'MiB', 'GiB', 'TiB', 'PiB'];

export function formatBytes(value: number): string {
  let scaled = Math.abs(value);
  let index = 0;
  while (scaled >= 1024 && index < BYTE_UNITS.length - 1) {
    scaled /= 1024;
    index += 1;
  }
  const digits = scaled >= 100 || index === 0 ? 0 : 1;
  return `${value < 0 ? '-' : ''}${scaled.toFixed(digits)} ${BYTE_UNITS[index]}`;
}

function formatDuration(ms: number): string {
  const abs = Math.abs(ms);
  if (abs < 1) return `${plain.format(ms * 1000)} µs`;
  if (abs < 1000) return `${plain.format(ms)} ms`;
  if (abs < MINUTE_MS) return `${plain.format(ms / SECOND_MS)} s`;
  if (abs < HOUR_MS) return `${plain.format(ms / MINUTE_MS)} min`;
  return `${plain.format(ms / HOUR_MS)} h`;
}

export function formatValue(value: number, unit: Unit): string {
  if (!Number.isFinite(value)) return '–';
  switch (unit) {
    case 'bytes':
      return formatBytes(value);
    case 'percent':
      return `${plain.format(value)}%`;
    case 'milliseconds':
      return formatDuration(value);
    case 'seconds':
      return formatDuration(value * 1000);
    case 'count':
      return Math.abs(value) >= 10_000 ? compact.format(value) : plain.format(value);
    case 'none':
      return compact.format(value);
  }
}

/** A value formatter for one chart: its unit, with "/s" when it shows a rate per second. */
export function valueFormatter(unit: Unit, perSecond: boolean): (value: number) => string {
  return perSecond
    ? (value) => (Number.isFinite(value) ? `${formatValue(value, unit)}/s` : '–')
    : (value) => formatValue(value, unit);
}

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
