/**
 * The ingest settings, kept in the store with its other settings (store.setAppSetting): the OTLP
 * receiver's switch, port and token, the resource attributes it keeps, and the Prometheus scrape
 * targets. Every change is checked (a scrape target must be a loopback http(s) URL) and announced
 * to the listeners (the receiver and the scraper restart on it). A run can override the OTLP
 * settings without saving them (`npm start -- --otlp[=PORT]`).
 */
import type { TimeSeriesStorage } from '../../storage/src/index.ts';
import {
  DEFAULT_OTLP_PORT,
  DEFAULT_SCRAPE_INTERVAL_SECONDS,
  type IngestSettings,
  type NewScrapeTarget,
  type OtlpSettings,
  type ScrapeTarget,
} from '../../shared/ingest.ts';
import { ShellError } from '../host/shell-errors.ts';

export type SettingsStore = Pick<TimeSeriesStorage, 'getAppSetting' | 'setAppSetting'>;

const SETTINGS_KEY = 'ingest.settings';
const TARGETS_KEY = 'ingest.scrapeTargets';

const DEFAULT_INGEST_SETTINGS: IngestSettings = { otlp: { enabled: false, port: DEFAULT_OTLP_PORT } };

/** The hosts a scrape target may name: this machine only. */
export function isLoopbackHost(hostname: string): boolean {
  const host = hostname.replace(/^\[(.*)\]$/, '$1').toLowerCase();
  return host === 'localhost' || host === '::1' || /^127\.\d{1,3}\.\d{1,3}\.\d{1,3}$/.test(host);
}

/** A scrape target's URL, parsed; INVALID_ARGUMENT unless it is http(s) on a loopback address. */
export function checkLoopbackUrl(url: string): URL {
  let parsed: URL;
  try {
    parsed = new URL(url);
  } catch {
    throw new ShellError('INVALID_ARGUMENT', `${JSON.stringify(url)} is not a URL`);
  }
  if (parsed.protocol !== 'http:' && parsed.protocol !== 'https:') {
    throw new ShellError('INVALID_ARGUMENT', `a scrape target must be an http or https URL, not ${parsed.protocol}`);
  }
  if (!isLoopbackHost(parsed.hostname)) {
    throw new ShellError(
      'INVALID_ARGUMENT',
      `only this machine can be scraped (127.0.0.0/8, ::1, localhost): ${parsed.hostname} is another machine`,
    );
  }
  return parsed;
}

function readJson<T>(store: SettingsStore, key: string, fallback: T): T {
  const text = store.getAppSetting(key);
  return text === null ? fallback : (JSON.parse(text) as T);
}

export class IngestConfig {
  private readonly listeners = new Set<() => void>();
  private otlpOverride: OtlpSettings | null = null;

  constructor(private readonly store: SettingsStore) {}

  /** The settings in effect: as saved, with this run's OTLP override if any. */
  settings(): IngestSettings {
    const saved = readJson(this.store, SETTINGS_KEY, DEFAULT_INGEST_SETTINGS);
    return this.otlpOverride ? { ...saved, otlp: this.otlpOverride } : saved;
  }

  /** Saves the settings (already validated by the panel schema); a saved change ends this run's override. */
  setSettings(settings: IngestSettings): IngestSettings {
    this.store.setAppSetting(SETTINGS_KEY, JSON.stringify(settings));
    this.otlpOverride = null;
    this.changed();
    return this.settings();
  }

  /** Turns the OTLP receiver on for this run only, on `port` (the `--otlp[=PORT]` flag). */
  overrideOtlp(port: number): void {
    this.otlpOverride = { ...this.settings().otlp, enabled: true, port };
    this.changed();
  }

  targets(): ScrapeTarget[] {
    return readJson<ScrapeTarget[]>(this.store, TARGETS_KEY, []);
  }

  /** Creates a target (a new id) or updates the one with `target.id`; NOT_FOUND for an unknown id. */
  saveTarget(target: NewScrapeTarget): ScrapeTarget {
    const url = checkLoopbackUrl(target.url);
    const targets = this.targets();
    const saved: ScrapeTarget = {
      id: target.id ?? Math.max(0, ...targets.map((t) => t.id)) + 1,
      url: url.href,
      intervalSeconds: target.intervalSeconds ?? DEFAULT_SCRAPE_INTERVAL_SECONDS,
      job: target.job ?? url.host,
    };
    const index = targets.findIndex((t) => t.id === saved.id);
    if (target.id !== undefined && index < 0) throw new ShellError('NOT_FOUND', `no scrape target ${target.id}`);
    if (index >= 0) targets[index] = saved;
    else targets.push(saved);
    this.store.setAppSetting(TARGETS_KEY, JSON.stringify(targets));
    this.changed();
    return saved;
  }

  deleteTarget(id: number): void {
    const targets = this.targets();
    if (!targets.some((t) => t.id === id)) throw new ShellError('NOT_FOUND', `no scrape target ${id}`);
    this.store.setAppSetting(TARGETS_KEY, JSON.stringify(targets.filter((t) => t.id !== id)));
    this.changed();
  }

  /** Calls `listener` after every change; returns the function that stops it. */
  onChange(listener: () => void): () => void {
    this.listeners.add(listener);
    return () => this.listeners.delete(listener);
  }

  private changed(): void {
    for (const listener of this.listeners) listener();
  }
}
