/**
 * The panel API: the one contract between the window and the storage host. The storage host
 * implements it, the Electron preload and the browser preview both expose it as `window.telemetry`,
 * and the renderer calls it without knowing which transport carries it. Types, transport names and
 * the one client-side helper both bridges share (createPanelApi); the runtime validation of every
 * argument lives in the host's entry (electron/host/panel-schemas.ts, host-dispatch.ts).
 */
import type {
  AggregateOp,
  Alert,
  AlertFilter,
  AlertRule,
  Baseline,
  Incident,
  IncidentFilter,
  ExportResult,
  LabelMatcher,
  LabelMatchers,
  Labels,
  MatchOp,
  MetricQuery,
  MetricType,
  Resolution,
  RetentionPreview as StoreRetentionPreview,
  SeriesResult,
  Severity,
  StoreProblem,
} from '../storage/src/types.ts';
import type { PanelErrorPayload } from './errors.ts';
import type { IngestSettings, IngestStatus, NewScrapeTarget, ScrapeTarget } from './ingest.ts';
import type { NotificationSettings } from './notifications.ts';
import type { Subscribe } from './events.ts';
import type { RecoveryApi } from './store-recovery.ts';

export type {
  AggregateOp,
  Alert,
  AlertFilter,
  AlertRule,
  Baseline,
  Incident,
  IncidentFilter,
  ExportResult,
  LabelMatcher,
  LabelMatchers,
  Labels,
  MatchOp,
  MetricQuery,
  MetricType,
  Resolution,
  SeriesResult,
  Severity,
  StoreProblem,
};

/** How a metric's values are formatted; derived from the metric name's suffix (Prometheus style). */
export type Unit = 'bytes' | 'percent' | 'milliseconds' | 'seconds' | 'count' | 'none';

/** A metric with its metadata (declared, else inferred from its name); a histogram under its base name. */
export interface MetricInfo {
  name: string;
  seriesCount: number;
  /** How values are formatted: the declared unit when it is one of these, else from the name's suffix. */
  unit: Unit;
  type: MetricType;
  /** The unit as declared (any text), if one was. */
  declaredUnit?: string;
  /** The declared one-line help, if any. */
  help?: string;
}

export interface LabelInfo {
  name: string;
  values: string[];
}

export interface Settings {
  /** telemetry_retention_days: see MIN_RETENTION_DAYS and MAX_RETENTION_DAYS in constants.ts. */
  retentionDays: number;
  dataDir: string;
  exportsDir: string;
}

/** The engine's preview of a retention change, with the days it was asked for. */
export interface RetentionPreview extends StoreRetentionPreview {
  days: number;
}

export interface ExportRequest {
  start?: number;
  end?: number;
  source?: Resolution;
  /** Default true in the panel. */
  anonymize?: boolean;
  /** Label names kept verbatim when anonymising. */
  keepLabels?: string[];
  /** Also export the demo history (series labelled source="demo"); default false. */
  includeDemo?: boolean;
}

/** The options an export was written with, kept beside its file (export-files.ts). */
export interface ExportFileOptions {
  source: Resolution;
  anonymize: boolean;
  keepLabels?: string[];
  start?: number;
  end?: number;
  rows: number;
}

/** A Parquet file in the exports folder, as listExports gives it. */
export interface ExportFile {
  /** Its absolute path (the one revealExport and deleteExport take). */
  path: string;
  name: string;
  bytes: number;
  /** When it was written (ms). */
  modified: number;
  /** Null for a file whose options were not kept (written elsewhere, or by an older version). */
  options: ExportFileOptions | null;
}

export interface Status {
  dbBytes: number;
  walBytes: number;
  samples: number;
  series: number;
  oldest: number | null;
  newest: number | null;
  lastRollup: number | null;
  lastRetention: number | null;
  hasDemoData: boolean;
  /** What the store noticed and could not fix on its own (a failed job, a damaged chunk...); empty when all is well. */
  problems: StoreProblem[];
}

/** Whether anomaly detection can run yet: how many baselines exist, and when the next computation is due. */
export interface AlertingStatus {
  baselines: number;
  /** When the host next computes baselines (null when it runs no timers). */
  nextBaselinesAt: number | null;
}

export interface BaselineFilter {
  metricName?: string;
  labels?: Labels;
}

