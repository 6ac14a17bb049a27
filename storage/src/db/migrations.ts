/**
 * Numbered schema migrations, applied in order inside one transaction each and recorded in
 * `PRAGMA user_version`. A migration is never edited once released: add a new one.
 *
 * Physical layout (see README "Schema"): `series` holds each (metric, label set) once; new samples
 * are appended to `head`; compaction moves them, per series, into `samples` (uncompressed) or
 * `chunks` (compressed, migration 2); `rollup_<interval>` keeps count/sum/min/max per series and slot
 * (slot = bucket start / interval width), and since migration 7 the first and last samples and the
 * counter increase inside the bucket. The seed's relations (`metrics_raw`, `metrics_1m`...)
 * are views over these tables, readable from the plain sqlite3 shell.
 */
import { chunkChecksum } from '../compression/chunk.ts';
import type { Db } from './connection.ts';
import { StorageError } from '../errors.ts';
import { INTERVALS, INTERVAL_MS } from '../types.ts';

type Migration = (db: Db) => void;

function rollupTable(interval: string): string {
  return `CREATE TABLE rollup_${interval} (
    series_id INTEGER NOT NULL REFERENCES series(id),
    slot INTEGER NOT NULL,
    count INTEGER NOT NULL,
    sum REAL NOT NULL,
    min REAL NOT NULL,
    max REAL NOT NULL,
    PRIMARY KEY (series_id, slot)
  ) STRICT, WITHOUT ROWID;`;
}

function rollupView(interval: string, width: number): string {
  return `CREATE VIEW metrics_${interval} (metric_name, bucket, count, sum, min, max, avg, labels) AS
    SELECT s.metric_name, r.slot * ${width}, r.count, r.sum, r.min, r.max, r.sum / r.count, s.labels
    FROM rollup_${interval} r JOIN series s ON s.id = r.series_id;`;
}

const initialSchema: Migration = (db) => {
  db.exec(`
    CREATE TABLE settings (key TEXT PRIMARY KEY, value TEXT NOT NULL) STRICT;

    CREATE TABLE series (
      id INTEGER PRIMARY KEY,
      metric_name TEXT NOT NULL,
      labels TEXT NOT NULL,
      UNIQUE (metric_name, labels)
    ) STRICT;

    -- value is ANY, not REAL: REAL affinity would store -0.0 as the integer 0 and lose its sign.
    CREATE TABLE head (
      id INTEGER PRIMARY KEY AUTOINCREMENT,
      series_id INTEGER NOT NULL,
      ts INTEGER NOT NULL,
      value ANY NOT NULL
    ) STRICT;
    CREATE INDEX head_by_ts ON head (ts);

    CREATE TABLE samples (
      series_id INTEGER NOT NULL,
      ts INTEGER NOT NULL,
      value REAL NOT NULL,
      PRIMARY KEY (series_id, ts)
    ) STRICT, WITHOUT ROWID;

    CREATE TABLE rollup_state (
      interval TEXT PRIMARY KEY,
      cursor INTEGER NOT NULL
    ) STRICT;

    CREATE TABLE baselines (
      metric_name TEXT NOT NULL,
      labels TEXT NOT NULL,
      mean REAL NOT NULL,
      stddev REAL NOT NULL,
      p50 REAL NOT NULL,
      p95 REAL NOT NULL,
      p99 REAL NOT NULL,
      count INTEGER NOT NULL,
      window_start INTEGER NOT NULL,
      window_end INTEGER NOT NULL,
      computed_at INTEGER NOT NULL,
      PRIMARY KEY (metric_name, labels)
    ) STRICT;

    CREATE TABLE alerts (
      id INTEGER PRIMARY KEY,
      metric_name TEXT NOT NULL,
      labels TEXT NOT NULL,
      alert_type TEXT NOT NULL,
      severity TEXT NOT NULL CHECK (severity IN ('info', 'warning', 'critical')),
      value REAL NOT NULL,
      threshold REAL NOT NULL,
      timestamp INTEGER NOT NULL,
      message TEXT
    ) STRICT;
    CREATE INDEX alerts_by_time ON alerts (timestamp);

    CREATE VIEW metrics_raw (id, metric_name, value, timestamp, labels) AS
      SELECT h.id, s.metric_name, h.value, h.ts, s.labels FROM head h JOIN series s ON s.id = h.series_id
      UNION ALL
      SELECT NULL, s.metric_name, r.value, r.ts, s.labels FROM samples r JOIN series s ON s.id = r.series_id;
  `);
  for (const interval of INTERVALS) {
    db.exec(rollupTable(interval));
    db.exec(rollupView(interval, INTERVAL_MS[interval]));
  }
};

