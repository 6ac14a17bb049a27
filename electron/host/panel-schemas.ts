/**
 * Runtime validation of every call's arguments (zod): one tuple schema per panel method, plus the
 * host's internal methods. The host's entry parses each call against these before any handler
 * runs, so a malformed call changes nothing and gets a typed INVALID_ARGUMENT error back. Names
 * follow the engine's own grammar, and a `__proto__` key (which zod would drop without a word, so
 * the call would mean something else) is refused.
 */
import { z } from 'zod';
import {
  AGGREGATE_OPS,
  DEFAULT_MAX_LABELS as MAX_LABELS,
  INCIDENT_STATES,
  INTERVALS,
  MAX_FOR_SECONDS,
  MAX_RULE_NAME_LENGTH,
  LABEL_NAME_RE,
  MAX_LABEL_NAME_LENGTH,
  MAX_LABEL_VALUE_LENGTH,
  MAX_METRIC_NAME_LENGTH,
  MAX_RETENTION_DAYS,
  MAX_TIMESTAMP,
  METRIC_NAME_RE,
  MIN_RETENTION_DAYS,
  QUERY_FUNCTIONS,
  RULE_FUNCTIONS,
  SEVERITIES,
  isLabelName,
} from '../../storage/src/index.ts';
import type { HostApi, HostMethod } from './host-protocol.ts';
import type { PanelApi, PanelMethod } from '../../shared/panel-api.ts';
import { CLOCK_TIME_RE } from '../../shared/notifications.ts';

const metricName = z
  .string()
  .max(MAX_METRIC_NAME_LENGTH)
  .regex(METRIC_NAME_RE, `metric names match ${METRIC_NAME_RE.source}`);
const labelName = z
  .string()
  .refine(
    isLabelName,
    `label names match ${LABEL_NAME_RE.source}, do not start with "__" and have at most ${MAX_LABEL_NAME_LENGTH} characters`,
  );
const labelValue = z.string().max(MAX_LABEL_VALUE_LENGTH);
const timestamp = z.int().min(0).max(MAX_TIMESTAMP);
const resolution = z.enum(['raw', ...INTERVALS]);
const severity = z.enum(SEVERITIES);
const retentionDays = z.int().min(MIN_RETENTION_DAYS).max(MAX_RETENTION_DAYS);

/** The longest bearer token, URL, and the bounds of a scrape interval the settings accept. */
const MAX_TOKEN_LENGTH = 256;
const MAX_URL_LENGTH = 2048;
const MIN_SCRAPE_INTERVAL_SECONDS = 1;
const MAX_SCRAPE_INTERVAL_SECONDS = 3600;

/** The most points per series a query from the window may ask for; a raw query without maxPoints gets this cap. */
export const MAX_QUERY_POINTS = 20_000;

/** False for an object with an own `__proto__` key (JSON.parse makes one), which z.record would drop. */
const hasNoProtoKey = (input: unknown): boolean =>
  input === null || typeof input !== 'object' || !Object.hasOwn(input, '__proto__');

/** Label name -> `value`, at most MAX_LABELS of them, a `__proto__` key refused rather than dropped. */
function labelRecord<T>(value: z.ZodType<T>, what: string) {
  return z
    .unknown()
    .refine(hasNoProtoKey, '"__proto__" is not a label name')
    .pipe(
      z.record(labelName, value).refine((r) => Object.keys(r).length <= MAX_LABELS, `at most ${MAX_LABELS} ${what}`),
    );
}

const labels = labelRecord(labelValue, 'labels');

const labelMatcher = z.union([labelValue, z.strictObject({ op: z.enum(['=', '!=', '=~', '!~']), value: labelValue })]);

/** The most conditions on one label in a query (several must all hold). */
const MAX_MATCHERS_PER_LABEL = 16;

const labelMatchers = z.union([labelMatcher, z.array(labelMatcher).min(1).max(MAX_MATCHERS_PER_LABEL)]);

/** Across series per time bucket: an op, and the label names kept (everything else aggregated away). */
const aggregate = z.strictObject({ op: z.enum(AGGREGATE_OPS), by: z.array(labelName).max(MAX_LABELS).optional() });

/** A quantile is strictly between 0 and 1, and q is given exactly when fn is 'quantile'. */
const quantileFits = (query: { fn?: string | undefined; q?: number | undefined }): boolean =>
  (query.fn === 'quantile') === (query.q !== undefined);

const startBeforeEnd = (range: { start?: number | undefined; end?: number | undefined }): boolean =>
  range.start === undefined || range.end === undefined || range.start < range.end;

const metricQuery = z
  .strictObject({
    metricName,
    start: timestamp,
    end: timestamp,
    labels: labelRecord(labelMatchers, 'label matchers').optional(),
    aggregation: z.union([z.literal('auto'), resolution]).optional(),
    maxPoints: z.int().min(1).max(MAX_QUERY_POINTS).optional(),
    fn: z.enum(QUERY_FUNCTIONS).optional(),
    q: z.number().gt(0).lt(1).optional(),
    aggregate: aggregate.optional(),
  })
  .refine(startBeforeEnd, 'start must be before end')
  .refine(quantileFits, "q (in (0, 1)) is given exactly when fn is 'quantile'");

const exportRequest = z
  .strictObject({
    start: timestamp.optional(),
    end: timestamp.optional(),
    source: resolution.optional(),
    anonymize: z.boolean().optional(),
    keepLabels: z.array(labelName).max(MAX_LABELS).optional(),
    includeDemo: z.boolean().optional(),
  })
  .refine(startBeforeEnd, 'start must be before end');

