/**
 * Parses a whole scrape response, Prometheus text format 0.0.4 or OpenMetrics 1.0, into metric
 * families (name, type, unit, help) and samples, each sample tied to its family. It reads
 * everything before returning anything, so a response that is not a valid exposition (garbage, a
 * truncated body, an OpenMetrics body without its `# EOF`) is one ExpositionError and no samples.
 *
 * Text 0.0.4 (as Prometheus' expfmt reads it): blank lines and other comments ignored; `# HELP` and
 * `# TYPE` at most once per family, TYPE before the family's samples; timestamps in integer ms.
 * OpenMetrics 1.0: `# HELP`, `# TYPE`, `# UNIT` (a suffix of the family name) before the family's
 * samples, a family's lines together, no blank lines, `# EOF` last; timestamps in seconds;
 * exemplars read and dropped. A sample whose name belongs to no described family is a family of its
 * own, typed `unknown` and not described. Histogram buckets need `le`, summary quantiles `quantile`.
 */
import { ExpositionError, LineScanner, unescapeText } from './exposition-lexer.ts';

export type ExpositionFormat = 'text-0.0.4' | 'openmetrics-1.0';

export type FamilyType =
  'counter' | 'gauge' | 'histogram' | 'gaugehistogram' | 'summary' | 'info' | 'stateset' | 'unknown';

export interface MetricFamily {
  name: string;
  type: FamilyType;
  unit?: string;
  help?: string;
  /** False for a family made up from a sample that no TYPE, HELP or UNIT line described. */
  described: boolean;
}

export interface ExpositionSample {
  name: string;
  labels: Record<string, string>;
  /** May be NaN or ±Infinity, as the exposition says. */
  value: number;
  /** Integer ms since the epoch when the exposition gave one. */
  timestamp?: number;
  family: MetricFamily;
}

export interface Exposition {
  format: ExpositionFormat;
  families: MetricFamily[];
  samples: ExpositionSample[];
}

/** The sample name suffixes each family type owns, per format ('' is the family's own name). */
const SUFFIXES: Record<ExpositionFormat, Partial<Record<FamilyType, readonly string[]>>> = {
  'text-0.0.4': {
    counter: [''],
    gauge: [''],
    unknown: [''],
    histogram: ['_bucket', '_sum', '_count'],
    summary: ['', '_sum', '_count'],
  },
  'openmetrics-1.0': {
    counter: ['_total', '_created'],
    gauge: [''],
    unknown: [''],
    histogram: ['_bucket', '_sum', '_count', '_created'],
    gaugehistogram: ['_bucket', '_gsum', '_gcount'],
    summary: ['', '_sum', '_count', '_created'],
    info: ['_info'],
    stateset: [''],
  },
};

const TEXT_TYPES: Readonly<Record<string, FamilyType>> = {
  counter: 'counter',
  gauge: 'gauge',
  histogram: 'histogram',
  summary: 'summary',
  untyped: 'unknown',
};
const OPENMETRICS_TYPES = new Set<string>(Object.keys(SUFFIXES['openmetrics-1.0']));

const EOF_LINE = '# EOF';

/** The format a Content-Type names: OpenMetrics for `application/openmetrics-text`, else text 0.0.4 (as Prometheus falls back). */
export function formatOf(contentType: string | undefined): ExpositionFormat {
  const mediaType = (contentType ?? '').split(';')[0]!.trim().toLowerCase();
  return mediaType === 'application/openmetrics-text' ? 'openmetrics-1.0' : 'text-0.0.4';
}

/** The suffix of `sampleName` that makes it a sample of `family`, or undefined when it is not one. */
export function suffixIn(family: MetricFamily, sampleName: string, format: ExpositionFormat): string | undefined {
  if (!sampleName.startsWith(family.name)) return undefined;
  const suffix = sampleName.slice(family.name.length);
  return SUFFIXES[format][family.type]?.includes(suffix) ? suffix : undefined;
}

