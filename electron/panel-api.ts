/**
 * The panel API: the one contract between the window and the storage host. The storage host
 * implements it, the Electron preload and the browser preview both expose it as `window.telemetry`,
 * and the renderer calls it without knowing which transport carries it. Types, transport names and
 * the one client-side helper both bridges share (createPanelApi); the runtime validation of every
 * argument lives in the host's entry (panel-schemas.ts, host-dispatch.ts).
 */
import type {
  Alert,
  AlertFilter,
  Baseline,
  ExportResult,
  Labels,
  MetricQuery,
  Resolution,
  SeriesResult,
} from '../storage/src/types.ts';

export type { Alert, AlertFilter, Baseline, ExportResult, Labels, MetricQuery, Resolution, SeriesResult };

/** How a metric's values are formatted; derived from the metric name's suffix (Prometheus style). */
export type Unit = 'bytes' | 'percent' | 'milliseconds' | 'seconds' | 'count' | 'none';

export interface MetricInfo {
  name: string;
  seriesCount: number;
  unit: Unit;
}

export interface LabelInfo {
  name: string;
  values: string[];
}

export interface Settings {
  /** telemetry_retention_days: an integer from 1 to 3650, default 30. */
  retentionDays: number;
  dataDir: string;
  exportsDir: string;
}

export interface RetentionPreview {
  days: number;
  /** Everything strictly before this instant (ms) would be deleted. */
  cutoff: number;
  /** Raw samples that would be deleted. */
  samples: number;
  /** The time span of the samples that would be deleted (null when none would be). */
  from: number | null;
  to: number | null;
}

export interface ExportRequest {
  start?: number;
  end?: number;
  source?: Resolution;
  /** Default true in the panel. */
  anonymize?: boolean;
  /** Label names kept verbatim when anonymising. */
  keepLabels?: string[];
}

export interface ExportProgress {
  done: number;
  total: number;
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
  revealExport(path: string): Promise<void>;
  getStatus(): Promise<Status>;
  listAlerts(filter: AlertFilter): Promise<Alert[]>;
  getBaselines(filter: BaselineFilter): Promise<Baseline[]>;
  loadDemoHistory(): Promise<{ samples: number }>;
  removeDemoHistory(): Promise<{ deleted: number }>;
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
  'revealExport',
  'getStatus',
  'listAlerts',
  'getBaselines',
  'loadDemoHistory',
  'removeDemoHistory',
] as const satisfies readonly PanelMethod[];

/** Fails to compile when PANEL_METHODS misses a method of PanelApi. */
type AssertNever<T extends never> = T;
export type MissingPanelMethods = AssertNever<Exclude<PanelMethod, (typeof PANEL_METHODS)[number]>>;

export function isPanelMethod(name: unknown): name is PanelMethod {
  return typeof name === 'string' && (PANEL_METHODS as readonly string[]).includes(name);
}

/** What `window.telemetry` offers: the calls plus a subscription to export progress. */
export interface TelemetryBridge extends PanelApi {
  onExportProgress(listener: (progress: ExportProgress) => void): () => void;
}

/**
 * The error shape every transport delivers for a failed call. A failed call rejects with this plain
 * object on both transports (Electron's contextBridge would strip an Error's `code`): the renderer
 * reads `e.code` (INVALID_ARGUMENT, INVALID_QUERY, DISK_FULL, ...) and `e.message`.
 */
export interface PanelErrorPayload {
  code: string;
  message: string;
}

/** Transport names, shared by the Electron preload, the browser preview server and its client. */
export const TRANSPORT = {
  /** Electron: ipcRenderer.invoke(CALL_CHANNEL, { method, args }) -> { ok, result } | { ok: false, error }. */
  callChannel: 'telemetry:call',
  /** Electron: main -> renderer events carrying ExportProgress. */
  progressChannel: 'telemetry:export-progress',
  /** Browser preview: POST JSON { method, args } -> { ok, result } | { ok: false, error }. */
  httpCallPath: '/api/call',
  /** Browser preview: Server-Sent Events stream of `export-progress` events. */
  httpEventsPath: '/api/events',
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