/** Compressed storage: per-series chunks (a rowid table, as chunks of ~1 KB would overflow a WITHOUT ROWID page). */
const compressedChunks: Migration = (db) => {
  db.exec(`
    CREATE TABLE chunks (
      id INTEGER PRIMARY KEY,
      series_id INTEGER NOT NULL,
      first_ts INTEGER NOT NULL,
      last_ts INTEGER NOT NULL,
      count INTEGER NOT NULL,
      payload BLOB NOT NULL
    ) STRICT;
    CREATE INDEX chunks_by_series ON chunks (series_id, first_ts);
  `);
};

/** A checksum per chunk (compression/chunk.ts), verified before decoding; computed here for the chunks already stored. */
const chunkChecksums: Migration = (db) => {
  db.exec('ALTER TABLE chunks ADD COLUMN checksum INTEGER NOT NULL DEFAULT 0');
  const update = db.prepare('UPDATE chunks SET checksum = ? WHERE id = ?');
  const next = db.prepare(
    'SELECT id, series_id, first_ts, last_ts, count, payload FROM chunks WHERE id > ? ORDER BY id LIMIT 1000',
  );
  type Row = { id: number; series_id: number; first_ts: number; last_ts: number; count: number; payload: Uint8Array };
  for (let rows = next.all(0) as Row[]; rows.length > 0; rows = next.all(rows.at(-1)!.id) as Row[]) {
    for (const row of rows) {
      const placement = { seriesId: row.series_id, firstTs: row.first_ts, lastTs: row.last_ts, count: row.count };
      update.run(chunkChecksum(row.payload, placement), row.id);
    }
  }
};

/** Head rows a job could not process (a value that is not a finite number, a series that is gone), set aside. */
const quarantine: Migration = (db) => {
  db.exec(`
    CREATE TABLE quarantine (
      id INTEGER PRIMARY KEY,
      series_id INTEGER NOT NULL,
      ts INTEGER NOT NULL,
      value ANY,
      reason TEXT NOT NULL,
      quarantined_at INTEGER NOT NULL
    ) STRICT;
    CREATE INDEX quarantine_by_ts ON quarantine (ts);
  `);
};

/** The file's `PRAGMA application_id`: "FTLM", this engine's store (sqlite3 shell: `PRAGMA application_id`). */
export const STORE_APPLICATION_ID = 0x46544c4d;

/** Tables every version of the store has (migration 1): how a store from before the marker is recognised. */
export const STORE_TABLES: readonly string[] = ['settings', 'series', 'head', 'samples', 'rollup_state'];

/** Marks the file as this engine's store, so that opening recognises it without reading its tables. */
const storeMarker: Migration = (db) => {
  db.pragma(`application_id = ${STORE_APPLICATION_ID}`);
};

/**
 * Declared metric metadata (describeMetric): a metric's type, unit and help, one row per name (a
 * histogram under its base name). Undeclared metrics have no row: their type is inferred from the
 * name when read, so a store from before this migration needs nothing filled in.
 */
const metricMetadata: Migration = (db) => {
  db.exec(`
    CREATE TABLE metric_metadata (
      name TEXT PRIMARY KEY,
      type TEXT NOT NULL CHECK (type IN ('gauge', 'counter', 'histogram', 'summary', 'unknown')),
      unit TEXT,
      help TEXT
    ) STRICT;
  `);
};

/** The columns counter functions need in every rollup table (rollup/bucket-math.ts describes them). */
const COUNTER_COLUMNS = ['first_ts INTEGER', 'first REAL', 'last_ts INTEGER', 'last REAL', 'inc REAL'];

/**
 * Counter rollups: each bucket also keeps its first and last samples and the counter increase over
 * its own consecutive samples, so that increase and rate are served from the rollups. Existing
 * buckets cannot gain them without their samples, which only the engine can decode (chunks): they
 * are emptied with their cursors, and opening the store rebuilds every configured interval from the
 * tier and folds the head again (tier/layout.ts), as for a newly configured interval. The columns
 * are NULL for series that are not counters; `inc` alone is NULL only inside a fold, for a bucket
 * that a late sample makes recompute from its samples (rollups.ts); the partial index finds those.
 */
