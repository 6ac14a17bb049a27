/**
 * Export anonymisation: keyed pseudonyms for label values (and, on request, metric names) and
 * truncated timestamps, so an exported file can be shared without its identifying text.
 *
 * Pseudonym: the first 16 hex characters (64 bits) of HMAC-SHA256(key, frame), where the frame is
 *   label value:  0x4c 'L' | u32be(byteLength(name)) | name | u32be(byteLength(value)) | value
 *   metric name:  0x4d 'M' | u32be(byteLength(name)) | name
 * (UTF-8). The length prefixes make the framing unambiguous, the label name is part of the input
 * (the same value under two label names gets two unrelated pseudonyms) and the leading tag keeps
 * metric names and label values apart. Collision odds within one label name are the birthday
 * bound n^2 / 2^65: about 3e-12 for 10,000 distinct values, 3e-8 for a million.
 *
 * The key is 32 random bytes made for each export and kept only in memory, so two exports cannot
 * be linked; a caller that needs linkable exports passes its own 32-byte key. The key is never
 * written anywhere (the export metadata records only whether it was random or supplied).
 *
 * Metric names (`hashMetricNames`) become the pseudonym of the name, except a histogram's `_bucket`,
 * `_sum` and `_count` series (a summary's `_sum` and `_count`), which become the pseudonym of the
 * family's base name followed by the suffix: the family stays recognisable while its base name,
 * the name its type is declared under, is hashed like any other; the suffix tells no more than the
 * export's `metric_type` column. Types and units are kept (they describe the data's shape).
 *
 * Label names are kept verbatim: they come from the instrumentation code and describe the data's
 * shape (host, path, quantile), not a person. A label whose *name* is itself identifying is
 * removed with `dropLabels`; for that reason the export metadata records how many label names were
 * dropped, not which. Values are never changed.
 */

import { HOUR_MS, MINUTE_MS, SECOND_MS } from '../../../shared/constants.ts';
import { createHmac, randomBytes } from 'node:crypto';
import { InvalidArgumentError } from '../errors.ts';
import { histogramBase } from '../metrics/catalog.ts';
import type { AnonymizeOptions, TimestampPrecision } from '../types.ts';

/** Hex characters kept from each HMAC (64 bits). */
export const PSEUDONYM_HEX_CHARS = 16;

export const ANONYMIZATION_KEY_BYTES = 32;

/** Whole seconds: hides sub-second timing (a fingerprint) and keeps every scrape interval usable. */
export const DEFAULT_TIMESTAMP_PRECISION: TimestampPrecision = 's';

const PRECISION_MS: Readonly<Record<TimestampPrecision, number>> = {
  ms: 1,
  s: SECOND_MS,
  min: MINUTE_MS,
  h: HOUR_MS,
};

const LABEL_TAG = 0x4c;
const METRIC_TAG = 0x4d;

/** One label as a name/value pair (pairs avoid the pitfalls of objects keyed by arbitrary text). */
export type LabelEntry = readonly [name: string, value: string];

/** What an export records about its anonymisation: the method and options, never the key. */
export interface AnonymizationDescription {
  method: 'hmac-sha256';
  pseudonymHexChars: number;
  key: 'random-per-export' | 'caller-supplied';
  keepLabels: string[];
  /** How many names `dropLabels` held (the names themselves could be identifying). */
  droppedLabelCount: number;
  hashMetricNames: boolean;
  timestampPrecision: TimestampPrecision;
}

/** The per-export transformation; holds the key, so it lives only as long as the export. */
export interface Anonymizer {
  readonly description: AnonymizationDescription;
  /** `family`: the histogram or summary base name `name` belongs to, if any (see the header). */
  metricName(name: string, family?: string): string;
  timestamp(ms: number): number;
  /** An exported time range [start, end) widened to whole units of the precision, as coarse as the timestamps. */
  range(start: number, end: number): [number, number];
  labels(entries: readonly LabelEntry[]): LabelEntry[];
}

