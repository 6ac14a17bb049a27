/**
 * Scraping in the storage host: a ScrapeManager that follows the saved scrape targets (it restarts
 * on every change of the ingest settings) and reports each scrape to the status board: the last
 * scrape (when, up, how long), the points accepted, and the points rejected with the error.
 */
import type { IngestContext } from '../../host/ingest-handlers.ts';
import { scrapeSource } from '../ingest-status.ts';
import { ScrapeManager } from './scrape-manager.ts';
import type { ScrapeResult, ScrapeStore } from './scrape-once.ts';

export interface ScrapeService {
  close(): Promise<void>;
}

function report({ board }: IngestContext, targetId: number, result: ScrapeResult): void {
  const source = scrapeSource(targetId);
  board.scraped(targetId, { at: result.endedAt, up: result.up, durationSeconds: result.durationSeconds });
  board.accepted(source, result.accepted);
  if (result.error !== null) board.rejected(source, result.rejected, result.error);
}

export function startScraping(
  store: ScrapeStore,
  ingest: IngestContext,
  options: { now: () => number; onError: (what: string, err: unknown) => void },
): ScrapeService {
  const manager = new ScrapeManager({
    store,
    now: options.now,
    onResult: (target, result) => report(ingest, target.id, result),
    onError: (message) => options.onError('scraping', message),
  });
  const follow = (): void => manager.setTargets(ingest.config.targets());
  const unsubscribe = ingest.config.onChange(follow);
  follow();
  return {
    close: () => {
      unsubscribe();
      return manager.close();
    },
  };
}
