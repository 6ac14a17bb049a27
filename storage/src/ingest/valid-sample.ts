/**
 * A validated sample, as ingest passes it on (validate.ts builds it): a plain copy of the caller's
 * fields, its labels as a flat list [name, value, name, value, ...] in the caller's key order, and
 * the reads of that list.
 */
import type { Labels } from '../types.ts';

/** The validated copy of a sample: `labels` is [name, value, name, value, ...] in the caller's key order. */
export interface ValidSample {
  name: string;
  value: number;
  timestamp: number;
  labels: readonly string[];
}

/** The value of label `name` in a validated copy's labels, if it has it. */
export function labelValue(labels: readonly string[], name: string): string | undefined {
  for (let k = 0; k < labels.length; k += 2) if (labels[k] === name) return labels[k + 1];
  return undefined;
}

/** A validated copy's labels as an object. */
export function labelsObject(labels: readonly string[]): Labels {
  const object: Labels = {};
  for (let k = 0; k < labels.length; k += 2) object[labels[k]!] = labels[k + 1]!;
  return object;
}
