/**
 * Bounded steps: long jobs (rollups over a backlog, compaction) run as a series of short
 * transactions. Run from the public API they hand the event loop back between steps, so ingest
 * and queries keep going while a big job runs; inside another write they run back to back.
 */
import { setImmediate as nextTurn } from 'node:timers/promises';

/** One bounded piece of work: what it counted, or null when nothing was left to do. */
export type Step = () => number | null;

export function runSteps(step: Step): number {
  let total = 0;
  for (let n = step(); n !== null; n = step()) total += n;
  return total;
}

export async function runStepsYielding(step: Step): Promise<number> {
  let total = 0;
  for (let n = step(); n !== null; n = step()) {
    total += n;
    await nextTurn();
  }
  return total;
}
