/**
 * The deterministic e2e fixture: one metric with two series sampled every minute for 48 hours up
 * to a whole-hour anchor, with one hour missing (a gap), written through the real engine and rolled
 * up, plus one recorded alert (and, where asked, each series' baseline). Tests derive every
 * expected count from these constants.
 */
import { TimeSeriesStorage, type MetricSample } from '../../storage/src/index.ts';

import { HOUR_MS } from '../../shared/constants.ts';

export { HOUR_MS };
export const STEP_MS = 60_000;

export const FIXTURE = {
  metric: 'e2e_request_latency_milliseconds',
  hosts: ['alpha-7f3a9c', 'beta-51d2e8'],
  region: 'eu-north-q4z',
  hours: 48,
  /** The missing hour, counted back from the anchor: [anchor - 18h, anchor - 17h). */
  gapHoursBeforeAnchor: 18,
} as const;

/** The fixture's one recorded alert: critical, on the first host, three hours before the anchor. */
export function fixtureAlert(anchor: number) {
  return {
    metricName: FIXTURE.metric,
    labels: { host: FIXTURE.hosts[0], region: FIXTURE.region },
    alertType: 'threshold',
    severity: 'critical' as const,
    value: 912,
    threshold: 500,
    timestamp: anchor - 3 * HOUR_MS,
    message: 'e2e fixture alert',
  };
}

/** The original label values; none of them may appear in an anonymised export. */
export const ORIGINAL_LABEL_VALUES: readonly string[] = [...FIXTURE.hosts, FIXTURE.region];

export const SAMPLES_PER_SERIES = FIXTURE.hours * 60 - 60;
export const FIXTURE_SAMPLES = SAMPLES_PER_SERIES * FIXTURE.hosts.length;

/** The end of the fixture window: an hour boundary an hour or two before now. */
export function fixtureAnchor(now: number): number {
  return Math.floor(now / HOUR_MS) * HOUR_MS - HOUR_MS;
}

export function gapWindow(anchor: number): { start: number; end: number } {
  const start = anchor - FIXTURE.gapHoursBeforeAnchor * HOUR_MS;
  return { start, end: start + HOUR_MS };
}

export function fixtureSamples(anchor: number): MetricSample[] {
  const gap = gapWindow(anchor);
  const samples: MetricSample[] = [];
  for (let t = anchor - FIXTURE.hours * HOUR_MS; t < anchor; t += STEP_MS) {
    if (t >= gap.start && t < gap.end) continue;
    const minute = t / STEP_MS;
    FIXTURE.hosts.forEach((host, index) => {
      samples.push({
        name: FIXTURE.metric,
        value: 80 + index * 60 + 25 * Math.sin(minute / 90 + index) + (minute % 7),
        timestamp: t,
        labels: { host, region: FIXTURE.region },
      });
    });
  }
  return samples;
}

/**
 * The baseline the engine computes for one fixture series (every one of its samples lies in the
 * default 7-day window): the mean and population standard deviation of its values.
 */
export function fixtureBaseline(anchor: number, host: string): { mean: number; stddev: number } {
  const values = fixtureSamples(anchor)
    .filter((s) => s.labels?.host === host)
    .map((s) => s.value);
  const mean = values.reduce((sum, v) => sum + v, 0) / values.length;
  const variance = values.reduce((sum, v) => sum + (v - mean) ** 2, 0) / values.length;
  return { mean, stddev: Math.sqrt(variance) };
}

export interface SeedOptions {
  /** Also compute the baselines (`computeBaselines()`), as the host's 15-minute job would. */
  baselines?: boolean;
}

/** Writes the fixture into the store at `dbPath` and rolls it up. */
export async function seedFixture(dbPath: string, anchor: number, options: SeedOptions = {}): Promise<void> {
  const store = new TimeSeriesStorage({ dbPath });
  try {
    const samples = fixtureSamples(anchor);
    for (let i = 0; i < samples.length; i += 5_000) await store.insertSamples(samples.slice(i, i + 5_000));
    for (const interval of store.intervals) await store.aggregate(interval);
    store.recordAlert(fixtureAlert(anchor));
    if (options.baselines === true) await store.computeBaselines();
    store.checkpoint();
  } finally {
    store.close();
  }
}