/**
 * The options kept beside an export (export-files.ts), checked when read back from the disk; a
 * field a later version adds is dropped rather than failing the rest.
 */
export const exportFileOptions = z.object({
  source: resolution,
  anonymize: z.boolean(),
  keepLabels: z.array(labelName).max(MAX_LABELS).optional(),
  start: timestamp.optional(),
  end: timestamp.optional(),
  rows: z.int().min(0),
});

const alertFilter = z
  .strictObject({
    start: timestamp.optional(),
    end: timestamp.optional(),
    metricName: metricName.optional(),
    severity: severity.optional(),
    limit: z.int().min(1).max(10_000).optional(),
  })
  .refine(startBeforeEnd, 'start must be before end');

const baselineFilter = z.strictObject({ metricName: metricName.optional(), labels: labels.optional() });

const ingestSettings = z.strictObject({
  otlp: z.strictObject({
    enabled: z.boolean(),
    port: z.int().min(0).max(65_535),
    token: z.string().min(1).max(MAX_TOKEN_LENGTH).optional(),
  }),
  resourceAttributes: z.array(z.string().min(1).max(MAX_LABEL_NAME_LENGTH)).max(MAX_LABELS).optional(),
});

const id = z.int().min(1);

const scrapeTarget = z.strictObject({
  id: id.optional(),
  url: z.string().min(1).max(MAX_URL_LENGTH),
  intervalSeconds: z.int().min(MIN_SCRAPE_INTERVAL_SECONDS).max(MAX_SCRAPE_INTERVAL_SECONDS).optional(),
  job: labelValue.min(1).optional(),
});

/** An alert rule as the engine takes it; the engine checks it again, with the metric's type. */
const alertRule = z
  .strictObject({
    id: id.optional(),
    name: z.string().trim().min(1).max(MAX_RULE_NAME_LENGTH),
    metricName,
    labels: labelRecord(labelMatcher, 'label matchers').optional(),
    fn: z.enum(RULE_FUNCTIONS).optional(),
    q: z.number().gt(0).lt(1).optional(),
    aggregate: aggregate.optional(),
    op: z.enum(['>', '<']),
    threshold: z.number().refine(Number.isFinite, 'the threshold must be a finite number'),
    forSeconds: z.int().min(0).max(MAX_FOR_SECONDS),
    severity,
    enabled: z.boolean().optional(),
  })
  .refine(quantileFits, "q (in (0, 1)) is given exactly when fn is 'quantile'");

const timeRange = z
  .strictObject({ start: timestamp, end: timestamp })
  .refine(startBeforeEnd, 'start must be before end');

const incidentFilter = z.strictObject({
  state: z.enum(INCIDENT_STATES).optional(),
  severity: severity.optional(),
  metricName: metricName.optional(),
});

const clockTime = z.string().regex(CLOCK_TIME_RE, 'a time of day is HH:MM');
const notificationSettings = z.strictObject({
  enabled: z.boolean(),
  quietHours: z.strictObject({ from: clockTime, to: clockTime }).nullable(),
});

const noArgs = z.tuple([]);

/** One argument-tuple schema per panel method; `satisfies` keeps them in step with PanelApi. */
export const PANEL_SCHEMAS = {
  listMetrics: noArgs,
  listLabels: z.tuple([metricName]),
  query: z.tuple([metricQuery]),
  getSettings: noArgs,
  setRetentionDays: z.tuple([retentionDays]),
  previewRetention: z.tuple([retentionDays]),
  exportParquet: z.tuple([exportRequest]),
  cancelExport: noArgs,
  revealExport: z.tuple([z.string().min(1).max(4096)]),
  listExports: noArgs,
  deleteExport: z.tuple([z.string().min(1).max(4096)]),
  getStatus: noArgs,
  listAlerts: z.tuple([alertFilter]),
  getBaselines: z.tuple([baselineFilter]),
  loadDemoHistory: noArgs,
  removeDemoHistory: noArgs,
  checkLabelMatcher: z.tuple([labelName, labelMatcher]),
  getIngestSettings: noArgs,
  setIngestSettings: z.tuple([ingestSettings]),
  listScrapeTargets: noArgs,
  saveScrapeTarget: z.tuple([scrapeTarget]),
  deleteScrapeTarget: z.tuple([id]),
  getIngestStatus: noArgs,
  saveAlertRule: z.tuple([alertRule]),
  listAlertRules: noArgs,
  deleteAlertRule: z.tuple([id]),
  previewAlertRule: z.tuple([alertRule, timeRange]),
  listIncidents: z.union([noArgs, z.tuple([incidentFilter])]),
  acknowledgeIncident: z.tuple([id]),
  getAlertingStatus: noArgs,
  getNotificationSettings: noArgs,
  setNotificationSettings: z.tuple([notificationSettings]),
} satisfies { [M in PanelMethod]: z.ZodType<Parameters<PanelApi[M]>> };

const metricSample = z.strictObject({
  name: metricName,
  value: z.number().refine(Number.isFinite, 'value must be finite'),
  timestamp,
  labels: labels.optional(),
});

/** Argument schemas of the host-only calls (HostApi). */
export const HOST_SCHEMAS = {
  recordSamples: z.tuple([z.array(metricSample).max(10_000)]),
  shutdown: noArgs,
} satisfies { [M in HostMethod]: z.ZodType<Parameters<HostApi[M]>> };
