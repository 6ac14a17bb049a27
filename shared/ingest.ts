/**
 * The ingest contract: how the user's other software feeds the store over loopback, through the
 * OTLP/HTTP receiver (push) and Prometheus scrape targets (pull), and what the panel shows of it.
 * The storage host implements these calls (see PanelApi); the Settings view's "Other apps"
 * section and the status view use them.
 */

/** OTLP/HTTP's standard port; 0 picks a free one. */
export const DEFAULT_OTLP_PORT = 4318;
/** How often a scrape target is scraped unless it says otherwise. */
export const DEFAULT_SCRAPE_INTERVAL_SECONDS = 10;

export interface OtlpSettings {
  /** Off by default: nothing listens until the user asks. */
  enabled: boolean;
  /** The loopback port (127.0.0.1); 0 picks a free one. */
  port: number;
  /** When set, requests must carry `Authorization: Bearer <token>`. */
  token?: string;
}

export interface IngestSettings {
  otlp: OtlpSettings;
  /** OTLP resource attributes kept as labels besides service.name (job) and service.instance.id (instance). */
  resourceAttributes?: string[];
}

export interface ScrapeTarget {
  id: number;
  /** A loopback http(s) URL (127.0.0.0/8, ::1, localhost). */
  url: string;
  intervalSeconds: number;
  /** The `job` label of its series (defaults to the URL's host:port). */
  job: string;
}

export interface NewScrapeTarget {
  /** Present to update an existing target. */
  id?: number;
  url: string;
  intervalSeconds?: number;
  job?: string;
}

/** Counts and the last error of one source since the host started. */
export interface IngestCounts {
  accepted: number;
  rejected: number;
  lastError: string | null;
  /** When lastError happened (epoch ms). */
  lastErrorAt: number | null;
}

export interface OtlpStatus extends IngestCounts {
  /** The address it listens on (`http://127.0.0.1:PORT/v1/metrics`), or null when off or not listening. */
  address: string | null;
}

export interface ScrapeTargetStatus extends ScrapeTarget, IngestCounts {
  /** When the last scrape ended (epoch ms), null before the first. */
  lastScrape: number | null;
  /** 1 when the last scrape succeeded, 0 when it failed, null before the first. */
  up: 0 | 1 | null;
  /** How long the last scrape took. */
  lastDurationSeconds: number | null;
}

export interface IngestStatus {
  otlp: OtlpStatus;
  targets: ScrapeTargetStatus[];
}
