/**
 * An OTLP metrics request as the store's samples, per OpenTelemetry's Prometheus compatibility
 * specification: gauges as they are; monotonic cumulative sums as counters (a new start time is a
 * reset: a 0 is written at the new start, or just after the previous sample, so the store sees the
 * drop); delta sums added up per series into cumulative values; non-monotonic sums as gauges;
 * histograms as `_bucket{le}` (cumulative), `_sum`, `_count`; exponential histograms through
 * classic buckets (exponential.ts) whose series, once written, stay; summaries as `{quantile}`
 * series with `_sum` and `_count`. `service.name` (after `service.namespace/`) is `job`,
 * `service.instance.id` is `instance`, the resource attributes the settings list are kept, the
 * others dropped; data point attributes become labels (names that collide after sanitising join
 * their values with `;`, in key order). Each data point becomes one unit the sink stores whole or
 * not at all; points that cannot be stored are counted with why. Gauges' and sums' points are
 * read as NumberPoints (made here from protobufjs's messages), their stream keys made once per
 * metric and label set.
 */
import {
  HISTOGRAM_SUFFIXES,
  INF_BOUND,
  LE_LABEL,
  MAX_HELP_LENGTH,
  MAX_TIMESTAMP,
  MAX_UNIT_LENGTH,
} from '../../../storage/src/index.ts';
import type { Labels, MetricMetadata, MetricSample } from '../../../storage/src/index.ts';
import type { IngestUnit } from '../ingest-sink.ts';
import { Pacer } from '../pacing.ts';
import { Rejections } from '../rejections.ts';
import { classicBuckets } from './exponential.ts';
import { attributeText, prometheusLabelName, prometheusMetricName, prometheusUnit, type OtlpKind } from './naming.ts';
import {
  FLAG_NO_RECORDED_VALUE,
  NUMBER_MEMBERS,
  TEMPORALITY,
  memberOf,
  millisOfNanos,
  pointsOf,
  toNumber,
  type AttributeSet,
  type ExportRequest,
  type HistogramDataPoint,
  type Int64,
  type KeyValue,
  type NumberData,
  type NumberDataPoint,
  type NumberPoint,
  type OtlpMetric,
  type SummaryDataPoint,
  type ExponentialHistogramDataPoint,
} from './schema.ts';
import { Transaction, type PointWrites, type SeriesState, type StreamState } from './series-state.ts';

export interface TranslateOptions {
  /** Resource attributes kept as labels besides service.name and service.instance.id. */
  resourceAttributes: readonly string[];
}

export interface MetricFamily {
  metadata: MetricMetadata;
  points: IngestUnit[];
}

export interface Translation {
  families: MetricFamily[];
  /** Points refused before storing, with why. */
  rejections: Rejections;
}

/** How a point's values become stored values. */
type Mode = 'gauge' | 'cumulative' | 'delta';

interface PointValue {
  name: string;
  labels: Labels;
  value: number;
}

class PointError extends Error {}

const TIMESTAMP_FAULT = 'time_unix_nano is missing or out of range';

function timestampOf(nanos: Int64 | null | undefined): number {
  const ms = millisOfNanos(nanos);
  if (!Number.isSafeInteger(ms) || ms <= 0 || ms > MAX_TIMESTAMP) throw new PointError(TIMESTAMP_FAULT);
  return ms;
}

function finite(value: number, what: string): number {
  if (!Number.isFinite(value)) throw new PointError(`${what} is not a finite number`);
  return value;
}

function resourceLabels(attributes: readonly KeyValue[], kept: readonly string[]): Labels {
  const byKey = new Map(attributes.map((kv) => [kv.key ?? '', attributeText(kv.value)]));
  const labels: Labels = {};
  for (const key of kept) {
    const value = byKey.get(key);
    if (value) labels[prometheusLabelName(key)] = value;
  }
  const service = byKey.get('service.name');
  const namespace = byKey.get('service.namespace');
  if (service) labels.job = namespace ? `${namespace}/${service}` : service;
  const instance = byKey.get('service.instance.id');
  if (instance) labels.instance = instance;
  return labels;
}

