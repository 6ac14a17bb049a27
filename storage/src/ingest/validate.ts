/**
 * Validation of an incoming batch. The first bad sample stops the batch with an
 * InvalidSampleError naming its index and the reason; nothing of the batch is stored.
 *
 * Each field of a sample is read exactly once, into a plain copy that is what gets validated and
 * stored, so a getter or a proxy cannot show validation one value and storage another. The labels
 * are read along the forms the series registry was sent before (series/sent-forms.ts): a label on a
 * known form passed these checks already, and a sample of a known form is copied with its series;
 * a new form's labels are copied as a flat list of names and values in the caller's key order.
 * Text must be well-formed UTF-16: a lone surrogate has no code point, so it cannot be hashed,
 * exported or compared faithfully, and is refused.
 */
import { InvalidArgumentError, InvalidSampleError } from '../errors.ts';
import { nextStep, type SentForms, type SentStep } from '../series/sent-forms.ts';
import type { Series } from '../types.ts';
import { checkHistogramSample, type DeclaredType } from './histogram-samples.ts';
import type { ValidSample } from './valid-sample.ts';

export interface SampleLimits {
  maxLabelsPerSeries: number;
}

export const MAX_METRIC_NAME_LENGTH = 200;
export const MAX_LABEL_NAME_LENGTH = 100;
export const MAX_LABEL_VALUE_LENGTH = 1024;
/** 9999-12-31T23:59:59.999Z: the last instant every Parquet and SQL reader can represent. */
export const MAX_TIMESTAMP = 253_402_300_799_999;

/** Prometheus' metric name rule, plus '.' and '-' which desktop apps commonly use. */
export const METRIC_NAME_RE = /^[A-Za-z_:][A-Za-z0-9_:.-]*$/;
/** Prometheus' label name rule; names starting with "__" are reserved (isLabelName). */
export const LABEL_NAME_RE = /^[A-Za-z_][A-Za-z0-9_]*$/;
/** The labels of a sample sent without any, or of a sample of a known series. */
const NO_LABELS: readonly string[] = Object.freeze([]);

/** The labels of the sample being validated, [name, value, ...], copied out only for a new form. */
const scratch: unknown[] = [];

/** A label name the store accepts: LABEL_NAME_RE, not reserved, at most MAX_LABEL_NAME_LENGTH characters. */
export function isLabelName(name: string): boolean {
  return name.length <= MAX_LABEL_NAME_LENGTH && LABEL_NAME_RE.test(name) && !name.startsWith('__');
}

/** Metric names and label names already checked, so that a known name costs one lookup. */
const knownGoodNames = new Set<string>();
const knownGoodLabelNames = new Set<string>();
const KNOWN_GOOD_LIMIT = 100_000;

/** String.prototype.isWellFormed (ES2024, in Node 20): false when the text holds a lone surrogate. */
function isWellFormed(text: string): boolean {
  return (text as string & { isWellFormed(): boolean }).isWellFormed();
}

function checkWellFormed(text: string, what: string, index: number): void {
  if (!isWellFormed(text)) {
    throw new InvalidSampleError(index, `${what} holds a lone UTF-16 surrogate (text must be well-formed Unicode)`);
  }
}

function checkMetricName(name: unknown, index: number): asserts name is string {
  if (typeof name !== 'string') throw new InvalidSampleError(index, 'name must be a string');
  if (knownGoodNames.has(name)) return;
  if (name.length === 0) throw new InvalidSampleError(index, 'name is empty');
  checkWellFormed(name, 'name', index);
  if (name.length > MAX_METRIC_NAME_LENGTH) {
    throw new InvalidSampleError(index, `name is longer than ${MAX_METRIC_NAME_LENGTH} characters`);
  }
  if (!METRIC_NAME_RE.test(name)) {
    throw new InvalidSampleError(index, `name ${JSON.stringify(name)} must match ${METRIC_NAME_RE.source}`);
  }
  if (knownGoodNames.size < KNOWN_GOOD_LIMIT) knownGoodNames.add(name);
}

