/**
 * What the ingest sources did since the host started, for the status view (getIngestStatus): per
 * source, the points accepted and rejected and the last error; the OTLP receiver's address while it
 * listens; each scrape target's last scrape (when, up, how long). The receiver and the scraper
 * report here; nothing here is stored.
 */
import type { IngestCounts, IngestStatus, ScrapeTarget } from '../../shared/ingest.ts';

/** The OTLP receiver's source name; a scrape target's is scrapeSource(id). */
export const OTLP_SOURCE = 'otlp';

export function scrapeSource(targetId: number): string {
  return `scrape:${targetId}`;
}

export interface ScrapeResult {
  /** When the scrape ended (epoch ms). */
  at: number;
  up: 0 | 1;
  durationSeconds: number;
}

const noCounts = (): IngestCounts => ({ accepted: 0, rejected: 0, lastError: null, lastErrorAt: null });

export class IngestStatusBoard {
  private readonly counts = new Map<string, IngestCounts>();
  private readonly scrapes = new Map<number, ScrapeResult>();
  private otlpAddress: string | null = null;

  constructor(private readonly now: () => number = Date.now) {}

  accepted(source: string, points: number): void {
    this.entry(source).accepted += points;
  }

  /** Counts rejected points (possibly 0, for a request refused as a whole) and keeps the reason as the last error. */
  rejected(source: string, points: number, reason: string): void {
    const entry = this.entry(source);
    entry.rejected += points;
    entry.lastError = reason;
    entry.lastErrorAt = this.now();
  }

  scraped(targetId: number, result: ScrapeResult): void {
    this.scrapes.set(targetId, result);
  }

  /** Forgets a deleted target. */
  forgetTarget(targetId: number): void {
    this.scrapes.delete(targetId);
    this.counts.delete(scrapeSource(targetId));
  }

  setOtlpAddress(address: string | null): void {
    this.otlpAddress = address;
  }

  status(targets: ScrapeTarget[]): IngestStatus {
    return {
      otlp: { ...this.snapshot(OTLP_SOURCE), address: this.otlpAddress },
      targets: targets.map((target) => {
        const scrape = this.scrapes.get(target.id);
        return {
          ...target,
          ...this.snapshot(scrapeSource(target.id)),
          lastScrape: scrape?.at ?? null,
          up: scrape?.up ?? null,
          lastDurationSeconds: scrape?.durationSeconds ?? null,
        };
      }),
    };
  }

  private snapshot(source: string): IngestCounts {
    return { ...(this.counts.get(source) ?? noCounts()) };
  }

  private entry(source: string): IngestCounts {
    let entry = this.counts.get(source);
    if (!entry) this.counts.set(source, (entry = noCounts()));
    return entry;
  }
}
