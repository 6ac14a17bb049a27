/**
 * A validated sample, as ingest passes it on (validate.ts builds it): a plain copy of the caller's
 * fields, and either the series the same name and labels were sent for before, or its labels as a
 * flat list [name, value, name, value, ...] in the caller's key order; and the reads of it.
 */
import type { Labels, Series } from '../types.ts';

/** The validated copy of a sample. */
export interface ValidSample {
  name: string;
  value: number;
  timestamp: number;
  /** The series this name and these labels, in this order, were sent for before; undefined for a new form. */
  series: Series | undefined;
  /** The labels as [name, value, name, value, ...] in the caller's key order; empty when `series` is known. */
  labels: readonly string[];
}

/** The value of label `name` of a validated sample, if it has it (a known series' own label set: the same values). */
export function sampleLabel(sample: ValidSample, name: string): string | undefined {
  if (sample.series === undefined) return labelValue(sample.labels, name);
  return Object.hasOwn(sample.series.labels, name) ? sample.series.labels[name] : undefined;
}

/** The value of label `name` in a validated copy's labels, if it has it. */
function labelValue(labels: readonly string[], name: string): string | undefined {
  for (let k = 0; k < labels.length; k += 2) if (labels[k] === name) return labels[k + 1];
  return undefined;
}

/** A validated copy's labels as an object. */
export function labelsObject(labels: readonly string[]): Labels {
  const object: Labels = {};
  for (let k = 0; k < labels.length; k += 2) object[labels[k]!] = labels[k + 1]!;
  return object;
}