const counterRollups: Migration = (db) => {
  for (const interval of INTERVALS) {
    db.exec(`DELETE FROM rollup_${interval}`);
    for (const column of COUNTER_COLUMNS) db.exec(`ALTER TABLE rollup_${interval} ADD COLUMN ${column}`);
    db.exec(
      `CREATE INDEX rollup_${interval}_stale ON rollup_${interval} (series_id, slot) WHERE first_ts IS NOT NULL AND inc IS NULL`,
    );
  }
  db.exec('DELETE FROM rollup_state');
};

/**
 * Alert rules and incidents (alerts/rules.ts, alerts/incidents.ts). A rule's matchers, function
 * and aggregation are one JSON object (`selector`); `evaluated_to` is the end of the last 1m bucket
 * evaluated (NULL: never). An incident is a run of breaching minutes of one rule or anomaly check on
 * one series; `last_breach` is its last breaching minute; `detail` is an anomaly's baseline (JSON).
 * Baselines gain `checked_to`, the end of the last minute anomaly detection compared with them.
 */
const alertRulesAndIncidents: Migration = (db) => {
  db.exec(`
    CREATE TABLE alert_rules (
      id INTEGER PRIMARY KEY,
      name TEXT NOT NULL,
      metric_name TEXT NOT NULL,
      selector TEXT NOT NULL,
      op TEXT NOT NULL CHECK (op IN ('>', '<')),
      threshold REAL NOT NULL,
      for_seconds INTEGER NOT NULL,
      severity TEXT NOT NULL CHECK (severity IN ('info', 'warning', 'critical')),
      enabled INTEGER NOT NULL,
      evaluated_to INTEGER
    ) STRICT;

    CREATE TABLE incidents (
      id INTEGER PRIMARY KEY,
      rule_id INTEGER,
      kind TEXT NOT NULL CHECK (kind IN ('rule', 'anomaly')),
      metric_name TEXT NOT NULL,
      labels TEXT NOT NULL,
      severity TEXT NOT NULL CHECK (severity IN ('info', 'warning', 'critical')),
      state TEXT NOT NULL CHECK (state IN ('pending', 'firing', 'resolved')),
      start_ts INTEGER NOT NULL,
      end_ts INTEGER,
      fired_at INTEGER,
      last_breach INTEGER NOT NULL,
      peak REAL NOT NULL,
      direction TEXT NOT NULL CHECK (direction IN ('above', 'below')),
      threshold REAL NOT NULL,
      detail TEXT,
      acknowledged INTEGER NOT NULL DEFAULT 0
    ) STRICT;
    CREATE INDEX incidents_by_start ON incidents (start_ts);
    CREATE INDEX incidents_open ON incidents (kind, metric_name, labels) WHERE end_ts IS NULL;

    ALTER TABLE baselines ADD COLUMN checked_to INTEGER;
  `);
};

/**
 * Alert rule and incident ids are never reused (AUTOINCREMENT): an incident keeps the id of a rule
 * deleted since, and the storage host remembers which incident ids it notified, so a new rule or
 * incident must not take a deleted one's id. The tables are rebuilt as migration 8 made them but
 * for that, and a rule's ongoing incidents (read at each evaluation) get an index; the rules'
 * sequence starts past every rule id an incident still names.
 */
const alertIdsNeverReused: Migration = (db) => {
  db.exec(`
    CREATE TABLE alert_rules_v9 (
      id INTEGER PRIMARY KEY AUTOINCREMENT,
      name TEXT NOT NULL,
      metric_name TEXT NOT NULL,
      selector TEXT NOT NULL,
      op TEXT NOT NULL CHECK (op IN ('>', '<')),
      threshold REAL NOT NULL,
      for_seconds INTEGER NOT NULL,
      severity TEXT NOT NULL CHECK (severity IN ('info', 'warning', 'critical')),
      enabled INTEGER NOT NULL,
      evaluated_to INTEGER
    ) STRICT;
    INSERT INTO alert_rules_v9 SELECT * FROM alert_rules;
    DROP TABLE alert_rules;
    ALTER TABLE alert_rules_v9 RENAME TO alert_rules;

    CREATE TABLE incidents_v9 (
      id INTEGER PRIMARY KEY AUTOINCREMENT,
      rule_id INTEGER,
      kind TEXT NOT NULL CHECK (kind IN ('rule', 'anomaly')),
      metric_name TEXT NOT NULL,
      labels TEXT NOT NULL,
      severity TEXT NOT NULL CHECK (severity IN ('info', 'warning', 'critical')),
      state TEXT NOT NULL CHECK (state IN ('pending', 'firing', 'resolved')),
      start_ts INTEGER NOT NULL,
      end_ts INTEGER,
      fired_at INTEGER,
      last_breach INTEGER NOT NULL,
      peak REAL NOT NULL,
      direction TEXT NOT NULL CHECK (direction IN ('above', 'below')),
      threshold REAL NOT NULL,
      detail TEXT,
      acknowledged INTEGER NOT NULL DEFAULT 0
    ) STRICT;
    INSERT INTO incidents_v9 SELECT * FROM incidents;
    DROP TABLE incidents;
    ALTER TABLE incidents_v9 RENAME TO incidents;
    CREATE INDEX incidents_by_start ON incidents (start_ts);
    CREATE INDEX incidents_open ON incidents (kind, metric_name, labels) WHERE end_ts IS NULL;
    CREATE INDEX incidents_open_of_rule ON incidents (rule_id) WHERE end_ts IS NULL;

    DELETE FROM sqlite_sequence WHERE name = 'alert_rules';
    INSERT INTO sqlite_sequence (name, seq)
      SELECT 'alert_rules', MAX(COALESCE((SELECT MAX(id) FROM alert_rules), 0), COALESCE((SELECT MAX(rule_id) FROM incidents), 0));
  `);
};

