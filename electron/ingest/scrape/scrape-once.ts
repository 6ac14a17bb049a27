/**
 * One scrape of one target, from the GET to the store, all or nothing: the response is fetched and
 * parsed whole, declared (type, unit, help), then stored in one batch, which the store takes whole
 * or refuses whole. Like Prometheus, every scrape then records `up` (1 or 0),
 * `scrape_duration_seconds` and `scrape_samples_scraped` under the target's job and instance, at
 * the scrape's start. A failure (refused URL, network, HTTP status, timeout, oversize, garbage, a
 * batch the store refuses) stores no sample of the target and gives up = 0 and the error; a
 * declaration the store refuses (a type that contradicts stored data) or values it cannot keep
 * (NaN, ±Inf) are reported in the result's error while the rest is stored.
 */
import { performance } from 'node:perf_hooks';
import type { MetricMetadata, MetricSample, TimeSeriesStorage } from '../../../storage/src/index.ts';
import type { ScrapeTarget } from '../../../shared/ingest.ts';
import type { DeclaredMetadata } from '../declared-metadata.ts';
import { formatOf, parseExposition } from './exposition-parser.ts';
import { ExpositionError } from './exposition-lexer.ts';
import { ScrapeError, fetchExposition } from './scrape-fetch.ts';
import { scrapedSamples, type TargetLabels } from './scrape-samples.ts';

/** The store as a scrape uses it. */
export type ScrapeStore = Pick<TimeSeriesStorage, 'insertSamples' | 'describeMetric'>;

const SCRAPE_METRIC = {
  up: 'up',
  duration: 'scrape_duration_seconds',
  samples: 'scrape_samples_scraped',
} as const;

/** What every scrape records about itself (declared once per scraper). */
export const SCRAPE_METRIC_METADATA: readonly MetricMetadata[] = [
  { name: SCRAPE_METRIC.up, type: 'gauge', help: '1 if the last scrape of the target succeeded, else 0' },
  { name: SCRAPE_METRIC.duration, type: 'gauge', unit: 'seconds', help: 'How long the scrape of the target took' },
  { name: SCRAPE_METRIC.samples, type: 'gauge', help: 'Samples the target exposed in the scrape' },
];

export interface ScrapeResult {
  up: 0 | 1;
  /** When the scrape started (its samples' default timestamp) and ended, epoch ms. */
  startedAt: number;
  endedAt: number;
  durationSeconds: number;
  /** Samples of the exposition the store took (already stored ones included). */
  accepted: number;
  /** Samples it did not take: all of a failed scrape that got that far, or the non-finite ones. */
  rejected: number;
  /** Why the scrape failed, or what it could not store while succeeding; null when all went well. */
  error: string | null;
}

export interface ScrapeDeps {
  store: ScrapeStore;
  now: () => number;
  timeoutMs: number;
  /** The declarations this scraper already made, so unchanged ones are not repeated. */
  declared: DeclaredMetadata;
  /** Aborted when the target is removed or the scraper closes: nothing more is stored. */
  signal?: AbortSignal;
}

/** The labels the target's series get: job as configured, instance = the URL's host:port. */
function targetLabels(target: Pick<ScrapeTarget, 'url' | 'job'>): TargetLabels {
  return { job: target.job, instance: new URL(target.url).host };
}

/** Declares what is new or changed; returns the store's refusals as messages. */
export function declareAll(
  store: ScrapeStore,
  declarations: readonly MetricMetadata[],
  declared: DeclaredMetadata,
): string[] {
  const refusals: string[] = [];
  for (const meta of declarations) {
    try {
      declared.declare(store, meta);
    } catch (err) {
      const code = (err as { code?: unknown }).code;
      const message = err instanceof Error ? err.message : String(err);
      refusals.push(`declaration refused${typeof code === 'string' ? ` (${code})` : ''}: ${message}`);
    }
  }
  return refusals;
}

function asScrapeError(err: unknown): ScrapeError {
  if (err instanceof ScrapeError) return err;
  if (err instanceof ExpositionError) return new ScrapeError('garbage', `not a valid exposition: ${err.message}`);
  const code = (err as { code?: unknown }).code;
  const message = err instanceof Error ? err.message : String(err);
  return new ScrapeError(
    'store',
    typeof code === 'string' ? `the store refused the samples (${code}): ${message}` : message,
  );
}

interface Outcome {
  accepted: number;
  rejected: number;
  /** The scraped samples' count as the exposition gave it. */
  scraped: number;
  problems: string[];
}

async function fetchAndStore(
  target: ScrapeTarget,
  deps: ScrapeDeps,
  startedAt: number,
  outcome: Outcome,
): Promise<void> {
  const fetched = await fetchExposition(target.url, { timeoutMs: deps.timeoutMs, signal: deps.signal });
  const exposition = parseExposition(fetched.body, formatOf(fetched.contentType));
  const { samples, declarations, nonFinite } = scrapedSamples(exposition, targetLabels(target), startedAt);
  outcome.scraped = exposition.samples.length;
  outcome.rejected = samples.length + nonFinite;
  if (deps.signal?.aborted) return;
  outcome.problems.push(...declareAll(deps.store, declarations, deps.declared));
  await deps.store.insertSamples(samples);
  outcome.accepted = samples.length;
  outcome.rejected = nonFinite;
  if (nonFinite > 0) outcome.problems.push(`${nonFinite} samples with NaN or infinite values were not stored`);
}

function scrapeSeries(labels: TargetLabels, result: ScrapeResult, scraped: number): MetricSample[] {
  const timestamp = result.startedAt;
  const values = { up: result.up, duration: result.durationSeconds, samples: scraped };
  return (Object.keys(values) as (keyof typeof values)[]).map((key) => ({
    name: SCRAPE_METRIC[key],
    value: values[key],
    timestamp,
    labels: { ...labels },
  }));
}

/** Scrapes `target` once; undefined when the scrape was stopped (nothing of it is recorded then). */
export async function scrapeOnce(target: ScrapeTarget, deps: ScrapeDeps): Promise<ScrapeResult | undefined> {
  const startedAt = deps.now();
  const started = performance.now();
  const outcome: Outcome = { accepted: 0, rejected: 0, scraped: 0, problems: [] };
  let failure: ScrapeError | undefined;
  try {
    await fetchAndStore(target, deps, startedAt, outcome);
  } catch (err) {
    failure = asScrapeError(err);
  }
  if (deps.signal?.aborted) return undefined;
  const result: ScrapeResult = {
    up: failure ? 0 : 1,
    startedAt,
    endedAt: deps.now(),
    durationSeconds: (performance.now() - started) / 1000,
    accepted: outcome.accepted,
    rejected: outcome.rejected,
    error: failure ? failure.message : outcome.problems.length > 0 ? outcome.problems.join('; ') : null,
  };
  try {
    await deps.store.insertSamples(scrapeSeries(targetLabels(target), result, outcome.scraped));
  } catch (err) {
    result.error = [result.error, `up and scrape_duration_seconds not stored: ${asScrapeError(err).message}`]
      .filter(Boolean)
      .join('; ');
  }
  return result;
}