/** Metadata lines and family bookkeeping shared by both formats. */
class FamilyTable {
  readonly families: MetricFamily[] = [];
  private readonly byName = new Map<string, MetricFamily>();
  /** Families that already have samples: their metadata is closed. */
  readonly sampled = new Set<MetricFamily>();
  private readonly seen = new Set<string>();
  readonly format: ExpositionFormat;
  /** Every suffix a family of this format owns besides its own name. */
  private readonly suffixes: string[];

  constructor(format: ExpositionFormat) {
    this.format = format;
    this.suffixes = [...new Set(Object.values(SUFFIXES[format]).flat())].filter((suffix) => suffix !== '');
  }

  get(name: string): MetricFamily | undefined {
    return this.byName.get(name);
  }

  /** The family a metadata line names, created when new; a second line of the same kind is an error. */
  describe(name: string, kind: string, line: number): MetricFamily {
    const key = `${kind} ${name}`;
    if (this.seen.has(key)) throw new ExpositionError(line, `a second ${kind} line for ${name}`);
    this.seen.add(key);
    const family = this.byName.get(name) ?? this.add({ name, type: 'unknown', described: true });
    if (this.sampled.has(family)) throw new ExpositionError(line, `${kind} line for ${name} after its samples`);
    family.described = true;
    return family;
  }

  add(family: MetricFamily): MetricFamily {
    this.families.push(family);
    this.byName.set(family.name, family);
    return family;
  }

  /** The described family a sample name belongs to, trying the name itself then each known suffix. */
  owner(sampleName: string): MetricFamily | undefined {
    const exact = this.byName.get(sampleName);
    if (exact && suffixIn(exact, sampleName, this.format) !== undefined) return exact;
    for (const suffix of this.suffixes) {
      if (!sampleName.endsWith(suffix)) continue;
      const family = this.byName.get(sampleName.slice(0, -suffix.length));
      if (family && suffixIn(family, sampleName, this.format) !== undefined) return family;
    }
    return undefined;
  }
}

/** Parses `# HELP`, `# TYPE`, `# UNIT` lines into their family; undefined for a comment the text format ignores. */
function metadataLine(scanner: LineScanner, table: FamilyTable): MetricFamily | undefined {
  const openMetrics = table.format === 'openmetrics-1.0';
  scanner.expect('#', '#');
  if (openMetrics) scanner.expect(' ', 'one space after #');
  else scanner.blanks();
  const keyword = scanner.token();
  if (keyword !== 'HELP' && keyword !== 'TYPE' && !(openMetrics && keyword === 'UNIT')) {
    if (openMetrics) scanner.fail(`unknown line "# ${keyword}" (OpenMetrics has only HELP, TYPE, UNIT and EOF)`);
    return undefined;
  }
  if (scanner.blanks() === 0) scanner.fail(`expected a metric name after ${keyword}`);
  const name = scanner.metricName();
  const family = table.describe(name, keyword, scanner.lineNo);
  const hasText = scanner.blanks() > 0;
  const text = scanner.rest();
  if (keyword === 'HELP') {
    if (hasText || text === '') family.help = unescapeText(text);
    else scanner.fail('expected a space before the help text');
  } else if (keyword === 'TYPE') {
    family.type = familyType(text.trimEnd(), table.format, scanner);
  } else {
    family.unit = text;
    if (text !== '' && !name.endsWith(`_${text}`)) scanner.fail(`unit ${text} is not a suffix of ${name}`);
  }
  return family;
}

function familyType(word: string, format: ExpositionFormat, scanner: LineScanner): FamilyType {
  if (format === 'openmetrics-1.0') {
    if (OPENMETRICS_TYPES.has(word)) return word as FamilyType;
  } else if (Object.hasOwn(TEXT_TYPES, word)) {
    return TEXT_TYPES[word]!;
  }
  return scanner.fail(`unknown metric type ${JSON.stringify(word)}`);
}