function pointLabels(resource: Labels, attributes: readonly KeyValue[] | null | undefined): Labels {
  const labels: Labels = {};
  const sorted = attributes && attributes.length > 1 ? [...attributes].sort(byKey) : (attributes ?? []);
  for (const kv of sorted) {
    const value = attributeText(kv.value);
    if (value === '') continue;
    const name = prometheusLabelName(kv.key ?? '');
    const previous = labels[name];
    labels[name] = previous === undefined ? value : `${previous};${value}`;
  }
  return Object.assign(labels, resource);
}

function byKey(a: KeyValue, b: KeyValue): number {
  const x = a.key ?? '';
  const y = b.key ?? '';
  return x < y ? -1 : x > y ? 1 : 0;
}

/** A point stream's key after its metric name: its label set, in label name order. */
function streamSuffix(labels: Labels): string {
  let suffix = '';
  for (const label of Object.keys(labels).sort()) suffix += `\u0000${label}\u0001${labels[label]}`;
  return suffix;
}

/** A data point's labels and its stream key's label part. */
interface PointLabels {
  labels: Labels;
  streamSuffix: string;
}

/** Decoded attributes as a set, its key their keys and values as text (lengths first, so that no key or value can pass for another split of the same text). */
function attributeSetOf(attributes: readonly KeyValue[] | null | undefined): AttributeSet {
  let key = '';
  for (const kv of attributes ?? []) {
    const name = kv.key ?? '';
    const text = attributeText(kv.value);
    key += `${name.length}:${name}${text.length}:${text}`;
  }
  return { key, attributes: attributes ?? [] };
}

/**
 * The labels of a resource's data points, made once per attribute set of a request (a request
 * repeats a few sets over many points and metrics); the points of a set share its labels object,
 * which nothing changes (the store copies what it keeps).
 */
class LabelSets {
  private readonly byAttributes = new Map<string, PointLabels>();

  constructor(private readonly resource: Labels) {}

  of(set: AttributeSet): PointLabels {
    let labels = this.byAttributes.get(set.key);
    if (labels === undefined) {
      const made = pointLabels(this.resource, set.attributes);
      labels = { labels: made, streamSuffix: streamSuffix(made) };
      this.byAttributes.set(set.key, labels);
    }
    return labels;
  }
}

/** A protobufjs NumberDataPoint as a NumberPoint. */
function numberPointOf(point: NumberDataPoint): NumberPoint {
  const member = memberOf(point, NUMBER_MEMBERS);
  return {
    attributeSet: attributeSetOf(point.attributes),
    startMs: millisOfNanos(point.startTimeUnixNano),
    timeMs: millisOfNanos(point.timeUnixNano),
    member,
    value: member === 'asDouble' ? (point.asDouble ?? NaN) : member === 'asInt' ? toNumber(point.asInt) : 0,
    flags: point.flags ?? 0,
  };
}

function histogramValues(name: string, labels: Labels, point: HistogramDataPoint): PointValue[] {
  const bounds = point.explicitBounds ?? [];
  const counts = point.bucketCounts ?? [];
  if (counts.length > 0 && counts.length !== bounds.length + 1) {
    throw new PointError('bucket_counts must have one more entry than explicit_bounds');
  }
  const values: PointValue[] = [];
  let cumulative = 0;
  bounds.forEach((bound, i) => {
    if (!Number.isFinite(bound)) throw new PointError('an explicit bound is not a finite number');
    cumulative += toNumber(counts[i]);
    if (counts.length > 0) values.push(bucket(name, labels, bound, cumulative));
  });
  return [...values, ...tail(name, labels, point)];
}

