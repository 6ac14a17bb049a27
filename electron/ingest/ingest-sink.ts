/**
 * Samples from another program into the store, in steps: units (an OTLP data point, a scraped
 * sample group) are written in batches of about STEP_UNITS samples, handing the event loop back
 * between batches so the panel's calls are answered during a large request. A unit is stored whole
 * or not at all and counted as accepted or rejected: when a batch is refused for one of its samples
 * (a label limit, the series limit), that batch's units are written again one by one so that only
 * the units at fault are rejected, each with the engine's reason, and the units after it go in
 * batches again. An error of the store itself (a
 * full disk, a closed store) rejects the units not yet written, with its message.
 */
import { CardinalityLimitError, InvalidSampleError, StorageError, type MetricSample } from '../../storage/src/index.ts';
import { Pacer, STEP_UNITS } from './pacing.ts';
import { Rejections } from './rejections.ts';

export interface IngestUnit {
  /** Stored together in one write, or not at all. */
  samples: MetricSample[];
  /** Called once the unit is stored. */
  commit?: () => void;
}

export interface SampleWriter {
  insertSamples(samples: MetricSample[]): Promise<number>;
}

export interface IngestResult {
  accepted: number;
  rejections: Rejections;
}

/** Why the engine refused a unit's samples, or null when the error is not about them. */
function sampleFault(err: unknown, samples: readonly MetricSample[]): string | null {
  const name = samples[0]?.name ?? '';
  if (err instanceof CardinalityLimitError)
    return `${name}: series limit reached (the store holds ${err.limit} series)`;
  if (err instanceof InvalidSampleError) return `${samples[err.index]?.name ?? name}: ${err.reason}`;
  return null;
}

function storeFault(err: unknown): string {
  return `the store refused the write: ${err instanceof StorageError ? `${err.code}: ` : ''}${err instanceof Error ? err.message : String(err)}`;
}

export async function ingestInSteps(
  store: SampleWriter,
  units: readonly IngestUnit[],
  rejections: Rejections = new Rejections(),
): Promise<IngestResult> {
  let accepted = 0;
  /** The units of a step the store refused go again one by one, up to here; then steps again. */
  let oneByOneUntil = 0;
  let next = 0;
  const pacer = new Pacer();
  while (next < units.length) {
    const oneByOne = next < oneByOneUntil;
    const end = oneByOne ? next + 1 : stepEnd(units, next);
    const samples = samplesOf(units, next, end);
    try {
      await store.insertSamples(samples);
    } catch (err) {
      const fault = sampleFault(err, samples);
      if (fault === null) {
        rejections.add(storeFault(err), units.length - next);
        break;
      }
      if (oneByOne) {
        rejections.add(fault);
        next = end;
      } else oneByOneUntil = end;
      continue;
    }
    for (let i = next; i < end; i++) units[i]?.commit?.();
    accepted += end - next;
    next = end;
    if (next < units.length) await pacer.advance(samples.length);
  }
  return { accepted, rejections };
}

/** The samples of units[start, end), in order. */
function samplesOf(units: readonly IngestUnit[], start: number, end: number): MetricSample[] {
  const samples: MetricSample[] = [];
  for (let i = start; i < end; i++) for (const sample of (units[i] as IngestUnit).samples) samples.push(sample);
  return samples;
}

/** The end of the step starting at `start`: at least one unit, about STEP_UNITS samples. */
function stepEnd(units: readonly IngestUnit[], start: number): number {
  let samples = 0;
  let end = start;
  while (end < units.length && (end === start || samples + (units[end]?.samples.length ?? 0) <= STEP_UNITS)) {
    samples += units[end]?.samples.length ?? 0;
    end += 1;
  }
  return end;
}