/**
 * The rollup views (`metrics_<interval>`) add the head rows their interval has not folded yet (id
 * past its cursor), grouped into buckets, to the stored ones: with compression, 1m and 5m store
 * nothing and are computed when read (rollup/rollups.ts), and the plain sqlite3 shell still sees
 * the head's buckets. An interval with no cursor (not kept) shows none.
 */
const rollupViewsWithHead: Migration = (db) => {
  for (const interval of INTERVALS) {
    const width = INTERVAL_MS[interval];
    db.exec(`
      DROP VIEW metrics_${interval};
      CREATE VIEW metrics_${interval} (metric_name, bucket, count, sum, min, max, avg, labels) AS
        SELECT s.metric_name, b.slot * ${width}, SUM(b.count), COALESCE(SUM(b.sum), 9e999), MIN(b.min), MAX(b.max),
          COALESCE(SUM(b.sum), 9e999) / SUM(b.count), s.labels
        FROM (
          SELECT series_id, slot, count, sum, min, max FROM rollup_${interval}
          UNION ALL
          SELECT series_id, ts / ${width}, COUNT(*), COALESCE(SUM(value), 9e999), MIN(value), MAX(value) FROM head
            WHERE id > (SELECT cursor FROM rollup_state WHERE interval = '${interval}') GROUP BY series_id, ts / ${width}
        ) b JOIN series s ON s.id = b.series_id
        GROUP BY b.series_id, b.slot;
    `);
  }
};

/**
 * The head loses its index on ts, which every appended row paid for: what read the head by time
 * (retention, counts, the repeat check, a stale bucket's samples) reads the head's in-memory
 * per-series view instead (head/head-view.ts).
 */
const headWithoutTimeIndex: Migration = (db) => {
  db.exec('DROP INDEX IF EXISTS head_by_ts');
};

/**
 * Compaction marks the head rows it has moved, per series (`head_moved`: the rows of series_id with
 * id <= up_to are in the tier and folded), and deletes them as one id range at its window's end:
 * deleting each step's rows one by one wrote every page of the window again at every step. Until
 * then every reader of the head (the per-series view, these views) leaves the marked rows out
 * (the condition is head.ts's UNMOVED_HEAD_ROW, written out here: a released migration never
 * changes). IF NOT EXISTS: the views need the table, so a test that replays older migrations keeps it.
 */