function bucket(name: string, labels: Labels, le: number, count: number): PointValue {
  return { name: name + HISTOGRAM_SUFFIXES.bucket, labels: { ...labels, [LE_LABEL]: String(le) }, value: count };
}

/** A histogram's +Inf bucket, `_sum` (when it has one) and `_count`. */
function tail(name: string, labels: Labels, point: HistogramDataPoint | ExponentialHistogramDataPoint): PointValue[] {
  const count = toNumber(point.count);
  const values: PointValue[] = [
    { name: name + HISTOGRAM_SUFFIXES.bucket, labels: { ...labels, le: INF_BOUND }, value: count },
    { name: name + HISTOGRAM_SUFFIXES.count, labels, value: count },
  ];
  if (typeof point.sum === 'number') {
    values.push({ name: name + HISTOGRAM_SUFFIXES.sum, labels, value: finite(point.sum, 'the sum') });
  }
  return values;
}

function exponentialValues(name: string, labels: Labels, point: ExponentialHistogramDataPoint): PointValue[] {
  const buckets = classicBuckets(point).filter((b) => b.le !== Infinity);
  return [...buckets.map((b) => bucket(name, labels, b.le, b.count)), ...tail(name, labels, point)];
}

function summaryValues(name: string, labels: Labels, point: SummaryDataPoint): PointValue[] {
  const values: PointValue[] = (point.quantileValues ?? []).map((q) => ({
    name,
    labels: { ...labels, quantile: String(q.quantile ?? 0) },
    value: finite(q.value ?? 0, 'a quantile value'),
  }));
  values.push({ name: name + HISTOGRAM_SUFFIXES.count, labels, value: toNumber(point.count) });
  values.push({ name: name + HISTOGRAM_SUFFIXES.sum, labels, value: finite(point.sum ?? 0, 'the sum') });
  return values;
}

function modeOf(temporality: number | null | undefined): Mode {
  if (temporality === TEMPORALITY.delta) return 'delta';
  if (temporality === TEMPORALITY.cumulative) return 'cumulative';
  throw new PointError('aggregation_temporality is unspecified');
}

/** A gauge's or sum's kind, points, and how they are stored (or why none can be). */
interface NumberShape {
  kind: OtlpKind;
  mode: Mode | PointError;
  points: readonly NumberPoint[];
}

function numberPoints(data: NumberData): readonly NumberPoint[] {
  return (data.dataPoints ?? []).map(numberPointOf);
}

/** The shape of a gauge or sum, null for another metric. */
function numberShapeOf(metric: OtlpMetric): NumberShape | null {
  if (metric.gauge) return { kind: 'gauge', mode: 'gauge', points: numberPoints(metric.gauge) };
  if (!metric.sum) return null;
  const { sum } = metric;
  const monotonic = sum.isMonotonic === true;
  let mode: Mode | PointError;
  try {
    mode = modeOf(sum.aggregationTemporality);
    if (mode === 'cumulative' && !monotonic) mode = 'gauge';
  } catch (err) {
    if (!(err instanceof PointError)) throw err;
    mode = err;
  }
  return { kind: monotonic ? 'counter' : 'gauge', mode, points: numberPoints(sum) };
}

/** The metric's kind, points and how they are stored; null when it carries no data. */
interface MetricShape {
  kind: OtlpKind;
  mode: () => Mode;
  points: readonly (HistogramDataPoint | ExponentialHistogramDataPoint | SummaryDataPoint)[];
  values: (name: string, labels: Labels, point: never) => PointValue[];
}

