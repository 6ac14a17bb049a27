/**
 * OTLP names to Prometheus names, as OpenTelemetry's "Prometheus and OpenMetrics compatibility"
 * specification (and the Collector's normaliser) does it: invalid characters become `_` (runs of
 * them one, none at either end), the unit is converted from UCUM and appended when the name does
 * not already end with it (`{annotations}` are dropped, `1` is `_ratio` for gauges and nothing
 * otherwise, `a/b` is `a_per_b`), monotonic sums end in `_total`; label names get `key_` before a
 * leading digit and `key` before a leading `_`; attribute values become text (arrays and maps as
 * JSON).
 */
import type { AnyValue } from './schema.ts';
import { toNumber } from './schema.ts';

/** UCUM units as Prometheus spells them in names. */
const UNIT_WORDS: Readonly<Record<string, string>> = {
  d: 'days',
  h: 'hours',
  min: 'minutes',
  s: 'seconds',
  ms: 'milliseconds',
  us: 'microseconds',
  ns: 'nanoseconds',
  By: 'bytes',
  KiBy: 'kibibytes',
  MiBy: 'mebibytes',
  GiBy: 'gibibytes',
  TiBy: 'tibibytes',
  KBy: 'kilobytes',
  MBy: 'megabytes',
  GBy: 'gigabytes',
  TBy: 'terabytes',
  m: 'meters',
  V: 'volts',
  A: 'amperes',
  J: 'joules',
  W: 'watts',
  g: 'grams',
  Cel: 'celsius',
  Hz: 'hertz',
  '%': 'percent',
};

/** The denominators of `a/b` units, singular. */
const PER_UNIT_WORDS: Readonly<Record<string, string>> = {
  s: 'second',
  m: 'minute',
  h: 'hour',
  d: 'day',
  w: 'week',
  mo: 'month',
  y: 'year',
};

export type OtlpKind = 'gauge' | 'counter' | 'histogram' | 'summary';

function cleanName(text: string): string {
  return text
    .replace(/[^A-Za-z0-9_:]+/g, '_')
    .replace(/_{2,}/g, '_')
    .replace(/^_+|_+$/g, '');
}

function unitWord(unit: string, words: Readonly<Record<string, string>>): string {
  const trimmed = unit.replace(/\{[^}]*\}/g, '').trim();
  return trimmed === '' ? '' : cleanName(words[trimmed] ?? trimmed);
}

/** The unit as Prometheus names it (`seconds`, `bytes`, `ratio`, `requests_per_second`), or '' for none. */
export function prometheusUnit(unit: string, kind: OtlpKind): string {
  if (unit === '1') return kind === 'gauge' ? 'ratio' : '';
  const slash = unit.indexOf('/');
  if (slash < 0) return unitWord(unit, UNIT_WORDS);
  const numerator = unitWord(unit.slice(0, slash), UNIT_WORDS);
  const denominator = unitWord(unit.slice(slash + 1), PER_UNIT_WORDS);
  if (denominator === '') return numerator;
  return numerator === '' ? `per_${denominator}` : `${numerator}_per_${denominator}`;
}

function withSuffix(name: string, suffix: string): string {
  if (suffix === '' || name === suffix || name.endsWith(`_${suffix}`)) return name;
  return name === '' ? suffix : `${name}_${suffix}`;
}

/** The Prometheus name of an OTLP metric (a histogram's or summary's base name). */
export function prometheusMetricName(otlpName: string, unit: string, kind: OtlpKind): string {
  let name = cleanName(otlpName);
  if (kind === 'counter') name = name.replace(/_total$/, '');
  name = withSuffix(name, prometheusUnit(unit, kind));
  if (kind === 'counter') name = withSuffix(name, 'total');
  if (name === '') return '_';
  return /^[0-9]/.test(name) ? `_${name}` : name;
}

/** Label names already sanitised: a stream's few attribute keys come with every one of its points. */
const labelNames = new Map<string, string>();
/** Beyond this many distinct keys the cache starts over (keys come from other programs). */
const LABEL_NAME_CACHE_SIZE = 10_000;

/** A label name the engine accepts: `[A-Za-z_][A-Za-z0-9_]*`, never starting with `__`. */
export function prometheusLabelName(key: string): string {
  let name = labelNames.get(key);
  if (name === undefined) {
    if (labelNames.size >= LABEL_NAME_CACHE_SIZE) labelNames.clear();
    name = sanitiseLabelName(key);
    labelNames.set(key, name);
  }
  return name;
}

function sanitiseLabelName(key: string): string {
  const name = key.replace(/[^A-Za-z0-9_]/g, '_');
  if (name === '') return 'key_';
  if (/^[0-9]/.test(name)) return `key_${name}`;
  return name.startsWith('_') ? `key${name}` : name;
}

/** An attribute value as label text: strings as they are, numbers and booleans printed, arrays and maps as JSON. */
export function attributeText(value: AnyValue | null | undefined): string {
  switch (value?.value) {
    case 'stringValue':
      return value.stringValue ?? '';
    case 'boolValue':
      return String(value.boolValue === true);
    case 'intValue':
      return String(toNumber(value.intValue));
    case 'doubleValue':
      return String(value.doubleValue);
    case 'arrayValue':
    case 'kvlistValue':
      return JSON.stringify(attributeJson(value));
    case 'bytesValue':
      return Buffer.from(value.bytesValue ?? []).toString('base64');
    default:
      return '';
  }
}

function attributeJson(value: AnyValue | null | undefined): unknown {
  switch (value?.value) {
    case 'arrayValue':
      return (value.arrayValue?.values ?? []).map(attributeJson);
    case 'kvlistValue':
      return Object.fromEntries((value.kvlistValue?.values ?? []).map((kv) => [kv.key ?? '', attributeJson(kv.value)]));
    case 'intValue':
      return toNumber(value.intValue);
    case 'doubleValue':
      return value.doubleValue;
    case 'boolValue':
      return value.boolValue === true;
    default:
      return attributeText(value);
  }
}
