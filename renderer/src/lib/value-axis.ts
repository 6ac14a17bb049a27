/**
 * The chart's value axis: one display unit chosen for the whole axis (MiB, ms, s, k...), round
 * ticks in that unit (1, 2 or 5 times a power of ten) and a domain that ends on ticks, so labels
 * read 0 / 100 / 200 / 300 MiB rather than 381 / 286 / 191 MiB, and 0 is "0 ms", never "0 µs".
 */
import type { Unit } from '../../../shared/panel-api.ts';

interface Scale {
  factor: number;
  suffix: string;
}

const BYTES: readonly Scale[] = ['B', 'KiB', 'MiB', 'GiB', 'TiB', 'PiB'].map((suffix, i) => ({
  factor: 1024 ** i,
  suffix: ` ${suffix}`,
}));
const MILLISECONDS: readonly Scale[] = [
  { factor: 0.001, suffix: ' µs' },
  { factor: 1, suffix: ' ms' },
  { factor: 1000, suffix: ' s' },
  { factor: 60_000, suffix: ' min' },
  { factor: 3_600_000, suffix: ' h' },
];
const SECONDS: readonly Scale[] = MILLISECONDS.map((s) => ({ ...s, factor: s.factor / 1000 }));
const DECIMAL: readonly Scale[] = [
  { factor: 1, suffix: '' },
  { factor: 1e3, suffix: 'k' },
  { factor: 1e6, suffix: 'M' },
  { factor: 1e9, suffix: 'G' },
  { factor: 1e12, suffix: 'T' },
];
const PERCENT: readonly Scale[] = [{ factor: 1, suffix: '%' }];

const SCALES: Record<Unit, readonly Scale[]> = {
  bytes: BYTES,
  milliseconds: MILLISECONDS,
  seconds: SECONDS,
  percent: PERCENT,
  count: DECIMAL,
  none: DECIMAL,
};

/** Vertical pixels per tick the axis aims for. */
const PX_PER_TICK = 56;
const MIN_TICKS = 2;
const MAX_TICKS = 8;

export interface ValueAxis {
  domain: [number, number];
  ticks: number[];
  /** A tick label in the axis' unit ("200 MiB", "1.5 ms", "20/s" for a rate). */
  format: (value: number) => string;
}

/** The largest scale whose factor does not exceed the magnitude (the smallest scale for tiny values). */
function pickScale(unit: Unit, magnitude: number): Scale {
  const scales = SCALES[unit];
  let chosen = scales.find((s) => s.factor === 1) ?? scales[0]!;
  if (magnitude <= 0) return chosen;
  chosen = scales[0]!;
  for (const scale of scales) if (scale.factor <= magnitude) chosen = scale;
  return chosen;
}

/** 1, 2 or 5 times a power of ten, at least `rough`. */
function niceStep(rough: number): number {
  const power = 10 ** Math.floor(Math.log10(rough));
  const fraction = rough / power;
  const nice = fraction <= 1 ? 1 : fraction <= 2 ? 2 : fraction <= 5 ? 5 : 10;
  return nice * power;
}

function decimalsOf(step: number): number {
  return Math.max(0, -Math.floor(Math.log10(step) + 1e-9));
}

/**
 * Ticks for the values in [min, max] on a plot `heightPx` tall. Values that are all at or above
 * zero keep the axis at or above zero.
 */
export function valueAxis(min: number, max: number, unit: Unit, heightPx: number, perSecond = false): ValueAxis {
  let low = Number.isFinite(min) ? min : 0;
  let high = Number.isFinite(max) ? max : 1;
  if (high < low) [low, high] = [high, low];
  if (high === low) {
    const pad = Math.abs(high) * 0.1 || 1;
    high += pad;
    low = low >= 0 && low - pad < 0 ? 0 : low - pad;
  }
  const scale = pickScale(unit, Math.max(Math.abs(low), Math.abs(high)));
  const wanted = Math.min(MAX_TICKS, Math.max(MIN_TICKS, Math.floor(heightPx / PX_PER_TICK)));
  const step = niceStep((high - low) / scale.factor / wanted) * scale.factor;
  const first = Math.floor(low / step) * step;
  const last = Math.ceil(high / step - 1e-9) * step;
  const ticks: number[] = [];
  for (let i = 0; first + i * step <= last + step / 2; i += 1) ticks.push(first + i * step);
  const decimals = decimalsOf(step / scale.factor);
  const number = new Intl.NumberFormat('en', { minimumFractionDigits: decimals, maximumFractionDigits: decimals });
  const rate = perSecond ? '/s' : '';
  return {
    domain: [first, last],
    ticks,
    format: (value) => `${number.format(value / scale.factor + 0)}${scale.suffix}${rate}`,
  };
}
