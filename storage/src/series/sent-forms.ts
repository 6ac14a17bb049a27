/**
 * Series by the form a caller sent them in: metric name, then each label's name and value in the
 * caller's key order. A lookup walks it with one map read per name and per value (strings whose
 * hash the engine keeps), so a sample of a known series costs no text built and no sort. Only the
 * series registry adds to it, and only forms of validated samples, so every label on a path here
 * has passed validation: validation walks it too, takes a label it finds as checked, and hands the
 * series found to the appender.
 */
import type { Series } from '../types.ts';

/** One step of a sent form: the series its labels so far name, and the next label's name -> value -> step. */
export interface SentStep {
  series?: Series;
  next?: Map<string, Map<string, SentStep>>;
}

export class SentForms {
  private readonly byName = new Map<string, SentStep>();
  private forms = 0;

  /** Forms that lead to a series. */
  get size(): number {
    return this.forms;
  }

  /** The first step of a metric name's forms, if any was sent. */
  first(name: string): SentStep | undefined {
    return this.byName.get(name);
  }

  /** The series of a metric name and labels ([name, value, ...] as sent), if known. */
  get(name: string, labels: readonly string[]): Series | undefined {
    let step = this.byName.get(name);
    for (let k = 0; k < labels.length && step !== undefined; k += 2) step = nextStep(step, labels[k]!, labels[k + 1]);
    return step?.series;
  }

  set(name: string, labels: readonly string[], series: Series): void {
    let step = this.byName.get(name);
    if (step === undefined) this.byName.set(name, (step = {}));
    for (let k = 0; k < labels.length; k += 2) {
      step.next ??= new Map();
      let values = step.next.get(labels[k]!);
      if (values === undefined) step.next.set(labels[k]!, (values = new Map()));
      let after = values.get(labels[k + 1]!);
      if (after === undefined) values.set(labels[k + 1]!, (after = {}));
      step = after;
    }
    if (step.series === undefined) this.forms++;
    step.series = series;
  }

  clear(): void {
    this.byName.clear();
    this.forms = 0;
  }
}

/** The step after `step` for one more label, if that form was sent (a value that is not a string never was). */
export function nextStep(step: SentStep, name: string, value: unknown): SentStep | undefined {
  return step.next?.get(name)?.get(value as string);
}
