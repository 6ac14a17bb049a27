/**
 * The panel API's one implementation: a handler map over the store, checked against PanelApi with
 * `satisfies`. It runs in the storage host; its arguments have already been validated by
 * panel-schemas.ts. Exports are written only into the exports folder and only files there can be
 * revealed, listed or deleted (export-files.ts); one export runs at a time and can be cancelled; retention changes are applied at once,
 * through the job queue; a raw query returns at most MAX_QUERY_POINTS samples per series.
 */
import { performance } from 'node:perf_hooks';
import { checkLabelMatchers, defaultExportPath } from '../../storage/src/index.ts';
import type { DataPaths } from './data-dir.ts';
import { DEMO_LABEL } from '../../shared/constants.ts';
import { hasDemoHistory, loadDemoHistory, removeDemoHistory } from '../demo/demo-history.ts';
import { prepareDemoAlerts, removeDemoRules } from '../demo/demo-alerts.ts';
import type { ShellStore } from './shell-store.ts';
import type { JobScheduler } from './jobs.ts';
import { METRIC, type MetricName } from '../collector/metric-catalog.ts';
import type { DemoProgress, PanelEvent } from '../../shared/events.ts';
import type { ExportRequest, ExportResult, LabelMatchers, PanelApi, Settings } from '../../shared/panel-api.ts';
import { ShellError } from './shell-errors.ts';
import { deleteExportFile, exportEntryPath, listExportFiles, writeExportOptions } from './export-files.ts';
import { MAX_QUERY_POINTS } from './panel-schemas.ts';
import { displayUnit } from '../collector/units.ts';
import { createIngestHandlers, type IngestContext } from './ingest-handlers.ts';
import { createAlertHandlers } from './alert-handlers.ts';
import type { IncidentNotifications } from './incident-notifications.ts';

export interface HandlerContext {
  store: ShellStore;
  paths: DataPaths;
  jobs: Pick<JobScheduler, 'run' | 'exclusive' | 'nextRun'>;
  record: (name: MetricName, value: number) => Promise<unknown>;
  /** Sends one of the panel's events to the window. */
  emit: (event: PanelEvent) => void;
  /** Shows a file (already checked to lie in the exports folder) in the file manager. */
  reveal: (path: string) => void;
  now: () => number;
  /** The ingest settings and status (the OTLP receiver, the scrape targets). */
  ingest: IngestContext;
  notifications: IncidentNotifications;
}

function anonymizeOption(request: ExportRequest): boolean | { keepLabels: string[] } {
  if (request.anonymize === false) return false;
  return request.keepLabels ? { keepLabels: request.keepLabels } : true;
}

/** The series an export covers: all of them when the demo is asked for, else those not labelled as demo. */
function exportSelector(request: ExportRequest): LabelMatchers | undefined {
  return request.includeDemo === true ? undefined : { [DEMO_LABEL.name]: { op: '!=', value: DEMO_LABEL.value } };
}

/**
 * Keeps the options beside the written file for the list of past exports. The export itself has
 * succeeded either way: a file whose options could not be written is listed without them.
 */
function keepExportOptions(result: ExportResult, request: ExportRequest): void {
  const { start, end, keepLabels } = request;
  try {
    writeExportOptions(result.path, {
      source: request.source ?? 'raw',
      anonymize: request.anonymize !== false,
      ...(keepLabels === undefined || request.anonymize === false ? {} : { keepLabels }),
      ...(start === undefined ? {} : { start }),
      ...(end === undefined ? {} : { end }),
      rows: result.rows,
    });
  } catch (err) {
    console.warn(
      `the options of ${result.path} could not be kept: ${err instanceof Error ? err.message : String(err)}`,
    );
  }
}

export function createPanelHandlers(ctx: HandlerContext) {
  const { store, paths } = ctx;
  /** The running export's cancellation; null while none runs (one export at a time). */
  let exporting: AbortController | null = null;

  const settings = (): Settings => ({
    retentionDays: store.retentionDays,
    dataDir: paths.dataDir,
    exportsDir: paths.exportsDir,
  });

  return {
    async listMetrics() {
      return store.listMetrics().map(({ unit, ...m }) => ({
        ...m,
        unit: displayUnit(m.name, unit),
        ...(unit === undefined ? {} : { declaredUnit: unit }),
      }));
    },
    async listLabels(metricName) {
      return store.listLabels(metricName);
    },
    async query(q) {
      // The engine caps a raw query only when asked to: one from the window is always capped.
      return store.queryMetrics(q.aggregation === 'raw' ? { ...q, maxPoints: q.maxPoints ?? MAX_QUERY_POINTS } : q);
    },
    async getSettings() {
      return settings();
    },
    async setRetentionDays(days) {
      store.setRetentionDays(days);
      await ctx.jobs.run('retention');
      return settings();
    },
    async previewRetention(days) {
      return { days, ...store.previewRetention(days) };
    },
    async exportParquet(request) {
      if (exporting) throw new ShellError('BUSY', 'an export is already running');
      exporting = new AbortController();
      const started = performance.now();
      let result: ExportResult;
      try {
        result = await store.exportToParquet(defaultExportPath(paths.exportsDir, ctx.now(), request.source ?? 'raw'), {
          start: request.start,
          end: request.end,
          source: request.source,
          anonymize: anonymizeOption(request),
          labels: exportSelector(request),
          onProgress: (done, total) => ctx.emit({ name: 'export-progress', payload: { done, total } }),
          signal: exporting.signal,
        });
      } finally {
        // From here on nothing is left to cancel: the file is complete (or was never written).
        exporting = null;
      }
      keepExportOptions(result, request);
      await ctx.record(METRIC.exportDuration, (performance.now() - started) / 1000);
      return result;
    },
    async cancelExport() {
      if (!exporting) return false;
      exporting.abort();
      return true;
    },
    async revealExport(path) {
      ctx.reveal(exportEntryPath(paths.exportsDir, path, 'revealed'));
    },
    // Past exports (export-files.ts): listed and deleted inside the exports folder only.
    async listExports() {
      return listExportFiles(paths.exportsDir);
    },
    async deleteExport(path) {
      deleteExportFile(paths.exportsDir, path);
    },
    async getStatus() {
      return { ...store.getStats(), hasDemoData: hasDemoHistory(store) };
    },
    async listAlerts(filter) {
      return store.listAlerts(filter);
    },
    async getBaselines(filter) {
      return store.getBaselines(filter);
    },
    async loadDemoHistory() {
      const end = ctx.now();
      const onProgress = (payload: DemoProgress) => ctx.emit({ name: 'demo-progress', payload });
      const load = async (): Promise<number> => {
        const samples = await loadDemoHistory(store, { end, onProgress });
        await prepareDemoAlerts(store, end); // baselines right after the history loads, and its incidents
        return samples;
      };
      return { samples: await ctx.jobs.exclusive(load) };
    },
    async removeDemoHistory() {
      const remove = async (): Promise<number> => {
        removeDemoRules(store);
        return removeDemoHistory(store);
      };
      return { deleted: await ctx.jobs.exclusive(remove) };
    },
    async checkLabelMatcher(labelName, matcher) {
      checkLabelMatchers({ [labelName]: matcher });
    },
    ...createIngestHandlers(ctx.ingest),
    ...createAlertHandlers({ store, jobs: ctx.jobs, notifications: ctx.notifications }),
  } satisfies PanelApi;
}

export type PanelHandlers = ReturnType<typeof createPanelHandlers>;