/** A sample line: name, labels, value, timestamp (and in OpenMetrics an exemplar, dropped). */
function sampleLine(scanner: LineScanner, table: FamilyTable): ExpositionSample {
  const openMetrics = table.format === 'openmetrics-1.0';
  const name = scanner.metricName();
  let gap = scanner.blanks();
  let labels: Record<string, string> = {};
  if (scanner.peek() === '{') {
    labels = scanner.labels();
    gap = scanner.blanks();
  }
  if (gap === 0) scanner.fail('expected a space before the value');
  const value = scanner.value();
  let timestamp: number | undefined;
  if (scanner.blanks() > 0 && !scanner.done && scanner.peek() !== '#') {
    timestamp = openMetrics ? scanner.secondTimestamp() : scanner.millisecondTimestamp();
    scanner.blanks();
  }
  if (openMetrics && scanner.accept('#')) exemplar(scanner);
  if (!scanner.done) scanner.fail('unexpected text after the sample');
  const family = table.owner(name) ?? table.get(name) ?? table.add({ name, type: 'unknown', described: false });
  checkSampleFits(family, name, labels, table.format, scanner);
  return { name, labels, value, ...(timestamp === undefined ? {} : { timestamp }), family };
}

/** ` # {labels} value [timestamp]`: checked for shape and dropped (the store keeps no exemplars). */
function exemplar(scanner: LineScanner): void {
  scanner.blanks();
  scanner.labels();
  if (scanner.blanks() === 0) scanner.fail("expected a space before the exemplar's value");
  scanner.value();
  if (scanner.blanks() > 0 && !scanner.done) scanner.secondTimestamp();
}

function checkSampleFits(
  family: MetricFamily,
  name: string,
  labels: Record<string, string>,
  format: ExpositionFormat,
  scanner: LineScanner,
): void {
  const suffix = suffixIn(family, name, format);
  if (suffix === undefined) scanner.fail(`${name} is not a sample of the ${family.type} ${family.name}`);
  const isHistogram = family.type === 'histogram' || family.type === 'gaugehistogram';
  if (isHistogram && suffix === '_bucket' && labels.le === undefined) scanner.fail(`${name} has no le label`);
  if (family.type === 'summary' && suffix === '' && labels.quantile === undefined) {
    scanner.fail(`${name} has no quantile label`);
  }
}

/** The lines of the body; in OpenMetrics, those before `# EOF` (which must be the last line). */
function bodyLines(body: string, format: ExpositionFormat): string[] {
  const lines = body.split('\n');
  if (format === 'text-0.0.4') return lines;
  if (lines.at(-1) === '') lines.pop();
  const eof = lines.indexOf(EOF_LINE);
  if (eof === -1) throw new ExpositionError(lines.length, 'no "# EOF" line: the OpenMetrics exposition is incomplete');
  if (eof !== lines.length - 1) throw new ExpositionError(eof + 2, 'text after "# EOF"');
  return lines.slice(0, eof);
}

/** The whole exposition, or an ExpositionError naming the first line that is wrong. */
export function parseExposition(body: string, format: ExpositionFormat): Exposition {
  const table = new FamilyTable(format);
  const samples: ExpositionSample[] = [];
  let current: MetricFamily | undefined;
  const finished = new Set<MetricFamily>();
  bodyLines(body, format).forEach((raw, index) => {
    const line = format === 'text-0.0.4' ? raw.replace(/\r$/, '').replace(/^[ \t]+/, '') : raw;
    const scanner = new LineScanner(line, index + 1);
    if (line === '') {
      if (format === 'openmetrics-1.0') scanner.fail('blank line (OpenMetrics has none)');
      return;
    }
    let family: MetricFamily | undefined;
    if (line.startsWith('#')) {
      family = metadataLine(scanner, table);
      if (!family) return;
    } else {
      const sample = sampleLine(scanner, table);
      table.sampled.add(sample.family);
      samples.push(sample);
      family = sample.family;
    }
    if (format === 'openmetrics-1.0' && family !== current) {
      if (family && finished.has(family)) scanner.fail(`the lines of ${family.name} are not together`);
      if (current) finished.add(current);
      current = family;
    }
  });
  return { format, families: table.families, samples };
}
