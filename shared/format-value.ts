/**
 * Values in their unit, for people: bytes in binary steps (KiB, MiB...), durations in µs to hours,
 * percentages, counts. One implementation for the panel (renderer/src/lib/format.ts re-exports it)
 * and the storage host, whose notifications say the same numbers the panel shows.
 */
import { HOUR_MS, MINUTE_MS, SECOND_MS } from './constants.ts';
import type { Unit } from './panel-api.ts';

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
