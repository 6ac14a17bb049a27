/**
 * Long ingest work in steps: a Pacer counts the units of work done (data points decoded or
 * mapped, samples stored) and hands the event loop back every STEP_UNITS of them, so the panel's
 * calls to the same host are answered while a large request is ingested.
 */
import { setImmediate } from 'node:timers/promises';

/** Units of work between two yields: a few milliseconds of decoding, mapping or writing. */
export const STEP_UNITS = 4_000;

export class Pacer {
  private done = 0;

  constructor(private readonly every = STEP_UNITS) {}

  /** Counts `units` of work; yields to the event loop once a step's worth has been done. */
  async advance(units: number): Promise<void> {
    this.done += units;
    if (this.done < this.every) return;
    this.done = 0;
    await setImmediate();
  }
}