function checkLabelName(name: string, index: number): void {
  if (knownGoodLabelNames.has(name)) return;
  checkWellFormed(name, 'a label name', index);
  if (!isLabelName(name)) {
    throw new InvalidSampleError(
      index,
      `label name ${JSON.stringify(name)} is invalid (it must match ${LABEL_NAME_RE.source}, not start with "__", and have at most ${MAX_LABEL_NAME_LENGTH} characters)`,
    );
  }
  if (knownGoodLabelNames.size < KNOWN_GOOD_LIMIT) knownGoodLabelNames.add(name);
}

/**
 * The labels, each value read once, walking the forms sent before from `step`: a label on a known
 * form passed validation before (so it is not checked again); the rest are. Returns the known
 * series, or a copy of the labels as [name, value, ...].
 */
function copyLabels(
  labels: unknown,
  index: number,
  limits: SampleLimits,
  step: SentStep | undefined,
): Series | readonly string[] {
  if (labels === undefined) return step?.series ?? NO_LABELS;
  if (labels === null || typeof labels !== 'object' || Array.isArray(labels)) {
    throw new InvalidSampleError(index, 'labels must be an object of label name -> string value');
  }
  const keys = Object.keys(labels);
  if (keys.length > limits.maxLabelsPerSeries) {
    throw new InvalidSampleError(
      index,
      `has ${keys.length} labels, more than the limit of ${limits.maxLabelsPerSeries}`,
    );
  }
  let known = step;
  for (let k = 0; k < keys.length; k++) {
    const key = keys[k]!;
    const value = (labels as Record<string, unknown>)[key];
    scratch[2 * k] = key;
    scratch[2 * k + 1] = value;
    if (known !== undefined) {
      known = nextStep(known, key, value);
      if (known !== undefined) continue;
    }
    checkLabelName(key, index);
    if (typeof value !== 'string') {
      throw new InvalidSampleError(
        index,
        `label ${JSON.stringify(key)} has a ${value === null ? 'null' : typeof value} value; label values must be strings`,
      );
    }
    if (value.length > MAX_LABEL_VALUE_LENGTH) {
      throw new InvalidSampleError(
        index,
        `label ${JSON.stringify(key)} is longer than ${MAX_LABEL_VALUE_LENGTH} characters`,
      );
    }
    checkWellFormed(value, `label ${JSON.stringify(key)}`, index);
  }
  return known?.series ?? (scratch.slice(0, keys.length * 2) as string[]);
}

/** The validated plain copy of one sample (every field read once). */
function copySample(sample: unknown, index: number, limits: SampleLimits, forms: SentForms): ValidSample {
  if (sample === null || typeof sample !== 'object') throw new InvalidSampleError(index, 'is not an object');
  const { name, value, timestamp, labels } = sample as Record<string, unknown>;
  checkMetricName(name, index);
  if (typeof value !== 'number' || !Number.isFinite(value)) {
    throw new InvalidSampleError(index, `value must be a finite number, got ${String(value)}`);
  }
  if (typeof timestamp !== 'number' || !Number.isInteger(timestamp)) {
    throw new InvalidSampleError(
      index,
      `timestamp must be an integer number of milliseconds, got ${String(timestamp)}`,
    );
  }
  if (timestamp < 0 || timestamp > MAX_TIMESTAMP) {
    throw new InvalidSampleError(index, `timestamp ${timestamp} is out of range (0 to ${MAX_TIMESTAMP})`);
  }
  const copied = copyLabels(labels, index, limits, forms.first(name));
  return Array.isArray(copied)
    ? { name, value, timestamp, series: undefined, labels: copied }
    : { name, value, timestamp, series: copied as Series, labels: NO_LABELS };
}

/**
 * Validates a batch (with the histogram rules, given the declared types); returns plain copies of
 * its samples, which are what the caller must store, each with its series when its form was sent
 * before (`forms`, the series registry's: append the copies before anything can change it).
 */
export function validateBatch(
  samples: unknown,
  limits: SampleLimits,
  forms: SentForms,
  declaredType: DeclaredType = () => undefined,
): ValidSample[] {
  if (!Array.isArray(samples)) throw new InvalidArgumentError('insertSamples expects an array of samples');
  const copies: ValidSample[] = new Array(samples.length);
  for (let i = 0; i < copies.length; i++) {
    copies[i] = copySample(samples[i], i, limits, forms);
    checkHistogramSample(copies[i]!, i, declaredType);
  }
  return copies;
}
