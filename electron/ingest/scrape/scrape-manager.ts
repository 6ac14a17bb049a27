/**
 * Runs the scrape targets: each on its own interval (the first scrape at once), one scrape of a
 * target at a time, with a timeout below its interval. `setTargets` takes the whole list whenever it
 * changes: removed or changed targets stop (a scrape under way is abandoned and records nothing),
 * new or changed ones start. Timers are unref'd, so they never keep a process alive; `close()`
 * stops everything and waits for scrapes under way to settle. Each finished scrape is handed to
 * `onResult` (the status board).
 */
import type { ScrapeTarget } from '../../../shared/ingest.ts';
import { DeclaredMetadata } from '../declared-metadata.ts';
import { SCRAPE_METRIC_METADATA, declareAll, scrapeOnce, type ScrapeResult, type ScrapeStore } from './scrape-once.ts';

/** A scrape never waits longer than this, nor longer than SCRAPE_TIMEOUT_SHARE of its interval. */
const MAX_SCRAPE_TIMEOUT_MS = 10_000;
const SCRAPE_TIMEOUT_SHARE = 0.8;

export function scrapeTimeoutMs(intervalSeconds: number): number {
  return Math.min(MAX_SCRAPE_TIMEOUT_MS, intervalSeconds * 1000 * SCRAPE_TIMEOUT_SHARE);
}

export interface ScrapeManagerOptions {
  store: ScrapeStore;
  onResult: (target: ScrapeTarget, result: ScrapeResult) => void;
  /** Epoch ms (the samples' default timestamps). */
  now?: () => number;
  /** What went wrong outside a scrape's own result (a refused declaration of up, a failing onResult). */
  onError?: (err: string) => void;
}

/** One target's loop. */
class TargetLoop {
  readonly target: ScrapeTarget;
  private timer: NodeJS.Timeout | undefined;
  private readonly abort = new AbortController();
  /** The scrape under way, if any. */
  running: Promise<void> | undefined;
  private readonly run: (target: ScrapeTarget, signal: AbortSignal) => Promise<void>;

  constructor(target: ScrapeTarget, run: (target: ScrapeTarget, signal: AbortSignal) => Promise<void>) {
    this.target = target;
    this.run = run;
    this.schedule(0);
  }

  private schedule(delayMs: number): void {
    if (this.abort.signal.aborted) return;
    this.timer = setTimeout(() => this.tick(), delayMs);
    this.timer.unref();
  }

  private tick(): void {
    const started = Date.now();
    this.running = this.run(this.target, this.abort.signal).finally(() => {
      this.running = undefined;
      this.schedule(Math.max(0, started + this.target.intervalSeconds * 1000 - Date.now()));
    });
  }

  stop(): Promise<void> | undefined {
    clearTimeout(this.timer);
    this.abort.abort();
    return this.running;
  }
}

function sameTarget(a: ScrapeTarget, b: ScrapeTarget): boolean {
  return a.url === b.url && a.intervalSeconds === b.intervalSeconds && a.job === b.job;
}

export class ScrapeManager {
  private readonly loops = new Map<number, TargetLoop>();
  private readonly declared = new DeclaredMetadata();
  private readonly options: ScrapeManagerOptions;
  private readonly now: () => number;
  private closed = false;

  constructor(options: ScrapeManagerOptions) {
    this.options = options;
    this.now = options.now ?? Date.now;
    for (const refusal of declareAll(options.store, SCRAPE_METRIC_METADATA, this.declared)) options.onError?.(refusal);
  }

  /** The targets to scrape from now on (the whole list). */
  setTargets(targets: readonly ScrapeTarget[]): void {
    if (this.closed) return;
    const wanted = new Map(targets.map((t) => [t.id, t]));
    for (const [id, loop] of this.loops) {
      const target = wanted.get(id);
      if (target && sameTarget(target, loop.target)) {
        wanted.delete(id);
        continue;
      }
      void loop.stop();
      this.loops.delete(id);
    }
    for (const target of wanted.values()) {
      this.loops.set(target.id, new TargetLoop({ ...target }, (t, signal) => this.scrape(t, signal)));
    }
  }

  private async scrape(target: ScrapeTarget, signal: AbortSignal): Promise<void> {
    try {
      const result = await scrapeOnce(target, {
        store: this.options.store,
        now: this.now,
        timeoutMs: scrapeTimeoutMs(target.intervalSeconds),
        declared: this.declared,
        signal,
      });
      if (result) this.options.onResult(target, result);
    } catch (err) {
      // Never a rejection nobody handles: the loop goes on at its next interval.
      this.options.onError?.(`scraping ${target.url}: ${err instanceof Error ? err.message : String(err)}`);
    }
  }

  /** Stops every target and waits for the scrapes under way. */
  async close(): Promise<void> {
    this.closed = true;
    const running = [...this.loops.values()].flatMap((loop) => loop.stop() ?? []);
    this.loops.clear();
    await Promise.allSettled(running);
  }
}