/** The shape of a histogram, exponential histogram or summary. */
function shapeOf(metric: OtlpMetric): MetricShape | null {
  if (metric.histogram) {
    const { histogram } = metric;
    return {
      kind: 'histogram',
      mode: () => modeOf(histogram.aggregationTemporality),
      points: histogram.dataPoints ?? [],
      values: histogramValues,
    };
  }
  if (metric.exponentialHistogram) {
    const { exponentialHistogram } = metric;
    return {
      kind: 'histogram',
      mode: () => modeOf(exponentialHistogram.aggregationTemporality),
      points: exponentialHistogram.dataPoints ?? [],
      values: exponentialValues,
    };
  }
  if (metric.summary)
    return { kind: 'summary', mode: () => 'gauge', points: metric.summary.dataPoints ?? [], values: summaryValues };
  return null;
}

function metadataOf(name: string, metric: OtlpMetric, kind: OtlpKind): MetricMetadata {
  const unit = prometheusUnit(metric.unit ?? '', kind);
  const help = (metric.description ?? '').replace(/\s+/g, ' ').trim().slice(0, MAX_HELP_LENGTH);
  return {
    name,
    type: kind,
    ...(unit !== '' && unit.length <= MAX_UNIT_LENGTH ? { unit } : {}),
    ...(help !== '' ? { help } : {}),
  };
}

function seriesKey(stream: string, value: PointValue): string {
  return `${stream}\u0000${value.name}\u0000${value.labels.le ?? ''}`;
}

/** The value of the bucket series at `le` when the point has no bucket there: that of the nearest bound below. */
function cumulativeAt(buckets: readonly PointValue[], le: number): number {
  let value = 0;
  for (const b of buckets) if (Number(b.labels.le) <= le) value = Math.max(value, b.value);
  return value;
}

/**
 * An exponential histogram's values completed with every bound its stream had before (a bucket
 * series, once written, is written at every point, holding the count up to its bound), and the
 * bounds that appear for the first time.
 */
function withKnownBounds(
  values: PointValue[],
  known: ReadonlySet<string> | undefined,
): { values: PointValue[]; bounds: Set<string>; added: string[] } {
  const buckets = values.filter((v) => v.labels.le !== undefined && v.labels.le !== INF_BOUND);
  const present = new Set(buckets.map((v) => v.labels.le as string));
  const inf = values.find((v) => v.labels.le === INF_BOUND) as PointValue;
  const filled = [...values];
  for (const le of known ?? []) {
    if (present.has(le)) continue;
    filled.push({ name: inf.name, labels: { ...inf.labels, le }, value: cumulativeAt(buckets, Number(le)) });
  }
  const added = known ? [...present].filter((le) => !known.has(le)) : [];
  return { values: filled, bounds: new Set([...(known ?? []), ...present]), added };
}

/** The last value of the bucket series at the nearest known bound below `le` (0 when there is none). */
function valueBelow(tx: Transaction, stream: string, known: ReadonlySet<string>, template: PointValue): number {
  const le = Number(template.labels.le);
  let nearest: string | undefined;
  for (const b of known) if (Number(b) < le && (nearest === undefined || Number(b) > Number(nearest))) nearest = b;
  if (nearest === undefined) return 0;
  return tx.value(seriesKey(stream, { ...template, labels: { ...template.labels, le: nearest } })) ?? 0;
}

/**
 * Where a cumulative stream restarted (a new start time): the zero its series get, just after the
 * previous point and not before the new start, so that a rate sees the reset; null for none (or
 * no room before this point).
 */
function resetAt(mode: Mode, previous: StreamState | undefined, startMs: number, timestamp: number): number | null {
  if (mode !== 'cumulative' || !previous || previous.startMs <= 0 || startMs <= 0 || startMs === previous.startMs)
    return null;
  const at = Math.max(startMs, previous.lastMs + 1);
  return at < timestamp ? at : null;
}

/**
 * Turns one point's values into samples under its mode, staging the state it changes: delta values
 * are added to their series' totals; a cumulative stream's new start time writes zeros first; an
 * exponential histogram's bounds that appear for the first time start from the count below them
 * (a delta total, or a sample at the stream's previous timestamp), so no observation is lost.
 */