/** Every call the panel may make. Arguments are validated at runtime by the host. */
export interface PanelApi {
  listMetrics(): Promise<MetricInfo[]>;
  listLabels(metricName: string): Promise<LabelInfo[]>;
  query(q: MetricQuery): Promise<SeriesResult[]>;
  getSettings(): Promise<Settings>;
  setRetentionDays(days: number): Promise<Settings>;
  previewRetention(days: number): Promise<RetentionPreview>;
  exportParquet(options: ExportRequest): Promise<ExportResult>;
  /** Cancels the running export (its partial file is removed); false when none was running. */
  cancelExport(): Promise<boolean>;
  revealExport(path: string): Promise<void>;
  /** The Parquet files in the exports folder, newest first. */
  listExports(): Promise<ExportFile[]>;
  /** Deletes one of them (and its kept options); any path outside the exports folder is refused. */
  deleteExport(path: string): Promise<void>;
  getStatus(): Promise<Status>;
  listAlerts(filter: AlertFilter): Promise<Alert[]>;
  getBaselines(filter: BaselineFilter): Promise<Baseline[]>;
  loadDemoHistory(): Promise<{ samples: number }>;
  removeDemoHistory(): Promise<{ deleted: number }>;
  /** Resolves when the engine accepts this matcher on this label (a regex RE2 compiles), else rejects with INVALID_QUERY. */
  checkLabelMatcher(labelName: string, matcher: LabelMatcher): Promise<void>;
  /** The OTLP receiver's settings (shared/ingest.ts); saving restarts it. */
  getIngestSettings(): Promise<IngestSettings>;
  setIngestSettings(settings: IngestSettings): Promise<IngestSettings>;
  listScrapeTargets(): Promise<ScrapeTarget[]>;
  /** Creates a target, or updates the one with its id; returns it with its id. */
  saveScrapeTarget(target: NewScrapeTarget): Promise<ScrapeTarget>;
  deleteScrapeTarget(id: number): Promise<void>;
  /** Per source: points accepted and rejected, the last error; per target its last scrape. */
  getIngestStatus(): Promise<IngestStatus>;
  // Alert rules and incidents (the engine's calls of the same names; a saved rule is evaluated at once).
  saveAlertRule(rule: AlertRule): Promise<AlertRule>;
  listAlertRules(): Promise<AlertRule[]>;
  deleteAlertRule(id: number): Promise<void>;
  previewAlertRule(rule: AlertRule, range: { start: number; end: number }): Promise<Incident[]>;
  listIncidents(filter?: IncidentFilter): Promise<Incident[]>;
  acknowledgeIncident(id: number): Promise<void>;
  getAlertingStatus(): Promise<AlertingStatus>;
  getNotificationSettings(): Promise<NotificationSettings>;
  setNotificationSettings(settings: NotificationSettings): Promise<NotificationSettings>;
}

export type PanelMethod = keyof PanelApi;

/** Every panel method at runtime (the bridges build `window.telemetry` from it; the transports allow only these). */
export const PANEL_METHODS = [
  'listMetrics',
  'listLabels',
  'query',
  'getSettings',
  'setRetentionDays',
  'previewRetention',
  'exportParquet',
  'cancelExport',
  'revealExport',
  'listExports',
  'deleteExport',
  'getStatus',
  'listAlerts',
  'getBaselines',
  'loadDemoHistory',
  'removeDemoHistory',
  'checkLabelMatcher',
  'getIngestSettings',
  'setIngestSettings',
  'listScrapeTargets',
  'saveScrapeTarget',
  'deleteScrapeTarget',
  'getIngestStatus',
  'saveAlertRule',
  'listAlertRules',
  'deleteAlertRule',
  'previewAlertRule',
  'listIncidents',
  'acknowledgeIncident',
  'getAlertingStatus',
  'getNotificationSettings',
  'setNotificationSettings',
] as const satisfies readonly PanelMethod[];

/** Fails to compile when PANEL_METHODS misses a method of PanelApi. */
type AssertNever<T extends never> = T;
export type MissingPanelMethods = AssertNever<Exclude<PanelMethod, (typeof PANEL_METHODS)[number]>>;

export function isPanelMethod(name: unknown): name is PanelMethod {
  return typeof name === 'string' && (PANEL_METHODS as readonly string[]).includes(name);
}

/** What `window.telemetry` offers: the calls, a typed subscription to the host's events, and recovery when the store cannot open. */
export interface TelemetryBridge extends PanelApi {
  on: Subscribe;
  recovery: RecoveryApi;
}

/** Transport names, shared by the Electron preload, the browser preview server and its client. */
export const TRANSPORT = {
  /** Electron: ipcRenderer.invoke(CALL_CHANNEL, { method, args }) -> { ok, result } | { ok: false, error }. */
  callChannel: 'telemetry:call',
  /** Electron: main -> renderer events, each a PanelEvent `{ name, payload }`. */
  eventChannel: 'telemetry:event',
  /** Browser preview: POST JSON { method, args } -> { ok, result } | { ok: false, error }. */
  httpCallPath: '/api/call',
  /** Browser preview: Server-Sent Events, one SSE event per PanelEvent (`event:` its name, `data:` its payload). */
  httpEventsPath: '/api/events',
  /** Electron: ipcRenderer.invoke(RECOVERY_CHANNEL, { method, args }) for the recovery calls (shared/store-recovery.ts), answered by main. */
  recoveryChannel: 'telemetry:recovery',
  /** Browser preview: POST JSON { method, args } for the recovery calls, answered by the preview itself. */
  httpRecoveryPath: '/api/recovery',
  /** Browser preview: the per-run token travels in this header (and `?token=` for EventSource). */
  tokenHeader: 'x-telemetry-token',
} as const;

export type CallEnvelope = { method: PanelMethod; args: unknown[] };
export type CallReply = { ok: true; result: unknown } | { ok: false; error: PanelErrorPayload };

/**
 * Builds a PanelApi whose methods send `{ method, args }` through `send` and unwrap the reply: a
 * failed call rejects with its PanelErrorPayload. Used by the preload, the HTTP bridge and tests.
 */
export function createPanelApi(send: (method: PanelMethod, args: unknown[]) => Promise<CallReply>): PanelApi {
  const call = async (method: PanelMethod, args: unknown[]): Promise<unknown> => {
    const reply = await send(method, args);
    if (!reply.ok) throw reply.error;
    return reply.result;
  };
  const entries = PANEL_METHODS.map((method) => [method, (...args: unknown[]) => call(method, args)]);
  return Object.fromEntries(entries) as unknown as PanelApi;
}