const headMovedMarkers: Migration = (db) => {
  const unmoved = 'NOT EXISTS (SELECT 1 FROM head_moved m WHERE m.series_id = h.series_id AND h.id <= m.up_to)';
  db.exec(`
    CREATE TABLE IF NOT EXISTS head_moved (series_id INTEGER PRIMARY KEY, up_to INTEGER NOT NULL) STRICT;
    DROP VIEW metrics_raw;
    CREATE VIEW metrics_raw (id, metric_name, value, timestamp, labels) AS
      SELECT h.id, s.metric_name, h.value, h.ts, s.labels FROM head h JOIN series s ON s.id = h.series_id
        WHERE ${unmoved}
      UNION ALL
      SELECT NULL, s.metric_name, r.value, r.ts, s.labels FROM samples r JOIN series s ON s.id = r.series_id;
  `);
  for (const interval of INTERVALS) {
    const width = INTERVAL_MS[interval];
    db.exec(`
      DROP VIEW metrics_${interval};
      CREATE VIEW metrics_${interval} (metric_name, bucket, count, sum, min, max, avg, labels) AS
        SELECT s.metric_name, b.slot * ${width}, SUM(b.count), COALESCE(SUM(b.sum), 9e999), MIN(b.min), MAX(b.max),
          COALESCE(SUM(b.sum), 9e999) / SUM(b.count), s.labels
        FROM (
          SELECT series_id, slot, count, sum, min, max FROM rollup_${interval}
          UNION ALL
          SELECT series_id, ts / ${width}, COUNT(*), COALESCE(SUM(value), 9e999), MIN(value), MAX(value) FROM head h
            WHERE id > (SELECT cursor FROM rollup_state WHERE interval = '${interval}') AND ${unmoved}
            GROUP BY series_id, ts / ${width}
        ) b JOIN series s ON s.id = b.series_id
        GROUP BY b.series_id, b.slot;
    `);
  }
};

/**
 * The 1m and 5m buckets are computed when read (rollup/rollups.ts) in both modes now, not stored
 * (before, only with compression): their stored rows and cursors go, which a file of either mode
 * may hold (uncompressed ones all of them; compressed ones those of an earlier version, whose
 * head samples they counted), and their views add the buckets of the `samples` table (empty with
 * compression, whose chunks the app's TEMP views decode), for an interval that is kept (has a
 * cursor), so that the plain sqlite3 shell still sees every uncompressed sample's.
 */
const fineRollupsComputedOnRead: Migration = (db) => {
  const unmoved = 'NOT EXISTS (SELECT 1 FROM head_moved m WHERE m.series_id = h.series_id AND h.id <= m.up_to)';
  for (const interval of ['1m', '5m'] as const) {
    const width = INTERVAL_MS[interval];
    const cursor = `(SELECT cursor FROM rollup_state WHERE interval = '${interval}')`;
    db.exec(`
      DELETE FROM rollup_${interval};
      UPDATE rollup_state SET cursor = 0 WHERE interval = '${interval}';
      DROP VIEW metrics_${interval};
      CREATE VIEW metrics_${interval} (metric_name, bucket, count, sum, min, max, avg, labels) AS
        SELECT s.metric_name, b.slot * ${width}, SUM(b.count), COALESCE(SUM(b.sum), 9e999), MIN(b.min), MAX(b.max),
          COALESCE(SUM(b.sum), 9e999) / SUM(b.count), s.labels
        FROM (
          SELECT series_id, ts / ${width} AS slot, COUNT(*) AS count, COALESCE(SUM(value), 9e999) AS sum,
            MIN(value) AS min, MAX(value) AS max FROM head h
            WHERE id > ${cursor} AND ${unmoved}
            GROUP BY series_id, ts / ${width}
          UNION ALL
          SELECT series_id, ts / ${width}, COUNT(*), COALESCE(SUM(value), 9e999), MIN(value), MAX(value) FROM samples
            WHERE ${cursor} IS NOT NULL
            GROUP BY series_id, ts / ${width}
        ) b JOIN series s ON s.id = b.series_id
        GROUP BY b.series_id, b.slot;
    `);
  }
};

/** Index i holds the migration that takes user_version from i to i + 1. */
export const MIGRATIONS: readonly Migration[] = [
  initialSchema,
  compressedChunks,
  chunkChecksums,
  quarantine,
  storeMarker,
  metricMetadata,
  counterRollups,
  alertRulesAndIncidents,
  alertIdsNeverReused,
  rollupViewsWithHead,
  headWithoutTimeIndex,
  headMovedMarkers,
  fineRollupsComputedOnRead,
];

/** Refuses a store whose user_version is beyond the last migration this code knows (SCHEMA_TOO_NEW). */
export function checkSchemaVersion(version: number, dbPath: string): void {
  if (version > MIGRATIONS.length) {
    throw new StorageError(
      'SCHEMA_TOO_NEW',
      `${dbPath} has schema version ${version}, this version of the engine reads up to ${MIGRATIONS.length}: update the app`,
    );
  }
}

export function migrate(db: Db): number {
  const from = db.pragma('user_version', { simple: true }) as number;
  for (let version = from; version < MIGRATIONS.length; version++) {
    const step = MIGRATIONS[version]!;
    db.transaction(() => {
      step(db);
      db.pragma(`user_version = ${version + 1}`);
    }).immediate();
  }
  return MIGRATIONS.length;
}