function storedPoint(
  pointValues: PointValue[],
  mode: Mode,
  key: string,
  point: HistogramDataPoint | ExponentialHistogramDataPoint | SummaryDataPoint,
  timestamp: number,
  tx: Transaction,
  exponential: boolean,
): IngestUnit {
  if (mode === 'gauge') {
    // The point's values are its own (made for it): they become its samples as they are.
    const samples = pointValues as MetricSample[];
    for (const sample of samples) sample.timestamp = timestamp;
    return { samples };
  }
  const previous = tx.stream(key);
  const { values, bounds, added }: { values: PointValue[]; bounds?: Set<string>; added: string[] } = exponential
    ? withKnownBounds(pointValues, previous?.bounds)
    : { values: pointValues, added: [] };
  const samples: MetricSample[] = [];
  const writes: PointWrites = { values: [] };
  const startMs = millisOfNanos(point.startTimeUnixNano);
  /** A bound this known stream never had: its series starts from the count below it, at the previous timestamp. */
  const startOfNew = (v: PointValue): number | null =>
    previous?.bounds && added.includes(v.labels.le ?? '') ? valueBelow(tx, key, previous.bounds, v) : null;
  const reset = resetAt(mode, previous, startMs, timestamp);
  if (reset !== null)
    for (const v of values) samples.push({ name: v.name, labels: v.labels, value: 0, timestamp: reset });
  const remembered = mode === 'delta' || exponential;
  for (const v of values) {
    const series = remembered ? seriesKey(key, v) : '';
    const start = startOfNew(v);
    if (start !== null && previous && previous.lastMs < timestamp) {
      samples.push({ name: v.name, labels: v.labels, value: start, timestamp: previous.lastMs });
    }
    const value = mode === 'delta' ? (tx.value(series) ?? start ?? 0) + v.value : v.value;
    if (remembered) writes.values.push([series, value]);
    samples.push({ name: v.name, labels: v.labels, value, timestamp });
  }
  const lastMs = Math.max(previous?.lastMs ?? 0, timestamp);
  writes.stream = [key, { startMs, lastMs, ...(bounds ? { bounds } : {}) }];
  return tx.stage(samples, writes);
}

/** Why a number point cannot be stored, in the order the other points are checked, or null. */
function numberFault(point: NumberPoint, mode: Mode | PointError): string | null {
  if (!Number.isSafeInteger(point.timeMs) || point.timeMs <= 0 || point.timeMs > MAX_TIMESTAMP) {
    return TIMESTAMP_FAULT;
  }
  if (mode instanceof PointError) return mode.message;
  if (point.member === undefined) return 'the data point has no value';
  if (point.member === 'asDouble' && !Number.isFinite(point.value)) return 'the value is not a finite number';
  return null;
}

/** A stream's key and, for a delta stream, the key of the total it accumulates. */
interface NumberStream {
  key: string;
  total: string;
}

/**
 * A counter's (or delta gauge's) point as samples under its mode, staging the state it changes:
 * storedPoint for a single value, without the histograms' buckets.
 */
function storedNumber(
  point: NumberPoint,
  mode: Mode,
  name: string,
  labels: Labels,
  stream: NumberStream,
  tx: Transaction,
): IngestUnit {
  const previous = tx.stream(stream.key);
  const timestamp = point.timeMs;
  const { startMs } = point;
  const samples: MetricSample[] = [];
  const reset = resetAt(mode, previous, startMs, timestamp);
  if (reset !== null) samples.push({ name, labels, value: 0, timestamp: reset });
  const value = mode === 'delta' ? point.value + (tx.value(stream.total) ?? 0) : point.value;
  samples.push({ name, labels, value, timestamp });
  const state = { startMs, lastMs: Math.max(previous?.lastMs ?? 0, timestamp) };
  return tx.stageStream(samples, stream.key, state, mode === 'delta' ? stream.total : null, value);
}

