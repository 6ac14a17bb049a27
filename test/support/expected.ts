/**
 * Test support: expected values computed here, independently of the store, from the documented
 * rules: rollup buckets straight from the samples, the export's column types as DuckDB reads them,
 * the canonical labels text and label map an export writes, the export id's form, and the
 * anonymisation pseudonyms.
 */
import { createHmac } from 'node:crypto';
import { INTERVAL_MS, type Interval, type Labels, type MetricSample } from '../../storage/src/index.ts';

export interface ExpectedBucket {
  /** The first sample of the bucket: its metric name and labels. */
  name: string;
  labels: Labels | undefined;
  /** Bucket start (ms). */
  bucket: number;
  count: number;
  sum: number;
  min: number;
  max: number;
}

/**
 * Buckets computed straight from the samples: each sample falls in the `interval` bucket that
 * contains its timestamp, in the group `keyOf(sample, bucketStart)` names.
 */
export function expectedBuckets(
  samples: readonly MetricSample[],
  interval: Interval,
  keyOf: (sample: MetricSample, bucket: number) => string,
): Map<string, ExpectedBucket> {
  const width = INTERVAL_MS[interval];
  const out = new Map<string, ExpectedBucket>();
  for (const s of samples) {
    const bucket = Math.floor(s.timestamp / width) * width;
    const key = keyOf(s, bucket);
    const e = out.get(key);
    if (!e)
      out.set(key, { name: s.name, labels: s.labels, bucket, count: 1, sum: s.value, min: s.value, max: s.value });
    else {
      e.count++;
      e.sum += s.value;
      e.min = Math.min(e.min, s.value);
      e.max = Math.max(e.max, s.value);
    }
  }
  return out;
}

/** The column types of a raw export, as DuckDB reads them. */
export const RAW_COLUMN_TYPES = {
  metric_name: 'VARCHAR',
  timestamp: 'TIMESTAMP WITH TIME ZONE',
  value: 'DOUBLE',
  labels: 'VARCHAR',
  metric_type: 'VARCHAR',
  unit: 'VARCHAR',
  label_map: 'MAP(VARCHAR, VARCHAR)',
} as const;

/** The column types of a rollup export (any interval), as DuckDB reads them. */
export const ROLLUP_COLUMN_TYPES = {
  metric_name: 'VARCHAR',
  bucket: 'TIMESTAMP WITH TIME ZONE',
  count: 'BIGINT',
  sum: 'DOUBLE',
  min: 'DOUBLE',
  max: 'DOUBLE',
  avg: 'DOUBLE',
  labels: 'VARCHAR',
  metric_type: 'VARCHAR',
  unit: 'VARCHAR',
  label_map: 'MAP(VARCHAR, VARCHAR)',
} as const;

/** The canonical labels text an export writes: sorted keys, empty values dropped. */
export function labelsJson(labels: Labels | undefined): string {
  const entries = Object.entries(labels ?? {})
    .filter(([, v]) => v !== '')
    .sort(([a], [b]) => (a < b ? -1 : a > b ? 1 : 0));
  return `{${entries.map(([k, v]) => `${JSON.stringify(k)}:${JSON.stringify(v)}`).join(',')}}`;
}

/** The pseudonym of a label value as documented: HMAC-SHA256 over 'L' + framed name + framed value, 16 hex digits. */
export function documentedPseudonym(key: Uint8Array, name: string, value: string): string {
  const framed = (text: string): Buffer[] => {
    const bytes = Buffer.from(text, 'utf8');
    const length = Buffer.alloc(4);
    length.writeUInt32BE(bytes.length);
    return [length, bytes];
  };
  const frame = Buffer.concat([Buffer.of(0x4c), ...framed(name), ...framed(value)]);
  return createHmac('sha256', key).update(frame).digest('hex').slice(0, 16);
}

/** The pseudonym of a metric name as documented: HMAC-SHA256 over 'M' + framed name, 16 hex digits. */
export function documentedMetricPseudonym(key: Uint8Array, name: string): string {
  const bytes = Buffer.from(name, 'utf8');
  const length = Buffer.alloc(4);
  length.writeUInt32BE(bytes.length);
  return createHmac('sha256', key)
    .update(Buffer.concat([Buffer.of(0x4d), length, bytes]))
    .digest('hex')
    .slice(0, 16);
}

/** The label map entries an export writes: empty values dropped, keys in code-unit order (as labelsJson). */
export function labelEntries(labels: Labels | undefined): { key: string; value: string }[] {
  return Object.entries(labels ?? {})
    .filter(([, v]) => v !== '')
    .sort(([a], [b]) => (a < b ? -1 : a > b ? 1 : 0))
    .map(([key, value]) => ({ key, value }));
}

/** A random export id as the export writes it: a version 4 UUID. */
export const EXPORT_ID = /^[0-9a-f]{8}-[0-9a-f]{4}-4[0-9a-f]{3}-[89ab][0-9a-f]{3}-[0-9a-f]{12}$/;
