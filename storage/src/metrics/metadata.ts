/**
 * Validation of a metric declaration (describeMetric): a plain copy, each field read once, or a
 * typed INVALID_ARGUMENT error. The name follows the sample name grammar; a `_bucket` name is a
 * histogram's series, not a metric of its own (declare the base name as a histogram). The unit and
 * the help are single lines of bounded length; an empty one is the same as none.
 */
import { InvalidArgumentError } from '../errors.ts';
import { MAX_METRIC_NAME_LENGTH, METRIC_NAME_RE } from '../ingest/validate.ts';
import { METRIC_TYPES, type MetricMetadata, type MetricType } from '../types.ts';
import { HISTOGRAM_SUFFIXES } from './catalog.ts';

export const MAX_UNIT_LENGTH = 64;
export const MAX_HELP_LENGTH = 1024;

/** Control characters (a line break among them) and lone UTF-16 surrogates. */
// eslint-disable-next-line no-control-regex
const NOT_ONE_LINE_RE = /[\u0000-\u001f\u007f]|[\uD800-\uDFFF]/u;

function checkName(name: unknown): string {
  if (typeof name !== 'string' || name.length === 0) throw new InvalidArgumentError('name must be a non-empty string');
  if (name.length > MAX_METRIC_NAME_LENGTH || !METRIC_NAME_RE.test(name)) {
    throw new InvalidArgumentError(
      `name ${JSON.stringify(name.slice(0, 100))} must match ${METRIC_NAME_RE.source} and have at most ${MAX_METRIC_NAME_LENGTH} characters`,
    );
  }
  if (name.endsWith(HISTOGRAM_SUFFIXES.bucket)) {
    throw new InvalidArgumentError(
      `${name} is a histogram's bucket series: declare its base name ${name.slice(0, -HISTOGRAM_SUFFIXES.bucket.length)} as a histogram`,
    );
  }
  return name;
}

function checkType(type: unknown, name: string): MetricType {
  if (!METRIC_TYPES.includes(type as MetricType)) {
    throw new InvalidArgumentError(`${name}: type must be one of ${METRIC_TYPES.join(', ')}, got ${String(type)}`);
  }
  return type as MetricType;
}

/** An optional one-line text: undefined when absent or empty. */
function checkLine(text: unknown, field: string, max: number, name: string): string | undefined {
  if (text === undefined || text === '') return undefined;
  if (typeof text !== 'string') throw new InvalidArgumentError(`${name}: ${field} must be a string`);
  if (text.length > max) throw new InvalidArgumentError(`${name}: ${field} is longer than ${max} characters`);
  if (NOT_ONE_LINE_RE.test(text)) {
    throw new InvalidArgumentError(`${name}: ${field} must be one line of text (no control characters)`);
  }
  return text;
}

/** The validated plain copy of a declaration. */
export function checkMetadata(meta: unknown): MetricMetadata {
  if (meta === null || typeof meta !== 'object') throw new InvalidArgumentError('describeMetric expects an object');
  const { name: rawName, type: rawType, unit: rawUnit, help: rawHelp } = meta as Record<string, unknown>;
  const name = checkName(rawName);
  const type = checkType(rawType, name);
  const unit = checkLine(rawUnit, 'unit', MAX_UNIT_LENGTH, name);
  const help = checkLine(rawHelp, 'help', MAX_HELP_LENGTH, name);
  return { name, type, ...(unit === undefined ? {} : { unit }), ...(help === undefined ? {} : { help }) };
}