/** A metric's family; null (and its points rejected) when it has no name. */
function startFamily(metric: OtlpMetric, kind: OtlpKind, points: number, out: Translation): MetricFamily | null {
  if (!metric.name) {
    out.rejections.add('a metric has no name', points);
    return null;
  }
  const name = prometheusMetricName(metric.name, metric.unit ?? '', kind);
  return { metadata: metadataOf(name, metric, kind), points: [] };
}

function translateNumbers(
  metric: OtlpMetric,
  shape: NumberShape,
  labelSets: LabelSets,
  tx: Transaction,
  out: Translation,
): void {
  const family = startFamily(metric, shape.kind, shape.points.length, out);
  if (!family) return;
  const name = family.metadata.name;
  const { mode } = shape;
  const streams = new Map<PointLabels, NumberStream>();
  for (const point of shape.points) {
    if ((point.flags & FLAG_NO_RECORDED_VALUE) !== 0) {
      family.points.push({ samples: [] });
      continue;
    }
    const fault = numberFault(point, mode);
    if (fault !== null) {
      out.rejections.add(`${name}: ${fault}`);
      continue;
    }
    const pointLabels = labelSets.of(point.attributeSet);
    const { labels } = pointLabels;
    if (mode === 'gauge') {
      family.points.push({ samples: [{ name, labels, value: point.value, timestamp: point.timeMs }] });
      continue;
    }
    let stream = streams.get(pointLabels);
    if (stream === undefined) {
      const key = name + pointLabels.streamSuffix;
      stream = { key, total: seriesKey(key, { name, labels, value: 0 }) };
      streams.set(pointLabels, stream);
    }
    family.points.push(storedNumber(point, mode as Mode, name, labels, stream, tx));
  }
  if (family.points.length > 0) out.families.push(family);
}

function translateMetric(metric: OtlpMetric, labelSets: LabelSets, tx: Transaction, out: Translation): void {
  const numbers = numberShapeOf(metric);
  if (numbers) {
    translateNumbers(metric, numbers, labelSets, tx, out);
    return;
  }
  const shape = shapeOf(metric);
  if (!shape) return;
  const family = startFamily(metric, shape.kind, shape.points.length, out);
  if (!family) return;
  const name = family.metadata.name;
  for (const point of shape.points) {
    try {
      if (((point.flags ?? 0) & FLAG_NO_RECORDED_VALUE) !== 0) {
        family.points.push({ samples: [], commit: () => undefined });
        continue;
      }
      const timestamp = timestampOf(point.timeUnixNano);
      const { labels, streamSuffix } = labelSets.of(attributeSetOf(point.attributes));
      const mode = shape.mode();
      const values = shape.values(name, labels, point as never);
      const key = mode === 'gauge' ? '' : name + streamSuffix;
      family.points.push(storedPoint(values, mode, key, point, timestamp, tx, metric.exponentialHistogram != null));
    } catch (err) {
      if (!(err instanceof PointError)) throw err;
      out.rejections.add(`${name}: ${err.message}`);
    }
  }
  if (family.points.length > 0) out.families.push(family);
}

/** Maps a request, yielding to the event loop through `pacer` between metrics. */
export async function translateRequest(
  request: ExportRequest,
  state: SeriesState,
  options: TranslateOptions,
  pacer = new Pacer(),
): Promise<Translation> {
  const out: Translation = { families: [], rejections: new Rejections() };
  const tx = new Transaction(state);
  for (const resourceMetrics of request.resourceMetrics ?? []) {
    const labelSets = new LabelSets(
      resourceLabels(resourceMetrics.resource?.attributes ?? [], options.resourceAttributes),
    );
    for (const scope of resourceMetrics.scopeMetrics ?? []) {
      for (const metric of scope.metrics ?? []) {
        translateMetric(metric, labelSets, tx, out);
        await pacer.advance(pointsOf(metric));
      }
    }
  }
  return out;
}
