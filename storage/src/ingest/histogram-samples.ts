/**
 * The ingest rules of histograms, checked per sample after its fields are validated: a
 * `<base>_bucket` sample needs a valid `le` label (a float or "+Inf", bucket-bound.ts), whatever
 * its base, and its base must not be declared as another type; a declared histogram takes no
 * samples under its base name (only `_bucket`, `_sum`, `_count`). Cheap: a suffix test, and a map
 * lookup of declared types.
 */
import { InvalidSampleError } from '../errors.ts';
import { bucketBound, LE_LABEL } from '../metrics/bucket-bound.ts';
import { HISTOGRAM_SUFFIXES } from '../metrics/catalog.ts';
import type { MetricType } from '../types.ts';
import { sampleLabel, type ValidSample } from './valid-sample.ts';

/** The type declared for a metric name, if any. */
export type DeclaredType = (name: string) => MetricType | undefined;

const BUCKET = HISTOGRAM_SUFFIXES.bucket;

export function checkHistogramSample(sample: ValidSample, index: number, declaredType: DeclaredType): void {
  const { name } = sample;
  if (name.endsWith(BUCKET) && name.length > BUCKET.length) {
    const le = sampleLabel(sample, LE_LABEL);
    if (bucketBound(le) === undefined) {
      throw new InvalidSampleError(
        index,
        `${name} is a histogram bucket: its le label must be a float or +Inf, got ${le === undefined ? 'none' : JSON.stringify(le)}`,
      );
    }
    const base = name.slice(0, -BUCKET.length);
    const declared = declaredType(base);
    if (declared !== undefined && declared !== 'histogram') {
      throw new InvalidSampleError(index, `${name}: ${base} is declared a ${declared}, which has no buckets`);
    }
  } else if (declaredType(name) === 'histogram') {
    throw new InvalidSampleError(
      index,
      `${name} is declared a histogram: its samples are ${name}_bucket{le}, ${name}_sum and ${name}_count`,
    );
  }
}