/** Validates the options and makes an anonymiser with its own key (random unless passed). */
export function createAnonymizer(options: AnonymizeOptions = {}): Anonymizer {
  const keepLabels = nameList(options.keepLabels, 'keepLabels');
  const dropLabels = nameList(options.dropLabels, 'dropLabels');
  const clash = keepLabels.find((name) => dropLabels.includes(name));
  if (clash !== undefined) {
    throw new InvalidArgumentError(`label "${clash}" is in both keepLabels and dropLabels`);
  }
  const precision = options.timestampPrecision ?? DEFAULT_TIMESTAMP_PRECISION;
  if (!Object.hasOwn(PRECISION_MS, precision)) {
    throw new InvalidArgumentError('timestampPrecision must be one of ms, s, min, h');
  }
  const unitMs = PRECISION_MS[precision];
  const hashMetricNames = options.hashMetricNames ?? false;
  const pseudonyms = new PseudonymCache(anonymizationKey(options.key));
  const keep = new Set(keepLabels);
  const drop = new Set(dropLabels);

  return {
    description: {
      method: 'hmac-sha256',
      pseudonymHexChars: PSEUDONYM_HEX_CHARS,
      key: options.key === undefined ? 'random-per-export' : 'caller-supplied',
      keepLabels: [...keepLabels].sort(),
      droppedLabelCount: drop.size,
      hashMetricNames,
      timestampPrecision: precision,
    },
    metricName: (name, family = name) => (hashMetricNames ? pseudonyms.metricName(name, family) : name),
    timestamp: (ms) => truncateTimestamp(ms, unitMs),
    range: (start, end) => [truncateTimestamp(start, unitMs), Math.ceil(end / unitMs) * unitMs],
    labels: (entries) =>
      entries
        .filter(([name]) => !drop.has(name))
        .map(([name, value]) => [name, keep.has(name) ? value : pseudonyms.labelValue(name, value)]),
  };
}

/** Truncates toward the past (also before 1970): floor(ms / unit) * unit. */
function truncateTimestamp(ms: number, unitMs: number): number {
  return Math.floor(ms / unitMs) * unitMs;
}

/** The keyed pseudonym of one framed input (see the header for the framing). */
function pseudonym(key: Uint8Array, tag: number, parts: readonly string[]): string {
  const hmac = createHmac('sha256', key);
  hmac.update(Uint8Array.of(tag));
  for (const part of parts) {
    const bytes = Buffer.from(part, 'utf8');
    const length = Buffer.alloc(4);
    length.writeUInt32BE(bytes.length);
    hmac.update(length);
    hmac.update(bytes);
  }
  return hmac.digest('hex').slice(0, PSEUDONYM_HEX_CHARS);
}

/** Memoises pseudonyms for one export: each distinct name/value is hashed once. */
class PseudonymCache {
  private readonly key: Uint8Array;
  private readonly values = new Map<string, Map<string, string>>();
  private readonly metrics = new Map<string, string>();

  constructor(key: Uint8Array) {
    this.key = key;
  }

  labelValue(name: string, value: string): string {
    let byValue = this.values.get(name);
    if (byValue === undefined) {
      byValue = new Map();
      this.values.set(name, byValue);
    }
    let result = byValue.get(value);
    if (result === undefined) {
      result = pseudonym(this.key, LABEL_TAG, [name, value]);
      byValue.set(value, result);
    }
    return result;
  }

  /** A family member's suffix is kept only when `family` really is its base name; else the whole name is hashed. */
  metricName(name: string, family: string): string {
    const member = family !== name && histogramBase(name) === family;
    const cacheKey = member ? `${family}\u0000${name}` : name;
    let result = this.metrics.get(cacheKey);
    if (result === undefined) {
      result = member
        ? pseudonym(this.key, METRIC_TAG, [family]) + name.slice(family.length)
        : pseudonym(this.key, METRIC_TAG, [name]);
      this.metrics.set(cacheKey, result);
    }
    return result;
  }
}

function anonymizationKey(key: Uint8Array | undefined): Uint8Array {
  if (key === undefined) return randomBytes(ANONYMIZATION_KEY_BYTES);
  if (!(key instanceof Uint8Array) || key.byteLength !== ANONYMIZATION_KEY_BYTES) {
    throw new InvalidArgumentError(`the anonymisation key must be ${ANONYMIZATION_KEY_BYTES} bytes`);
  }
  return Uint8Array.from(key);
}

function nameList(names: string[] | undefined, option: string): string[] {
  if (names === undefined) return [];
  if (!Array.isArray(names) || names.some((name) => typeof name !== 'string')) {
    throw new InvalidArgumentError(`${option} must be an array of label names`);
  }
  return names;
}
