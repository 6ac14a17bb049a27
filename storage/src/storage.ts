/**
 * TimeSeriesStorage: the engine's public face. It wires the lifecycle parts together (ingest into
 * the head, rollups, compaction into the tier, queries, retention) and owns the one connection.
 * Each part lives in its own module and owns its tables; this class validates arguments, runs long
 * jobs in steps and turns SQLite failures into typed errors.
 */
import { statSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { AlertLog } from './alerts/alerts.ts';
import { Alerting } from './alerts/alerting.ts';
import { IncidentLog } from './alerts/incidents.ts';
import { DAY_MS, DEFAULT_RETENTION_DAYS, SQLITE_SUFFIXES } from '../../shared/constants.ts';
import {
  checkConfig,
  checkExportOptions,
  checkInterval,
  checkNotStoreFile,
  checkPositive,
  checkAppSettingName,
  checkAppSettingValue,
  checkRetentionDays,
} from './config.ts';
import { Baselines, DEFAULT_WINDOW_DAYS, DEFAULT_Z_THRESHOLD } from './baselines/baselines.ts';
import { createAppViews } from './db/app-views.ts';
import { WAL_SIZE_LIMIT_BYTES, checkpointWal, openDatabase, walShareOf, type Db } from './db/connection.ts';
import { SpaceReserve } from './db/space-reserve.ts';
import { StoreLock } from './db/store-lock.ts';
import { migrate } from './db/migrations.ts';
import { translateOpenError } from './db/open-errors.ts';
import { Settings } from './db/settings.ts';
import { InvalidArgumentError, StorageError, translateDiskError } from './errors.ts';
import { Head } from './head/head.ts';
import { StoreHealth } from './health.ts';
import { HISTOGRAM_SUFFIXES } from './metrics/catalog.ts';
import { checkMetadata } from './metrics/metadata.ts';
import { StoredCatalog, type ListedMetric } from './metrics/stored-catalog.ts';
import { HeadAppender } from './head/head-append.ts';
import { AutoMaintenance } from './maintenance/auto-maintenance.ts';
import { Quarantine } from './head/quarantine.ts';
import {
  countBucketRows,
  countRawRows,
  rawExportRows,
  rollupExportRows,
  type ExportScope,
} from './export/export-rows.ts';
import { defaultExportPath, writeParquetExport } from './export/parquet-export.ts';
import { validateBatch } from './ingest/validate.ts';
import { queryMetrics, type QueryContext } from './query/query.ts';
import {
  NORMAL_PACE,
  deleteBefore,
  dropSeries,
  reclaimSpace,
  type RetentionContext,
  type RetentionPace,
} from './retention/retention.ts';
import { repairOnOpen } from './retention/repair.ts';
import { counterSeriesOf } from './rollup/counter-series.ts';
import { Rollups } from './rollup/rollups.ts';
import { INTERVAL_MS } from './types.ts';
import { SeriesRegistry } from './series/registry.ts';
import { compileMatchers } from './series/labels.ts';
import { runSteps, runStepsYielding, type Step } from './steps.ts';
import { compactionSteps } from './tier/compaction.ts';
import { ChunkTier } from './tier/chunk-tier.ts';
import { reconcileLayout } from './tier/layout.ts';
import { RowTier } from './tier/row-tier.ts';
import { mergeSpans, type Tier } from './tier/tier.ts';
import type {
  Alert,
  AlertFilter,
  AlertRule,
  Incident,
  IncidentFilter,
  Baseline,
  ExportOptions,
  ExportResult,
  Interval,
  Labels,
  NewAlert,
  MetricMetadata,
  MetricQuery,
  MetricSample,
  MetricsSink,
  RetentionPreview,
  SeriesResult,
  SeriesSelector,
  StorageConfig,
  StoreStats,
} from './types.ts';

/**
 * Free space the file keeps after compaction, for the head to grow into again: more than a steady
 * head (automatic maintenance's 80,000 rows, about 2.5 MB) takes, so that a steady run never has to
 * vacuum, while a small store does not carry many megabytes of free pages.
 */
const FREE_BYTES_KEPT = 4 * 1024 * 1024;

function fileSize(path: string): number {
  try {
    return statSync(path).size;
  } catch {
    return 0;
  }
}

export class TimeSeriesStorage implements MetricsSink {
  readonly dbPath: string;
  private readonly db: Db;
  private readonly settings: Settings;
  private readonly registry: SeriesRegistry;
  private readonly head: Head;
  private readonly appender: HeadAppender;
  private readonly tier: Tier;
  private readonly rollups: Rollups;
  private readonly alerts: AlertLog;
  private readonly baselines: Baselines;
  private readonly incidents: IncidentLog;
  private readonly alerting: Alerting;
  private readonly health: StoreHealth;
  private readonly catalog: StoredCatalog;
  private readonly quarantine: Quarantine;
  private readonly lock: StoreLock | undefined;
  private readonly reserve: SpaceReserve | undefined;
  /** The size cap for the database file and its WAL together, if any. */
  private readonly maxSizeBytes: number | undefined;
  /** A WAL larger than this that a checkpoint cannot reset is reported as growing. */
  private readonly walLimit: number;
  private readonly now: () => number;
  private readonly maxLabelsPerSeries: number;
  private days: number;
  private closed = false;
  /** Folds and compacts the head on its own (undefined when the config turns that off). */
  private readonly autoMaintenance: AutoMaintenance | undefined;
  /** The maintenance jobs (rollups, compaction, retention), one at a time, explicit and automatic alike. */
  private jobQueue: Promise<unknown> = Promise.resolve();

  constructor(config: StorageConfig) {
    const options = checkConfig(config);
    this.dbPath = options.dbPath;
    this.now = options.now;
    this.health = new StoreHealth(options.now);
    this.maxLabelsPerSeries = options.maxLabelsPerSeries;
    this.maxSizeBytes = options.maxSizeBytes;
    this.walLimit = options.maxSizeBytes === undefined ? WAL_SIZE_LIMIT_BYTES : walShareOf(options.maxSizeBytes);
    const onDisk = options.dbPath !== ':memory:';
    // Taken by retention (the app runs one at start-up), so that a store that never expires anything writes none.
    this.reserve = onDisk ? new SpaceReserve(options.dbPath) : undefined;
    const lock: { held?: StoreLock } = {};
    try {
      // The lock is taken once the file is recognised, so a refused file gets no lock files beside it.
      this.db = openDatabase(options.dbPath, options.walMode, options.maxSizeBytes, () => {
        if (onDisk) lock.held = acquireLock(options.dbPath, this.now());
      });
    } catch (err) {
      lock.held?.release();
      throw translateDiskError(err);
    }
    this.lock = lock.held;
    try {
      migrate(this.db);
      this.head = new Head(this.db);
      // Marks a compaction left when the process stopped inside its window go before anything reads the head.
      this.head.deleteMoved();
      this.quarantine = new Quarantine(this.db);
      this.repair();
      this.settings = new Settings(this.db);
      this.days = checkRetentionDays(
        options.retentionDays ?? this.settings.getNumber('telemetry_retention_days') ?? DEFAULT_RETENTION_DAYS,
      );
      this.registry = new SeriesRegistry(this.db, options.maxSeries, this.health);
      this.catalog = new StoredCatalog(this.db, this.registry);
      const [tier, otherTier] = options.compressed
        ? [new ChunkTier(this.db, this.health), new RowTier(this.db)]
        : [new RowTier(this.db), new ChunkTier(this.db, this.health)];
      this.tier = tier;
      this.rollups = new Rollups(
        this.db,
        this.head,
        tier,
        options.intervals,
        counterSeriesOf(this.registry, this.catalog),
      );
      const mode = options.compressed ? 'compressed' : 'uncompressed';
      reconcileLayout({
        db: this.db,
        settings: this.settings,
        registry: this.registry,
        rollups: this.rollups,
        tier,
        otherTier,
        mode,
      });
      createAppViews(this.db, options.compressed, this.rollups.tierDerived);
      this.alerts = new AlertLog(this.db, this.now);
      this.incidents = new IncidentLog(this.db);
      this.baselines = new Baselines({
        db: this.db,
        alerts: this.alerts,
        incidents: this.incidents,
        now: this.now,
        ...this.queryContext(),
      });
      this.alerting = new Alerting({
        db: this.db,
        query: () => this.queryContext(),
        baselines: this.baselines,
        incidents: this.incidents,
        health: this.health,
        now: this.now,
        zThreshold: DEFAULT_Z_THRESHOLD,
      });
      this.appender = new HeadAppender(this.db, this.registry, this.head, tier);
      this.autoMaintenance = options.autoMaintenance
        ? new AutoMaintenance(
            { ...options.autoMaintenance, now: this.now, run: () => this.rollUpAndCompact() },
            this.head.totals().samples,
          )
        : undefined;
    } catch (err) {
      this.db.close();
      this.lock?.release();
      throw translateOpenError(translateDiskError(err), options.dbPath);
    }
  }

  get retentionDays(): number {
    return this.days;
  }

  get intervals(): readonly Interval[] {
    return this.rollups.maintained;
  }

  async insertSamples(samples: MetricSample[]): Promise<number> {
    this.assertOpen();
    const copies = validateBatch(
      samples,
      { maxLabelsPerSeries: this.maxLabelsPerSeries },
      this.registry.sentForms,
      (name) => this.catalog.declaredType(name),
    );
    const stored = this.write(() => this.appender.append(copies));
    this.autoMaintenance?.noteWritten(stored);
    return stored;
  }

  queryMetrics(query: MetricQuery): SeriesResult[] {
    this.assertOpen();
    return queryMetrics(this.queryContext(), query);
  }

  /** Folds new samples into the interval's buckets; returns buckets written or updated. */
  async aggregate(interval: Interval): Promise<number> {
    this.assertOpen();
    checkInterval(interval);
    if (!this.rollups.isMaintained(interval)) {
      throw new InvalidArgumentError(
        `interval ${interval} is not one of this store's aggregationIntervals (${this.intervals.join(', ')})`,
      );
    }
    return this.exclusive(() => this.fold(interval));
  }

  private async fold(interval: Interval, upTo = this.head.maxId()): Promise<number> {
    const written = await this.writeInSteps(() => this.rollups.aggregateStep(interval, upTo));
    this.settings.setNumber('last_rollup_at', this.now());
    return written;
  }

  /** Moves head samples that every stored rollup interval has folded into the tier; returns samples moved. */
  async compact(): Promise<number> {
    this.assertOpen();
    return this.exclusive(() => this.compactFolded());
  }

  private async compactFolded(upTo = this.rollups.foldedUpTo()): Promise<number> {
    const hooks = this.rollups.moveHooks();
    const moved = await this.writeInSteps(compactionSteps(this.db, this.head, this.tier, upTo, hooks));
    if (moved > 0) this.write(() => releaseFreePages(this.db));
    return moved;
  }

  /**
   * The rollup job: folds new samples into every stored interval and compacts (the tier-derived
   * intervals store nothing: their buckets are computed from the head and the tier when read).
   * The store also runs it on its own (see `autoMaintenance`); a call while that runs waits for
   * it, then folds what came since.
   */
  async rollUpAndCompact(): Promise<{ buckets: number; moved: number }> {
    this.assertOpen();
    return this.exclusive(async () => {
      const giveBack = this.autoMaintenance?.take();
      try {
        return await this.runJob('rollup', () => this.foldAndCompact());
      } catch (err) {
        giveBack?.();
        throw err;
      }
    });
  }

  /**
   * Resolves once the store's own maintenance is done: no automatic run under way or about to
   * start (rows below the thresholds stay in the head until they pass them). At once when
   * automatic maintenance is off.
   */
  async maintenanceIdle(): Promise<void> {
    await this.autoMaintenance?.idle();
  }

  private async foldAndCompact(): Promise<{ buckets: number; moved: number }> {
    const stored = this.rollups.storedIntervals();
    let buckets = 0;
    // Compaction folds what the stored intervals have not, once their cursors are level.
    const level = Math.max(0, ...stored.map((i) => this.rollups.cursor(i)));
    for (const interval of stored) buckets += await this.fold(interval, level);
    const moved = await this.compactFolded(this.head.maxId());
    this.settings.setNumber('last_rollup_at', this.now());
    return { buckets, moved };
  }

  /**
   * Deletes everything older than now - retentionDays; returns rows deleted (samples + buckets +
   * alerts). Expired data is deleted even when the rollups fail (that failure is in the health).
   */
  async applyRetention(): Promise<number> {
    this.assertOpen();
    return this.exclusive(async () => {
      // Folding first keeps a bucket that straddles the cutoff whole; when it fails, delete first.
      // With no head row before the end of the widest stored bucket holding the cutoff, none of
      // those buckets has anything left to fold.
      const cutoff = this.retentionCutoff(this.days);
      const folded =
        this.head.countBefore(this.endOfWidestBucket(cutoff)).samples === 0 || (await this.foldForRetention());
      const deleted = await this.runJob('retention', async () => this.expireOnAnyDisk(cutoff));
      if (this.quarantine.size() === 0) this.health.clear('quarantined', QUARANTINED_HEAD);
      if (!folded) await this.foldForRetention();
      return deleted;
    });
  }

  /** The end of the widest stored rollup bucket that holds `ts` (ts itself with none stored). */
  private endOfWidestBucket(ts: number): number {
    const widest = Math.max(0, ...this.rollups.storedIntervals().map((i) => INTERVAL_MS[i]));
    return widest === 0 ? ts : (Math.floor(ts / widest) + 1) * widest;
  }

  setRetentionDays(days: number): void {
    this.assertOpen();
    this.days = checkRetentionDays(days);
    this.write(() => this.settings.setNumber('telemetry_retention_days', this.days));
  }

  /** What applyRetention would delete if the retention were `days`. */
  previewRetention(days: number): RetentionPreview {
    this.assertOpen();
    const cutoff = this.retentionCutoff(checkRetentionDays(days));
    const { samples, oldest, newest } = mergeSpans(this.tier.countBefore(cutoff), this.head.countBefore(cutoff));
    return { cutoff, samples, from: oldest, to: newest };
  }

  /** An embedder's own setting (kept in the store's settings table, beside the retention), or null. */
  getAppSetting(name: string): string | null {
    this.assertOpen();
    return this.settings.getText(`app.${checkAppSettingName(name)}`);
  }

  /** Stores an embedder's own setting (a string, e.g. JSON); null removes it. It survives restarts and retention. */
  setAppSetting(name: string, value: string | null): void {
    this.assertOpen();
    const key = `app.${checkAppSettingName(name)}` as const;
    const checked = checkAppSettingValue(value);
    this.write(() => (checked === null ? this.settings.delete(key) : this.settings.setText(key, checked)));
  }

  /**
   * Declares a metric's type, unit and help (stored; see README "Metric types"). Bad metadata is
   * INVALID_ARGUMENT; a declaration that conflicts with the stored data a MetricConflictError.
   */
  describeMetric(meta: MetricMetadata): void {
    this.assertOpen();
    const checked = checkMetadata(meta);
    this.write(() => this.catalog.declare(checked));
  }

  /** A metric's metadata: as declared, else its type inferred from its name and the series stored. */
  metricMetadata(name: string): MetricMetadata {
    this.assertOpen();
    return this.catalog.metadata(name);
  }

  /** The metrics that have series, with their metadata; a histogram once, under its base name. */
  listMetrics(): ListedMetric[] {
    this.assertOpen();
    return this.catalog.list();
  }

  /** The labels of a metric's series (for a histogram's base name: of all its series, `le` included). */
  listLabels(metricName: string): { name: string; values: string[] }[] {
    this.assertOpen();
    const values = new Map<string, Set<string>>();
    const names =
      this.catalog.metadata(metricName).type === 'histogram'
        ? [metricName, ...Object.values(HISTOGRAM_SUFFIXES).map((suffix) => `${metricName}${suffix}`)]
        : [metricName];
    for (const s of names.flatMap((name) => this.registry.ofMetric(name))) {
      for (const [name, value] of Object.entries(s.labels)) {
        const set = values.get(name) ?? new Set<string>();
        set.add(value);
        values.set(name, set);
      }
    }
    return [...values.entries()]
      .map(([name, set]) => ({ name, values: [...set].sort() }))
      .sort((a, b) => a.name.localeCompare(b.name));
  }

  getStats(): StoreStats {
    this.assertOpen();
    return {
      ...mergeSpans(this.tier.totals(), this.head.totals()),
      series: this.registry.size,
      ...this.diskUsage(),
      lastRollup: this.settings.getNumber('last_rollup_at'),
      lastRetention: this.settings.getNumber('last_retention_at'),
      problems: this.health.list(),
    };
  }

  /** The size of the database file and its WAL, in bytes (cheap: two stat calls). */
  diskUsage(): { dbBytes: number; walBytes: number } {
    return { dbBytes: fileSize(this.dbPath), walBytes: fileSize(`${this.dbPath}${SQLITE_SUFFIXES.wal}`) };
  }

  /**
   * Deletes every series matching the selector, with all its data, its baselines and its alerts;
   * returns samples deleted. When another connection's read snapshot keeps the WAL from being
   * reset, the deleted rows stay readable to it: reported as 'deletion-pending' until a
   * checkpoint() resets the WAL.
   */
  deleteSeries(selector: SeriesSelector): number {
    this.assertOpen();
    const names =
      selector.metricName === undefined ? [...this.registry.metrics()].map(([n]) => n) : [selector.metricName];
    const series = names.flatMap((name) => this.registry.match(name, selector.labels));
    const ids = series.map((s) => s.id);
    return this.write(() => {
      this.db.transaction(() => series.forEach((s) => this.alerts.deleteOfSeries(s.metricName, s.labelsJson)))();
      const deleted = dropSeries(this.retentionContext(), ids);
      this.appender.forget(ids);
      this.db.pragma('incremental_vacuum');
      if (checkpointWal(this.db)) this.health.clear('deletion-pending');
      else this.health.report('deletion-pending', 'deleteSeries', PENDING_DELETION);
      return deleted;
    });
  }

  /** Recomputes each series' baseline over the last `windowDays` (default 7); returns rows written. */
  async computeBaselines(options: { windowDays?: number } = {}): Promise<number> {
    this.assertOpen();
    const windowDays = checkPositive(options?.windowDays, 'windowDays', DEFAULT_WINDOW_DAYS);
    return this.write(() => this.baselines.compute(windowDays));
  }

  getBaselines(filter: { metricName?: string; labels?: Labels } = {}): Baseline[] {
    this.assertOpen();
    return this.baselines.list(filter);
  }

  /** Records an alert; returns its id. */
  recordAlert(alert: NewAlert): number {
    this.assertOpen();
    return this.write(() => this.alerts.record(alert));
  }

  /** Alerts, newest first. */
  listAlerts(filter: AlertFilter = {}): Alert[] {
    this.assertOpen();
    return this.alerts.list(filter);
  }

  /**
   * Checks each series' complete 1m buckets since its last check (first time: since its baseline
   * was computed, or from `since`; at most a week back) against its baseline; returns the new alerts and
   * carries the series' anomaly incidents.
   */
  async detectAnomalies(options: { zThreshold?: number; since?: number } = {}): Promise<Alert[]> {
    this.assertOpen();
    const zThreshold = checkPositive(options?.zThreshold, 'zThreshold', DEFAULT_Z_THRESHOLD);
    const since = options?.since === undefined ? undefined : checkPositive(options.since, 'since', 0);
    return this.write(() => this.baselines.detect(zThreshold, { since }).alerts);
  }

  /** Creates (without id) or updates an alert rule; returns it with its id. Bad input is INVALID_ARGUMENT. */
  saveAlertRule(rule: AlertRule): AlertRule {
    this.assertOpen();
    return this.write(() => this.alerting.save(rule));
  }

  listAlertRules(): AlertRule[] {
    this.assertOpen();
    return this.alerting.list();
  }

  /** Deletes a rule (its ongoing incidents end; past ones are kept). */
  deleteAlertRule(id: number): void {
    this.assertOpen();
    this.write(() => this.alerting.delete(id));
  }

  /**
   * Evaluates every enabled rule, and the anomaly checks, over the complete 1m buckets up to `now`
   * (default, and at the latest: the store's clock); returns the incidents opened or whose state changed.
   */
  async evaluateAlertRules(now?: number): Promise<Incident[]> {
    this.assertOpen();
    return this.write(() => this.alerting.evaluate(now));
  }

  /** The incidents a rule would have had over the complete minutes of the range (nothing is stored). */
  previewAlertRule(rule: AlertRule, range: { start: number; end: number }): Incident[] {
    this.assertOpen();
    return this.alerting.preview(rule, range);
  }

  /** Incidents, newest first (at most 1,000). */
  listIncidents(filter: IncidentFilter = {}): Incident[] {
    this.assertOpen();
    return this.alerting.listIncidents(filter);
  }

  acknowledgeIncident(id: number): void {
    this.assertOpen();
    this.write(() => this.alerting.acknowledge(id));
  }

  /**
   * Writes samples (or one rollup's buckets) to a Parquet file, optionally anonymised. Without an
   * output path the file goes to the `exports/` folder beside the database, with a timestamped name.
   */
  async exportToParquet(output?: string, options: ExportOptions = {}): Promise<ExportResult> {
    this.assertOpen();
    if (output !== undefined && typeof output !== 'string')
      throw new InvalidArgumentError('output must be a file path');
    if (output) checkNotStoreFile(this.dbPath, output);
    const { source, start, end } = checkExportOptions(options);
    const selected = compileMatchers(options.labels);
    const scope: ExportScope = {
      series: [...this.registry.all()]
        .filter((s) => selected(s.labels))
        .sort((a, b) => a.metricName.localeCompare(b.metricName) || a.labelsJson.localeCompare(b.labelsJson)),
      start,
      end,
    };
    const base = {
      path: output || defaultExportPath(join(dirname(this.dbPath), 'exports'), this.now(), source),
      anonymize: options.anonymize ?? false,
      range: { start, end },
      onProgress: options.onProgress,
      signal: options.signal,
    };
    const ctx = this.queryContext();
    return source === 'raw'
      ? writeParquetExport({ ...base, source, rows: rawExportRows(ctx, scope), expectedRows: countRawRows(ctx, scope) })
      : writeParquetExport({
          ...base,
          source,
          rows: rollupExportRows(ctx, source, scope),
          expectedRows: countBucketRows(ctx, source, scope),
        });
  }

  /**
   * Runs one read-only SQL statement on the store's own connection, where `metrics_raw` also
   * covers compressed chunks; for ad hoc inspection. Writes are refused.
   */
  sql(query: string, ...params: unknown[]): unknown[] {
    this.assertOpen();
    const stmt = this.db.prepare(query);
    if (!stmt.reader || !stmt.readonly) throw new InvalidArgumentError('sql() runs read-only statements only');
    return stmt.all(...params);
  }

  /**
   * Checkpoints the WAL and truncates it; false when a reader kept it from being reset (a WAL that
   * keeps growing that way is reported in the health). A full disk is a typed DISK_FULL error.
   */
  checkpoint(): boolean {
    this.assertOpen();
    return this.write(() => {
      const reset = checkpointWal(this.db);
      this.watchWal(reset);
      if (reset) this.health.clear('deletion-pending');
      return reset;
    });
  }

  /**
   * Closes the store at once (synchronously). Automatic maintenance schedules nothing more; a job
   * under way (automatic or not) stops before its next step: each step is its own transaction, so
   * what it did is committed whole and the rest waits in the head for the next open. Such a job's
   * promise rejects with STORE_CLOSED (an automatic one's is swallowed).
   */
  close(): void {
    if (this.closed) return;
    this.closed = true;
    this.autoMaintenance?.stop();
    try {
      this.db.close();
    } finally {
      this.lock?.release();
    }
  }

  /**
   * Deletes what has expired. On a full disk it gives the space reserve back and deletes again in
   * small steps, checkpointing the WAL after each; then it takes the reserve again if there is room.
   */
  private expireOnAnyDisk(cutoff: number): number {
    try {
      return this.write(() => this.expire(cutoff, NORMAL_PACE));
    } catch (err) {
      if ((err as StorageError).code !== 'DISK_FULL' || !this.reserve) throw err;
      this.reserve.release();
      return this.write(() => this.expire(cutoff, { seriesPerStep: 1, afterStep: () => checkpointWal(this.db) }));
    } finally {
      this.reserve?.take();
    }
  }

  private expire(cutoff: number, pace: RetentionPace): number {
    pace.afterStep();
    const rows = deleteBefore(this.retentionContext(), cutoff, pace);
    this.appender.reloadLatest();
    this.watchWal(reclaimSpace(this.db, pace));
    this.settings.setNumber('last_retention_at', this.now());
    return rows;
  }

  /** Reports a WAL that checkpoints cannot reset (a long-lived reader) once it outgrows its limit; clears it once reset. */
  private watchWal(reset: boolean): void {
    if (reset) {
      this.health.clear('wal-growing');
      return;
    }
    const { walBytes } = this.diskUsage();
    if (walBytes <= this.walLimit) return;
    this.health.report(
      'wal-growing',
      'wal',
      `the WAL holds ${(walBytes / 1024 / 1024).toFixed(1)} MiB and cannot be reset: another connection keeps a read transaction open`,
    );
  }

  /** Under a size cap, checkpoints and truncates the WAL when the database and the WAL together exceed it. */
  private keepWithinCap(): void {
    if (this.maxSizeBytes === undefined || this.closed) return;
    const { dbBytes, walBytes } = this.diskUsage();
    if (dbBytes + walBytes <= this.maxSizeBytes) return;
    try {
      this.watchWal(checkpointWal(this.db));
    } catch {
      // The disk is full as well: the write says so, and the next one tries again.
    }
  }

  /**
   * Folds the head into every maintained interval, for retention, as the rollup job runs (what no
   * job can process set aside, one more try); false when that fails, reported as the rollup job's
   * failure. Only the rollup job itself clears that report: it also compacts, which this does not.
   */
  private foldForRetention(): Promise<boolean> {
    const foldAll = async (): Promise<void> =>
      this.write(() => {
        const upTo = this.head.maxId();
        for (const interval of this.intervals) runSteps(() => this.rollups.aggregateStep(interval, upTo));
      });
    return this.runJob('rollup', foldAll, { clearsReport: false }).then(
      () => true,
      () => false,
    );
  }

  /**
   * Runs a background job. When it fails, the head rows no job can process are set aside in
   * quarantine and the job runs once more; a failure that remains is reported in the health (until
   * the job next succeeds, which clears it unless `clearsReport` is false) and thrown, typed when
   * the disk is full.
   */
  private async runJob<T>(job: string, run: () => Promise<T>, { clearsReport = true } = {}): Promise<T> {
    try {
      const result = await run().catch(async (err: unknown) => {
        if (this.closed || this.setAsideUnprocessable() === 0) throw err;
        return run();
      });
      if (clearsReport) this.health.clear('job-failed', job);
      return result;
    } catch (err) {
      this.assertOpen(); // closed under the job: whatever it met after that, it is STORE_CLOSED
      throw this.reportJobFailure(job, err);
    }
  }

  /** Reports a job's failure in the health (unless the store was closed under it); returns the typed error. */
  private reportJobFailure(job: string, err: unknown): unknown {
    const typed = translateDiskError(err);
    if (!this.closed) this.health.report('job-failed', job, `${job} failed: ${(typed as Error).message}`);
    return typed;
  }

  /** Moves the head rows no job can process into quarantine; returns rows moved. */
  private setAsideUnprocessable(): number {
    const moved = this.quarantine.sweepHead(this.now());
    if (moved > 0) {
      this.appender.reloadLatest();
      this.reportQuarantine(moved);
    }
    return moved;
  }

  private reportQuarantine(moved: number): void {
    this.health.report(
      'quarantined',
      QUARANTINED_HEAD,
      `${moved} samples that no job could process (a series that is gone, a value that is not a finite number) were set aside; ${this.quarantine.size()} are kept in quarantine until they expire`,
    );
  }

  /** Makes a store left inconsistent by older code or a damaged file consistent again (see repair.ts). */
  private repair(): void {
    const { quarantined, orphansDeleted } = repairOnOpen(this.db, this.quarantine, this.now());
    if (quarantined > 0) this.reportQuarantine(quarantined);
    if (orphansDeleted > 0) {
      this.health.report(
        'quarantined',
        'orphans',
        `${orphansDeleted} stored rows of series that no longer exist were deleted on open`,
      );
    }
  }

  private retentionCutoff(days: number): number {
    return this.now() - days * DAY_MS;
  }

  private queryContext(): QueryContext {
    return {
      registry: this.registry,
      head: this.head,
      tier: this.tier,
      rollups: this.rollups,
      catalog: this.catalog,
    };
  }

  private retentionContext(): RetentionContext {
    return {
      db: this.db,
      alerts: this.alerts,
      incidents: this.incidents,
      baselines: this.baselines,
      quarantine: this.quarantine,
      ...this.queryContext(),
    };
  }

  /** Runs a maintenance job after the ones queued before it (none runs beside another). */
  private exclusive<T>(job: () => Promise<T>): Promise<T> {
    const result = this.jobQueue.then(() => {
      this.assertOpen();
      return job();
    });
    this.jobQueue = result.catch(() => undefined);
    return result;
  }

  /**
   * Runs a long write as bounded steps, handing the event loop back between them (ingest and
   * queries go on meanwhile); a full disk becomes a typed DISK_FULL error.
   */
  private async writeInSteps(step: Step): Promise<number> {
    try {
      return await runStepsYielding(() => {
        this.assertOpen();
        return step();
      });
    } catch (err) {
      throw translateDiskError(err);
    } finally {
      this.keepWithinCap();
    }
  }

  /** Runs a write, turning a full disk into a typed DISK_FULL error; under a size cap, keeps the WAL within it. */
  private write<T>(fn: () => T): T {
    try {
      return fn();
    } catch (err) {
      throw translateDiskError(err);
    } finally {
      this.keepWithinCap();
    }
  }

  private assertOpen(): void {
    if (this.closed) throw new StorageError('STORE_CLOSED', 'the store is closed');
  }
}

/** The health subject of the head rows set aside in quarantine. */
const QUARANTINED_HEAD = 'head';

const PENDING_DELETION =
  'deleted series stay readable to another connection that holds an older snapshot of the store, until the next checkpoint';

/** Takes the store's writer lock; a folder that cannot hold it is CANNOT_OPEN, like the store itself. */
function acquireLock(dbPath: string, now: number): StoreLock {
  try {
    return StoreLock.acquire(dbPath, now);
  } catch (err) {
    throw translateOpenError(err, dbPath);
  }
}

/** Pages freed by a large compaction go back to the file system; a few are left for reuse. */
function releaseFreePages(db: Db): void {
  const free =
    (db.pragma('freelist_count', { simple: true }) as number) * (db.pragma('page_size', { simple: true }) as number);
  if (free > FREE_BYTES_KEPT) db.pragma('incremental_vacuum');
}
