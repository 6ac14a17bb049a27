/**
 * Everything the storage host runs, wired together around the one TimeSeriesStorage: the panel
 * handlers, the internal host calls, the job queue, the collector and the OTLP receiver. It is the
 * same under Node and in Electron's utility process; storage-host.ts only connects it to its
 * parent. Closing stops the OTLP receiver (once the requests it took are stored), the timers, lets
 * queued work finish, checkpoints the WAL (a failure is reported, not fatal) and closes the store.
 */
import { TimeSeriesStorage, type Labels } from '../../storage/src/index.ts';
import {
  COLLECT_EVERY_MS,
  CountingSink,
  ProcessSampler,
  collectHostOnce,
  declareAppMetrics,
  every,
} from '../collector/collector.ts';
import { PanelCallStats, instrumentPanel } from '../collector/panel-calls.ts';
import { ensureDataDirs, type DataPaths } from './data-dir.ts';
import { createDispatcher, type Dispatcher } from './host-dispatch.ts';
import type { HostApi, HostEvent } from './host-protocol.ts';
import { DEFAULT_JOB_TIMINGS, JobScheduler, type JobTimings } from './jobs.ts';
import type { MetricName } from '../collector/metric-catalog.ts';
import type { PanelApi } from '../../shared/panel-api.ts';
import { createPanelHandlers } from './panel-handlers.ts';
import type { IngestContext } from './ingest-handlers.ts';
import { IngestConfig } from '../ingest/ingest-settings.ts';
import { IngestStatusBoard } from '../ingest/ingest-status.ts';
import { IncidentNotifications } from './incident-notifications.ts';
import { displayUnit } from '../collector/units.ts';
import type { PanelEvent } from '../../shared/events.ts';
import { startOtlpService, type OtlpService } from '../ingest/otlp/otlp-service.ts';

export interface HostServiceOptions {
  paths: DataPaths;
  emit: (event: HostEvent) => void;
  now?: () => number;
  /** Job periods; null runs no timers (tests drive the jobs themselves). */
  jobTimings?: JobTimings | null;
  /** Collector period; null collects only when asked. */
  collectEveryMs?: number | null;
  onError?: (what: string, err: unknown) => void;
}

export interface HostService {
  store: TimeSeriesStorage;
  panel: PanelApi;
  jobs: JobScheduler;
  dispatch: Dispatcher;
  /** The ingest settings and status that the OTLP receiver and the scraper follow and report to. */
  ingest: IngestContext;
  /** The OTLP receiver, listening while the ingest settings (or this run's --otlp) turn it on. */
  otlp: OtlpService;
  collect(): Promise<number>;
  close(): Promise<void>;
}

function logError(what: string, err: unknown): void {
  console.error(`[storage-host] ${what} failed:`, err);
}

export function openHostService(options: HostServiceOptions): HostService {
  const now = options.now ?? Date.now;
  const onError = options.onError ?? logError;
  ensureDataDirs(options.paths);
  const store = new TimeSeriesStorage({ dbPath: options.paths.dbPath, now });
  declareAppMetrics(store, (name, err) => onError(`declaring ${name}`, err));
  const sink = new CountingSink(store);
  const record = (name: MetricName, value: number, labels?: Labels): Promise<number> =>
    sink.insertSamples([{ name, value, timestamp: now(), labels }]);
  const emitPanel = (panelEvent: PanelEvent): void => options.emit({ event: 'panel', panelEvent });
  // The host decides what to notify; the window shows it (Electron's main natively, the preview's page in the browser).
  const notifications = new IncidentNotifications({
    store,
    notifier: { notify: (notice) => emitPanel({ name: 'incident-notification', payload: notice }) },
    open: (incidentId) => emitPanel({ name: 'open-incident', payload: { incidentId } }),
    unitOf: (name) => displayUnit(name, store.metricMetadata(name).unit),
    now,
  });
  const jobs = new JobScheduler({
    store,
    record,
    onError: (job, err) => onError(`job ${job}`, err),
    onIncidents: (incidents) => notifications.consider(incidents),
  });
  const sampler = new ProcessSampler('host');
  const panelCalls = new PanelCallStats();
  const collect = (): Promise<number> =>
    collectHostOnce({ sink, sampler, now, panelCalls, fileSizes: () => store.diskUsage() });

  const ingest: IngestContext = { config: new IngestConfig(store), board: new IngestStatusBoard(now) };
  const otlp = startOtlpService({ store, ...ingest });
  const handlers = createPanelHandlers({
    store,
    ingest,
    paths: options.paths,
    jobs,
    record,
    now,
    emit: emitPanel,
    reveal: (path) => options.emit({ event: 'reveal', path }),
    notifications,
  });
  const panel = instrumentPanel(handlers, panelCalls);
  let closing: Promise<void> | undefined;
  const stopCollector =
    options.collectEveryMs === null
      ? () => undefined
      : every(options.collectEveryMs ?? COLLECT_EVERY_MS, collect, (err) => onError('collector', err));

  const close = (): Promise<void> => {
    closing ??= (async () => {
      stopCollector();
      sampler.stop();
      await otlp.close();
      await jobs.stop();
      try {
        store.checkpoint();
      } catch (err) {
        // A full disk: the WAL stays until the next start; the store must still close.
        onError('checkpoint on close', err);
      }
      store.close();
    })();
    return closing;
  };
  const host: HostApi = {
    recordSamples: (samples) => sink.insertSamples(samples),
    shutdown: close,
  };

  if (options.jobTimings !== null) jobs.start(options.jobTimings ?? DEFAULT_JOB_TIMINGS);
  return { store, panel, jobs, dispatch: createDispatcher(panel, host), ingest, otlp, collect, close };
}
